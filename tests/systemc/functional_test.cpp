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
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using arch::Dataflow;
using Param = std::tuple<int, int, Dataflow, int>;  // rows, cols, dataflow, memory (0 ideal, 1 real, 2 tiny)

class Functional : public ::testing::TestWithParam<Param> {};

TEST_P(Functional, ArrayOutputsEqualReferenceKernels) {
  const auto [ar, ac, df, memory] = GetParam();
  const bool real_memory = memory > 0;
  workloads::Graph g;
  g.name = "functional";
  test::add_conv(g, {"conv_pad", 1, 5, 7, 7, 6, 3, 3, 1, 1});
  test::add_conv(g, {"conv_stride2", 1, 3, 9, 9, 4, 3, 3, 2, 1});
  test::add_conv(g, {"conv_dil2", 1, 4, 9, 8, 5, 3, 3, 1, 2, 2});
  test::add_conv(g, {"conv_groups2", 1, 6, 6, 6, 4, 3, 3, 1, 1, 1, 2});
  test::add_conv(g, {"depthwise", 1, 12, 8, 8, 12, 3, 3, 1, 1, 1, 12});
  test::add_conv(g, {"depthwise_s2", 1, 7, 9, 9, 7, 3, 3, 2, 1, 1, 7});
  test::add_conv(g, {"batch2_1x1", 2, 9, 5, 5, 11, 1, 1});
  test::add_conv(g, {"rect_kernel", 1, 3, 8, 10, 5, 1, 3, 1, 0});
  test::add_fc(g, "fc_batch3", 3, 37, 21);
  test::add_matmul(g, "mm_shared", 2, 5, 19, 13, false);
  test::add_matmul(g, "mm_per_batch", 3, 6, 8, 7, true);

  // The tiny buffer forces chunked streams, chunk-outer loop orders and psum spills.
  const arch::AcceleratorSpec spec =
      memory == 2 ? test::real_spec(ar, ac, df, 2.0, 3 * 1024)
                  : (real_memory ? test::real_spec(ar, ac, df, 2.0, 48 * 1024) : test::ideal_spec(ar, ac, df));
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(99));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(acc.size(), g.layers.size());

  // Fresh copies of the operands from the same seeded generator.
  const auto gen = test::test_generator(99);
  for (const workloads::Layer& l : g.layers) {
    SCOPED_TRACE(l.name);
    const workloads::Int8Buffer a = gen(g.tensor(l.inputs[0]));
    workloads::Int32Buffer want;
    if (l.op == workloads::OpType::kConv2d) {
      want = workloads::reference_conv2d(a, gen(g.tensor(l.weight)), g.shape(l));
    } else if (l.op == workloads::OpType::kFullyConnected) {
      want = workloads::reference_fc(a, gen(g.tensor(l.weight)));
    } else {
      want = workloads::reference_matmul(a, gen(g.tensor(l.weight.empty() ? l.inputs[1] : l.weight)));
    }
    const workloads::Int32Buffer& got = acc.at(l.output);
    ASSERT_EQ(got.data.size(), want.data.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < want.data.size(); ++i) mismatches += got.data[i] != want.data[i];
    EXPECT_EQ(mismatches, 0u) << "of " << want.data.size() << " outputs";
  }
  if (real_memory) {
    uint64_t stalls = 0;
    for (const auto& l : res.layers) stalls += l.cycles_stall;
    EXPECT_GT(stalls, 0u) << "the real-memory variant should exercise stalls and bubbles";
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [ar, ac, df, memory] = info.param;
  return std::to_string(ar) + "x" + std::to_string(ac) + "_" + arch::to_string(df) +
         (memory == 2 ? "_tinybuf" : memory == 1 ? "_realmem" : "_ideal");
}

INSTANTIATE_TEST_SUITE_P(AllDataflows, Functional,
                         ::testing::Combine(::testing::Values(4, 16), ::testing::Values(8),
                                            ::testing::Values(Dataflow::kWeightStationary,
                                                              Dataflow::kOutputStationary,
                                                              Dataflow::kInputStationary),
                                            ::testing::Values(0, 1, 2)),
                         name_of);

}  // namespace
}  // namespace adasim
