// SPDX-License-Identifier: Apache-2.0
// The vector unit's timeline (workloads/mapper/timeline/vector_timeline.cpp) on hand-built
// programs, against figures worked out in the comments: on stall-free memory the lanes' closed
// form per chunk; with finite DRAM the chunks wait for their loads (bursts serialised at the
// bandwidth, one latency each) and the layer for its last store; with narrow SRAM ports each
// lane cycle lasts as long as its share of the chunk's bytes needs; in a memory domain each chunk
// and each store waits for its synchroniser. The same timeline is checked
// against the SystemC engine on random layers in tests/systemc/estimate_engine_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "test_support.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads {
namespace {

/// A vector program of `outputs` outputs of `per_out` operations on `lanes` lanes, in chunks of
/// the given output counts, each loading `in_per_out` and storing one byte per output.
LayerSchedule vector_program(const arch::AcceleratorSpec& spec, int64_t per_out, int64_t lanes,
                             const std::vector<int64_t>& chunks, int64_t in_per_out) {
  LayerSchedule s;
  arch::VectorProgram& v = s.engine.emplace<arch::VectorProgram>();
  v.lanes = lanes;
  const auto routes = arch::operand_routes(spec);
  for (size_t o = 0; o < routes.size(); ++o) s.transfers.operands[o].route = routes[o];
  arch::FoldPlan f;
  int64_t t0 = 0;
  for (int64_t len : chunks) {
    arch::ChunkPlan c;
    c.t0 = t0;
    c.t_len = len;
    c.out_elems = len;
    c.load_bytes[0] = {len * in_per_out};
    c.store_bytes = {len};
    f.chunks.push_back(c);
    t0 += len;
  }
  v.outputs = t0;
  v.ops = t0 * per_out;
  s.transfers.folds.push_back(f);
  return s;
}

TEST(VectorTimeline, StallFreeMemoryIsTheLanesClosedFormPerChunk) {
  // 1000 outputs of 9 operations each on 16 lanes, in chunks of 300, 300, 300 and 100 outputs:
  // ceil(2700 / 16) = 169 cycles three times and ceil(900 / 16) = 57, 564 in all.
  const arch::AcceleratorSpec spec = test::ideal_spec(4, 4, "ws");
  const LayerSchedule s = vector_program(spec, 9, 16, {300, 300, 300, 100}, 2);
  EXPECT_EQ(timeline::vector_cycles(s, spec), 564);
}

/// 1 GHz core (1000 ps cycles); DRAM 1 GB/s (1 byte per ns), 100 ns latency, 64-byte bursts.
arch::AcceleratorSpec slow_dram_spec() {
  arch::AcceleratorSpec spec = test::ideal_spec(4, 4, "ws");
  spec.dram.ideal = false;
  spec.dram.bandwidth_gb_per_s = 1.0;
  spec.dram.latency_ns = 100.0;
  spec.dram.burst_bytes = 64;
  return spec;
}

TEST(VectorTimeline, FiniteDramWaitsForLoadsAndTheLastStore) {
  // 1 GHz core (1000 ps cycles); DRAM 1 GB/s (1 byte per ns), 100 ns latency, 64-byte bursts.
  // Two chunks of 64 outputs, 1 operation each on 16 lanes: 4 cycles each; each loads 128 bytes
  // (2 bursts) and stores 64 (1 burst); two slots, so both loads issue at 0.
  //   load 0: DRAM busy 0-128 ns, done 228 ns; load 1: busy 128-256, done 356.
  //   chunk 0: cycles 228-231; its last cycle (231) frees the slot and completes the outputs:
  //   store 0 issues at 231 ns, DRAM busy 256-320, done 420.
  //   chunk 1: cycles 356-359; store 1 issues at 359 ns, busy 359-423, done 523.
  // The layer ends with its last store: 523 cycles.
  arch::AcceleratorSpec spec = slow_dram_spec();
  const LayerSchedule s = vector_program(spec, 1, 16, {64, 64}, 2);
  EXPECT_EQ(timeline::vector_cycles(s, spec), 523);
}

TEST(VectorTimeline, MemoryDomainCrossingsDelayEachChunkAndItsStore) {
  // The layer of FiniteDramWaitsForLoadsAndTheLastStore with the SRAM levels and the NoC in a
  // memory domain, 2-stage synchronisers (DRAM's own synchroniser 0 cycles). Loads as there:
  // done at 228 and 356 ns.
  //  Memory at the core's 1 GHz: a chunk starts 2 cycles after its load (in the core domain),
  //  its outputs are in SRAM 2 memory cycles = 2 core cycles after its last cycle starts.
  //   chunk 0: cycles 230-233, outputs in SRAM at 235: store 0 issues at 235 ns, DRAM busy
  //   256-320 (load 1 holds it until 256), done 420.
  //   chunk 1: cycles 358-361, outputs at 363: store 1 busy 363-427, done 527.
  //  Memory at 500 MHz: the return crossing is 2 memory cycles = 4 core cycles, and each lane
  //  cycle's bus transfer (one memory cycle) takes 2 core cycles.
  //   chunk 0: starts at 230, its last cycle at 230 + 3 x 2 = 236, outputs at 240: store 0 still
  //   waits for DRAM until 256, done 420.
  //   chunk 1: starts at 358, last cycle at 364, outputs at 368: store 1 busy 368-432, done 532.
  arch::AcceleratorSpec spec = slow_dram_spec();
  const LayerSchedule s = vector_program(spec, 1, 16, {64, 64}, 2);
  arch::DomainSpec d;
  d.nominal = {1000.0, 0.9};
  d.operating_points = {d.nominal};
  d.sync_cycles = 2;
  spec.clock.memory = d;
  EXPECT_EQ(timeline::vector_cycles(s, spec), 527);
  d.nominal = {500.0, 0.9};
  d.operating_points = {d.nominal};
  spec.clock.memory = d;
  EXPECT_EQ(timeline::vector_cycles(s, spec), 532);
}

TEST(VectorTimeline, NarrowPortsStretchEachLaneCycle) {
  // One chunk of 10 outputs, 1 operation each on 4 lanes: ceil(10 / 4) = 3 cycles, reading 30
  // bytes (10, 10, 10) and writing 10 (3, 3, 4: floor(10 (i + 1) / 3) - floor(10 i / 3)).
  // A bank of 8-byte words with one port reads ceil(10 / 8) = 2 words per cycle (one extra
  // cycle each); the writes, ceil(3 / 8) = ceil(4 / 8) = 1, fit. A 16-byte bus carries 10 in,
  // 3 or 4 out: one cycle. So 3 x 2 = 6 cycles, DRAM ideal.
  arch::AcceleratorSpec spec = test::ideal_spec(4, 4, "ws");
  spec.sram[0].ideal = false;
  spec.sram[0].word_bits = 64;
  spec.sram[0].banks = 1;
  spec.noc.link_width_bits = 128;
  const LayerSchedule s = vector_program(spec, 1, 4, {10}, 3);
  EXPECT_EQ(timeline::vector_cycles(s, spec), 6);
}

TEST(VectorTimeline, SpatialArraysGiveEachOperandItsOwnBus) {
  // The same chunk (3 cycles reading 10 bytes and writing 3, 3, 4 each) on a spatial array's
  // xy_multicast NoC with the Eyeriss chip's 16-bit ifmap bus and 64-bit psum bus: the ifmap
  // bus takes ceil(80 / 16) = 5 cycles per lane cycle, the psum bus ceil(32 / 64) = 1, so
  // 3 x 5 = 15 cycles. Over one shared 64-bit link ("bus") the 10 bytes would take
  // ceil(10 / 8) = 2 cycles each: 6.
  arch::AcceleratorSpec spec = test::ideal_spec(4, 4, "ws");
  spec.noc.link_width_bits = 64;
  const LayerSchedule s = vector_program(spec, 1, 4, {10}, 3);
  EXPECT_EQ(timeline::vector_cycles(s, spec), 6);
  spec.noc.type = "xy_multicast";
  spec.noc.bus_bits = {16, 64, 64};
  EXPECT_EQ(timeline::vector_cycles(s, spec), 15);
}

}  // namespace
}  // namespace adasim::workloads
