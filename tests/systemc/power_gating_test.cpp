// SPDX-License-Identifier: Apache-2.0
// Clock gating and power gating (issue 14 parts 3 and 4), each figure against a hand derivation:
//  - clock gating changes energy, never cycles; the clock network's energy is the hand count of
//    clocked unit-cycles x flip-flops x the per-flop figure (Accelergy 45 nm ERT: a 16-bit
//    pipeline register costs 0.009 pJ per access, so 0.009 / 16 pJ per flip-flop and cycle);
//  - per_layer power gating pays each wake-up once (the count follows from the layers' PE
//    footprints, derived below) and its stall is wakeup_cycles per wake-up on an ideal memory;
//  - the leakage a layer pays is the law P(V_ref) x V / V_ref x powered (or retained) units x time;
//  - switching a unit off across a gap of t costs W x (V/V_ref)^2 and saves P x V/V_ref x t: it
//    pays off exactly when t exceeds the break-even time W V_ref / (P V) (property test);
//  - data in a bank that was off is gone: a layer relying on it is a sim::ModelError.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "vcd_reader.hpp"

namespace adasim {
namespace {

constexpr double kFlopPj = 0.009 / 16.0;  // Accelergy 45 nm ERT, 16-bit register access
constexpr int64_t kPeFlops = 2 * 8 + 32;  // input, weight (8 bits) and psum (32 bits) registers

// A figure of one layer's report, or of all of them.
double module_pj(const sim::LayerReport& l, const std::string& module, const std::string& action) {
  double pj = 0;
  for (const sim::EnergyEntry& e : l.energy)
    if (e.module == module && e.action == action) pj += e.pj;
  return pj;
}

uint64_t stall(const sim::LayerReport& l, const std::string& cause) {
  const auto it = l.stall_by_cause.find(cause);
  return it == l.stall_by_cause.end() ? 0 : it->second;
}

arch::AcceleratorSpec gated_spec(const std::string& policy, std::vector<std::string> power_gated,
                                 std::vector<std::string> clock_gated) {
  arch::AcceleratorSpec s = test::ideal_spec(8, 8, "ws");
  s.power.enabled = true;
  s.power.policy = policy;
  s.power.power_gated = std::move(power_gated);
  s.power.clock_gated = std::move(clock_gated);
  s.power.wakeup_cycles = 10;
  return s;
}

// Per layer: cycles_total, cycles_compute, time_ns, pe_array clock pJ, leakage pJ, wakeup pJ,
// wakeup stall, wakeups; flattened.
std::vector<double> run(const arch::AcceleratorSpec& spec, const workloads::Graph& g) {
  return test::in_child([&] {
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(5));
    const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
    std::vector<double> out;
    for (const sim::LayerReport& l : res.layers) {
      const auto pw = l.power.find("pe_array");
      out.insert(out.end(), {double(l.cycles_total), double(l.cycles_compute), l.time_ns,
                             module_pj(l, "pe_array", "clock"), module_pj(l, "pe_array", "leakage"),
                             module_pj(l, "pe_array", "wakeup"), double(stall(l, "wakeup")),
                             pw == l.power.end() ? -1.0 : double(pw->second.wakeups)});
    }
    return out;
  });
}

struct Layer {
  double cycles, compute, time_ns, clock_pj, leak_pj, wake_pj, wake_stall, wakeups;
};
std::vector<Layer> layers_of(const std::vector<double>& v) {
  std::vector<Layer> out;
  for (size_t i = 0; i + 8 <= v.size(); i += 8)
    out.push_back({v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6], v[i + 7]});
  return out;
}

// One 3x3 conv on a 0.5 GB/s DRAM: the array waits for data part of the time.
workloads::Graph one_conv() {
  workloads::Graph g;
  g.name = "one_conv";
  test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
  return g;
}

arch::AcceleratorSpec dram_bound_spec() {
  arch::AcceleratorSpec s = test::real_spec(8, 8, "ws", 0.5, 64 << 10);
  s.power.enabled = true;
  return s;
}

TEST(ClockGating, SameCyclesAndClockEnergyIsActiveCyclesTimesTheFlopFigure) {
  const workloads::Graph g = one_conv();
  arch::AcceleratorSpec off = dram_bound_spec();
  arch::AcceleratorSpec on = off;
  on.power.clock_gated = {"pe_array"};
  const Layer a = layers_of(run(off, g)).at(0), b = layers_of(run(on, g)).at(0);
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.compute, b.compute);
  ASSERT_GT(a.cycles, a.compute);  // there are idle cycles to gate
  // Without gating every cycle clocks all 64 PEs; with it only the compute cycles do.
  EXPECT_NEAR(a.clock_pj, a.cycles * 64 * kPeFlops * kFlopPj, 1e-9 * a.clock_pj);
  EXPECT_NEAR(b.clock_pj, b.compute * 64 * kPeFlops * kFlopPj, 1e-9 * b.clock_pj);
  EXPECT_LT(b.clock_pj, a.clock_pj);
}

TEST(PowerGating, PerLayerPaysEachWakeUpOnce) {
  // PE footprints 64, 16, 64, 64, 16, 64: the 48 PEs off in fc1 and fc4 wake at fc2 and fc5,
  // two wake-ups of 48 PEs; the other layers keep or shrink what is powered.
  const workloads::Graph g = test::fc_sequence();
  const std::vector<Layer> none = layers_of(run(gated_spec("none", {"pe_array"}, {}), g));
  const std::vector<Layer> gated = layers_of(run(gated_spec("per_layer", {"pe_array"}, {}), g));
  ASSERT_EQ(gated.size(), 6u);
  const arch::EnergyTable t;
  const double expected_wakes[6] = {0, 0, 1, 0, 0, 1};
  double cycles_none = 0, cycles_gated = 0;
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(gated[i].wakeups, expected_wakes[i]) << i;
    EXPECT_EQ(gated[i].wake_stall, 10 * expected_wakes[i]) << i;
    EXPECT_NEAR(gated[i].wake_pj, expected_wakes[i] * 48 * t.pe_wakeup_pj(), 1e-9) << i;
    EXPECT_EQ(none[i].wakeups, 0) << i;
    cycles_none += none[i].cycles;
    cycles_gated += gated[i].cycles;
  }
  // Ideal memory: nothing overlaps the wake-up stall.
  EXPECT_EQ(cycles_gated, cycles_none + 2 * 10);
}

// The same sequence in GTKWave: the array's powered PEs follow the footprints (64 at power-up,
// then 16, 64, 16, 64: unchanged values are not re-written) and `stall_cause` shows 4 (a
// wake-up) exactly at the two layers that wake PEs.
TEST(PowerGating, VcdShowsPoweredUnitsAndWakeUpStalls) {
  const workloads::Graph g = test::fc_sequence();
  const arch::AcceleratorSpec spec = gated_spec("per_layer", {"pe_array"}, {});
  const std::string path = ::testing::TempDir() + "adasim_power_gating.vcd";
  test::in_child([&] {
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(5));
    sim::VcdWriter vcd(path, sim::TraceFilter({"top.power.*", "top.pe_array.stall_cause"}), 0, 0);
    sim::simulate(spec, g, energy, values, &vcd);
    vcd.finish();
    return std::vector<double>{};
  });
  const test::VcdDump dump = test::read_vcd(path);
  std::vector<uint64_t> units;
  for (const auto& [t, bits] : dump.changes.at("top.power.pe_array.powered_units"))
    units.push_back(std::stoull(bits, nullptr, 2));
  std::vector<uint64_t> distinct;
  for (uint64_t u : units)
    if (distinct.empty() || distinct.back() != u) distinct.push_back(u);
  EXPECT_EQ(distinct, (std::vector<uint64_t>{64, 16, 64, 16, 64}));
  int wakes = 0;
  for (const auto& [t, bits] : dump.changes.at("top.pe_array.stall_cause"))
    wakes += std::stoull(bits, nullptr, 2) == 4;
  EXPECT_EQ(wakes, 2);
}

TEST(PowerGating, LeakageIsTheLawTimesPoweredUnitTime) {
  const workloads::Graph g = test::fc_sequence();
  const arch::EnergyTable t;
  for (const bool retention : {false, true}) {
    arch::AcceleratorSpec s = gated_spec("per_layer", {"pe_array"}, {});
    const arch::OperatingPoint p{400.0, 0.7};
    s.clock.nominal = p;
    s.clock.operating_points = {p};
    s.power.retention = retention;
    s.power.retention_leakage_fraction = 0.3;
    const std::vector<Layer> l = layers_of(run(s, g));
    // fc1: 16 PEs powered, 48 off (retention: at 0.3 of their leakage), over the layer's time.
    const double units = 16 + (retention ? 0.3 * 48 : 0.0);
    const double law = t.pe_leakage_mw() * (0.7 / 0.9);  // mW per PE at 0.7 V
    EXPECT_NEAR(l[1].leak_pj, units * law * l[1].time_ns, 1e-9 * l[1].leak_pj) << retention;
    EXPECT_NEAR(l[0].leak_pj, 64 * law * l[0].time_ns, 1e-9 * l[0].leak_pj) << retention;
  }
}

// Total energy of the run (every row of every layer).
double run_energy(const arch::AcceleratorSpec& spec, const workloads::Graph& g) {
  return test::in_child([&] {
           const arch::EnergyTable energy(spec.energy);
           arch::ValueStore values(g, test::test_generator(5));
           double pj = 0;
           for (const sim::LayerReport& l : sim::simulate(spec, g, energy, values).layers)
             pj += l.energy_total_pj();
           return std::vector<double>{pj};
         })
      .at(0);
}

TEST(PowerGating, GapShorterThanBreakEvenCostsLongerSaves) {
  // fc0 (64 PEs), fc1 (16 PEs), fc2 (64 PEs): 48 PEs are off for fc1's time t and wake once.
  // No wake-up stall and no clock energy, so the runs differ by exactly
  // 48 x (W (V/V_ref)^2 - P (V/V_ref) t): gating pays off when t > t_be = W V_ref / (P V).
  workloads::Graph g;
  g.name = "gap";
  for (const int64_t ck : {8, 4, 8})
    test::add_fc(g, "fc" + std::to_string(g.layers.size()), 16, ck, ck);
  arch::AcceleratorSpec none = gated_spec("none", {"pe_array"}, {});
  none.power.wakeup_cycles = 0;
  none.energy.overrides["clock_pj_per_flop"] = 0.0;
  const double gap_ns = layers_of(run(none, g)).at(1).time_ns;  // fc1's time (1 GHz, 0.9 V)
  const double e_none = run_energy(none, g);
  const arch::EnergyTable t;
  const double p_mw = t.pe_leakage_mw();
  for (const double ratio : {0.25, 0.5, 0.9, 1.1, 2.0, 4.0}) {
    // A wake-up energy that puts the break-even time at ratio x the gap.
    arch::AcceleratorSpec gated = none;
    gated.power.policy = "per_layer";
    const double w = ratio * gap_ns * p_mw;  // t_be = W / P at V = V_ref
    gated.energy.overrides["pe_wakeup_pj"] = w;
    const double delta = run_energy(gated, g) - e_none;
    EXPECT_NEAR(delta, 48 * (w - p_mw * gap_ns), 1e-6 * std::abs(e_none)) << ratio;
    if (ratio < 1) {
      EXPECT_LT(delta, 0) << ratio;  // the gap is longer than t_be: gating saves
    } else {
      EXPECT_GT(delta, 0) << ratio;  // shorter: it costs
    }
  }
}

// The DRAM-bound spec with the PE array gated after `idle_cycles` idle cycles (3-cycle wake-up).
arch::AcceleratorSpec idle_timeout_spec(int64_t idle_cycles) {
  arch::AcceleratorSpec s = dram_bound_spec();
  s.power.policy = "idle_timeout";
  s.power.power_gated = {"pe_array"};
  s.power.wakeup_cycles = 3;
  s.power.policy_params.set("idle_cycles", idle_cycles);
  return s;
}

TEST(PowerGating, IdleTimeoutGatesLongDramWaitsOnly) {
  // The array waits for DRAM; with a timeout of 1 cycle every wait longer than one cycle is
  // gated and ends with one wake-up; with an unreachable timeout nothing is.
  const workloads::Graph g = one_conv();
  const Layer never = layers_of(run(idle_timeout_spec(int64_t(1) << 40), g)).at(0);
  const arch::AcceleratorSpec s = idle_timeout_spec(1);
  const Layer soon = layers_of(run(s, g)).at(0);
  EXPECT_EQ(never.wakeups, 0);
  EXPECT_EQ(never.wake_stall, 0);
  ASSERT_GT(soon.wakeups, 0);
  EXPECT_EQ(soon.wake_stall, 3 * soon.wakeups);  // each wake-up stalls wakeup_cycles once
  const arch::EnergyTable t;
  EXPECT_NEAR(soon.wake_pj, soon.wakeups * 64 * t.pe_wakeup_pj(), 1e-9 * soon.wake_pj);
  EXPECT_LT(soon.leak_pj, never.leak_pj);
}

TEST(PowerGating, VcdShowsTheWakeUpThatEndsAnIdleTimeoutWait) {
  // Each DRAM wait the idle_timeout policy gated ends with a wake-up: the VCD's stall_cause
  // turns 4 once per wake-up the report counts (it showed the whole wait as 1, DRAM).
  const workloads::Graph g = one_conv();
  const arch::AcceleratorSpec s = idle_timeout_spec(1);
  const std::string path = ::testing::TempDir() + "adasim_idle_timeout.vcd";
  const std::vector<double> wakeups = test::in_child([&] {
    const arch::EnergyTable energy(s.energy);
    arch::ValueStore values(g, test::test_generator(5));
    sim::VcdWriter vcd(path, sim::TraceFilter({"top.pe_array.stall_cause"}), 0, 0);
    const sim::SimulationResult res = sim::simulate(s, g, energy, values, &vcd);
    vcd.finish();
    return std::vector<double>{double(res.layers.at(0).power.at("pe_array").wakeups)};
  });
  ASSERT_GT(wakeups.at(0), 0);
  const test::VcdDump dump = test::read_vcd(path);
  int wakes = 0;
  for (const auto& [t, bits] : dump.changes.at("top.pe_array.stall_cause"))
    wakes += std::stoull(bits, nullptr, 2) == 4;
  EXPECT_EQ(wakes, int(wakeups.at(0)));
}

// The time (ps) of each change of `signal` to `value` in a VCD traced by `trace`.
std::vector<uint64_t> vcd_times_of(const arch::AcceleratorSpec& s, const workloads::Graph& g,
                                   const std::string& signal, uint64_t value,
                                   const std::string& file) {
  const std::string path = ::testing::TempDir() + file;
  test::in_child([&] {
    const arch::EnergyTable energy(s.energy);
    arch::ValueStore values(g, test::test_generator(5));
    sim::VcdWriter vcd(path, sim::TraceFilter({"top.power.*"}), 0, 0);
    sim::simulate(s, g, energy, values, &vcd);
    vcd.finish();
    return std::vector<double>{};
  });
  const test::VcdDump dump = test::read_vcd(path);
  std::vector<uint64_t> at;
  for (const auto& [t, bits] : dump.changes.at(signal))
    if (std::stoull(bits, nullptr, 2) == value) at.push_back(t);
  return at;
}

TEST(PowerGating, VcdDrawsTheIdleTimeoutOffEdgeWhereTheTimeoutEnds) {
  // The fc sequence never uses the vector unit: idle_timeout switches its 8 lanes off once the
  // run has idled idle_cycles cycles, at 1 GHz idle_cycles ns after the start (ideal memory, no
  // DVFS: the layers follow each other without a gap). With 7 that is inside fc0, with fc0's
  // cycles + 5 five cycles into fc1; the edge used to be drawn at the end of that layer.
  const workloads::Graph g = test::fc_sequence();
  arch::AcceleratorSpec s = gated_spec("idle_timeout", {"vector_unit"}, {});
  const std::string sig = "top.power.vector_unit.powered_units";
  s.power.policy_params.set("idle_cycles", int64_t(1) << 40);
  const double fc0 = layers_of(run(s, g)).at(0).cycles;
  ASSERT_GT(fc0, 7);
  for (const uint64_t n : {uint64_t(7), uint64_t(fc0) + 5}) {
    s.power.policy_params.set("idle_cycles", int64_t(n));
    EXPECT_EQ(vcd_times_of(s, g, sig, 0, "adasim_idle_edge.vcd"), std::vector<uint64_t>{n * 1000})
        << n;
  }
  // Inside DRAM waits that the array's own timeout gates too (their edges in the same steps):
  // the vector unit still goes off at idle_cycles ns, the array at the end of each wait's
  // first idle_cycles cycles.
  arch::AcceleratorSpec w = idle_timeout_spec(3);
  w.power.power_gated = {"pe_array", "vector_unit"};
  EXPECT_EQ(vcd_times_of(w, one_conv(), sig, 0, "adasim_idle_edge_wait.vcd"),
            std::vector<uint64_t>{3000});
}

// fc0 leaves its 8 KiB weight in gbuf; fc1 needs one 1 KiB bank; fc2 reads fc0's weights
// without loading them (its plan is edited so). Banks are 1 KiB.
double reliance_run(const std::string& policy, bool retention) {
  return test::in_child([&] {
           workloads::Graph g;
           g.name = "reliance";
           test::add_fc(g, "fc0", 1, 64, 128);
           test::add_fc(g, "fc1", 1, 4, 4);
           test::add_fc(g, "fc2", 1, 64, 128);
           arch::AcceleratorSpec s = test::real_spec(8, 8, "ws", 16.0, 64 << 10);
           s.sram[0].banks = 64;
           s.power.enabled = true;
           s.power.policy = policy;
           s.power.power_gated = {"gbuf"};
           s.power.retention = retention;
           const arch::EnergyTable energy(s.energy);
           std::vector<workloads::LayerSchedule> sch = sim::map_graph(g, s, energy);
           arch::TransferPlan& plan = sch[2].transfers;
           arch::OperandPlan& w = plan.operands[size_t(arch::Operand::kWeight)];
           w.resident = true;  // its whole 8 KiB share is expected to sit in gbuf
           w.slots = 1;
           w.tile_bytes = 64 * 128;
           for (arch::FoldPlan& f : plan.folds) {
             f.stationary_load_bytes = {};
             for (arch::ChunkPlan& c : f.chunks) c.load_bytes[size_t(arch::Operand::kWeight)] = {};
           }
           arch::ValueStore values(g, test::test_generator(5));
           try {
             sim::simulate_schedules(s, g, energy, values, sch);
           } catch (const sim::ModelError& e) {
             return std::vector<double>{
                 std::string(e.what()).find("fc2 reads its weight from gbuf") != std::string::npos
                     ? 1.0
                     : 2.0};
           }
           return std::vector<double>{0.0};
         })
      .at(0);
}

TEST(PowerGating, DataInABankThatWasOffIsGone) {
  EXPECT_EQ(reliance_run("per_layer", false), 1.0);  // fc1 switched the banks off
  EXPECT_EQ(reliance_run("per_layer", true), 0.0);   // retention keeps the data
  EXPECT_EQ(reliance_run("none", false), 0.0);       // never off
}

}  // namespace
}  // namespace adasim
