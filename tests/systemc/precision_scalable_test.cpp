// SPDX-License-Identifier: Apache-2.0
// Precision-scalable PEs (pe_array.precision_scalable): a PE of an 8-bit array runs two 4-bit or
// four 2-bit MAC lanes per cycle, each on its own reduction index. Checked against hand-derived
// closed-form cycles and the reference kernels (bit-exact), with the mapper's estimate equal to
// the simulated cycles on stall-free memory.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name

void set_bits(workloads::Graph& g, int bits) {
  for (auto& [name, t] : g.tensors) t.bits = bits;
}

arch::AcceleratorSpec scalable(int rows, int cols, Dataflow df, bool on = true) {
  arch::AcceleratorSpec spec = test::ideal_spec(rows, cols, df);
  spec.pe_array.mac_bits = 8;
  spec.pe_array.precision_scalable = on;
  return spec;
}

// FC with N = 20 samples (the WS stream), C = 32 (the reduction), K = 8 (the columns) on an
// 8 x 8 WS array with stall-free memory and no NoC latency. Faithful WS timing (README "Timing
// model"): the first fold's stationary load takes one cycle per physical row, later loads hide
// behind the previous stream (shadow registers), and a fold streams for
// T + (physical rows - 1) + (cols - 1) cycles = 20 + 7 + 7 = 34.
//   8-bit operands, 1 lane : 32 / 8  = 4 row folds -> 8 + 4 * 34 = 144 cycles
//   4-bit operands, 2 lanes: 32 / 16 = 2 row folds -> 8 + 2 * 34 = 76 cycles
//   2-bit operands, 4 lanes: 32 / 32 = 1 row fold  -> 8 + 1 * 34 = 42 cycles
class PrecisionCycles : public ::testing::TestWithParam<std::tuple<int, uint64_t>> {};

TEST_P(PrecisionCycles, FcFoldsShrinkByTheLanes) {
  const auto [bits, want] = GetParam();
  workloads::Graph g;
  g.name = "fc";
  test::add_fc(g, "fc", 20, 32, 8);
  set_bits(g, bits);
  const arch::AcceleratorSpec spec = scalable(8, 8, "ws");
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(5));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(res.layers.size(), 1u);
  EXPECT_EQ(res.layers[0].cycles_total, want);
  EXPECT_EQ(res.schedules[0].systolic().mac_lanes, 8 / bits);
  // The estimate is exact on stall-free memory.
  const workloads::Estimate e =
      workloads::estimate(res.schedules[0], spec, sim::mapper_costs(energy, spec));
  EXPECT_DOUBLE_EQ(e.compute_cycles, double(want));
  // The lanes' arithmetic is exact whatever the values (the test generator's are 8-bit).
  for (const auto& [layer, bad] : test::reference_mismatches(g, acc, 5)) EXPECT_EQ(bad, 0u) << layer;
  // Each MAC is priced at the operands' width.
  bool priced = false;
  for (const auto& row : res.layers[0].energy)
    if (row.module == "pe_array" && row.action.rfind("mac_int", 0) == 0) {
      EXPECT_EQ(row.action, "mac_int" + std::to_string(bits == 8 ? 8 : bits));
      priced = true;
    }
  EXPECT_TRUE(priced);
}

INSTANTIATE_TEST_SUITE_P(Widths, PrecisionCycles,
                         ::testing::Values(std::make_tuple(8, uint64_t{144}),
                                           std::make_tuple(4, uint64_t{76}),
                                           std::make_tuple(2, uint64_t{42})));

// Every layer type of the functional set, 4-bit and 2-bit, on WS and IS with lanes, and on OS
// (which keeps one lane): bit-exact results, and the estimate equals the simulated cycles.
class PrecisionFunctional : public ::testing::TestWithParam<std::tuple<Dataflow, int, bool>> {};

TEST_P(PrecisionFunctional, LayersBitExactAndEstimateExact) {
  const auto [df, bits, real_memory] = GetParam();
  workloads::Graph g;
  g.name = "functional";
  test::add_functional_layers(g);
  set_bits(g, bits);
  arch::AcceleratorSpec spec = real_memory ? test::real_spec(8, 8, df, 2.0, 48 * 1024)
                                           : test::ideal_spec(8, 8, df);
  spec.pe_array.precision_scalable = true;
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(77));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  for (const auto& [layer, bad] : test::reference_mismatches(g, acc, 77)) EXPECT_EQ(bad, 0u) << layer;
  const int lanes = df == "os" ? 1 : 8 / bits;
  for (size_t i = 0; i < res.layers.size(); ++i) {
    EXPECT_EQ(res.schedules[i].systolic().mac_lanes, lanes) << res.layers[i].name;
    if (real_memory) continue;
    const workloads::Estimate e =
        workloads::estimate(res.schedules[i], spec, sim::mapper_costs(energy, spec));
    EXPECT_DOUBLE_EQ(e.compute_cycles, double(res.layers[i].cycles_total)) << res.layers[i].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Lanes, PrecisionFunctional,
                         ::testing::Combine(::testing::Values("ws", "is", "os"),
                                            ::testing::Values(4, 2), ::testing::Bool()));

}  // namespace
}  // namespace adasim
