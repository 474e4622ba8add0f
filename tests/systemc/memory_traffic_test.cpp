// SPDX-License-Identifier: Apache-2.0
// Memory behaviour: DRAM and SRAM traffic equal the reuse arithmetic of the chosen tiling and
// never undercut compulsory traffic; finite DRAM bandwidth shows up as stalls that grow as the
// bandwidth shrinks and shrink to the initial fill when it covers the demand.
#include <gtest/gtest.h>

#include <cmath>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name

sim::SimulationResult run(const arch::AcceleratorSpec& spec, const workloads::Graph& g) {
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  return sim::simulate(spec, g, energy, values);
}

// FC with batch 64: C=100 -> 7 row folds of a 16-row array (6x16 + 4), K=70 -> 5 col folds.
TEST(ReuseArithmetic, WeightStationaryFcWithResidentOperands) {
  workloads::Graph g;
  test::add_fc(g, "fc", 64, 100, 70);
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", 1000.0, 1 << 20);
  const sim::SimulationResult r = run(spec, g);
  const workloads::LayerSchedule& sched = r.schedules.at(0);
  const arch::SystolicProgram& s = sched.systolic();
  ASSERT_EQ(s.row_folds, 7);
  ASSERT_EQ(s.col_folds, 5);
  ASSERT_TRUE(sched.transfers.operands[0].resident);  // 1 MiB holds everything
  ASSERT_FALSE(s.psum_spill);
  const auto& a = r.layers[0].accesses;
  // DRAM: every weight once (7000 B), the ifmap once (64 x 100), the int8 outputs once (64 x 70).
  EXPECT_EQ(a.at("dram.read_bytes"), 7000u + 6400u);
  EXPECT_EQ(a.at("dram.write_bytes"), 64u * 70u);
  // Array-side SRAM reads: each fold streams 64 input vectors of its r rows (per col fold: 64 x 100)
  // and shifts its r x c weights in once; folds after the first over Kred re-read their psums.
  const uint64_t stream = 5u * 64u * 100u, weights = 100u * 70u;
  const uint64_t psum_rmw = 64u * 70u * 4u * (7u - 1u);
  EXPECT_EQ(a.at("gbuf.read_bytes"), stream + weights + psum_rmw);
  // Every fold writes 64 int32 psum rows of its c columns.
  EXPECT_EQ(a.at("gbuf.write_bytes"), 64u * 70u * 4u * 7u);
  EXPECT_EQ(a.at("gbuf.fill_bytes"), 7000u + 6400u);
  EXPECT_EQ(a.at("gbuf.drain_bytes"), 64u * 70u);
}

TEST(ReuseArithmetic, SmallBufferPrefersReloadingWeightsPerChunkToSpillingPsums) {
  workloads::Graph g;
  test::add_fc(g, "fc", 64, 100, 70);
  // 4 KiB: too small for the whole ifmap (6400 B), for all weights (7000 B) or, beside the tiles,
  // for the psums of a column tile (64x16x4 B = 4 KiB): the M stream must be chunked. At 1 GB/s
  // (1 byte per cycle) the layer is DRAM-bound, so the loop order with fewer bytes is faster.
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", 1.0, 4 * 1024);
  const sim::SimulationResult r = run(spec, g);
  const workloads::LayerSchedule& sched = r.schedules.at(0);
  const arch::SystolicProgram& s = sched.systolic();
  ASSERT_FALSE(sched.transfers.operands[0].resident);
  ASSERT_LT(s.chunk_len, 64) << "the stream must be cut into chunks";
  const uint64_t chunks = uint64_t((64 + s.chunk_len - 1) / s.chunk_len);
  // Two loop orders are possible. Spilling psums between the 7 Kred folds would move
  //   reads  = ifmap 5 x 6400 + weights 7000 + psums 64 x 70 x 4 x 6
  //   writes = psums 64 x 70 x 4 x 6 + outputs 64 x 70;
  // putting M chunks outside the Kred folds reloads the 16x16 weight tiles once per chunk:
  //   reads  = ifmap 5 x 6400 + weights chunks x 7000, writes = outputs 64 x 70.
  const uint64_t psum = 64u * 70u * 4u * 6u;
  const uint64_t spill_total = 5u * 6400u + 7000u + psum + psum + 64u * 70u;
  const uint64_t outer_reads = 5u * 6400u + chunks * 7000u;
  ASSERT_LT(outer_reads + 64u * 70u, spill_total);
  EXPECT_TRUE(s.chunk_outer);
  EXPECT_FALSE(s.psum_spill);
  const auto& a = r.layers[0].accesses;
  EXPECT_EQ(a.at("dma.load_bytes_ifmap"), 5u * 6400u);
  EXPECT_EQ(a.at("dma.load_bytes_weight"), chunks * 7000u);
  EXPECT_EQ(a.at("dram.read_bytes"), outer_reads);
  EXPECT_EQ(a.at("dram.write_bytes"), 64u * 70u);
  EXPECT_GE(a.at("dram.read_bytes"), 6400u + 7000u);  // never below compulsory traffic
}

TEST(ReuseArithmetic, PsumSpillWhenItIsCheaperThanReloadingWeights) {
  workloads::Graph g;
  test::add_fc(g, "fc", 64, 512, 64);
  // 64x64 array, 10 KiB: two 4 KiB stationary tiles leave room for chunks of only 2 pixels, so
  // reloading the 32 KiB of weights per chunk (32 chunks) costs more than spilling psums.
  arch::AcceleratorSpec spec = test::real_spec(64, 64, "ws", 1000.0, 10 * 1024);
  const sim::SimulationResult r = run(spec, g);
  const workloads::LayerSchedule& sched = r.schedules.at(0);
  const arch::SystolicProgram& s = sched.systolic();
  ASSERT_EQ(s.row_folds, 8);
  ASSERT_EQ(s.col_folds, 1);
  EXPECT_TRUE(s.psum_spill);
  EXPECT_FALSE(s.chunk_outer);
  const auto& a = r.layers[0].accesses;
  // Weights once (512 x 64); the ifmap once (one column fold); psums of 7 of the 8 Kred folds go
  // out as int32 and 7 come back.
  const uint64_t psum = 64u * 64u * 4u * 7u;
  EXPECT_EQ(a.at("dram.read_bytes"), 512u * 64u + 64u * 512u + psum);
  EXPECT_EQ(a.at("dram.write_bytes"), psum + 64u * 64u);
}

// Stalls versus DRAM bandwidth on a conv layer.
uint64_t stall_at(double gb_per_s, double latency_ns, uint64_t* total = nullptr) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 32, 16, 16, 64, 3, 3, 1, 1});
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", gb_per_s, 64 * 1024);
  spec.dram.latency_ns = latency_ns;
  const sim::SimulationResult r = run(spec, g);
  if (total) *total = r.layers[0].cycles_total;
  EXPECT_EQ(r.layers[0].cycles_total, r.layers[0].cycles_compute + r.layers[0].cycles_stall);
  return r.layers[0].stall_by_cause.at("dram");
}

class BandwidthSweep : public ::testing::TestWithParam<int> {};

// One simulation per process: each point of the sweep is its own test; the monotonic comparison
// is made against the closed-form bounds below rather than across processes.
TEST_P(BandwidthSweep, StallsBoundedByTrafficOverBandwidth) {
  const double gbps = GetParam();
  uint64_t total = 0;
  const uint64_t stall = stall_at(gbps, 0.0, &total);
  // Lower bound: the layer cannot finish before its DRAM traffic has crossed the channel
  // (1 GHz clock: 1 GB/s = 1 byte per cycle).
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 32, 16, 16, 64, 3, 3, 1, 1});
  const double ifmap = 32 * 16 * 16, weights = 64 * 32 * 9, ofmap = 64 * 16 * 16;
  EXPECT_GE(double(total), (ifmap + weights + ofmap) / gbps);
  if (gbps >= 256) {
    // Bandwidth covers the demand: only the first tiles' fill (and the last store) is exposed.
    EXPECT_LE(stall, uint64_t(std::ceil((ifmap + weights) / gbps + ofmap / gbps)) + 4);
  } else {
    EXPECT_GT(stall, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Dram, BandwidthSweep, ::testing::Values(1, 2, 4, 8, 16, 64, 256, 4096));

}  // namespace
}  // namespace adasim
