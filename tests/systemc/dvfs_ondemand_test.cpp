// SPDX-License-Identifier: Apache-2.0
// The "ondemand" governor (arch/dvfs/impl/ondemand_policy.cpp) switching in the middle of a
// layer, against hand derivations:
//  - a compute-bound layer whose governor steps down at every sample runs each stretch at its
//    own period: time = sum of cycles x period + the transitions' ramp + relock, with the halts
//    whole cycles of the new clock; its dynamic energy is the one-point run's x the busy-cycle
//    share of each (V / V0)^2, its leakage the one-point run's power x sum time x V / V0;
//  - a DRAM-bound layer (DRAM in its own fixed domain) steps down, each transition paying
//    exactly ramp + relock and (1 - eta) C |V1^2 - V0^2|, and its time barely moves;
//  - fast mode (stretches split at the samples) and per-cycle mode give the same figures, and the
//    per-cycle check of every stretch passes.
// (Thresholds that never trigger equal "static": tests/unit/cli/dvfs_cli_test.cpp.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

// The figures of a one-layer run: 0 cycles_total, 1 compute, 2 dvfs stall, 3 time_ns,
// 4 transitions, 5 transition ns, 6 transition pJ, 7-9 ns at 1000 / 500 / 250 MHz, 10 core
// dynamic pJ, 11 core leakage pJ, 12 DRAM stall.
using Figures = std::vector<double>;

double at_point(const sim::LayerReport& l, const std::string& p) {
  const auto it = l.time_ns_at_point.find(p);
  return it == l.time_ns_at_point.end() ? 0.0 : it->second;
}

double stall(const sim::LayerReport& l, const std::string& cause) {
  const auto it = l.stall_by_cause.find(cause);
  return it == l.stall_by_cause.end() ? 0.0 : double(it->second);
}

Figures figures(const sim::LayerReport& l) {
  double dyn = 0, leak = 0;
  for (const sim::EnergyEntry& e : l.energy) {
    if (e.module == "dram" || e.module == "dvfs") continue;
    (e.action == "leakage" ? leak : dyn) += e.pj;
  }
  return {double(l.cycles_total),
          double(l.cycles_compute),
          stall(l, "dvfs"),
          l.time_ns,
          l.dvfs ? double(l.dvfs->transitions) : 0.0,
          l.dvfs ? l.dvfs->time_ns : 0.0,
          l.dvfs ? l.dvfs->energy_pj : 0.0,
          at_point(l, "1000MHz@1V"),
          at_point(l, "500MHz@0.8V"),
          at_point(l, "250MHz@0.7V"),
          dyn,
          leak,
          stall(l, "dram")};
}

// One 3x3 conv (8x8 outputs, 3 channels, 20 filters: 928 cycles on an 8x8 WS array with ideal
// memory, tests/systemc/closed_form_cycles_test.cpp), in a child process.
Figures run_conv(const arch::AcceleratorSpec& spec, arch::RunMode mode = {}) {
  return test::in_child([&spec, mode] {
    workloads::Graph g;
    g.name = "one_conv";
    test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(3));
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, mode);
    return figures(res.layers.at(0));
  });
}

// 1000 MHz @ 1.0 V nominal, 500 @ 0.8 and 250 @ 0.7; slew 10 mV/us, relock 5 us, C 100 nF,
// eta 0.9: 1000 <-> 500 takes 20 + 5 = 25 us, 500 <-> 250 takes 10 + 5 = 15 us.
arch::AcceleratorSpec governed(arch::AcceleratorSpec spec, double sample_us, double up,
                               double down) {
  spec.clock.nominal = {1000.0, 1.0};
  spec.clock.operating_points = {{250.0, 0.7}, {500.0, 0.8}, {1000.0, 1.0}};
  spec.clock.transition = arch::DvfsTransitionSpec{10.0, 5.0, 100.0, 0.9};
  spec.energy.reference_voltage_v = 0.9;
  spec.clock.policy = "ondemand";
  spec.clock.policy_params.set("sample_us", sample_us);
  spec.clock.policy_params.set("up_threshold", up);
  spec.clock.policy_params.set("down_threshold", down);
  spec.clock.policy_params.set("down_samples", int64_t(1));
  spec.clock.policy_params.set("load", std::string("busy"));
  return spec;
}

arch::AcceleratorSpec one_point(arch::AcceleratorSpec spec, const arch::OperatingPoint& p) {
  spec.clock.nominal = p;
  spec.clock.operating_points = {p};
  spec.energy.reference_voltage_v = 0.9;
  return spec;
}

TEST(DvfsOndemand, ComputeBoundLayerStepsDownAtKnownSamples) {
  // down_threshold 1: every sample with load <= 1 steps one point down (up_threshold 1: never
  // up). Samples every 200 ns from the start, the timer restarting at each transition's end:
  //  - 0..200 ns: 200 cycles at 1 ns; the sample at 200 ns goes down to 500 MHz: 25 us halt =
  //    12500 cycles of 2 ns; the clock runs again at 25200 ns;
  //  - 25200..25400 ns: 100 cycles at 2 ns; the sample at 25400 goes down to 250 MHz: 15 us halt
  //    = 3750 cycles of 4 ns; runs again at 40400 ns;
  //  - the other 928 - 300 = 628 cycles at 4 ns = 2512 ns (later samples: already the lowest).
  const auto base = test::ideal_spec(8, 8, "ws");
  const Figures f = run_conv(governed(base, 0.2, 1.0, 1.0));
  EXPECT_EQ(f[1], 928.0);
  EXPECT_EQ(f[2], 12500.0 + 3750.0);
  EXPECT_EQ(f[0], 928.0 + 12500.0 + 3750.0);
  EXPECT_DOUBLE_EQ(f[3], 200.0 + 25000.0 + 200.0 + 15000.0 + 2512.0);
  EXPECT_EQ(f[4], 2.0);
  EXPECT_DOUBLE_EQ(f[5], 40000.0);
  // (1 - 0.9) x 100 nF x ((1.0^2 - 0.8^2) + (0.8^2 - 0.7^2)) V^2 = 3.6 + 1.5 nJ.
  EXPECT_NEAR(f[6], 5100.0, 1e-9);
  EXPECT_NEAR(f[7], 200.0, 1e-9);
  EXPECT_NEAR(f[8], 200.0, 1e-9);
  EXPECT_NEAR(f[9], 2512.0, 1e-9);
  // Energy against the same layer all at 1000 MHz @ 1.0 V (same activity, 928 ns): dynamic x
  // (200 x 1.0^2 + 100 x 0.8^2 + 628 x 0.7^2) / 928; leakage (P ~ V) over each span's time,
  // halts included at the span's point: P(1.0) x (200 x 1.0 + 25200 x 0.8 + 17512 x 0.7).
  auto st = one_point(base, {1000.0, 1.0});
  const Figures s = run_conv(st);
  ASSERT_EQ(s[0], 928.0);
  EXPECT_NEAR(f[10], s[10] * (200.0 + 100.0 * 0.64 + 628.0 * 0.49) / 928.0, 1e-9 * s[10]);
  EXPECT_NEAR(f[11], s[11] / 928.0 * (200.0 + 25200.0 * 0.8 + 17512.0 * 0.7), 1e-9 * f[11]);
}

TEST(DvfsOndemand, FastModeSplitsStretchesAtTheSamples) {
  const auto base = test::ideal_spec(8, 8, "ws");
  const auto spec = governed(base, 0.2, 1.0, 1.0);
  const Figures cycle = run_conv(spec);
  arch::RunMode fast;
  fast.fast = true;
  arch::RunMode check;
  check.check = true;
  EXPECT_EQ(run_conv(spec, fast), cycle);
  EXPECT_EQ(run_conv(spec, check), cycle);
  // A DRAM-bound layer too (waits cut at the samples).
  const auto mem = governed(test::real_spec(8, 8, "ws", 0.05, 64 << 10), 2.0, 0.9, 0.5);
  const Figures mem_cycle = run_conv(mem);
  EXPECT_EQ(run_conv(mem, fast), mem_cycle);
  EXPECT_EQ(run_conv(mem, check), mem_cycle);
}

TEST(DvfsOndemand, DramBoundLayerStepsDownAndEachTransitionPaysRampAndRelock) {
  // 0.05 GB/s DRAM (tests/systemc/dvfs_scaling_test.cpp): the core mostly waits, so the load
  // stays under 0.5 and the governor steps down; two points only, so every transition is
  // 1000 <-> 500 MHz: 25 us and 3.6 nJ each.
  auto spec = governed(test::real_spec(8, 8, "ws", 0.05, 64 << 10), 2.0, 0.9, 0.5);
  spec.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  const Figures f = run_conv(spec);
  const Figures s = run_conv(one_point(test::real_spec(8, 8, "ws", 0.05, 64 << 10), {1000.0, 1.0}));
  ASSERT_GE(f[4], 1.0);
  EXPECT_DOUBLE_EQ(f[5], f[4] * 25000.0);
  EXPECT_NEAR(f[6], f[4] * 3600.0, 1e-9 * f[6]);
  EXPECT_GT(f[8], 0.0);  // it ran at 500 MHz
  EXPECT_GT(f[12], 0.0);
  // The halts are whole cycles of the clock after each transition: at least 25 us / 2 ns each.
  EXPECT_GE(f[2], f[4] * 12500.0);
  // The DRAM interface keeps its clock and streams on through the halts: the stream sets the
  // time (at least the static run's, which is all stream and compute overlapped), and the
  // halts add at most their own time.
  EXPECT_GE(f[3], s[3] * 0.95);
  EXPECT_LE(f[3], s[3] + f[5]);
}

TEST(DvfsOndemand, GatedBlocksFiguresArePricedWithTheirRows) {
  // A 32x32 WS array runs a 1x1 conv of 2 filters (2 PEs, under 200 cycles: no sample), then
  // a 3x3 conv over 34x34 inputs (Kred 27 rows, 20 columns: 540 of 1024 PEs, about 1100
  // cycles); per_layer power gating keeps the PEs a layer does not use off, so the second layer
  // wakes the ones it adds. The governor steps down as in ComputeBoundLayerStepsDownAtKnownSamples
  // during the second layer, which runs at 1000, 500 and 250 MHz: its energy rows are re-priced
  // over the three. The PE array's figures must follow its rows: its wake-up energy is its
  // wakeup row, and the leakage it saved is what the off unit-cycles would have leaked at the
  // same prices: saved / leaked = off / on, with off the power-gated unit-cycles and
  // on = units x cycles - off (no retention).
  auto spec = governed(test::ideal_spec(32, 32, "ws"), 0.2, 1.0, 1.0);
  spec.power.enabled = true;
  spec.power.policy = "per_layer";
  spec.power.power_gated = {"pe_array"};
  const std::vector<double> f = test::in_child([&spec] {
    workloads::Graph g;
    g.name = "two_convs";
    test::add_conv(g, {"c1x1", 1, 1, 3, 3, 2, 1, 1});
    test::add_conv(g, {"c3x3", 1, 3, 34, 34, 20, 3, 3});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(3));
    const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
    const sim::LayerReport& l = res.layers.at(1);
    double wake_row = 0, leak_row = 0;
    for (const sim::EnergyEntry& e : l.energy) {
      if (e.module != "pe_array") continue;
      if (e.action == "wakeup") wake_row += e.pj;
      if (e.action == "leakage") leak_row += e.pj;
    }
    const arch::BlockPower& pe = l.power.at("pe_array");
    return std::vector<double>{double(l.time_ns_at_point.size()),
                               wake_row,
                               pe.wakeup_pj,
                               leak_row,
                               pe.leakage_saved_pj,
                               double(pe.power_gated_unit_cycles),
                               double(pe.units) * double(l.cycles_total)};
  });
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0], 3.0);
  ASSERT_GT(f[1], 0.0);
  EXPECT_NEAR(f[2], f[1], 1e-9 * f[1]);
  const double off = f[5], on = f[6] - f[5];
  ASSERT_GT(off, 0.0);
  EXPECT_NEAR(f[4], f[3] * off / on, 1e-9 * f[4]);
}

}  // namespace
}  // namespace adasim
