// SPDX-License-Identifier: Apache-2.0
// clock.policy "per_layer" end to end: the mapper's plan (workloads/mapper/dvfs_plan.hpp) reaches
// the hardware through the programs, and on stall-free memory its figures are the simulated ones:
//  - a compute-bound layer takes its closed-form 928 cycles at every point, so 928 ns at 1 GHz and
//    exactly twice that at 500 MHz (time ~ 1/f);
//  - the simulated run takes exactly the plan's time (layers + halts of whole new-clock cycles)
//    and meets the deadline; each layer runs at the point its program carries;
//  - a MAC costs exactly (0.8 / 1.0)^2 as much at 500 MHz @ 0.8 V as at 1 GHz @ 1.0 V;
//  - a deadline below 5 x 928 ns (every layer at 1 GHz: no transition) is a config error naming
//    4.64 us;
//  - the domain starts at the first layer's point (no transition at time 0): a deadline that
//    every layer at 500 MHz meets (5 x 1856 ns = 9.28 us) runs them all there, with no halt.
//  - under per_layer power gating the plan counts each layer's wake-up (its footprint against
//    the previous layer's): plan time = simulated time, with and without a binding deadline.
//  - with clock.transition.during = run_at_lower_clock a down switch halts for the relock only
//    (and a boundary inside its ramp for the rest of it): plan time = simulated time.
//  - with a memory domain and finite DRAM, array and vector layers: plan time = simulated time.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

workloads::Graph five_layers() {
  workloads::Graph g;
  g.name = "five";
  for (int i = 0; i < 5; ++i) test::add_conv(g, {"c" + std::to_string(i), 1, 3, 10, 10, 20, 3, 3});
  return g;
}

// A fast on-chip regulator: 200 mV at 1000 mV/us = 0.2 us, relock 0.1 us: a 300 ns halt.
arch::AcceleratorSpec per_layer_spec(double deadline_us) {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {1000.0, 1.0};
  spec.clock.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  spec.clock.transition = arch::DvfsTransitionSpec{1000.0, 0.1, 1.0, 0.9};
  spec.clock.policy = "per_layer";
  spec.clock.policy_params.set("deadline_us", deadline_us);
  spec.mapper.objective = arch::Objective::kEnergy;
  return spec;
}

sim::SimulationResult run(const arch::AcceleratorSpec& spec, const workloads::Graph& g) {
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(5));
  return sim::simulate(spec, g, energy, values);
}

double mac_pj_each(const sim::LayerReport& l) {
  for (const sim::EnergyEntry& e : l.energy)
    if (e.module == "pe_array" && e.action == "mac_int8") return e.pj_each;
  return -1;
}

TEST(DvfsPerLayer, PlanReachesTheHardwareAndMatchesTheSimulation) {
  // Deadline 7 us: all five at 500 MHz would take 5 x 1856 ns = 9.28 us, so some layers run at
  // 1 GHz (k at 500 MHz: 1856 k + 928 (5 - k) + one 300 ns halt <= 7000 for k <= 2).
  const workloads::Graph g = five_layers();
  const sim::SimulationResult res = run(per_layer_spec(7.0), g);
  ASSERT_EQ(res.layers.size(), 5u);
  double total_ns = 0.0;
  std::set<std::string> points;
  for (size_t i = 0; i < 5; ++i) {
    const sim::LayerReport& l = res.layers[i];
    const nlohmann::json& why = res.schedules[i].dvfs;
    ASSERT_FALSE(why.is_null()) << i;
    // Closed form at each point: 928 cycles.
    ASSERT_EQ(why["options"].size(), 2u);
    EXPECT_DOUBLE_EQ(why["options"][0]["time_ns"].get<double>(), 928 * 2.0);
    EXPECT_DOUBLE_EQ(why["options"][1]["time_ns"].get<double>(), 928 * 1.0);
    // The simulated layer ran at the point its program carries.
    const std::string point = why["point"].get<std::string>();
    ASSERT_EQ(l.time_ns_at_point.count(point), 1u) << i;
    EXPECT_EQ(l.cycles_compute, 928u);
    points.insert(point);
    total_ns += l.time_ns;
  }
  // Both points are used (slow layers save energy, the deadline keeps some fast).
  EXPECT_EQ(points.size(), 2u);
  const double plan_us = res.schedules[0].dvfs["plan_time_us"].get<double>();
  EXPECT_NEAR(total_ns, plan_us * 1e3, 1e-6);
  EXPECT_LE(total_ns, 7000.0);
  // V^2: a MAC at 0.8 V against one at 1.0 V.
  double slow = -1, fast = -1;
  for (size_t i = 0; i < 5; ++i)
    (res.schedules[i].point->freq_mhz == 500.0 ? slow : fast) = mac_pj_each(res.layers[i]);
  ASSERT_GT(fast, 0.0);
  EXPECT_NEAR(slow / fast, 0.8 * 0.8, 1e-12);
}

TEST(DvfsPerLayer, UnmeetableDeadlineNamesTheShortestTime) {
  try {
    run(per_layer_spec(4.0), five_layers());
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].where, "/clock/deadline_us");
    EXPECT_NE(e.issues()[0].expected.find("shortest achievable time is 4.64 us"), std::string::npos)
        << e.issues()[0].expected;
  }
  // At exactly 4.64 us every layer stays at 1 GHz.
  const sim::SimulationResult res = run(per_layer_spec(4.64), five_layers());
  for (const sim::LayerReport& l : res.layers) EXPECT_EQ(l.dvfs->transitions, 0u);
}

TEST(DvfsPerLayer, StartsAtTheFirstLayersPoint) {
  // 9.3 us: every layer at 500 MHz takes 5 x 1856 ns = 9.28 us and starts there (a start at the
  // nominal 1 GHz would add a 300 ns halt: 9.58 us), so the energy plan runs all five at 500 MHz
  // with no transition, in exactly 9280 ns.
  const sim::SimulationResult res = run(per_layer_spec(9.3), five_layers());
  ASSERT_EQ(res.layers.size(), 5u);
  double total_ns = 0.0;
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(res.schedules[i].point->freq_mhz, 500.0) << i;
    EXPECT_EQ(res.layers[i].dvfs->transitions, 0u) << i;
    EXPECT_EQ(res.layers[i].time_ns_at_point.size(), 1u) << i;
    total_ns += res.layers[i].time_ns;
  }
  EXPECT_NEAR(total_ns, 5 * 1856.0, 1e-6);
  EXPECT_NEAR(res.schedules[0].dvfs["plan_time_us"].get<double>(), 9.28, 1e-9);
}

// Under per_layer power gating a layer whose mapping uses PEs the previous layer's left off wakes
// them at its start: power.wakeup_cycles (10) of stall at the layer's clock. The PE footprints
// of test::fc_sequence are 64, 16, 64, 64, 16, 64 (tests/support/test_support.hpp), so
// the 3rd and 6th layers wake 48 PEs, whatever points the layers run at. The plan counts each
// wake-up with the pair of mappings, so on stall-free memory its time is the simulated run's
// (before, it was short by the two stalls). Without a deadline that matters every layer runs at
// 500 MHz (2 ns cycles: 2 x 20 ns of wake-ups); a deadline 50 ns below that plan's time moves
// layers to 1 GHz (10 ns wake-ups there).
arch::AcceleratorSpec gated_per_layer_spec(double deadline_us) {
  arch::AcceleratorSpec spec = per_layer_spec(deadline_us);
  spec.power.enabled = true;
  spec.power.policy = "per_layer";
  spec.power.power_gated = {"pe_array"};
  spec.power.wakeup_cycles = 10;
  return spec;
}

// The run's time against its plan, and the wake-ups against the footprints; returns the points.
std::set<std::string> expect_plan_is_run(const sim::SimulationResult& res) {
  std::set<std::string> points;
  double total_ns = 0.0, wake_ns = 0.0;
  for (size_t i = 0; i < res.layers.size(); ++i) {
    total_ns += res.layers[i].time_ns;
    const nlohmann::json& why = res.schedules[i].dvfs;
    points.insert(why["point"].get<std::string>());
    const bool wakes = i == 2 || i == 5;
    EXPECT_EQ(why.contains("wakeup_ns"), wakes) << i;
    EXPECT_EQ(res.layers[i].power.at("pe_array").wakeups, wakes ? 1u : 0u) << i;
    if (!wakes || !why.contains("wakeup_ns")) continue;
    // 10 cycles at the layer's point.
    EXPECT_DOUBLE_EQ(why["wakeup_ns"].get<double>(), 10 * 1e3 / res.schedules[i].point->freq_mhz);
    wake_ns += why["wakeup_ns"].get<double>();
  }
  const double plan_us = res.schedules[0].dvfs["plan_time_us"].get<double>();
  EXPECT_NEAR(total_ns, plan_us * 1e3, 1e-6) << "with " << wake_ns << " ns of wake-ups";
  return points;
}

// Runs five_layers() under `spec` (a 7 us deadline met by running through the ramp of a down
// switch) into `res`: three layers at 1 GHz, then two at 500 MHz; the plan's time and the run's
// are both `ns`.
void expect_down_switch_plan_is_run(const arch::AcceleratorSpec& spec, double ns,
                                    sim::SimulationResult& res) {
  res = run(spec, five_layers());
  ASSERT_EQ(res.layers.size(), 5u);
  double total_ns = 0.0;
  for (size_t i = 0; i < 5; ++i) {
    total_ns += res.layers[i].time_ns;
    EXPECT_EQ(res.schedules[i].point->freq_mhz, i < 3 ? 1000.0 : 500.0) << i;
  }
  EXPECT_NEAR(res.schedules[0].dvfs["plan_time_us"].get<double>() * 1e3, ns, 1e-6);
  EXPECT_NEAR(total_ns, ns, 1e-6);
}

TEST(DvfsPerLayer, PlanCountsPowerGatingWakeUps) {
  const sim::SimulationResult res = run(gated_per_layer_spec(1000.0), test::fc_sequence());
  ASSERT_EQ(res.layers.size(), 6u);
  const std::set<std::string> points = expect_plan_is_run(res);
  EXPECT_EQ(points, std::set<std::string>{"500MHz@0.8V"});
  EXPECT_DOUBLE_EQ(res.schedules[2].dvfs["wakeup_ns"].get<double>() +
                       res.schedules[5].dvfs["wakeup_ns"].get<double>(),
                   2 * 20.0);
}

TEST(DvfsPerLayer, PlanCountsPowerGatingWakeUpsUnderADeadline) {
  const workloads::Graph g = test::fc_sequence();
  arch::AcceleratorSpec slow = gated_per_layer_spec(1000.0);
  const arch::EnergyTable energy(slow.energy);
  const double all_slow_us =
      sim::map_graph(g, slow, energy).at(0).dvfs["plan_time_us"].get<double>();
  const double deadline_us = all_slow_us - 0.05;
  const sim::SimulationResult res = run(gated_per_layer_spec(deadline_us), g);
  ASSERT_EQ(res.layers.size(), 6u);
  // Some layers at 1 GHz (a switch halts 300 ns, so the plan may run them all there).
  EXPECT_NE(expect_plan_is_run(res), std::set<std::string>{"500MHz@0.8V"});
  double total_ns = 0.0;
  for (const sim::LayerReport& l : res.layers) total_ns += l.time_ns;
  EXPECT_LE(total_ns, deadline_us * 1e3);
}

// clock.transition.during = run_at_lower_clock, going down: the domain halts for the relock
// only and runs the next layer at the new clock while the supply falls; a boundary inside that
// ramp waits, halted, for its end. The plan counts exactly that, so on stall-free memory its
// time is the run's. With the 200 ns ramp and 7 us: three layers at 1 GHz, one switch down (the
// 100 ns relock, 50 cycles at 500 MHz; the 1856 ns layer outlasts the ramp), two at 500 MHz:
// 3 x 928 + 100 + 2 x 1856 = 6596 ns (counting ramp + relock halted, as before, planned 6796).
TEST(DvfsPerLayer, PlanCountsARunThroughDownSwitchAsItsRelock) {
  arch::AcceleratorSpec spec = per_layer_spec(7.0);
  spec.clock.transition->run_at_lower_clock = true;
  sim::SimulationResult res;
  ASSERT_NO_FATAL_FAILURE(expect_down_switch_plan_is_run(spec, 6596.0, res));
  EXPECT_EQ(res.layers[3].dvfs->transitions, 1u);
  EXPECT_EQ(res.layers[3].stall_by_cause.at("dvfs"), 50u);
}

// The same with a slow regulator, 100 mV/us: the 200 mV ramp takes 2 us, longer than the
// 1856 ns layer after the switch, so the next boundary waits 2100 - 100 - 1856 = 144 ns (72
// cycles at 500 MHz). Halted, the switch would cost 2.1 us and no plan with a switch would meet
// 7 us (1 slow layer: 4 x 928 + 2100 + 1856 = 7668 ns); running through the ramp, three fast
// and two slow layers take 3 x 928 + 100 + 1856 + 144 + 1856 = 6740 ns.
TEST(DvfsPerLayer, PlanCountsTheRampALayerEndsInside) {
  arch::AcceleratorSpec spec = per_layer_spec(7.0);
  spec.clock.transition = arch::DvfsTransitionSpec{100.0, 0.1, 1.0, 0.9, true};
  sim::SimulationResult res;
  ASSERT_NO_FATAL_FAILURE(expect_down_switch_plan_is_run(spec, 6740.0, res));
  EXPECT_EQ(res.layers[3].stall_by_cause.at("dvfs"), 50u);  // the relock
  EXPECT_EQ(res.layers[4].stall_by_cause.at("dvfs"), 72u);  // the rest of the ramp
}

// With the SRAM levels and the NoC in a memory domain (1.5 GHz, fast enough that the convs stay
// compute-bound; 2-stage synchronisers) and a finite DRAM, the ratio f_core / f_mem and every
// crossing's core cycles follow the layer's core point: the plan estimates each layer at each
// point with them, array and vector layers alike, so the run takes the plan's time (dropping
// the vector unit's return crossing from its timeline fails that). Deadline halfway between the
// shortest plan (named by the error of an unmeetable one) and the energy plan without a
// deadline that matters (all at 500 MHz): both points are used. `memory` gives the SRAM levels,
// the NoC, the DRAM and the array kind.
void expect_plan_is_run_with_a_memory_domain(const arch::AcceleratorSpec& memory) {
  std::mt19937_64 rng(2026);
  workloads::Graph g = five_layers();
  test::add_random_vector_layers(rng, g, 2);
  arch::AcceleratorSpec spec = per_layer_spec(1e6);
  spec.pe_array = memory.pe_array;
  spec.sram = memory.sram;
  spec.dram = memory.dram;
  spec.noc = memory.noc;
  arch::DomainSpec d;
  d.nominal = {1500.0, 0.9};
  d.operating_points = {d.nominal};
  d.sync_cycles = 2;
  spec.clock.memory = d;
  const arch::EnergyTable energy(spec.energy);
  const double slow_us =
      sim::map_graph(g, spec, energy).at(0).dvfs["plan_time_us"].get<double>();
  spec.clock.policy_params.set("deadline_us", 1e-3);
  double fast_us = 0;
  try {
    sim::map_graph(g, spec, energy);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    const std::string& what = e.issues().at(0).expected;
    const size_t at = what.find("shortest achievable time is ");
    ASSERT_NE(at, std::string::npos) << what;
    fast_us = std::stod(what.substr(at + 28));
  }
  ASSERT_LT(fast_us, slow_us);
  const double deadline_us = (fast_us + slow_us) / 2;
  spec.clock.policy_params.set("deadline_us", deadline_us);
  const sim::SimulationResult res = run(spec, g);
  ASSERT_EQ(res.layers.size(), g.layers.size());
  double total_ns = 0.0;
  std::set<std::string> points;
  for (size_t i = 0; i < res.layers.size(); ++i) {
    total_ns += res.layers[i].time_ns;
    points.insert(res.schedules[i].dvfs["point"].get<std::string>());
  }
  EXPECT_EQ(points.size(), 2u);
  EXPECT_NEAR(total_ns, res.schedules[0].dvfs["plan_time_us"].get<double>() * 1e3, 1e-6);
  EXPECT_LE(total_ns, deadline_us * 1e3);
}

TEST(DvfsPerLayer, PlanIsTheRunWithAMemoryDomain) {
  expect_plan_is_run_with_a_memory_domain(test::real_spec(8, 8, "ws", 64.0, 256 << 10));
}

// The same on a spatial (Eyeriss-style RS) array, whose buses and psum links run at the memory
// clock and whose register-file refills wait for the synchroniser.
TEST(DvfsPerLayer, PlanIsTheRunWithAMemoryDomainOnASpatialArray) {
  expect_plan_is_run_with_a_memory_domain(test::spatial_spec(8, 8, "rs", 512, 256 << 10, 64.0));
}

// A memory domain of two points (300 MHz @ 0.7 V, 900 MHz @ 0.9 V) keeps one for the run: the
// per_layer plan is the best of the plans made with the domain fixed at each point, checked here
// against those plans made separately (the single-point path); the run then takes its plan's
// time at the chosen memory point (before the simulator applied it, the run took the nominal
// point's time). `deadline_us` 0: none.
arch::AcceleratorSpec memory_table_spec(arch::Objective objective, double deadline_us) {
  arch::AcceleratorSpec spec = per_layer_spec(deadline_us > 0 ? deadline_us : 1e6);
  spec.mapper.objective = objective;
  const arch::AcceleratorSpec mem = test::real_spec(8, 8, "ws", 64.0, 256 << 10);
  spec.sram = mem.sram;
  spec.dram = mem.dram;
  spec.noc = mem.noc;
  arch::DomainSpec d;
  d.nominal = {900.0, 0.9};
  d.operating_points = {{300.0, 0.7}, {900.0, 0.9}};
  spec.clock.memory = d;
  return spec;
}

workloads::Graph layers_and_pools() {
  std::mt19937_64 rng(7);
  workloads::Graph g = five_layers();
  test::add_random_vector_layers(rng, g, 2);
  return g;
}

// The plan (time us, energy pJ) with the memory domain fixed at `m`, or the error's text.
struct FixedMemoryPlan {
  double time_us = 0, energy_pj = 0;
  std::string error;
};
FixedMemoryPlan plan_at_memory_point(arch::AcceleratorSpec spec, const arch::OperatingPoint& m,
                                     const workloads::Graph& g) {
  spec.clock.memory->nominal = m;
  spec.clock.memory->operating_points = {m};
  const arch::EnergyTable energy(spec.energy);
  FixedMemoryPlan f;
  try {
    const std::vector<workloads::LayerSchedule> sch = sim::map_graph(g, spec, energy);
    const nlohmann::json& why = sch.at(0).dvfs;
    f.time_us = why["plan_time_us"].get<double>();
    f.energy_pj = why["plan_energy_pj"].get<double>();
  } catch (const sim::ConfigError& e) {
    f.error = e.issues().at(0).expected;
  }
  return f;
}

TEST(DvfsPerLayer, PicksTheMemoryPointWhosePlanIsBest) {
  const workloads::Graph g = layers_and_pools();
  const arch::OperatingPoint slow{300.0, 0.7}, fast{900.0, 0.9};
  for (const arch::Objective obj : {arch::Objective::kEnergy, arch::Objective::kLatency}) {
    const arch::AcceleratorSpec spec = memory_table_spec(obj, 0);
    const FixedMemoryPlan a = plan_at_memory_point(spec, slow, g);
    const FixedMemoryPlan b = plan_at_memory_point(spec, fast, g);
    ASSERT_TRUE(a.error.empty() && b.error.empty()) << a.error << b.error;
    const bool slow_wins = obj == arch::Objective::kEnergy ? a.energy_pj < b.energy_pj
                                                           : a.time_us < b.time_us;
    const arch::EnergyTable energy(spec.energy);
    const std::vector<workloads::LayerSchedule> joint = sim::map_graph(g, spec, energy);
    ASSERT_TRUE(joint.at(0).memory_point.has_value());
    EXPECT_EQ(joint[0].memory_point->freq_mhz, slow_wins ? 300.0 : 900.0) << arch::to_string(obj);
    const FixedMemoryPlan& won = slow_wins ? a : b;
    EXPECT_DOUBLE_EQ(joint[0].dvfs["plan_time_us"].get<double>(), won.time_us);
    EXPECT_DOUBLE_EQ(joint[0].dvfs["plan_energy_pj"].get<double>(), won.energy_pj);
  }
  // The slower memory clock saves energy and costs time here: each objective takes its own.
  const arch::AcceleratorSpec e = memory_table_spec(arch::Objective::kEnergy, 0);
  const arch::AcceleratorSpec l = memory_table_spec(arch::Objective::kLatency, 0);
  const arch::EnergyTable energy(e.energy);
  EXPECT_EQ(sim::map_graph(g, e, energy).at(0).memory_point->freq_mhz, 300.0);
  EXPECT_EQ(sim::map_graph(g, l, energy).at(0).memory_point->freq_mhz, 900.0);
}

TEST(DvfsPerLayer, ADeadlineOnlyTheFastMemoryPointMeetsPicksIt) {
  // Deadline halfway between the fastest plans at the two memory points: only 900 MHz meets it,
  // so the energy objective takes it; the run takes the plan's time.
  const workloads::Graph g = layers_and_pools();
  const arch::OperatingPoint slow{300.0, 0.7}, fast{900.0, 0.9};
  const FixedMemoryPlan a =
      plan_at_memory_point(memory_table_spec(arch::Objective::kLatency, 0), slow, g);
  const FixedMemoryPlan b =
      plan_at_memory_point(memory_table_spec(arch::Objective::kLatency, 0), fast, g);
  ASSERT_LT(b.time_us, a.time_us);
  const double deadline_us = (a.time_us + b.time_us) / 2;
  const sim::SimulationResult res =
      run(memory_table_spec(arch::Objective::kEnergy, deadline_us), g);
  ASSERT_EQ(res.layers.size(), g.layers.size());
  EXPECT_EQ(res.schedules.at(0).memory_point->freq_mhz, 900.0);
  double total_ns = 0.0;
  for (const sim::LayerReport& l : res.layers) total_ns += l.time_ns;
  EXPECT_NEAR(total_ns, res.schedules[0].dvfs["plan_time_us"].get<double>() * 1e3, 1e-6);
  EXPECT_LE(total_ns, deadline_us * 1e3);
}

TEST(DvfsPerLayer, TheEnergyPlanRunsAtTheSlowMemoryPoint) {
  // The energy objective's plan keeps the memory domain at 300 MHz (the nominal is 900): the run
  // takes the plan's time there, which the plan at 900 MHz does not equal.
  const workloads::Graph g = layers_and_pools();
  const arch::AcceleratorSpec spec = memory_table_spec(arch::Objective::kEnergy, 0);
  const FixedMemoryPlan at_nominal = plan_at_memory_point(spec, {900.0, 0.9}, g);
  const sim::SimulationResult res = run(spec, g);
  ASSERT_EQ(res.schedules.at(0).memory_point->freq_mhz, 300.0);
  double total_ns = 0.0;
  for (const sim::LayerReport& l : res.layers) total_ns += l.time_ns;
  const double plan_us = res.schedules[0].dvfs["plan_time_us"].get<double>();
  EXPECT_NEAR(total_ns, plan_us * 1e3, 1e-6);
  EXPECT_GT(std::abs(plan_us - at_nominal.time_us), 1e-3);
}

TEST(DvfsPerLayer, NoMemoryPointMeetsTheDeadlineNamesTheShortestOverThem) {
  // Below every plan: the error names the shortest time over both memory points, the fast one's
  // (what its own single-point plan names).
  const workloads::Graph g = layers_and_pools();
  arch::AcceleratorSpec spec = memory_table_spec(arch::Objective::kEnergy, 1e-3);
  const FixedMemoryPlan fast = plan_at_memory_point(spec, {900.0, 0.9}, g);
  const FixedMemoryPlan slow = plan_at_memory_point(spec, {300.0, 0.7}, g);
  ASSERT_FALSE(fast.error.empty());
  ASSERT_NE(fast.error, slow.error);
  const arch::EnergyTable energy(spec.energy);
  try {
    sim::map_graph(g, spec, energy);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues().at(0).where, "/clock/deadline_us");
    EXPECT_EQ(e.issues().at(0).expected, fast.error);
  }
}

}  // namespace
}  // namespace adasim
