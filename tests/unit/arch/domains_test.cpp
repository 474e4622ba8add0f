// SPDX-License-Identifier: Apache-2.0
// Voltage/clock domains (arch/dvfs/domains.hpp, arch/program/feed_latency.hpp): memory-domain
// cycles in core cycles, the feed latency across the synchroniser, the outputs' return latency
// across the one back and the per-domain energy laws, worked by hand below. Without a memory
// domain every function must be the single-domain model's identity.
#include "arch/dvfs/domains.hpp"

#include <gtest/gtest.h>

#include "arch/program/feed_latency.hpp"

namespace adasim::arch {
namespace {

AcceleratorSpec with_memory_domain(OperatingPoint core, OperatingPoint mem, int sync) {
  AcceleratorSpec s;
  s.clock.nominal = core;
  s.clock.operating_points = {core};
  DomainSpec d;
  d.nominal = mem;
  d.operating_points = {mem};
  d.sync_cycles = sync;
  s.clock.memory = d;
  s.sram = {SramLevelSpec{}};
  s.sram[0].name = "gbuf";
  return s;
}

TEST(ClockDomains, MemoryCyclesInCoreCycles) {
  // Core 1000 MHz, memory 400 MHz: one memory cycle lasts 2.5 core cycles.
  const AcceleratorSpec s = with_memory_domain({1000, 0.9}, {400, 0.8}, 2);
  const double r = core_per_memory_cycle(s, s.clock.nominal);
  EXPECT_DOUBLE_EQ(r, 2.5);
  EXPECT_EQ(memory_to_core_cycles(0, r), 0u);
  EXPECT_EQ(memory_to_core_cycles(1, r), 3u);  // ceil(2.5)
  EXPECT_EQ(memory_to_core_cycles(2, r), 5u);  // exactly 5
  EXPECT_EQ(memory_to_core_cycles(3, r), 8u);  // ceil(7.5)
  // Memory faster than the core (ratio 0.4): work of 1 or 2 memory cycles fits in one core
  // cycle, 3 need ceil(1.2) = 2.
  EXPECT_EQ(memory_to_core_cycles(1, 0.4), 1u);
  EXPECT_EQ(memory_to_core_cycles(2, 0.4), 1u);
  EXPECT_EQ(memory_to_core_cycles(3, 0.4), 2u);
  // The ratio follows the core's current point, not its nominal one.
  EXPECT_DOUBLE_EQ(core_per_memory_cycle(s, {200, 0.7}), 0.5);
}

TEST(ClockDomains, FeedLatencyIsNocStagesAtTheMemoryClockPlusTheSynchroniser) {
  AcceleratorSpec s = with_memory_domain({1000, 0.9}, {400, 0.8}, 3);
  s.noc.latency_cycles = 2;
  // 2 stages x 2.5 core cycles = 5, plus 3 synchroniser cycles.
  EXPECT_EQ(feed_latency_cycles(s, 2.5), 8);
  EXPECT_EQ(nominal_feed_latency(s), 8);
  s.clock.memory.reset();
  EXPECT_EQ(nominal_feed_latency(s), 2);  // one domain: the NoC's own stages
}

TEST(ClockDomains, ReturnLatencyIsTheSynchroniserAtTheMemoryClock) {
  // The way back (outputs to SRAM) has no NoC stages; its synchroniser's 3 stages count memory
  // cycles (the receiving clock): 3 x 2.5 = 7.5, so 8 core cycles.
  AcceleratorSpec s = with_memory_domain({1000, 0.9}, {400, 0.8}, 3);
  s.noc.latency_cycles = 2;
  EXPECT_EQ(return_latency_cycles(s, 2.5), 8);
  EXPECT_EQ(nominal_return_latency(s), 8);
  // At the core's lower point 200 MHz (ratio 0.5): ceil(1.5) = 2 core cycles.
  EXPECT_EQ(return_latency_cycles(s, core_per_memory_cycle(s, {200, 0.7})), 2);
  // A 2-flop synchroniser into a memory domain 2.5 x faster than the core (ratio 0.4): ceil(0.8).
  s = with_memory_domain({400, 0.9}, {1000, 0.9}, 2);
  EXPECT_EQ(nominal_return_latency(s), 1);
  s = with_memory_domain({400, 0.9}, {200, 0.9}, 2);  // half the core's clock: 2 x 2 = 4
  EXPECT_EQ(nominal_return_latency(s), 4);
  s = with_memory_domain({400, 0.9}, {200, 0.9}, 0);  // no synchroniser
  EXPECT_EQ(nominal_return_latency(s), 0);
  s.clock.memory.reset();
  EXPECT_EQ(nominal_return_latency(s), 0);  // one domain: no crossing
}

TEST(ClockDomains, BlocksBelongToTheirDomains) {
  AcceleratorSpec s = with_memory_domain({1000, 0.9}, {400, 0.8}, 2);
  for (const char* m : {"gbuf", "noc", "decoder", "encoder"})
    EXPECT_EQ(domain_of(s, m), DomainId::kMemory) << m;
  for (const char* m : {"pe_array", "vector_unit"})
    EXPECT_EQ(domain_of(s, m), DomainId::kCore) << m;
  EXPECT_EQ(domain_of(s, "dram"), DomainId::kDram);
  s.clock.memory.reset();
  EXPECT_EQ(domain_of(s, "gbuf"), DomainId::kCore);
}

TEST(ClockDomains, MemoryRowsFollowTheirOwnVoltage) {
  // Rows priced at core voltage 0.9 V; the memory domain runs at 0.6 V (V_ref 0.9 V):
  // dynamic x (0.6 / 0.9)^2 = 4/9, leakage x 0.6 / 0.9 = 2/3; core and DRAM rows unchanged.
  const AcceleratorSpec s = with_memory_domain({1000, 0.9}, {300, 0.6}, 2);
  const EnergyTable t(s.energy);
  std::vector<EnergyRow> rows = {{"pe_array", "mac_int8", 10, 2.0, 20.0},
                                 {"gbuf", "read", 4, 9.0, 36.0},
                                 {"gbuf", "leakage", 1, 30.0, 30.0},
                                 {"noc", "byte", 3, 1.5, 4.5},
                                 {"dram", "read_byte", 5, 7.0, 35.0}};
  price_at_domain_voltages(t, s, 0.9, rows);
  EXPECT_DOUBLE_EQ(rows[0].pj, 20.0);
  EXPECT_NEAR(rows[1].pj_each, 4.0, 1e-12);
  EXPECT_NEAR(rows[1].pj, 16.0, 1e-12);
  EXPECT_NEAR(rows[2].pj, 20.0, 1e-12);
  EXPECT_NEAR(rows[3].pj, 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(rows[4].pj, 35.0);
  // The normalised per-access table has no voltage: nothing moves.
  AcceleratorSpec normalised = s;
  normalised.energy.per_access = {{"mac", 1}, {"rf", 1}, {"noc", 2}, {"gbuf", 6}, {"dram", 200}};
  std::vector<EnergyRow> same = {{"gbuf", "read", 4, 9.0, 36.0}};
  price_at_domain_voltages(t, normalised, 0.9, same);
  EXPECT_DOUBLE_EQ(same[0].pj, 36.0);
}

}  // namespace
}  // namespace adasim::arch
