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
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "one_conv_run.hpp"

namespace adasim {
namespace {

// The figures of one run the tests compare (each run in its own process: tests/support/
// child_process.hpp).
struct Figures {
  uint64_t layers = 0, cycles_total = 0, stall_dram = 0, dram_bytes = 0;  // layers: always 1
  double time_ns = 0, core_pj = 0, dram_pj = 0, core_leak_pj = 0;
};

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

Figures run_at(const arch::AcceleratorSpec& spec, const arch::OperatingPoint& p) {
  const std::vector<double> v = test::run_one_conv(spec, p, [](const sim::LayerReport& l) {
    const auto stall = l.stall_by_cause.find("dram");
    return std::vector<double>{1.0,
                               double(l.cycles_total),
                               stall == l.stall_by_cause.end() ? 0.0 : double(stall->second),
                               double(dram_bytes(l)),
                               l.time_ns,
                               sum_pj(l, false, false),
                               sum_pj(l, true, false),
                               sum_pj(l, false, true)};
  });
  return Figures{uint64_t(v.at(0)), uint64_t(v.at(1)), uint64_t(v.at(2)), uint64_t(v.at(3)),
                 v.at(4),           v.at(5),           v.at(6),           v.at(7)};
}

TEST(DvfsScaling, ComputeBoundTimeScalesAsOneOverF) {
  const auto spec = test::ideal_spec(8, 8, "ws");
  const Figures slow = run_at(spec, {400.0, 0.7});
  const Figures fast = run_at(spec, {1000.0, 0.9});
  // Stall-free memory: 928 cycles at any clock (tests/systemc/dvfs_policy_test.cpp derives it).
  EXPECT_EQ(slow.cycles_total, 928u);
  EXPECT_EQ(fast.cycles_total, 928u);
  EXPECT_DOUBLE_EQ(slow.time_ns, 928 * 2.5);
  EXPECT_DOUBLE_EQ(fast.time_ns, 928 * 1.0);
}

TEST(DvfsScaling, DramBoundTimeBarelyMovesWithTheCoreClock) {
  // 0.05 GB/s (= 0.05 bytes/ns) DRAM: the layer's weights and activations take tens of us to
  // stream, against ~1 us of compute at 1 GHz.
  const auto spec = test::real_spec(8, 8, "ws", 0.05, 64 << 10);
  const Figures slow = run_at(spec, {400.0, 0.7});
  const Figures fast = run_at(spec, {1000.0, 0.9});
  ASSERT_EQ(slow.dram_bytes, fast.dram_bytes);
  const double stream_ns = double(fast.dram_bytes) / 0.05;
  // Each run takes at least the DRAM streaming time; a 2.5x faster core saves at most the
  // compute that does not overlap the stream (here under 10% of the layer).
  EXPECT_GE(fast.time_ns, stream_ns);
  EXPECT_GE(slow.time_ns, stream_ns);
  EXPECT_GT(slow.stall_dram, 0u);
  EXPECT_LT((slow.time_ns - fast.time_ns) / fast.time_ns, 0.10);
  EXPECT_GT(fast.cycles_total, 2 * slow.cycles_total);  // cycles, unlike time, move ~2.5x
}

TEST(DvfsScaling, DynamicEnergyScalesExactlyAsVoltageSquared) {
  const auto spec = test::real_spec(8, 8, "ws", 16.0, 64 << 10);
  const Figures lo = run_at(spec, {400.0, 0.7});
  const Figures hi = run_at(spec, {400.0, 0.9});
  ASSERT_EQ(lo.cycles_total, hi.cycles_total);  // same clock: same activity
  const double core_hi = hi.core_pj;
  ASSERT_GT(core_hi, 0.0);
  EXPECT_NEAR(lo.core_pj / core_hi, (0.7 / 0.9) * (0.7 / 0.9), 1e-12);
  // The DRAM interface is not in the core's voltage domain.
  EXPECT_DOUBLE_EQ(lo.dram_pj, hi.dram_pj);
}

TEST(DvfsScaling, LeakageIsPowerAtVoltageTimesTime) {
  auto spec = test::real_spec(8, 8, "ws", 16.0, 64 << 10);
  const arch::EnergyTable t(spec.energy);
  for (const arch::OperatingPoint p : {arch::OperatingPoint{400.0, 0.7}, {1000.0, 1.0}}) {
    const Figures l = run_at(spec, p);
    // 64 PEs, one 64 KiB level and the bus, each at its table power at 0.9 V, times V / 0.9.
    const double mw_ref = 64 * t.pe_leakage_mw() + t.sram_leakage_mw(64 << 10) + t.noc_leakage_mw();
    EXPECT_NEAR(l.core_leak_pj, mw_ref * (p.voltage_v / 0.9) * l.time_ns, 1e-9 * l.core_leak_pj)
        << p.freq_mhz;
  }
}

TEST(DvfsScaling, DramSynchroniserCyclesSlowADramBoundLayer) {
  // clock.dram_sync_cycles = 4 adds 4 core cycles to every DRAM transaction's completion (one
  // per DMA job, load or store, however many bursts): at least the first load waits for it (the
  // layer cannot start before its data), and at most every transaction does one after another
  // (each carries at least one byte).
  auto spec = test::real_spec(8, 8, "ws", 0.05, 64 << 10);
  const Figures plain = run_at(spec, {1000.0, 0.9});
  spec.clock.dram_sync_cycles = 4;
  const Figures synced = run_at(spec, {1000.0, 0.9});
  EXPECT_GE(synced.cycles_total, plain.cycles_total + 4);
  EXPECT_LE(synced.cycles_total, plain.cycles_total + 4 * plain.dram_bytes);
  EXPECT_EQ(synced.dram_bytes, plain.dram_bytes);
}

}  // namespace
}  // namespace adasim
