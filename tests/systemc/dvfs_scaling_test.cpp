// SPDX-License-Identifier: Apache-2.0
// Closed forms of running one layer at another operating point (issue 14 part 1, README
// "Energy model"): a compute-bound layer keeps its cycle count, so its time scales as 1/f; a
// DRAM-bound layer's time is set by the DRAM interface, which keeps its own clock (bandwidth in
// GB/s, latency in ns), so it barely moves with the core frequency; dynamic energy of the core
// blocks scales exactly as (V1/V2)^2 while the DRAM interface's does not move; leakage is
// P_leak(V_ref) x (V / V_ref) x time (Butts & Sohi, MICRO 2000: P_static = V I_leak).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

workloads::Graph one_conv() {
  workloads::Graph g;
  g.name = "one_conv";
  test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
  return g;
}

sim::LayerReport run_at(arch::AcceleratorSpec spec, const arch::OperatingPoint& p) {
  spec.clock.nominal = p;
  spec.clock.operating_points = {p};
  spec.clock.policy = "static";
  spec.energy.reference_voltage_v = 0.9;
  const workloads::Graph g = one_conv();
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
  EXPECT_EQ(res.layers.size(), 1u);
  return res.layers.at(0);
}

double sum_pj(const sim::LayerReport& l, bool dram, bool leakage) {
  double pj = 0;
  for (const sim::EnergyEntry& e : l.energy)
    if ((e.module == "dram") == dram && (e.action == "leakage") == leakage) pj += e.pj;
  return pj;
}

uint64_t dram_bytes(const sim::LayerReport& l) {
  uint64_t b = 0;
  for (const sim::EnergyEntry& e : l.energy)
    if (e.module == "dram") b += e.count;
  return b;
}

TEST(DvfsScaling, ComputeBoundTimeScalesAsOneOverF) {
  const auto spec = test::ideal_spec(8, 8, arch::Dataflow::kWeightStationary);
  const sim::LayerReport slow = run_at(spec, {400.0, 0.7});
  const sim::LayerReport fast = run_at(spec, {1000.0, 0.9});
  // Stall-free memory: 928 cycles at any clock (tests/systemc/dvfs_policy_test.cpp derives it).
  EXPECT_EQ(slow.cycles_total, 928u);
  EXPECT_EQ(fast.cycles_total, 928u);
  EXPECT_DOUBLE_EQ(slow.time_ns, 928 * 2.5);
  EXPECT_DOUBLE_EQ(fast.time_ns, 928 * 1.0);
}

TEST(DvfsScaling, DramBoundTimeBarelyMovesWithTheCoreClock) {
  // 0.05 GB/s (= 0.05 bytes/ns) DRAM: the layer's weights and activations take tens of us to
  // stream, against ~1 us of compute at 1 GHz.
  const auto spec = test::real_spec(8, 8, arch::Dataflow::kWeightStationary, 0.05, 64 << 10);
  const sim::LayerReport slow = run_at(spec, {400.0, 0.7});
  const sim::LayerReport fast = run_at(spec, {1000.0, 0.9});
  ASSERT_EQ(dram_bytes(slow), dram_bytes(fast));
  const double stream_ns = double(dram_bytes(fast)) / 0.05;
  // Each run takes at least the DRAM streaming time; a 2.5x faster core saves at most the
  // compute that does not overlap the stream (here under 10% of the layer).
  EXPECT_GE(fast.time_ns, stream_ns);
  EXPECT_GE(slow.time_ns, stream_ns);
  EXPECT_GT(slow.stall_by_cause.at("dram"), 0u);
  EXPECT_LT((slow.time_ns - fast.time_ns) / fast.time_ns, 0.10);
  EXPECT_GT(fast.cycles_total, 2 * slow.cycles_total);  // cycles, unlike time, move ~2.5x
}

TEST(DvfsScaling, DynamicEnergyScalesExactlyAsVoltageSquared) {
  const auto spec = test::real_spec(8, 8, arch::Dataflow::kWeightStationary, 16.0, 64 << 10);
  const sim::LayerReport lo = run_at(spec, {400.0, 0.7});
  const sim::LayerReport hi = run_at(spec, {400.0, 0.9});
  ASSERT_EQ(lo.cycles_total, hi.cycles_total);  // same clock: same activity
  const double core_hi = sum_pj(hi, false, false);
  ASSERT_GT(core_hi, 0.0);
  EXPECT_NEAR(sum_pj(lo, false, false) / core_hi, (0.7 / 0.9) * (0.7 / 0.9), 1e-12);
  // The DRAM interface is not in the core's voltage domain.
  EXPECT_DOUBLE_EQ(sum_pj(lo, true, false), sum_pj(hi, true, false));
}

TEST(DvfsScaling, LeakageIsPowerAtVoltageTimesTime) {
  auto spec = test::real_spec(8, 8, arch::Dataflow::kWeightStationary, 16.0, 64 << 10);
  const arch::EnergyTable t(spec.energy);
  for (const arch::OperatingPoint p : {arch::OperatingPoint{400.0, 0.7}, {1000.0, 1.0}}) {
    const sim::LayerReport l = run_at(spec, p);
    // 64 PEs, one 64 KiB level and the bus, each at its table power at 0.9 V, times V / 0.9.
    const double mw_ref = 64 * t.pe_leakage_mw() + t.sram_leakage_mw(64 << 10) + t.noc_leakage_mw();
    EXPECT_NEAR(sum_pj(l, false, true), mw_ref * (p.voltage_v / 0.9) * l.time_ns,
                1e-9 * sum_pj(l, false, true))
        << p.freq_mhz;
  }
}

TEST(DvfsScaling, DramSynchroniserCyclesSlowADramBoundLayer) {
  // clock.dram_sync_cycles = 4 adds 4 core cycles to every burst's completion: at least the
  // first load waits for it (the layer cannot start before its data), and at most every burst
  // does one after another (each burst carries at least one byte).
  auto spec = test::real_spec(8, 8, arch::Dataflow::kWeightStationary, 0.05, 64 << 10);
  const sim::LayerReport plain = run_at(spec, {1000.0, 0.9});
  spec.clock.dram_sync_cycles = 4;
  const sim::LayerReport synced = run_at(spec, {1000.0, 0.9});
  EXPECT_GE(synced.cycles_total, plain.cycles_total + 4);
  EXPECT_LE(synced.cycles_total, plain.cycles_total + 4 * dram_bytes(plain));
  EXPECT_EQ(dram_bytes(synced), dram_bytes(plain));
}

}  // namespace
}  // namespace adasim
