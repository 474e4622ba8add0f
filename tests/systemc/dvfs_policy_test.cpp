// SPDX-License-Identifier: Apache-2.0
// The DVFS policy picks the point a layer runs at from the V/f table (clock.operating_points):
// with "fixed" at 400 MHz on a table whose 400 MHz point is at 0.7 V, a layer on stall-free
// memory keeps its closed-form cycle count, takes 2.5 ns per cycle instead of the nominal 1 ns,
// and its MACs cost (0.7 / 0.9)^2 of their price at the table's reference voltage (dynamic
// energy ~ V^2; README "Energy model"). The nominal point (1000 MHz, 1.0 V) is never used.
#include <gtest/gtest.h>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

TEST(DvfsPolicy, FixedPointSetsPeriodAndVoltageOfEveryLayer) {
  workloads::Graph g;
  g.name = "one_conv";
  // GEMM: M = 8 x 8 output pixels = 64, Kred = 3 x 3 x 3 = 27, N = 20 filters.
  test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {1000.0, 1.0};
  spec.clock.operating_points = {{400.0, 0.7}, {1000.0, 1.0}};
  spec.clock.policy = "fixed";
  spec.clock.policy_params.set("fixed_freq_mhz", 400.0);
  spec.energy.reference_voltage_v = 0.9;
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
  ASSERT_EQ(res.layers.size(), 1u);
  const sim::LayerReport& l = res.layers[0];
  // WS closed form (tests/systemc/closed_form_cycles_test.cpp): the first weight load (8 rows),
  // then per column fold (8, 8, 4 columns) 4 row folds of 64 + 8 + c - 2 cycles:
  // 8 + 4 * (78 + 78 + 74) = 928 cycles.
  EXPECT_EQ(l.cycles_total, 928u);
  EXPECT_DOUBLE_EQ(l.time_ns, 928 * 2.5);
  ASSERT_EQ(l.time_ns_at_point.size(), 1u);
  EXPECT_EQ(l.time_ns_at_point.begin()->first, "400MHz@0.7V");
  bool found = false;
  for (const sim::EnergyEntry& e : l.energy) {
    if (e.module != "pe_array" || e.action != "mac_int8") continue;
    found = true;
    EXPECT_EQ(e.count, uint64_t(64 * 27 * 20));
    EXPECT_NEAR(e.pj_each, energy.mac_pj(8) * (0.7 / 0.9) * (0.7 / 0.9), 1e-12);
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace adasim
