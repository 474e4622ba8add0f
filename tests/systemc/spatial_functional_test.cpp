// SPDX-License-Identifier: Apache-2.0
// Functional check of the spatial array: every spatial dataflow computes its int32 results from
// the copies of the operands the engine moved into the register files and the global buffer, so
// a tile the engine failed to (re)load would show up here as a wrong output. Compared bit for bit
// against the plain reference kernels, with a buffer small enough to force DRAM-level tiling
// (psum spills and reloads) and ragged factors.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using SpatialDataflow = std::string;                 // a registered spatial dataflow's name
using Param = std::tuple<SpatialDataflow, int64_t>;  // dataflow, buffer bytes

class SpatialFunctional : public ::testing::TestWithParam<Param> {};

TEST_P(SpatialFunctional, OutputsEqualReferenceKernels) {
  const auto [df, gbuf] = GetParam();
  workloads::Graph g;
  g.name = "spatial_functional";
  test::add_functional_layers(g);

  const arch::AcceleratorSpec spec = test::spatial_spec(4, 4, df, 128, gbuf);
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(7));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(acc.size(), g.layers.size());
  // Every array layer's results equal the reference kernel's, bit for bit.
  const auto mismatches = test::reference_mismatches(g, acc, 7);
  ASSERT_EQ(mismatches.size(), g.layers.size());
  for (const auto& [layer, bad] : mismatches) EXPECT_EQ(bad, 0u) << layer;
  int64_t tiled = 0;
  for (const auto& r : res.layers) {
    EXPECT_EQ(r.dataflow, df) << r.name;
    tiled += r.schedule.at("folds").get<int64_t>() > 1;
  }
  // The small buffer must force DRAM-level tiling (outputs leaving and inputs refetched); psum
  // spills and reloads are covered with fixed loop nests in tests/unit/arch/spatial_engine_test.
  if (gbuf < 4096) {
    EXPECT_GT(tiled, 3);
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [df, gbuf] = info.param;
  return df + "_gbuf" + std::to_string(gbuf);
}

INSTANTIATE_TEST_SUITE_P(AllSpatialDataflows, SpatialFunctional,
                         ::testing::Combine(::testing::Values("rs", "ws", "os_a", "os_b", "os_c",
                                                              "nlr"),
                                            ::testing::Values(int64_t(64 * 1024), int64_t(1536))),
                         name_of);

}  // namespace
}  // namespace adasim
