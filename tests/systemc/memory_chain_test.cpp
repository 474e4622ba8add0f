// SPDX-License-Identifier: Apache-2.0
// An L1 chained under the global buffer by configuration (SramLevelSpec::parent), run end to end:
// the mapper tiles both levels (tests/unit/mapper/chain_tiling_test.cpp), the DMA moves the
// ifmap hop by hop (DRAM -> gbuf -> l1) and each level counts its own accesses. The counts are
// worked out by hand; the same layer without the parent key refetches the ifmap from DRAM.
#include <gtest/gtest.h>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "forked_sim.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {


// 1x1 conv, 4 -> 8 channels, 8x8 pixels on a 4x4 WS array, chunks of 8 pixels: 2 column folds
// each stream the 64 pixels; ifmap 256 B, weights 32 B, int8 outputs 512 B.
sim::SimulationResult run(bool chained) {
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 4, 8, 8, 8, 1, 1, 1, 0});
  const arch::AcceleratorSpec s = test::ifmap_l1_spec(chained);  // 4 KiB gbuf, 64-byte l1
  const arch::EnergyTable energy(s.energy);
  arch::ValueStore values(g, test::test_generator(5));
  return sim::simulate(s, g, energy, values);
}

arch::EnergyRow row(const sim::SimulationResult& r, const std::string& module,
                    const std::string& action) {
  for (const arch::EnergyRow& e : r.layers.at(0).energy)
    if (e.module == module && e.action == action) return e;
  ADD_FAILURE() << "no energy row " << module << "." << action;
  return {};
}

TEST(MemoryChain, EveryHopIsCountedByTheLevelsItCrosses) {
  const sim::SimulationResult r = run(true);
  const auto& a = r.layers.at(0).accesses;
  // DRAM -> gbuf: the ifmap once (256 B), the weights once (32 B).
  EXPECT_EQ(a.at("dram.read_bytes"), 256u + 32u);
  EXPECT_EQ(a.at("gbuf.fill_bytes"), 256u + 32u);
  // gbuf -> l1: both column folds copy the 8 ifmap row tiles (2 x 256 B); the 512 B of outputs
  // leave the buffer for DRAM.
  EXPECT_EQ(a.at("gbuf.drain_bytes"), 512u + 512u);
  EXPECT_EQ(a.at("l1.fill_bytes"), 512u);
  EXPECT_EQ(a.at("l1.drain_bytes"), 0u);
  // The array reads its streamed ifmap from the L1: 2 folds x 64 pixels x 4 rows.
  EXPECT_EQ(a.at("l1.read_bytes"), 2u * 64u * 4u);
  EXPECT_EQ(a.at("dram.write_bytes"), 512u);
  EXPECT_EQ(a.at("dma.load_bytes_ifmap"), 256u + 512u);  // both hops
}

TEST(MemoryChain, EnergyIsChargedPerHop) {
  const sim::SimulationResult r = run(true);
  const auto& a = r.layers.at(0).accesses;
  // The buffer's 64-bit words: its array-side reads plus the 1024 B the copies and stores read;
  // the L1's: the 512 B the copies write (the array writes nothing there); DRAM: 288 B read.
  EXPECT_EQ(row(r, "gbuf", "read").count, (a.at("gbuf.read_bytes") + 1024u + 7u) / 8u);
  EXPECT_EQ(row(r, "l1", "write").count, 512u / 8u);
  EXPECT_EQ(row(r, "dram", "read_byte").count, 288u);
  const arch::EnergyRow l1w = row(r, "l1", "write");
  EXPECT_DOUBLE_EQ(l1w.pj, 64 * l1w.pj_each);
}

TEST(MemoryChain, WithoutTheParentKeyTheL1RefetchesFromDram) {
  // Two simulations: each in its own process (one SystemC elaboration per process).
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 4, 8, 8, 8, 1, 1, 1, 0});
  std::vector<workloads::LayerSchedule> sc, sf;
  std::vector<test::LayerFigures> rc, rf;
  ASSERT_TRUE(test::map_and_simulate(test::ifmap_l1_spec(true), g, sc, rc));
  ASSERT_TRUE(test::map_and_simulate(test::ifmap_l1_spec(false), g, sf, rf));
  const auto& c = rc.at(0).accesses;
  const auto& f = rf.at(0).accesses;
  // Filled from DRAM, the L1 gets the same 512 B, all of them from DRAM.
  EXPECT_EQ(f.at("l1.fill_bytes"), 512u);
  EXPECT_EQ(f.at("dram.read_bytes"), 512u + 32u);
  EXPECT_EQ(f.at("gbuf.fill_bytes"), 32u);
  EXPECT_EQ(f.at("gbuf.drain_bytes"), 512u);
  EXPECT_EQ(c.at("dram.read_bytes"), 256u + 32u);
  // The array side is the same either way.
  EXPECT_EQ(f.at("l1.read_bytes"), c.at("l1.read_bytes"));
  EXPECT_EQ(f.at("gbuf.read_bytes"), c.at("gbuf.read_bytes"));
  // The chain halves the DRAM reads of the ifmap: 256 B fewer.
  EXPECT_EQ(f.at("dram.read_bytes") - c.at("dram.read_bytes"), 256u);
}

}  // namespace
}  // namespace adasim
