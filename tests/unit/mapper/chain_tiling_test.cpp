// SPDX-License-Identifier: Apache-2.0
// The mapper's tiling of a chained hierarchy (an L1 for the ifmap filled from the global buffer,
// SramLevelSpec::parent): the planner tiles the L1 as it tiles any level feeding the array, and
// the buffer above it follows the fixed rule of docs/extending.md: it keeps the ifmap resident
// when the whole tensor fits, so each tile crosses DRAM -> gbuf once and gbuf -> L1 on every
// load. Every byte count below is worked out by hand from the layer and the tiling.
#include <gtest/gtest.h>

#include "arch/program/transfers.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim {
namespace {

using arch::Hop;
using arch::kDram;
using arch::Operand;

// 1x1 conv, 4 -> 8 channels, 8x8 pixels: GEMM M = 64 pixels, Kred = 4, N = 8 filters; ifmap
// 256 B, weights 32 B, int8 outputs 512 B. On a 4x4 WS array: 1 row fold x 2 column folds, each
// streaming the 64 pixels in chunks of 8 (one output row): an ifmap tile is 8 x 4 = 32 B.
workloads::Graph conv_layer() {
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 4, 8, 8, 8, 1, 1, 1, 0});
  return g;
}

// test::ifmap_l1_spec: a 4 KiB global buffer and a 64-byte L1 holding the ifmap (two 32-byte
// slots, not the 256-byte tensor), filled from the buffer or from DRAM.
arch::AcceleratorSpec spec_with_l1(bool chained) { return test::ifmap_l1_spec(chained); }

// Sum over the plan of an operand's loads, per hop.
arch::HopBytes loads(const arch::TransferPlan& tp, Operand op) {
  arch::HopBytes sum{};
  for (const arch::FoldPlan& f : tp.folds) {
    for (size_t h = 0; h < sum.size(); ++h) {
      if (op == tp.stationary) sum[h] += f.stationary_load_bytes[h];
      for (const arch::ChunkPlan& c : f.chunks) sum[h] += c.load_bytes[size_t(op)][h];
    }
  }
  return sum;
}

TEST(ChainTiling, TheBufferAboveTheL1KeepsTheIfmapResident) {
  const workloads::Graph g = conv_layer();
  const arch::AcceleratorSpec spec = spec_with_l1(true);
  const workloads::LayerSchedule s = workloads::map_layer(g, g.layers[0], spec);
  const arch::SystolicProgram& p = s.systolic();
  ASSERT_EQ(p.row_folds, 1);
  ASSERT_EQ(p.col_folds, 2);
  ASSERT_EQ(p.chunk_len, 8);
  const arch::TransferPlan& tp = s.transfers;
  EXPECT_EQ(tp.operands[0].route, (std::vector<Hop>{{kDram, 0}, {0, 1}}));
  EXPECT_EQ(tp.operands[1].route, (std::vector<Hop>{{kDram, 0}}));
  EXPECT_EQ(tp.operands[2].route, (std::vector<Hop>{{kDram, 0}}));
  ASSERT_EQ(tp.operands[0].outer.size(), 1u);
  EXPECT_TRUE(tp.operands[0].outer[0].resident);
  EXPECT_EQ(tp.operands[0].outer[0].tile_bytes, 256);
  EXPECT_FALSE(tp.operands[0].resident);  // the L1 streams 32-byte tiles through two slots
  // Ifmap: each of the 8 row tiles crosses DRAM -> gbuf once (256 B); both column folds copy
  // all 8 into the L1 (2 x 8 x 32 = 512 B).
  EXPECT_EQ(loads(tp, Operand::kIfmap), (arch::HopBytes{256, 512, 0}));
  // Weights: one 4x4 tile per column fold, from DRAM into the buffer.
  EXPECT_EQ(loads(tp, Operand::kWeight), (arch::HopBytes{32, 0, 0}));
  int64_t stores = 0;
  for (const arch::FoldPlan& f : tp.folds)
    for (const arch::ChunkPlan& c : f.chunks) stores += c.store_bytes[0] + c.store_bytes[1];
  EXPECT_EQ(stores, 512);
  EXPECT_EQ(tp.dram_load_bytes(), 256 + 32);
  // The mapper's access counts per hop: the copies into the L1 read the buffer.
  const workloads::Estimate e = workloads::estimate(s, spec, workloads::EnergyCosts{});
  EXPECT_EQ(e.accesses.at("gbuf.fill_bytes"), 256 + 32);
  EXPECT_EQ(e.accesses.at("gbuf.drain_bytes"), 512 + 512);  // copies down, output stores
  EXPECT_EQ(e.accesses.at("l1.fill_bytes"), 512);
  EXPECT_EQ(e.accesses.at("l1.drain_bytes"), 0);
  EXPECT_EQ(e.accesses.at("dram.read_bytes"), 256 + 32);
  EXPECT_EQ(e.accesses.at("dma.load_bytes_ifmap"), 256 + 512);
}

TEST(ChainTiling, WithoutTheParentTheL1RefetchesFromDram) {
  const workloads::Graph g = conv_layer();
  const arch::AcceleratorSpec spec = spec_with_l1(false);
  const workloads::LayerSchedule s = workloads::map_layer(g, g.layers[0], spec);
  const arch::TransferPlan& tp = s.transfers;
  EXPECT_EQ(tp.operands[0].route, (std::vector<Hop>{{kDram, 1}}));
  EXPECT_TRUE(tp.operands[0].outer.empty());
  // Both column folds fetch the 8 row tiles from DRAM: 512 B instead of 256 B.
  EXPECT_EQ(loads(tp, Operand::kIfmap), (arch::HopBytes{512, 0, 0}));
  EXPECT_EQ(tp.dram_load_bytes(), 512 + 32);
}

TEST(ChainTiling, ABufferTooSmallForTheTensorPassesTheTilesThrough) {
  const workloads::Graph g = conv_layer();
  arch::AcceleratorSpec spec = spec_with_l1(true);
  // 512 B: the buffer's own tiles (two 16-byte weight tiles, two 128-byte int32 output tiles of
  // 8 pixels x 4 filters) and the L1's two 32-byte ifmap slots fit (352 B); with the 256-byte
  // ifmap instead of the slots (544 B) they do not.
  spec.sram[0].size_bytes = 512;
  const workloads::LayerSchedule s = workloads::map_layer(g, g.layers[0], spec);
  const arch::TransferPlan& tp = s.transfers;
  ASSERT_EQ(tp.operands[0].outer.size(), 1u);
  EXPECT_FALSE(tp.operands[0].outer[0].resident);
  // Pass-through: every L1 load crosses both hops.
  EXPECT_EQ(loads(tp, Operand::kIfmap), (arch::HopBytes{512, 512, 0}));
}

}  // namespace
}  // namespace adasim
