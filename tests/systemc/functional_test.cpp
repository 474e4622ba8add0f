// SPDX-License-Identifier: Apache-2.0
// Functional check of the datapath: the int32 results that leave the systolic array (after real
// int8 operands moved through its registers) are bit-exact against the plain reference kernels
// (workloads/reference) for stride, padding, dilation, groups, depthwise, batch > 1, FC with batch
// and matmuls (shared and per-batch B), for every dataflow, with real (stalling) memory too.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;                       // a registered dataflow's name
using Param = std::tuple<int, int, Dataflow, int>;  // rows, cols, dataflow, memory (0 ideal, 1 real, 2 tiny)

class Functional : public ::testing::TestWithParam<Param> {};

TEST_P(Functional, ArrayOutputsEqualReferenceKernels) {
  const auto [ar, ac, df, memory] = GetParam();
  const bool real_memory = memory > 0;
  workloads::Graph g;
  g.name = "functional";
  test::add_functional_layers(g);

  // The tiny buffer forces chunked streams, chunk-outer loop orders and psum spills.
  const arch::AcceleratorSpec spec =
      memory == 2 ? test::real_spec(ar, ac, df, 2.0, 3 * 1024)
                  : (real_memory ? test::real_spec(ar, ac, df, 2.0, 48 * 1024) : test::ideal_spec(ar, ac, df));
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(99));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(acc.size(), g.layers.size());

  // Every array layer's results equal the reference kernel's, bit for bit.
  const auto mismatches = test::reference_mismatches(g, acc, 99);
  ASSERT_EQ(mismatches.size(), g.layers.size());
  for (const auto& [layer, bad] : mismatches) EXPECT_EQ(bad, 0u) << layer;
  if (real_memory) {
    uint64_t stalls = 0;
    for (const auto& l : res.layers) stalls += l.cycles_stall;
    EXPECT_GT(stalls, 0u) << "the real-memory variant should exercise stalls and bubbles";
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [ar, ac, df, memory] = info.param;
  return std::to_string(ar) + "x" + std::to_string(ac) + "_" + df +
         (memory == 2 ? "_tinybuf" : memory == 1 ? "_realmem" : "_ideal");
}

INSTANTIATE_TEST_SUITE_P(AllDataflows, Functional,
                         ::testing::Combine(::testing::Values(4, 16), ::testing::Values(8),
                                            ::testing::Values("ws", "os", "is"),
                                            ::testing::Values(0, 1, 2)),
                         name_of);

}  // namespace
}  // namespace adasim
