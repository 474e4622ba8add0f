// SPDX-License-Identifier: Apache-2.0
// DVFS transitions carried out by the controller (arch/dvfs/dvfs_controller.hpp) under the
// "schedule" policy, against hand derivations:
//  - an alternating schedule over identical layers pays exactly n transitions x (ramp + relock),
//    with ramp = |V1 - V0| / slew, each charged (1 - eta) C |V1^2 - V0^2| (Burd & Brodersen,
//    ISLPED 2000) and halting the domain for whole cycles of the new clock (stall cause dvfs);
//  - the VCD shows the voltage reach its new value before the frequency rises, and the frequency
//    fall before the voltage does;
// (A schedule that never leaves the nominal point equals "static":
// tests/unit/cli/dvfs_cli_test.cpp, two runs in two processes.)
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "vcd_reader.hpp"

namespace adasim {
namespace {

// Five identical layers; the WS closed form of one (tests/systemc/closed_form_cycles_test.cpp):
// 8 + 4 x (78 + 78 + 74) = 928 cycles on an 8x8 array with ideal memory.
constexpr uint64_t kLayerCycles = 928;

workloads::Graph five_layers() {
  workloads::Graph g;
  g.name = "five";
  for (int i = 0; i < 5; ++i) test::add_conv(g, {"c" + std::to_string(i), 1, 3, 10, 10, 20, 3, 3});
  return g;
}

// 1000 MHz @ 1.0 V nominal, 500 MHz @ 0.8 V; slew 10 mV/us, relock 5 us, C = 100 nF, eta 0.9.
arch::AcceleratorSpec two_point_spec() {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {1000.0, 1.0};
  spec.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  spec.clock.transition = arch::DvfsTransitionSpec{10.0, 5.0, 100.0, 0.9};
  return spec;
}

sim::ParamValues entry_at_layer(int64_t index, double freq) {
  sim::ParamValues e;
  e.set("layer_index", index);
  e.set("freq_mhz", freq);
  return e;
}

sim::SimulationResult run(const arch::AcceleratorSpec& spec, const workloads::Graph& g,
                          sim::VcdWriter* vcd = nullptr) {
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(5));
  return sim::simulate(spec, g, energy, values, vcd);
}

TEST(DvfsTransition, AlternatingSchedulePaysEveryTransition) {
  const workloads::Graph g = five_layers();
  arch::AcceleratorSpec spec = two_point_spec();
  spec.clock.policy = "schedule";
  // Layer 0 at the nominal 1000 MHz, then 500, 1000, 500, 1000: four transitions.
  spec.clock.policy_params.set(
      "schedule", sim::ParamRecords{entry_at_layer(1, 500.0), entry_at_layer(2, 1000.0),
                                    entry_at_layer(3, 500.0), entry_at_layer(4, 1000.0)});
  const sim::SimulationResult res = run(spec, g);
  ASSERT_EQ(res.layers.size(), 5u);
  // By hand: ramp = 200 mV / 10 mV/us = 20 us, relock 5 us: 25 us = 25000 ns per transition;
  // energy (1 - 0.9) x 100 nF x (1.0^2 - 0.8^2) V^2 = 3.6 nJ = 3600 pJ.
  const double t_ns = 25000.0, e_pj = 3600.0;
  double total_ns = 0.0;
  for (size_t i = 0; i < 5; ++i) {
    const sim::LayerReport& l = res.layers[i];
    const bool slow = i == 1 || i == 3;
    const double period_ns = slow ? 2.0 : 1.0;
    ASSERT_TRUE(l.dvfs.has_value()) << i;
    EXPECT_EQ(l.dvfs->transitions, i == 0 ? 0u : 1u) << i;
    EXPECT_DOUBLE_EQ(l.dvfs->time_ns, i == 0 ? 0.0 : t_ns) << i;
    EXPECT_NEAR(l.dvfs->energy_pj, i == 0 ? 0.0 : e_pj, 1e-9) << i;
    // The halt is whole cycles of the new clock: 25000 ns / 2 ns or / 1 ns.
    const uint64_t halt = i == 0 ? 0 : uint64_t(t_ns / period_ns);
    EXPECT_EQ(l.stall_by_cause.at("dvfs"), halt) << i;
    EXPECT_EQ(l.cycles_compute, kLayerCycles) << i;
    EXPECT_EQ(l.cycles_total, kLayerCycles + halt) << i;
    EXPECT_DOUBLE_EQ(l.time_ns, double(kLayerCycles) * period_ns + (i == 0 ? 0.0 : t_ns)) << i;
    const std::string point = slow ? "500MHz@0.8V" : "1000MHz@1V";
    ASSERT_EQ(l.time_ns_at_point.count(point), 1u) << i;
    // time_ns - transition_ns in doubles: equal up to rounding.
    EXPECT_NEAR(l.time_ns_at_point.at(point), double(kLayerCycles) * period_ns, 1e-6) << i;
    total_ns += l.time_ns;
  }
  // The run: 3 layers at 1 ns and 2 at 2 ns per cycle, plus 4 x 25 us.
  EXPECT_DOUBLE_EQ(total_ns, 928.0 * (3 * 1.0 + 2 * 2.0) + 4 * t_ns);
  sim::RunReport rep;
  rep.layers = res.layers;
  const sim::LayerReport total = rep.total();
  ASSERT_TRUE(total.dvfs.has_value());
  EXPECT_EQ(total.dvfs->transitions, 4u);
  EXPECT_DOUBLE_EQ(total.dvfs->time_ns, 4 * t_ns);
  EXPECT_NEAR(total.dvfs->energy_pj, 4 * e_pj, 1e-9);
}

TEST(DvfsTransition, HaltRoundsUpToWholeCyclesOfTheNewClock) {
  // Relock 5.0005 us: 25000.5 ns halts 12501 cycles at 500 MHz (2 ns), and the layer's time is
  // whole cycles again (the domain restarts on an edge of the new clock).
  const workloads::Graph g = five_layers();
  arch::AcceleratorSpec spec = two_point_spec();
  spec.clock.transition->relock_us = 5.0005;
  spec.clock.policy = "schedule";
  spec.clock.policy_params.set("schedule", sim::ParamRecords{entry_at_layer(1, 500.0)});
  const sim::SimulationResult res = run(spec, g);
  const sim::LayerReport& l = res.layers.at(1);
  EXPECT_EQ(l.stall_by_cause.at("dvfs"), 12501u);
  EXPECT_DOUBLE_EQ(l.dvfs->time_ns, 25000.5);
  EXPECT_NEAR(l.time_ns, (928.0 + 12501.0) * 2.0, 1e-6);
  // Layers 2-4 stay at 500 MHz: no more transitions.
  for (size_t i = 2; i < 5; ++i) EXPECT_EQ(res.layers[i].dvfs->transitions, 0u) << i;
}

TEST(DvfsTransition, TimeAndNameTriggers) {
  // at_us 2.0: layers 0 and 1 end at 0.928 and 1.856 us, so the first boundary at or after
  // 2 us is layer 3's (2.784 us); by name, "c4" goes back up.
  const workloads::Graph g = five_layers();
  arch::AcceleratorSpec spec = two_point_spec();
  spec.clock.policy = "schedule";
  sim::ParamValues by_time, by_name;
  by_time.set("at_us", 2.0);
  by_time.set("freq_mhz", 500.0);
  by_name.set("layer", std::string("c4"));
  by_name.set("freq_mhz", 1000.0);
  spec.clock.policy_params.set("schedule", sim::ParamRecords{by_time, by_name});
  const sim::SimulationResult res = run(spec, g);
  const std::vector<uint64_t> expect = {0, 0, 0, 1, 1};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(res.layers[i].dvfs->transitions, expect[i]) << i;
  EXPECT_EQ(res.layers[3].time_ns_at_point.count("500MHz@0.8V"), 1u);
  EXPECT_EQ(res.layers[4].time_ns_at_point.count("1000MHz@1V"), 1u);
}

TEST(DvfsTransition, UnknownLayerInTheScheduleIsAConfigError) {
  const workloads::Graph g = five_layers();
  arch::AcceleratorSpec spec = two_point_spec();
  spec.clock.policy = "schedule";
  sim::ParamValues e;
  e.set("layer", std::string("conv9"));
  e.set("freq_mhz", 500.0);
  spec.clock.policy_params.set("schedule", sim::ParamRecords{entry_at_layer(1, 500.0), e});
  try {
    run(spec, g);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& err) {
    ASSERT_EQ(err.issues().size(), 1u);
    EXPECT_EQ(err.issues()[0].where, "/clock/schedule/1/layer");
    EXPECT_EQ(err.issues()[0].value, "\"conv9\"");
  }
}

// The (time_ps, value) changes of signal `name` in `d`.
std::vector<std::pair<uint64_t, uint64_t>> changes_of(const test::VcdDump& d,
                                                      const std::string& name) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& [t, bits] : d.changes.at(name)) out.push_back({t, std::stoull(bits, nullptr, 2)});
  return out;
}

TEST(DvfsTransition, VcdShowsVoltageBeforeFrequencyGoingUpAndAfterGoingDown) {
  const workloads::Graph g = five_layers();
  arch::AcceleratorSpec spec = two_point_spec();
  spec.clock.policy = "schedule";
  spec.clock.policy_params.set(
      "schedule", sim::ParamRecords{entry_at_layer(1, 500.0), entry_at_layer(2, 1000.0)});
  const std::string path = ::testing::TempDir() + "adasim_dvfs_order.vcd";
  {
    sim::VcdWriter vcd(path, sim::TraceFilter({"top.core.*"}), 0, 0);
    run(spec, g, &vcd);
  }
  const test::VcdDump dump = test::read_vcd(path);
  const auto f = changes_of(dump, "top.core.freq_khz");
  const auto v = changes_of(dump, "top.core.voltage_mv");
  // Down at t0 = 928 ns (layer 0 at 1 GHz): the clock drops after the relock (t0 + 5 us), the
  // supply reaches 0.8 V after the ramp too (t0 + 25 us).
  const uint64_t t0 = 928000;
  // Up at t1 = t0 + 25 us + 928 x 2 ns: the supply reaches 1.0 V after the ramp (t1 + 20 us),
  // the clock rises after the relock (t1 + 25 us).
  const uint64_t t1 = t0 + 25000000 + 1856000;
  const std::vector<std::pair<uint64_t, uint64_t>> want_f = {
      {0, 1000000}, {t0 + 5000000, 500000}, {t1 + 25000000, 1000000}};
  const std::vector<std::pair<uint64_t, uint64_t>> want_v = {
      {0, 1000}, {t0 + 25000000, 800}, {t1 + 20000000, 1000}};
  EXPECT_EQ(f, want_f);
  EXPECT_EQ(v, want_v);
  const auto halt = changes_of(dump, "top.core.dvfs_halt");
  const std::vector<std::pair<uint64_t, uint64_t>> want_h = {
      {0, 0}, {t0, 1}, {t0 + 25000000, 0}, {t1, 1}, {t1 + 25000000, 0}};
  EXPECT_EQ(halt, want_h);
}

}  // namespace
}  // namespace adasim
