// SPDX-License-Identifier: Apache-2.0
// The outputs' way back from the PE array (core domain) to the SRAM levels (memory domain,
// clock.domains.memory) crosses a synchroniser of sync_cycles cycles of the receiving (memory)
// clock, ceil(sync_cycles x f_core / f_mem) core cycles (arch/program/feed_latency.hpp). The
// outputs are in SRAM that long after the cycle they leave the array starts; the array goes on,
// and only what waits for them (their store, a reload, the layer's end) sees it.
//
// Worked by hand on the 3x3 conv of one_conv_run.hpp (GEMM M = 64, Kred = 27, N = 20) on an
// 8 x 8 weight-stationary array with stall-free ideal memory and no NoC stages
// (test::ideal_spec): 4 row folds (8, 8, 8, 3 rows) x 3 column folds (8, 8, 4 columns), each
// streaming the 64 output pixels. With the feed latency `lat` (the synchroniser into the core:
// sync_cycles core cycles) the array's last cycle ends at the WS closed form
//   ws(lat) = 8 (first weight load) + sum over c in {8, 8, 4} of 4 x (64 + lat + 8 + c - 2)
// (tests/systemc/clock_domains_test.cpp), so ws(2) = 8 + 4 x 80 + 4 x 80 + 4 x 76 = 952: the
// layer's cycles with the return crossing at zero (the model before it). The last output row
// leaves the array in the layer's last cycle; with the crossing the layer ends when that row is
// in SRAM, so the crossing adds max(0, ret - k) cycles, k being the core cycles of that last
// array cycle:
//  - core 400 MHz, memory 400 MHz, sync 2: the ports never stall (k = 1), ret = 2 core cycles,
//    so 952 + (2 - 1) = 953;
//  - core 400 MHz, memory 200 MHz, sync 2: every array cycle moves operands (the load of the
//    first tile, the 64 feed cycles of a fold) or output rows (the fold's last 64 cycles; the
//    two overlap since the skew 2 + 7 + c - 1 <= 16 < 64) over the NoC, whose one link cycle at
//    the memory clock takes 2 core cycles: every array cycle costs k = 2, 2 x 952 = 1904 with
//    the return crossing at zero; ret = 2 memory cycles = 4 core cycles, so the last row,
//    leaving at the start of cycle 1902, is in SRAM at 1906: 1904 + (4 - 2) = 1906.
// The mapper's estimate (its timeline) equals the engine in both, and so does its closed form
// on the stall-free one.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"

namespace adasim {
namespace {

// ws(lat) above.
uint64_t ws_cycles(int lat) {
  uint64_t total = 8;
  for (int c : {8, 8, 4}) total += 4 * uint64_t(64 + lat + 8 + c - 2);
  return total;
}

struct Figures {
  uint64_t cycles = 0, port_stalls = 0;
  double estimate = 0, closed_form = 0;
};

// The one conv at core point 400 MHz with the memory domain at `mem_mhz`, in a child process.
Figures run(double mem_mhz, int sync) {
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {400.0, 0.9};
  spec.clock.operating_points = {spec.clock.nominal};
  spec.energy.reference_voltage_v = 0.9;
  arch::DomainSpec d;
  d.nominal = {mem_mhz, 0.9};
  d.operating_points = {d.nominal};
  d.sync_cycles = sync;
  spec.clock.memory = d;
  const std::vector<double> v = test::in_child([&spec] {
    workloads::Graph g;
    g.name = "one_conv";
    test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(3));
    const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
    if (res.layers.size() != 1) throw std::runtime_error("one_conv: expected one layer");
    const sim::LayerReport& l = res.layers[0];
    uint64_t stalls = 0;
    for (const char* cause : {"sram", "noc"}) {
      const auto it = l.stall_by_cause.find(cause);
      if (it != l.stall_by_cause.end()) stalls += it->second;
    }
    const workloads::Estimate e =
        workloads::estimate(res.schedules[0], spec, sim::mapper_costs(energy, spec));
    return std::vector<double>{double(l.cycles_total), double(stalls), e.cycles, e.compute_cycles};
  });
  return Figures{uint64_t(v.at(0)), uint64_t(v.at(1)), v.at(2), v.at(3)};
}

TEST(ReturnCrossing, LastOutputsReachSramTwoCoreCyclesLater) {
  ASSERT_EQ(ws_cycles(2), 952u);
  const Figures f = run(400.0, 2);
  EXPECT_EQ(f.port_stalls, 0u);
  EXPECT_EQ(f.cycles, 952u + (2 - 1));
  EXPECT_DOUBLE_EQ(f.estimate, double(f.cycles));
  EXPECT_DOUBLE_EQ(f.closed_form, double(f.cycles));
}

TEST(ReturnCrossing, SynchroniserCountsCyclesOfTheSlowerMemoryClock) {
  const Figures f = run(200.0, 2);
  EXPECT_EQ(f.port_stalls, 952u);  // one per array cycle
  EXPECT_EQ(f.cycles, 2 * 952u + (4 - 2));
  EXPECT_DOUBLE_EQ(f.estimate, double(f.cycles));
}

TEST(ReturnCrossing, NoSynchroniserNoReturnCycles) {
  // sync_cycles = 0: neither crossing costs a cycle; the stall-free layer is ws(0) = 928.
  EXPECT_EQ(run(400.0, 0).cycles, ws_cycles(0));
}

}  // namespace
}  // namespace adasim
