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
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using arch::SpatialDataflow;
using Param = std::tuple<SpatialDataflow, int64_t>;  // dataflow, buffer bytes

class SpatialFunctional : public ::testing::TestWithParam<Param> {};

TEST_P(SpatialFunctional, OutputsEqualReferenceKernels) {
  const auto [df, gbuf] = GetParam();
  workloads::Graph g;
  g.name = "spatial_functional";
  test::add_conv(g, {"conv_pad", 1, 5, 7, 7, 6, 3, 3, 1, 1});
  test::add_conv(g, {"conv_stride2", 1, 3, 9, 9, 4, 3, 3, 2, 1});
  test::add_conv(g, {"conv_dil2", 1, 4, 9, 8, 5, 3, 3, 1, 2, 2});
  test::add_conv(g, {"conv_groups2", 1, 6, 6, 6, 4, 3, 3, 1, 1, 1, 2});
  test::add_conv(g, {"depthwise", 1, 12, 8, 8, 12, 3, 3, 1, 1, 1, 12});
  test::add_conv(g, {"batch2_1x1", 2, 9, 5, 5, 11, 1, 1});
  test::add_conv(g, {"rect_kernel", 1, 3, 8, 10, 5, 1, 3, 1, 0});
  test::add_fc(g, "fc_batch3", 3, 37, 21);
  test::add_matmul(g, "mm_shared", 2, 5, 19, 13, false);
  test::add_matmul(g, "mm_per_batch", 3, 6, 8, 7, true);

  const arch::AcceleratorSpec spec = test::spatial_spec(4, 4, df, 128, gbuf);
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(7));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(acc.size(), g.layers.size());
  const auto gen = test::test_generator(7);
  for (const workloads::Layer& l : g.layers) {
    SCOPED_TRACE(l.name);
    const workloads::Int8Buffer a = gen(g.tensor(l.inputs[0]));
    workloads::Int32Buffer want;
    if (l.op == workloads::OpType::kConv2d)
      want = workloads::reference_conv2d(a, gen(g.tensor(l.weight)), g.shape(l));
    else if (l.op == workloads::OpType::kFullyConnected)
      want = workloads::reference_fc(a, gen(g.tensor(l.weight)));
    else
      want = workloads::reference_matmul(a, gen(g.tensor(l.weight.empty() ? l.inputs[1] : l.weight)));
    const workloads::Int32Buffer& got = acc.at(l.output);
    ASSERT_EQ(got.data.size(), want.data.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < want.data.size(); ++i) mismatches += got.data[i] != want.data[i];
    EXPECT_EQ(mismatches, 0u) << "of " << want.data.size() << " outputs";
  }
  int64_t tiled = 0;
  for (const auto& r : res.layers) {
    EXPECT_EQ(r.dataflow, arch::to_string(df)) << r.name;
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
  return std::string(arch::to_string(df)) + "_gbuf" + std::to_string(gbuf);
}

INSTANTIATE_TEST_SUITE_P(
    AllSpatialDataflows, SpatialFunctional,
    ::testing::Combine(::testing::Values(SpatialDataflow::kRs, SpatialDataflow::kWs,
                                         SpatialDataflow::kOsA, SpatialDataflow::kOsB,
                                         SpatialDataflow::kOsC, SpatialDataflow::kNlr),
                       ::testing::Values(int64_t(64 * 1024), int64_t(1536))),
    name_of);

}  // namespace
}  // namespace adasim
