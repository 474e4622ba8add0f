// SPDX-License-Identifier: Apache-2.0
// Mapper v1: grouped / depthwise layers are packed block-diagonally (never run as dense convs),
// MACs are conserved, and every chosen tiling fits the SRAM levels it reserves (property test over
// random layers, arrays and buffer sizes).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using arch::Operand;

workloads::LayerSchedule map_one(const test::ConvDesc& d, const arch::AcceleratorSpec& spec) {
  workloads::Graph g;
  test::add_conv(g, d);
  return workloads::map_layer(g, g.layers[0], spec);
}

// Closed-form WS cycles with stall-free memory (README "Timing model", latency 0): the first
// fold's load (its rows) plus, per fold, T + AR + cols - 2.
int64_t ws_cycles(int64_t first_rows, const std::vector<int64_t>& fold_cols, int64_t t, int64_t ar) {
  int64_t c = first_rows;
  for (int64_t cols : fold_cols) c += t + ar + cols - 2;
  return c;
}

TEST(Mapper, DepthwiseIsPackedBlockDiagonallyNotDense) {
  // 64 channels, 3x3 depthwise, 14x14 output: per group Kred = 9, N = 1, M = 196.
  const test::ConvDesc dw{"dw", 1, 64, 14, 14, 64, 3, 3, 1, 1, 1, 64};
  const int64_t real_macs = 64 * 196 * 9;
  auto ws = map_one(dw, test::ideal_spec(32, 32, "ws"));
  // By hand: 3 groups per pack (27 rows, one row fold each) -> 22 folds:
  //   27 + 21 x (196 + 32 + 3 - 2) + (196 + 32 + 1 - 2) = 5063 cycles;
  // 7 groups per pack (63 rows over 2 row folds, 7 cols) -> 9 x 2 + 1 = 19 folds:
  //   32 + 18 x (196 + 32 + 7 - 2) + (196 + 32 + 1 - 2) = 4453 cycles.
  const int64_t pack3 = ws_cycles(27, std::vector<int64_t>(21, 3), 196, 32) + (196 + 32 + 1 - 2);
  const int64_t pack7 = ws_cycles(32, std::vector<int64_t>(18, 7), 196, 32) + (196 + 32 + 1 - 2);
  ASSERT_EQ(pack3, 5063);
  ASSERT_EQ(pack7, 4453);
  EXPECT_EQ(ws.systolic().group_pack, 7);
  EXPECT_EQ(ws.systolic().packs, 10);
  EXPECT_EQ(ws.systolic().folds.size(), 19u);
  EXPECT_DOUBLE_EQ(ws.search.est_cycles, double(pack7));
  EXPECT_EQ(ws.macs(), real_macs);
  // Only the 64 x 9 real weights are loaded, never a dense 64 x 64 x 9 tensor.
  int64_t weight_bytes = 0;
  for (const auto& f : ws.systolic().folds) weight_bytes += f.stationary_tile_bytes;
  EXPECT_EQ(weight_bytes, 64 * 9);
  for (Dataflow df : {"os", "is"}) {
    auto s = map_one(dw, test::ideal_spec(32, 32, df));
    EXPECT_EQ(s.macs(), real_macs);
    EXPECT_GT(s.systolic().group_pack, 1) << df;
  }
}

TEST(Mapper, WideGroupsArePackedAcrossRowFolds) {
  // groups = 2, C/G = 4 -> Kred per group 36 > 32 rows. Unpacked: 2 packs x 2 row folds x 1 col
  // fold (4 cols) = 4 folds; packed: Kred 72 -> 3 row folds, 8 cols -> 3 folds (fewer cycles).
  auto s = map_one({"g2", 1, 8, 6, 6, 8, 3, 3, 1, 1, 1, 2}, test::ideal_spec(32, 32, "ws"));
  const int64_t unpacked = ws_cycles(32, {4, 4, 4, 4}, 36, 32);
  const int64_t packed = ws_cycles(32, {8, 8, 8}, 36, 32);
  ASSERT_LT(packed, unpacked);
  EXPECT_EQ(s.systolic().group_pack, 2);
  EXPECT_EQ(s.systolic().row_folds, 3);
  EXPECT_DOUBLE_EQ(s.search.est_cycles, double(packed));
  EXPECT_EQ(s.macs(), 8 * 36 * 36);  // K * P*Q * (C/G)*R*S = 8 * 36 * (4*9)
}

TEST(Mapper, SramTooSmallForOneFoldIsAConfigError) {
  auto spec = test::real_spec(32, 32, "ws", 16.0, 1024);
  EXPECT_THROW(map_one({"c", 1, 64, 8, 8, 64, 3, 3, 1, 1}, spec), sim::ConfigError);
}

// Property test: random conv layers on random arrays and buffer sizes.
TEST(MapperProperty, TilingsFitTheirLevelsAndConserveMacs) {
  std::mt19937_64 rng(2024);  // the sequence is fixed by the standard for mt19937_64
  auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
  int mapped = 0;
  for (int iter = 0; iter < 300; ++iter) {
    test::ConvDesc d;
    d.name = "l";
    d.r = d.s = pick(1, 3) * 2 - 1;  // 1, 3, 5
    d.stride = int(pick(1, 2));
    d.pad = int(d.r / 2);
    d.h = d.w = pick(d.r, 20);
    const int64_t g = pick(0, 3) == 0 ? pick(1, 4) : 1;
    d.groups = g;
    d.c = g * pick(1, 24);
    d.k = pick(0, 4) == 0 ? d.c : g * pick(1, 24);
    if (d.k % g) d.k = g;
    d.n = pick(1, 2);
    const int ar = int(pick(2, 40)), ac = int(pick(2, 40));
    const Dataflow df = std::vector<Dataflow>{"ws", "os", "is"}.at(size_t(pick(0, 2)));
    auto spec = test::real_spec(ar, ac, df, 8.0, pick(2, 64) * 1024);
    if (pick(0, 1)) {  // sometimes one level per operand
      arch::SramLevelSpec base = spec.sram[0];
      spec.sram.clear();
      for (Operand o : {Operand::kIfmap, Operand::kWeight, Operand::kOfmap}) {
        base.name = std::string("l") + arch::to_string(o);
        base.holds = {o};
        base.size_bytes = pick(1, 32) * 1024;
        spec.sram.push_back(base);
      }
    }
    workloads::Graph gr;
    test::add_conv(gr, d);
    workloads::LayerSchedule s;
    try {
      s = workloads::map_layer(gr, gr.layers[0], spec);
    } catch (const sim::ConfigError&) {
      continue;  // a design point too small for this layer is a legal answer
    }
    ++mapped;
    SCOPED_TRACE("iteration " + std::to_string(iter));
    ASSERT_EQ(s.macs(), gr.shape(gr.layers[0]).macs());
    // Reserved footprint per level: resident operands whole, stationary tiles twice (shadow
    // double buffer), streams `slots` tiles, on-chip psums a whole column tile of int32.
    std::map<int, int64_t> reserved;
    const int stat = df == "ws" ? 1 : df == "is" ? 0 : -1;
    for (int o = 0; o < arch::kNumOperands; ++o) {
      const auto& p = s.transfers.operands[size_t(o)];
      int64_t bytes = 0;
      if (o == 2) {
        const arch::SystolicProgram& sys = s.systolic();
        bytes = p.resident ? sys.dim_time * std::min<int64_t>(sys.dim_cols, ac) * 4 : p.slots * p.tile_bytes;
      } else if (p.resident) {
        bytes = gr.tensor(o == 0 ? gr.layers[0].inputs[0] : gr.layers[0].weight).bytes();
      } else {
        bytes = o == stat ? 2 * p.tile_bytes : p.slots * p.tile_bytes;
      }
      reserved[spec.level_index_of(Operand(o))] += bytes;
    }
    for (const auto& [lvl, bytes] : reserved) {
      EXPECT_LE(bytes, spec.sram[size_t(lvl)].size_bytes) << "level " << lvl;
    }
    // Every load fits the slot reserved for it.
    const arch::TransferPlan& tp = s.transfers;
    for (const auto& f : tp.folds) {
      if (stat >= 0 && !tp.operands[size_t(stat)].resident) {
        EXPECT_LE(f.stationary_load_bytes[0], tp.operands[size_t(stat)].tile_bytes);
      }
      for (const auto& c : f.chunks) {
        for (int o = 0; o < 2; ++o) {
          if (o != stat && !tp.operands[size_t(o)].resident) {
            EXPECT_LE(c.load_bytes[size_t(o)][0], tp.operands[size_t(o)].tile_bytes);
          }
        }
      }
    }
  }
  EXPECT_GT(mapped, 200);
}

}  // namespace
}  // namespace adasim
