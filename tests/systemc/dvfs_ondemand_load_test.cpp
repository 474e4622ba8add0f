// SPDX-License-Identifier: Apache-2.0
// The ondemand governor's load signal (clock.load, arch/dvfs/impl/ondemand_policy.cpp) and the
// PE-cycles of work it reads (arch/engine/step.hpp StepResult::pe_cycles), against hand
// derivations from the layer's shape alone:
//  - a GEMM that keeps the array busy every cycle but maps onto 16 of its 64 PEs: under "busy"
//    the governor steps up, under "pe_utilization" it does not, and with down_threshold above
//    the utilization it steps down;
//  - the utilization of its first and second windows, pinned between thresholds on either side
//    of the closed form (the point and time of the governor's first step tell which side);
//  - fast mode (stretches split at the samples) and the per-cycle check give the same figures;
//  - per layer, the PE-cycles of work equal the MACs (one MAC lane per PE) and, over PEs x
//    cycles, the report's utilization.pe on stall-free memory, for WS, OS and IS layers and on
//    a spatial array (an outside check of the counter: the report derives utilization.pe from
//    the mapper's MAC count, not from the steps).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

// The FC layer: M = 1500 rows of 8 inputs times 8 x 2 weights. On an 8x8 weight-stationary
// array with stall-free memory (tests/systemc/closed_form_cycles_test.cpp): Kred = 8 on the 8
// rows (one row fold), N = 2 on 2 of the 8 columns, M = 1500 in time. The first (only) fold's
// stationary load is exposed: 8 cycles; then one vector of 8 inputs enters the array every
// cycle for 1500 cycles, each one 8 x 2 = 16 MACs on 16 PEs; the last vector leaves the array
// ar - 1 + c - 1 = 8 cycles later: 8 + 1500 + 8 = 1516 cycles, every one busy (compute, no stall).
constexpr double kCycles = 1516, kMacs = 1500.0 * 16.0, kPes = 64;

// 1000 MHz @ 1.0 V, 500 @ 0.8 (nominal: the run starts there) and 250 @ 0.7; sample every 1 us
// = 500 cycles of 2 ns at 500 MHz; transitions of 20 + 5 us (500 <-> 1000) or 10 + 5 us
// (500 <-> 250) as in tests/systemc/dvfs_ondemand_test.cpp.
arch::AcceleratorSpec governed(const std::string& load, double up, double down) {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {500.0, 0.8};
  spec.clock.operating_points = {{250.0, 0.7}, {500.0, 0.8}, {1000.0, 1.0}};
  spec.clock.transition = arch::DvfsTransitionSpec{10.0, 5.0, 100.0, 0.9};
  spec.energy.reference_voltage_v = 0.9;
  spec.clock.policy = "ondemand";
  spec.clock.policy_params.set("sample_us", 1.0);
  spec.clock.policy_params.set("up_threshold", up);
  spec.clock.policy_params.set("down_threshold", down);
  spec.clock.policy_params.set("down_samples", int64_t(1));
  spec.clock.policy_params.set("load", load);
  return spec;
}

double at_point(const sim::LayerReport& l, const std::string& p) {
  const auto it = l.time_ns_at_point.find(p);
  return it == l.time_ns_at_point.end() ? 0.0 : it->second;
}

// 0 transitions, 1 ns at 500 MHz, 2 at 1000, 3 at 250, 4 compute cycles, 5 stall cycles but
// the DVFS halts, 6 PE-cycles of work.
std::vector<double> run_fc(const arch::AcceleratorSpec& spec, arch::RunMode mode = {}) {
  return test::in_child([&spec, mode] {
    workloads::Graph g;
    g.name = "fc";
    test::add_fc(g, "fc", 1500, 8, 2);
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(5));
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, mode);
    const sim::LayerReport& l = res.layers.at(0);
    const auto dvfs = l.stall_by_cause.find("dvfs");
    const double halted = dvfs == l.stall_by_cause.end() ? 0.0 : double(dvfs->second);
    return std::vector<double>{l.dvfs ? double(l.dvfs->transitions) : 0.0,
                               at_point(l, "500MHz@0.8V"),
                               at_point(l, "1000MHz@1V"),
                               at_point(l, "250MHz@0.7V"),
                               double(l.cycles_compute),
                               double(l.cycles_stall) - halted,
                               double(l.active_pe_cycles)};
  });
}

// run_fc's figures when the governor steps once, at the sample at `at_ns` (500 MHz until then),
// to `mhz` (1000 or 250), where the layer's other cycles run.
void expect_one_step(const std::vector<double>& r, double at_ns, double mhz) {
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0], 1.0);
  EXPECT_DOUBLE_EQ(r[1], at_ns);
  EXPECT_NEAR(r[mhz == 1000.0 ? 2 : 3], (kCycles - at_ns / 2.0) * 1e3 / mhz, 1e-9);
}

// run_fc's figures when the governor never moves: the whole layer at 500 MHz.
void expect_no_step(const std::vector<double>& r) {
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0], 0.0);
  EXPECT_DOUBLE_EQ(r[1], kCycles * 2.0);
}

TEST(DvfsOndemandLoad, BusyStepsUpWherePeUtilizationDoesNot) {
  // Every cycle is busy: the "busy" load of every window is 1 > 0.5, so the first sample
  // (1000 ns: 500 cycles at 2 ns) steps up to 1000 MHz, the top. The PE utilization of every
  // window is at most 16 / 64 = 0.25 (and above 0): between down_threshold 0 and 0.5, so the
  // governor holds 500 MHz for the whole layer.
  const std::vector<double> busy = run_fc(governed("busy", 0.5, 0.0));
  ASSERT_NO_FATAL_FAILURE(expect_one_step(busy, 1000.0, 1000.0));
  EXPECT_EQ(busy[4], kCycles);
  EXPECT_EQ(busy[5], 0.0);

  const std::vector<double> pe = run_fc(governed("pe_utilization", 0.5, 0.0));
  ASSERT_NO_FATAL_FAILURE(expect_no_step(pe));
  EXPECT_EQ(pe[4], kCycles);
  EXPECT_EQ(pe[6], kMacs);
}

TEST(DvfsOndemandLoad, PeUtilizationBelowDownThresholdStepsDown) {
  // down_threshold 0.3 lies above the PE utilization (<= 0.25) and below the busy load (1):
  // "pe_utilization" steps down at the first sample to 250 MHz (then the lowest point); "busy"
  // never moves (up_threshold 1: never up).
  expect_one_step(run_fc(governed("pe_utilization", 1.0, 0.3)), 1000.0, 250.0);
  expect_no_step(run_fc(governed("busy", 1.0, 0.3)));
}

TEST(DvfsOndemandLoad, WindowUtilizationEqualsTheClosedForm) {
  // Window 1 = cycles 0..499: the 8 load cycles do no MAC work, cycles 8..499 feed 492 vectors
  // of 16 PEs each (a vector's work counts when it enters the array): 492 x 16 / (500 x 64) =
  // 0.246. Window 2 = cycles 500..999 feeds a vector every cycle: 16 / 64 = 0.25. So with
  // down_threshold 0, up_threshold 0.2455 steps up at the first sample (500 MHz for 1000 ns),
  // 0.2465 at the second (2000 ns), and 0.2505 never; each band is 0.0005 wide around the
  // closed form.
  expect_one_step(run_fc(governed("pe_utilization", 0.2455, 0.0)), 1000.0, 1000.0);
  const std::vector<double> between = run_fc(governed("pe_utilization", 0.2465, 0.0));
  expect_one_step(between, 2000.0, 1000.0);
  expect_no_step(run_fc(governed("pe_utilization", 0.2505, 0.0)));
  // The same figures in fast mode (a stretch's work is its indices' share) and under the
  // per-cycle check of every stretch.
  arch::RunMode fast;
  fast.fast = true;
  arch::RunMode check;
  check.check = true;
  EXPECT_EQ(run_fc(governed("pe_utilization", 0.2465, 0.0), fast), between);
  EXPECT_EQ(run_fc(governed("pe_utilization", 0.2465, 0.0), check), between);
}

// Per layer on stall-free memory: PE-cycles of work = MACs, and / (PEs x cycles) =
// utilization.pe. Returns, per layer, work - macs and work / (PEs x cycles) - utilization.pe.
std::vector<double> work_against_report(const arch::AcceleratorSpec& spec, bool fast) {
  return test::in_child([&spec, fast] {
    workloads::Graph g;
    g.name = "shapes";
    test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
    test::add_conv(g, {"c3x3_pad", 1, 16, 6, 6, 40, 3, 3, 1, 1});
    test::add_conv(g, {"c1x1_s2", 2, 8, 9, 9, 8, 1, 1, 2});
    test::add_fc(g, "fc", 5, 100, 70);
    test::add_matmul(g, "mm", 2, 7, 33, 9, false);
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(7));
    arch::RunMode mode;
    mode.fast = fast;
    const sim::SimulationResult res =
        sim::simulate(spec, g, energy, values, nullptr, nullptr, mode);
    const double pes = double(spec.pe_array.rows) * double(spec.pe_array.cols);
    std::vector<double> out;
    for (const sim::LayerReport& l : res.layers) {
      out.push_back(double(l.active_pe_cycles) - double(l.macs));
      out.push_back(double(l.active_pe_cycles) / (pes * double(l.cycles_total)) -
                    l.utilization.at("pe"));
    }
    return out;
  });
}

TEST(DvfsOndemandLoad, LayerWorkEqualsTheReportsPeUtilization) {
  // The FC layer above by hand: 24000 PE-cycles of work over 64 PEs x 1516 cycles.
  const std::vector<double> fc = run_fc(governed("busy", 1.0, 0.0));
  ASSERT_EQ(fc.size(), 7u);
  EXPECT_EQ(fc[6], kMacs);
  EXPECT_NEAR(fc[6] / (kPes * kCycles), 24000.0 / 97024.0, 1e-15);
  for (const char* df : {"ws", "os", "is"})
    for (const bool fast : {false, true}) {
      SCOPED_TRACE(std::string(df) + (fast ? " fast" : " cycle"));
      const std::vector<double> d = work_against_report(test::ideal_spec(8, 8, df), fast);
      ASSERT_EQ(d.size(), 10u);
      for (size_t i = 0; i < d.size(); ++i) EXPECT_NEAR(d[i], 0.0, 1e-12) << "figure " << i;
    }
  // A spatial (NoC-fed) row-stationary array: every PE step of a MAC counts.
  const std::vector<double> s =
      work_against_report(test::spatial_spec(4, 4, "rs", 128, 1 << 20, 1e6), false);
  ASSERT_EQ(s.size(), 10u);
  for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(s[i], 0.0, 1e-12) << "figure " << i;
}

}  // namespace
}  // namespace adasim
