// SPDX-License-Identifier: Apache-2.0
// The power trace of a run (arch/power/power_trace.hpp) against hand derivations: two identical
// WS layers on an 8x8 array with ideal memory (928 cycles each, all computing: the closed form of
// tests/systemc/closed_form_cycles_test.cpp), the first at 1000 MHz / 1.0 V, the second at
// 500 MHz / 0.8 V after a 25 us transition (200 mV at 10 mV/us + 5 us relock). In 0.1 us windows:
//  - a window inside the first layer shows 1000 MHz / 1.0 V, one inside the second 500 / 0.8;
//  - the PEs' leakage power there is 64 x 0.09 mW x V / 0.9 V (the table's default per-PE
//    figure and its linear law): 6.4 mW and 5.12 mW;
//  - their dynamic power falls by (0.8 / 1.0)^2 x 500 / 1000 = 0.32 (same work per cycle,
//    energy per cycle x V^2, cycles per ns x f);
//  - the transition's energy (3600 pJ) lies in the halt's windows;
//  - every block's energy over the windows is the report's;
//  - on a DRAM-bound run whose transfers queue behind each other, no window's DRAM power is
//    above the bandwidth x the energy per byte (each transfer is spread over the span the
//    channel serves it in), and the busiest windows reach it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

sim::ParamValues entry_at_layer(int64_t index, double freq) {
  sim::ParamValues e;
  e.set("layer_index", index);
  e.set("freq_mhz", freq);
  return e;
}

// Per window w of `probe`: core MHz, core V, pe_array dynamic mW, pe_array leakage mW; then the
// dvfs energy inside [928, 25928) ns; then per block: trace pJ, report pJ.
std::vector<double> run_trace(const std::vector<size_t>& probe) {
  return test::in_child([&] {
    workloads::Graph g;
    g.name = "two";
    for (int i = 0; i < 2; ++i)
      test::add_conv(g, {"c" + std::to_string(i), 1, 3, 10, 10, 20, 3, 3});
    arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
    spec.clock.nominal = {1000.0, 1.0};
    spec.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
    spec.clock.transition = arch::DvfsTransitionSpec{10.0, 5.0, 100.0, 0.9};
    spec.clock.policy = "schedule";
    spec.clock.policy_params.set("schedule", sim::ParamRecords{entry_at_layer(1, 500.0)});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(5));
    const sim::PowerTraceRequest req{0.1, "0.1"};
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, {}, nullptr, &req);
    const arch::PowerTrace& t = *res.power_trace;
    size_t pe = 0, dvfs = 0;
    for (size_t b = 0; b < t.blocks.size(); ++b) {
      if (t.blocks[b].name == "pe_array") pe = b;
      if (t.blocks[b].name == "dvfs") dvfs = b;
    }
    std::vector<double> out;
    for (size_t w : probe) {
      const arch::PowerWindow& pw = t.windows.at(w);
      out.insert(out.end(), {pw.core.freq_mhz, pw.core.voltage_v, pw.dynamic_pj[pe] / pw.length_ns,
                             pw.leakage_pj[pe] / pw.length_ns});
    }
    double halt_pj = 0.0;
    for (const arch::PowerWindow& pw : t.windows)
      if (pw.start_ns >= 900.0 && pw.start_ns < 26000.0) halt_pj += pw.dynamic_pj[dvfs];
    out.push_back(halt_pj);
    for (size_t b = 0; b < t.blocks.size(); ++b) {
      double trace = 0.0, report = 0.0;
      for (const arch::PowerWindow& pw : t.windows) trace += pw.dynamic_pj[b] + pw.leakage_pj[b];
      for (const sim::LayerReport& l : res.layers)
        for (const sim::EnergyEntry& e : l.energy)
          if (e.module == t.blocks[b].name) report += e.pj;
      out.insert(out.end(), {trace, report});
    }
    return out;
  });
}

TEST(PowerTraceRun, WindowsShowTheLayersPointsAndHandDerivedPower) {
  // Window 5 = [500, 600) ns inside layer 0; window 265 = [26500, 26600) inside layer 1's
  // compute, which runs [928 + 25000, 928 + 25000 + 1856) ns.
  const std::vector<double> v = run_trace({5, 265});
  ASSERT_GE(v.size(), 9u);
  EXPECT_EQ(v[0], 1000.0);
  EXPECT_EQ(v[1], 1.0);
  EXPECT_EQ(v[4], 500.0);
  EXPECT_EQ(v[5], 0.8);
  EXPECT_NEAR(v[3], 64 * 0.09 * 1.0 / 0.9, 1e-9);
  EXPECT_NEAR(v[7], 64 * 0.09 * 0.8 / 0.9, 1e-9);
  ASSERT_GT(v[2], 0.0);
  EXPECT_NEAR(v[6] / v[2], 0.8 * 0.8 * 0.5, 1e-9);
  // (1 - 0.9) x 100 nF x (1.0^2 - 0.8^2) V^2 = 3600 pJ, all in the halt.
  EXPECT_NEAR(v[8], 3600.0, 1e-6);
  ASSERT_EQ((v.size() - 9) % 2, 0u);
  ASSERT_GT(v.size(), 9u);
  for (size_t i = 9; i < v.size(); i += 2) EXPECT_NEAR(v[i], v[i + 1], 1e-9 * v[i + 1]) << i;
}

TEST(PowerTraceRun, DramPowerStaysWithinTheBandwidth) {
  // Two 3x3 convs on an 8x8 WS array with 0.5 GB/s DRAM (100 ns latency): mostly waiting for
  // DRAM, with loads queued behind each other. Limit: 0.5 GB/s x the report's DRAM energy per
  // byte (its dynamic DRAM energy over its DRAM bytes), in mW (1 GB/s x 1 pJ/B = 1 mW).
  const std::vector<double> v = test::in_child([] {
    workloads::Graph g;
    g.name = "two";
    for (int i = 0; i < 2; ++i)
      test::add_conv(g, {"c" + std::to_string(i), 1, 3, 10, 10, 20, 3, 3});
    const arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 0.5, 64 << 10);
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(5));
    const sim::PowerTraceRequest req{0.05, "0.05"};
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, {}, nullptr, &req);
    double pj = 0, bytes = 0;
    for (const sim::LayerReport& l : res.layers) {
      for (const sim::EnergyEntry& e : l.energy)
        if (e.module == "dram" && e.action != "leakage") pj += e.pj;
      bytes += double(l.accesses.at("dram.read_bytes") + l.accesses.at("dram.write_bytes"));
    }
    const arch::PowerTrace& t = *res.power_trace;
    size_t dram = t.blocks.size();
    for (size_t b = 0; b < t.blocks.size(); ++b)
      if (t.blocks[b].name == "dram") dram = b;
    double peak = 0, trace_pj = 0;
    for (const arch::PowerWindow& w : t.windows) {
      if (dram == t.blocks.size()) break;
      trace_pj += w.dynamic_pj[dram];
      if (w.length_ns > 0) peak = std::max(peak, w.dynamic_pj[dram] / w.length_ns);  // pJ / ns = mW
    }
    return std::vector<double>{0.5 * pj / bytes, peak, trace_pj, pj};
  });
  ASSERT_EQ(v.size(), 4u);
  const double limit_mw = v[0];
  ASSERT_GT(limit_mw, 0.0);
  EXPECT_LE(v[1], limit_mw * (1 + 1e-9));
  EXPECT_GE(v[1], limit_mw * 0.99);  // DRAM-bound: some window is busy all through
  EXPECT_NEAR(v[2], v[3], 1e-9 * v[3]);
}

}  // namespace
}  // namespace adasim
