// SPDX-License-Identifier: Apache-2.0
// Dense layers on stall-free memory: every layer's cycle count must equal the closed-form
// fill + steady + drain count of its dataflow, derived here from the layer shape alone (see
// README "Timing model"), for WS, OS and IS, array sizes 8x8 .. 128x128, folds in both dimensions,
// in adasim's faithful convention and in SCALE-Sim's.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using arch::TimingConvention;

struct Gemm {
  int64_t m, kred, n;
};

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Closed form, independent of the mapper and the array model.
int64_t expected_cycles(Gemm g, Dataflow df, TimingConvention conv, int ar, int ac, int lat) {
  // Which GEMM extent lies on array rows / cols / time.
  int64_t dr = 0, dc = 0, dt = 0;
  if (df == "ws") {
    dr = g.kred;
    dc = g.n;
    dt = g.m;
  } else if (df == "is") {
    dr = g.kred;
    dc = g.m;
    dt = g.n;
  } else if (df == "os") {
    dr = g.m;
    dc = g.n;
    dt = g.kred;
  }
  const int64_t rf = cdiv(dr, ar), cf = cdiv(dc, ac);
  if (conv == TimingConvention::kScaleSim) {
    // SCALE-Sim: every fold pays the full-array skew; WS/IS also a serial AR-cycle weight load.
    const int64_t per_fold = df == "os" ? dt + ar + ac - 2 : 2 * ar + ac + dt - 2;
    return rf * cf * per_fold;
  }
  if (df != "os") {
    // First fold's stationary load is exposed (r cycles); later loads hide in the shadow registers
    // while the previous fold streams. A fold streams dt vectors; psums cross all AR rows and the
    // last used column c adds c-1 cycles of skew.
    int64_t total = std::min<int64_t>(ar, dr);
    for (int64_t j = 0; j < cf; ++j) {
      const int64_t c = std::min<int64_t>(ac, dc - j * ac);
      total += rf * (dt + lat + ar + c - 2);
    }
    return total;
  }
  // OS: compute dt + r + c - 2 (+ latency) per fold; results drain in AR cycles through a chain
  // that overlaps the next fold but must be empty before the next capture.
  int64_t t = 0, drain_end = 0;
  for (int64_t i = 0; i < rf; ++i)
    for (int64_t j = 0; j < cf; ++j) {
      const int64_t r = std::min<int64_t>(ar, dr - i * ar), c = std::min<int64_t>(ac, dc - j * ac);
      t += dt + lat + r + c - 2;
      t = std::max(t, drain_end);
      drain_end = t + ar;
    }
  return drain_end;
}

using Param = std::tuple<int, int, Dataflow, TimingConvention, int>;

class ClosedFormCycles : public ::testing::TestWithParam<Param> {};

TEST_P(ClosedFormCycles, EveryLayerMatches) {
  const auto [ar, ac, df, conv, lat] = GetParam();
  workloads::Graph g;
  g.name = "shapes";
  std::vector<Gemm> gemm;
  auto conv_layer = [&](test::ConvDesc d) {
    test::add_conv(g, d);
    const int64_t p = (d.h + 2 * d.pad - d.dil * (d.r - 1) - 1) / d.stride + 1;
    const int64_t q = (d.w + 2 * d.pad - d.dil * (d.s - 1) - 1) / d.stride + 1;
    gemm.push_back({d.n * p * q, d.c * d.r * d.s, d.k});
  };
  conv_layer({"c3x3", 1, 3, 10, 10, 20, 3, 3});
  conv_layer({"c3x3_pad", 1, 16, 6, 6, 40, 3, 3, 1, 1});
  conv_layer({"c1x1_s2", 2, 8, 9, 9, 8, 1, 1, 2});
  conv_layer({"c1x1_wide", 1, 130, 3, 3, 140, 1, 1});
  test::add_fc(g, "fc", 5, 100, 70);
  gemm.push_back({5, 100, 70});
  test::add_matmul(g, "mm", 2, 7, 33, 9, false);
  gemm.push_back({14, 33, 9});

  const arch::AcceleratorSpec spec = test::ideal_spec(ar, ac, df, conv, lat);
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(7));
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
  ASSERT_EQ(res.layers.size(), gemm.size());
  for (size_t i = 0; i < gemm.size(); ++i) {
    SCOPED_TRACE(g.layers[i].name);
    const sim::LayerReport& l = res.layers[i];
    EXPECT_EQ(l.cycles_stall, 0u);
    EXPECT_EQ(int64_t(l.cycles_total), expected_cycles(gemm[i], df, conv, ar, ac, lat));
    EXPECT_EQ(int64_t(l.macs), gemm[i].m * gemm[i].kred * gemm[i].n);
    // Never faster than the peak MAC rate.
    EXPECT_GE(double(l.cycles_total) * ar * ac, double(l.macs));
  }
}

std::string name_of(const ::testing::TestParamInfo<Param>& info) {
  const auto [ar, ac, df, conv, lat] = info.param;
  return std::to_string(ar) + "x" + std::to_string(ac) + "_" + df + "_" +
         arch::to_string(conv) + "_lat" + std::to_string(lat);
}

INSTANTIATE_TEST_SUITE_P(Faithful, ClosedFormCycles,
                         ::testing::Combine(::testing::Values(8, 16, 32), ::testing::Values(8, 32),
                                            ::testing::Values("ws", "os", "is"),
                                            ::testing::Values(TimingConvention::kFaithful),
                                            ::testing::Values(0, 2)),
                         name_of);
INSTANTIATE_TEST_SUITE_P(ScaleSim, ClosedFormCycles,
                         ::testing::Combine(::testing::Values(8, 32), ::testing::Values(8, 16),
                                            ::testing::Values("ws", "os", "is"),
                                            ::testing::Values(TimingConvention::kScaleSim),
                                            ::testing::Values(0)),
                         name_of);
INSTANTIATE_TEST_SUITE_P(Large, ClosedFormCycles,
                         ::testing::Combine(::testing::Values(128), ::testing::Values(128),
                                            ::testing::Values("ws", "os", "is"),
                                            ::testing::Values(TimingConvention::kFaithful,
                                                              TimingConvention::kScaleSim),
                                            ::testing::Values(1)),
                         name_of);

}  // namespace
}  // namespace adasim
