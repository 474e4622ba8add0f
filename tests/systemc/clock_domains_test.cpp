// SPDX-License-Identifier: Apache-2.0
// Voltage/clock domains on a whole layer (issue 14 part 1): the PE array (core domain) apart from
// the SRAM levels and the NoC (memory domain, clock.domains.memory), on the 3x3 conv of
// one_conv_run.hpp (GEMM M = 64, Kred = 27, N = 20). Closed forms:
//  - on stall-free memory a layer keeps its cycle count, so its time scales as 1/f_core while the
//    memory domain's clock stays put;
//  - every fold's operands cross into the core domain once: a synchroniser of s cycles adds s
//    cycles per fold to the WS closed form (tests/systemc/closed_form_cycles_test.cpp); the last
//    outputs cross back into the memory domain (s memory cycles) before the layer ends
//    (tests/systemc/return_crossing_test.cpp);
//  - lowering the memory domain's voltage from V2 to V1 scales the SRAM and NoC energy by exactly
//    (V1/V2)^2 (their leakage by V1/V2 over the same time) and leaves the PE array's unchanged.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "one_conv_run.hpp"

namespace adasim {
namespace {

arch::DomainSpec domain(arch::OperatingPoint p, int sync) {
  arch::DomainSpec d;
  d.nominal = p;
  d.operating_points = {p};
  d.sync_cycles = sync;
  return d;
}

double sum_pj(const sim::LayerReport& l, const std::string& module, bool leakage) {
  double pj = 0;
  for (const sim::EnergyEntry& e : l.energy)
    if (e.module == module && (e.action == "leakage") == leakage) pj += e.pj;
  return pj;
}

uint64_t stall(const sim::LayerReport& l, const std::string& cause) {
  const auto it = l.stall_by_cause.find(cause);
  return it == l.stall_by_cause.end() ? 0 : it->second;
}

// The figures of one run the tests compare (each run in its own process: child_process.hpp).
struct Figures {
  uint64_t cycles_total = 0, port_stalls = 0, macs = 0;
  double time_ns = 0;
  double gbuf_pj = 0, gbuf_leak_pj = 0, noc_pj = 0, pe_pj = 0, pe_leak_pj = 0, dram_pj = 0;
};

Figures run(const arch::AcceleratorSpec& spec, const arch::OperatingPoint& core) {
  const std::string gbuf = spec.sram.at(0).name;
  const std::vector<double> v = test::run_one_conv(spec, core, [&gbuf](const sim::LayerReport& l) {
    return std::vector<double>{double(l.cycles_total),
                               double(stall(l, "sram") + stall(l, "noc")),
                               double(l.macs),
                               l.time_ns,
                               sum_pj(l, gbuf, false),
                               sum_pj(l, gbuf, true),
                               sum_pj(l, "noc", false),
                               sum_pj(l, "pe_array", false),
                               sum_pj(l, "pe_array", true),
                               sum_pj(l, "dram", false)};
  });
  return Figures{uint64_t(v.at(0)), uint64_t(v.at(1)), uint64_t(v.at(2)), v.at(3), v.at(4),
                 v.at(5),           v.at(6),           v.at(7),           v.at(8), v.at(9)};
}

// The same run with the memory domain at 0.9 V (`hi`) and 0.7 V (`lo`), equal clocks: the same
// cycles and time; the buffer and NoC energy x (0.7 / 0.9)^2, the buffer's leakage x 0.7 / 0.9;
// the PE array's and the DRAM's unchanged.
void expect_memory_voltage_scaling(const Figures& hi, const Figures& lo) {
  ASSERT_EQ(lo.cycles_total, hi.cycles_total);
  ASSERT_DOUBLE_EQ(lo.time_ns, hi.time_ns);
  const double sq = (0.7 / 0.9) * (0.7 / 0.9);
  ASSERT_GT(hi.gbuf_pj, 0.0);
  ASSERT_GT(hi.noc_pj, 0.0);
  EXPECT_NEAR(lo.gbuf_pj / hi.gbuf_pj, sq, 1e-12);
  EXPECT_NEAR(lo.noc_pj / hi.noc_pj, sq, 1e-12);
  EXPECT_NEAR(lo.gbuf_leak_pj / hi.gbuf_leak_pj, 0.7 / 0.9, 1e-12);
  EXPECT_DOUBLE_EQ(lo.pe_pj, hi.pe_pj);
  EXPECT_DOUBLE_EQ(lo.pe_leak_pj, hi.pe_leak_pj);
  EXPECT_DOUBLE_EQ(lo.dram_pj, hi.dram_pj);
}

// WS closed form on 8 x 8 with feed latency `lat`: the first weight load (8 rows), then per
// column fold (8, 8, 4 columns) 4 row folds of M + lat + AR + c - 2 cycles.
uint64_t ws_cycles(int lat) {
  uint64_t total = 8;
  for (int c : {8, 8, 4}) total += 4 * uint64_t(64 + lat + 8 + c - 2);
  return total;
}

TEST(ClockDomains, ComputeBoundTimeScalesAsOneOverTheCoreClock) {
  // Memory domain at 1000 MHz: at either core clock a memory cycle fits in one core cycle, so
  // the stall-free layer keeps ws_cycles(0) = 928 cycles.
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.memory = domain({1000.0, 0.9}, 0);
  const Figures slow = run(spec, {400.0, 0.7});
  const Figures fast = run(spec, {1000.0, 0.9});
  ASSERT_EQ(ws_cycles(0), 928u);
  EXPECT_EQ(slow.cycles_total, 928u);
  EXPECT_EQ(fast.cycles_total, 928u);
  EXPECT_DOUBLE_EQ(slow.time_ns, 928 * 2.5);
  EXPECT_DOUBLE_EQ(fast.time_ns, 928 * 1.0);
}

TEST(ClockDomains, EachFoldPaysTheSynchroniserOnce) {
  // 4 row folds x 3 column folds = 12 crossings of s = 3 cycles each: 928 + 36 = 964. The last
  // output row leaves the array in cycle 963 and is in SRAM 3 memory (= core) cycles later, at
  // 966: the layer ends 2 cycles after its last array cycle.
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.memory = domain({1000.0, 0.9}, 3);
  EXPECT_EQ(ws_cycles(3), 964u);
  EXPECT_EQ(run(spec, {1000.0, 0.9}).cycles_total, 964u + 2);
  spec.clock.memory = domain({1000.0, 0.9}, 0);
  EXPECT_EQ(run(spec, {1000.0, 0.9}).cycles_total, 928u);
}

TEST(ClockDomains, MemoryVoltageScalesSramAndNocEnergyOnly) {
  // Same clocks (400 MHz both), memory supply 0.9 V vs 0.7 V: same activity and time.
  arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 16.0, 64 << 10);
  spec.clock.memory = domain({400.0, 0.9}, 2);
  const Figures hi = run(spec, {400.0, 0.9});
  spec.clock.memory = domain({400.0, 0.7}, 2);
  const Figures lo = run(spec, {400.0, 0.9});
  expect_memory_voltage_scaling(hi, lo);
}

TEST(ClockDomains, SlowMemoryClockStretchesTheCyclesThatUseThePorts) {
  // Memory at half the core clock: a cycle's SRAM-port and NoC work of n memory cycles takes 2n
  // core cycles, so a cycle that touches the buffer costs at least one more core cycle (a port
  // stall): more port stalls and more cycles than in one domain, for the same MACs.
  arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 16.0, 64 << 10);
  const Figures one = run(spec, {400.0, 0.9});
  spec.clock.memory = domain({200.0, 0.9}, 0);
  const Figures half = run(spec, {400.0, 0.9});
  EXPECT_GT(half.port_stalls, one.port_stalls);
  EXPECT_GT(half.cycles_total, one.cycles_total);
  EXPECT_EQ(half.macs, one.macs);
}

// The same two checks on a spatial array (RS, 4 x 4, 45 nm table): its buffer and its buses are
// in the memory domain, its register files in the PE array's. Latency objective, equal clocks:
// the mapper chooses the same nest at either memory voltage, so the activity is the same.
TEST(ClockDomains, SpatialMemoryVoltageScalesBufferAndNocEnergyOnly) {
  arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 128, 64 << 10, 16.0);
  spec.mapper.objective = arch::Objective::kLatency;
  spec.clock.memory = domain({400.0, 0.9}, 2);
  const Figures hi = run(spec, {400.0, 0.9});
  spec.clock.memory = domain({400.0, 0.7}, 2);
  const Figures lo = run(spec, {400.0, 0.9});
  expect_memory_voltage_scaling(hi, lo);
}

TEST(ClockDomains, SpatialSlowMemoryClockStretchesTheNocCycles) {
  // Memory at a quarter of the core clock: each bus phase of n cycles takes 4n core cycles, so
  // the refills and flushes stall longer (NoC stalls) for the same MACs.
  arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 128, 64 << 10, 16.0);
  spec.mapper.objective = arch::Objective::kLatency;
  const Figures one = run(spec, {400.0, 0.9});
  spec.clock.memory = domain({100.0, 0.9}, 0);
  const Figures quarter = run(spec, {400.0, 0.9});
  EXPECT_GT(quarter.port_stalls, one.port_stalls);
  EXPECT_GT(quarter.cycles_total, one.cycles_total);
  EXPECT_EQ(quarter.macs, one.macs);
}

}  // namespace
}  // namespace adasim
