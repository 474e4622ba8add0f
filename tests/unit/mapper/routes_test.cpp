// SPDX-License-Identifier: Apache-2.0
// Operand routes through the memory hierarchy (arch/program/transfers.hpp): one hop from DRAM
// when the level feeding the array is filled from DRAM, one more per level it is chained under;
// the level feeding the array is the innermost one holding the operand; the mapper's plans follow
// them.
#include <gtest/gtest.h>

#include <string>

#include "arch/program/transfers.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim {
namespace {

using arch::Hop;
using arch::kDram;
using arch::Operand;

TEST(OperandRoutes, FollowTheChainOfParents) {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  // One global buffer: every operand crosses one hop, DRAM -> level 0.
  for (const auto& r : arch::operand_routes(spec)) EXPECT_EQ(r, (std::vector<Hop>{{kDram, 0}}));
  // An L1 for the ifmap under the buffer, which keeps holding it too: the L1 feeds the array.
  arch::SramLevelSpec l1 = spec.sram[0];
  l1.name = "l1";
  l1.parent = spec.sram[0].name;
  l1.holds = {Operand::kIfmap};
  spec.sram.push_back(l1);
  EXPECT_EQ(spec.level_index_of(Operand::kIfmap), 1);
  EXPECT_EQ(spec.level_index_of(Operand::kWeight), 0);
  const auto routes = arch::operand_routes(spec);
  EXPECT_EQ(routes[size_t(Operand::kIfmap)], (std::vector<Hop>{{kDram, 0}, {0, 1}}));
  EXPECT_EQ(routes[size_t(Operand::kWeight)], (std::vector<Hop>{{kDram, 0}}));
  // The mapper tiles both levels (chain_tiling_test.cpp): its plan follows the routes.
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 4, 6, 6, 4, 3, 3, 1, 1});
  const workloads::LayerSchedule s = workloads::map_layer(g, g.layers[0], spec);
  for (int o = 0; o < arch::kNumOperands; ++o)
    EXPECT_EQ(s.transfers.operands[size_t(o)].route, routes[size_t(o)]);
  // Parents that loop never reach DRAM.
  spec.sram[0].parent = "l1";
  EXPECT_THROW(arch::operand_routes(spec), sim::ModelError);
}

}  // namespace
}  // namespace adasim
