// SPDX-License-Identifier: Apache-2.0
// The power trace's settlement (arch/power/power_trace.hpp) without the kernel, each figure
// derived by hand:
//  - a step spanning window boundaries is spread over them in proportion to time: 250 ns from
//    t = 50 ns over 100 ns windows puts 50/250, 100/250, 100/250 of its compute in windows 0-2;
//  - a point change inside a layer (two steps at 1.0 V and 0.8 V, as a run-time governor makes)
//    shows in the windows' points, and the layer's MAC energy splits as V^2 x compute cycles:
//    1 : 0.64 for equal cycles; its leakage as V x time: 1 : 0.8 for equal times;
//  - a halt without steps (a DVFS transition) carries the transition's energy; DRAM energy
//    follows the DMA bytes over the span they move in;
//  - every row's energy is conserved over the windows.
#include "arch/power/power_trace.hpp"

#include <gtest/gtest.h>

#include "arch/energy/energy_table.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

AcceleratorSpec two_point_spec() {
  AcceleratorSpec s;
  s.clock.nominal = {1000.0, 1.0};
  s.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  return s;
}

LayerResult layer(const std::string& name, double ns, std::vector<EnergyRow> rows) {
  LayerResult l;
  l.name = name;
  l.time_ns = ns;
  l.energy = std::move(rows);
  return l;
}

size_t block(const PowerTrace& t, const std::string& name) {
  for (size_t b = 0; b < t.blocks.size(); ++b)
    if (t.blocks[b].name == name) return b;
  ADD_FAILURE() << "no block " << name;
  return 0;
}

// Windows of 100 ns on the two-point domain.
class PowerTraceWindows : public ::testing::Test {
 protected:
  const AcceleratorSpec spec = two_point_spec();
  const EnergyTable table{spec.energy};
  PowerTraceRecorder rec{spec, table, 100.0, 1000, "test", "window", "0.1"};
};

TEST_F(PowerTraceWindows, StepSpreadsOverWindowsByTime) {
  // Layer of 300 ns: a 50 ns stall step, then one 250 ns step of 250 compute cycles.
  rec.step(0, 0.0, 50.0, 50, 0, spec.clock.nominal);
  rec.step(0, 50.0, 250.0, 250, 250, spec.clock.nominal);
  const PowerTrace t =
      rec.settle({layer("l0", 300.0, {EnergyRow{"pe_array", "mac_int8", 250, 4.0, 1000.0}})});
  ASSERT_EQ(t.windows.size(), 3u);
  const size_t pe = block(t, "pe_array");
  EXPECT_DOUBLE_EQ(t.windows[0].dynamic_pj[pe], 1000.0 * 50 / 250);
  EXPECT_DOUBLE_EQ(t.windows[1].dynamic_pj[pe], 1000.0 * 100 / 250);
  EXPECT_DOUBLE_EQ(t.windows[2].dynamic_pj[pe], 1000.0 * 100 / 250);
  EXPECT_DOUBLE_EQ(t.windows[2].length_ns, 100.0);
}

TEST_F(PowerTraceWindows, PointChangeInsideALayerShowsAndMovesEnergy) {
  const OperatingPoint hi{1000.0, 1.0}, lo{500.0, 0.8};
  // One layer: 100 cycles at 1 GHz (100 ns), a 100 ns halt, 50 cycles at 500 MHz (100 ns).
  rec.step(0, 0.0, 100.0, 100, 100, hi);
  rec.step(0, 200.0, 100.0, 50, 50, lo);
  const PowerTrace t = rec.settle({layer("l0", 300.0,
                                         {EnergyRow{"pe_array", "mac_int8", 150, 1.0, 1000.0},
                                          EnergyRow{"pe_array", "leakage", 1, 900.0, 900.0},
                                          EnergyRow{"dvfs", "transition", 1, 7.0, 7.0}})});
  ASSERT_EQ(t.windows.size(), 3u);
  EXPECT_EQ(t.windows[0].core.freq_mhz, 1000.0);
  EXPECT_EQ(t.windows[0].core.voltage_v, 1.0);
  EXPECT_EQ(t.windows[2].core.freq_mhz, 500.0);
  EXPECT_EQ(t.windows[2].core.voltage_v, 0.8);
  const size_t pe = block(t, "pe_array"), dvfs = block(t, "dvfs");
  // MACs: 100 x 1.0^2 : 50 x 0.8^2 = 100 : 32.
  EXPECT_NEAR(t.windows[0].dynamic_pj[pe], 1000.0 * 100 / 132, 1e-9);
  EXPECT_NEAR(t.windows[1].dynamic_pj[pe], 0.0, 1e-12);
  EXPECT_NEAR(t.windows[2].dynamic_pj[pe], 1000.0 * 32 / 132, 1e-9);
  // Leakage (law V / V_ref): 100 ns x 1.0, the halt at the previous step's voltage 100 ns x 1.0,
  // 100 ns x 0.8.
  EXPECT_NEAR(t.windows[0].leakage_pj[pe], 900.0 * 1.0 / 2.8, 1e-9);
  EXPECT_NEAR(t.windows[1].leakage_pj[pe], 900.0 * 1.0 / 2.8, 1e-9);
  EXPECT_NEAR(t.windows[2].leakage_pj[pe], 900.0 * 0.8 / 2.8, 1e-9);
  // The transition: all in the halt.
  EXPECT_NEAR(t.windows[1].dynamic_pj[dvfs], 7.0, 1e-12);
  EXPECT_NEAR(t.windows[0].dynamic_pj[dvfs] + t.windows[2].dynamic_pj[dvfs], 0.0, 1e-12);
}

TEST_F(PowerTraceWindows, DramFollowsBytesAndLayersKeepTheirEnergy) {
  // Layer 0 (150 ns): 200 bytes issued at 0 and complete at 150 ns, which the DRAM channel
  // serves from 50 to 150 ns; layer 1 (50 ns): 32 bytes served from 150 to 200 ns. DRAM energy
  // follows the service spans, not the transfers' (issue to completion).
  rec.step(0, 0.0, 100.0, 100, 10, spec.clock.nominal);
  rec.transfer(0, 0.0, 150.0, 200);
  rec.dram_transfer(0, 50.0, 150.0, 200);
  rec.step(0, 100.0, 50.0, 50, 10, spec.clock.nominal);
  rec.step(1, 150.0, 50.0, 50, 50, spec.clock.nominal);
  rec.transfer(1, 150.0, 200.0, 32);
  rec.dram_transfer(1, 150.0, 200.0, 32);
  const PowerTrace t =
      rec.settle({layer("l0", 150.0, {EnergyRow{"dram", "read_byte", 200, 1.0, 200.0}}),
                  layer("l1", 50.0, {EnergyRow{"dram", "read_byte", 32, 1.0, 32.0}})});
  ASSERT_EQ(t.windows.size(), 2u);
  const size_t dram = block(t, "dram");
  EXPECT_EQ(t.blocks[dram].domain, DomainId::kDram);
  EXPECT_NEAR(t.windows[0].dynamic_pj[dram], 100.0, 1e-9);
  EXPECT_NEAR(t.windows[1].dynamic_pj[dram], 100.0 + 32.0, 1e-9);
  EXPECT_EQ(t.windows[0].layer, 0u);
  EXPECT_EQ(t.windows[1].layer, 0u);  // layer 1 starts at 150 ns, inside window 1
}

TEST(PowerTrace, TooManyWindowsIsAConfigError) {
  const AcceleratorSpec spec = two_point_spec();
  const EnergyTable table(spec.energy);
  PowerTraceRecorder rec(spec, table, 1.0, 10, "command line", "--power-window-us", "0.001");
  EXPECT_THROW(rec.step(0, 0.0, 100.0, 100, 100, spec.clock.nominal), sim::ConfigError);
}

}  // namespace
}  // namespace adasim::arch
