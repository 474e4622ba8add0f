// SPDX-License-Identifier: Apache-2.0
// The spatial mapper's estimate equals the spatial engine (arch/spatial/spatial_engine.cpp) on
// stall-free memory: cycles and every per-level, per-operand access count.
//  - A padded, strided layer whose tiles cross the ifmap's edges, worked out by hand below: the
//    engine and the estimate must both give the hand figures.
//  - Random layers (padding, stride, groups, batch, FC, ragged factors) mapped by the search on
//    every spatial dataflow, with and without the Eyeriss chip's parts (per-operand buses, psum
//    links, split buffer): estimate == engine, term by term. The engine runs here directly (no
//    SystemC kernel) on zero tensors: its counts do not depend on the values without sparsity.
#include <gtest/gtest.h>

#include <random>

#include "arch/noc/i_noc.hpp"
#include "arch/spatial/spatial_engine.hpp"
#include "spatial_random_nest.hpp"
#include "test_support.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using arch::spatial::Level;
using arch::spatial::SpatialCounts;

SpatialCounts run_engine(const ws::Problem& p, const ws::Mapping& m, const arch::NocSpec& noc,
                         const int bits[3]) {
  const auto bus = arch::make_noc(noc);
  std::vector<int16_t> a(size_t(p.ifmap_elems)), b(size_t(p.weight_elems));
  std::vector<int32_t> o(size_t(p.ofmap_elems));
  arch::spatial::SpatialEngine eng(p, m, *bus, bits[0], bits[1], bits[2],
                                   arch::NocClock{});
  eng.bind(a.data(), b.data(), o.data());
  while (!eng.done()) eng.run_iteration();
  return eng.counts();
}

// Every term of the estimate against the engine's counts.
void expect_equal(const ws::SpatialEstimate& e, const SpatialCounts& c) {
  EXPECT_EQ(e.cycles, double(c.compute_cycles + c.noc_cycles));
  for (size_t o = 0; o < 2; ++o) {
    SCOPED_TRACE(o == 0 ? "ifmap" : "weight");
    EXPECT_EQ(e.dram[o], double(c.dram_reads[o]));
    EXPECT_EQ(e.gbuf[o], double(c.gbuf_reads[o]));
    EXPECT_EQ(e.noc[o], double(c.noc_deliveries[o]));
    EXPECT_EQ(e.rf[o], double(c.rf_reads[o] + c.rf_writes[o]));
  }
  EXPECT_EQ(e.dram[2], double(c.dram_reads[2] + c.dram_writes[2]));
  EXPECT_EQ(e.gbuf[2], double(c.gbuf_reads[2] + c.gbuf_writes[2]));
  EXPECT_EQ(e.rf[2], double(c.rf_reads[2] + c.rf_writes[2]));
  EXPECT_EQ(e.hops, double(c.psum_hops));
  EXPECT_EQ(e.link_hops, double(c.psum_link_hops));
  EXPECT_EQ(e.noc[2], double(c.psum_hops - c.psum_link_hops));
  EXPECT_EQ(e.macs, double(c.macs));
}

// Row stationary on a 3x3 array: one input and one output channel, a 5x5 ifmap, a 3x3 filter,
// stride 2, padding 1 (a 3x3 ofmap). Buffer loop Q/3 (3 passes); array rows R/3, columns P/3
// (PE (r, p) holds ifmap row 2p + r - 1, filter row r, output row p); RF loop S/3 (3 steps);
// the RFs keep all three operands. 8-bit inputs, 32-bit psums.
struct HandLayer {
  ws::Problem p;
  ws::Mapping m;
  HandLayer() {
    workloads::ConvShape s;
    s.h = s.w = 5;
    s.r = s.s = 3;
    s.p = s.q = 3;
    s.stride_h = s.stride_w = 2;
    s.pad_t = s.pad_l = s.pad_b = s.pad_r = 1;
    p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    m.dataflow = "rs";
    m.loops = {{ws::kQ, 3, Level::kGbuf},
               {ws::kR, 3, Level::kArrayY},
               {ws::kP, 3, Level::kArrayX},
               {ws::kS, 3, Level::kRf}};
    m.rf_keep = {true, true, true};
  }
};

// Hand derivation (both cases):
//  - compute: 3 passes x 3 steps = 9 cycles, 81 MACs (padded ones included: they are MACs on 0).
//  - ifmap rows per PE: r = 0 reads rows -1, 1, 3 (p = 0, 1, 2), r = 1 rows 0, 2, 4, r = 2 rows
//    1, 3, 5: 7 PEs hold a row inside the ifmap, covering all 5 rows. Columns of pass q:
//    [2q - 1, 2q + 2) cut to [0, 5): [0, 2), [1, 4), [3, 5). New columns per pass: 2, 2 ({2, 3}),
//    1 ({4}). Deliveries 7 x (2 + 2 + 1) = 35; buffer reads (multicast) 5 x (2 + 2 + 1) = 25.
//  - weights: filled once (they ignore Q): every PE its filter row, 9 x 3 = 27 deliveries, 9
//    distinct reads.
//  - psums: the output tile changes every pass: 3 flushes (two at pass changes, one at the end)
//    of 9 psums (one per PE), 3 outputs each: 27 sent, 9 buffer writes, 18 reductions on the way.
//  - DRAM: one iteration: the 25 ifmap values, 9 weights, 9 outputs written.
//  - RF: ifmap 81 reads + 35 writes, weight 81 + 27, psum 81 read-modify-writes... 2 x 81.
void expect_hand_counts(const ws::SpatialEstimate& e, const SpatialCounts& c) {
  EXPECT_EQ(c.compute_cycles, 9);
  EXPECT_EQ(c.macs, 81);
  EXPECT_EQ(c.noc_deliveries[0], 35);
  EXPECT_EQ(c.gbuf_reads[0], 25);
  EXPECT_EQ(c.noc_deliveries[1], 27);
  EXPECT_EQ(c.gbuf_reads[1], 9);
  EXPECT_EQ(c.gbuf_writes[2], 9);
  EXPECT_EQ(c.psum_hops, 18);
  EXPECT_EQ(c.dram_reads[0], 25);
  EXPECT_EQ(c.dram_reads[1], 9);
  EXPECT_EQ(c.dram_writes[2], 9);
  EXPECT_EQ(c.rf_reads[0] + c.rf_writes[0], 81 + 35);
  EXPECT_EQ(c.rf_reads[1] + c.rf_writes[1], 81 + 27);
  expect_equal(e, c);
}

TEST(SpatialEstimateHand, PaddedStridedRowStationaryOneBus) {
  // 64-bit buses, no links. Refills per pass: the busiest of ceil(8 * ifmap / 64) and
  // ceil(8 * weights / 64): pass 0 max(ceil(80/64), ceil(72/64)) = 2, pass 1 ceil(80/64) = 2,
  // pass 2 ceil(40/64) = 1: 5. Flushes: ceil(9 x 32 / 64) = 5 each, 15. Cycles 9 + 5 + 15 = 29.
  const HandLayer h;
  arch::NocSpec noc;
  noc.type = "xy_multicast";
  noc.link_width_bits = 64;
  const int bits[3] = {8, 8, 32};
  const SpatialCounts c = run_engine(h.p, h.m, noc, bits);
  EXPECT_EQ(c.compute_cycles + c.noc_cycles, 29);
  EXPECT_EQ(c.psum_link_hops, 0);
  arch::AcceleratorSpec spec = test::spatial_spec(3, 3, "rs", 512, 64 * 1024);
  spec.noc = noc;
  const ws::SpatialEstimate e = ws::estimate_mapping(h.p, h.m, spec, {}, workloads::EnergyCosts{});
  expect_hand_counts(e, c);
}

TEST(SpatialEstimateHand, PaddedStridedRowStationaryChipBuses) {
  // The chip's buses (ifmap 16, weight 64, psum 32 bits) and 16-bit psum links. Refills: pass 0
  // max(ceil(80/16), ceil(72/64)) = 5, pass 1 ceil(80/16) = 5, pass 2 ceil(40/16) = 3: 13.
  // Flushes: each column's 3 PEs (r = 0..2) hold the same output; a chain of 2 links passes one
  // 32-bit psum per PE: ceil(32/16) + 2 - 1 = 3 cycles, then 3 column sums over the psum bus,
  // ceil(3 x 32 / 32) = 3: 6 per flush, 18. Cycles 9 + 13 + 18 = 40. All 18 reductions are link
  // hops (2 per column per flush).
  const HandLayer h;
  arch::NocSpec noc;
  noc.type = "xy_multicast";
  noc.link_width_bits = 64;
  noc.bus_bits = {16, 64, 32};
  noc.psum_link_bits = 16;
  const int bits[3] = {8, 8, 32};
  const SpatialCounts c = run_engine(h.p, h.m, noc, bits);
  EXPECT_EQ(c.compute_cycles + c.noc_cycles, 40);
  EXPECT_EQ(c.psum_link_hops, 18);
  arch::AcceleratorSpec spec = test::spatial_spec(3, 3, "rs", 512, 64 * 1024);
  spec.noc = noc;
  const ws::SpatialEstimate e = ws::estimate_mapping(h.p, h.m, spec, {}, workloads::EnergyCosts{});
  expect_hand_counts(e, c);
}


using Param = std::tuple<std::string, bool>;
class SpatialEstimateExact : public ::testing::TestWithParam<Param> {};

TEST_P(SpatialEstimateExact, RandomLayers) {
  const auto [df, chip] = GetParam();
  int layers = 0;
  for (uint64_t seed = 0; seed < 4; ++seed) {
    std::mt19937_64 rng(seed * 7919 + uint64_t(df.front()) * 131 + uint64_t(df.back()) +
                        (chip ? 17 : 0));
    const int64_t gbufs[] = {1536, 8192, 256 * 1024, 4096};
    const arch::AcceleratorSpec spec = test::stall_free_spatial_spec(df, gbufs[seed], chip);
    const workloads::Graph g = test::random_spatial_layers(rng);
    std::vector<workloads::LayerSchedule> sch;
    if (!test::map_if_fits(spec, g, sch)) continue;  // a layer does not fit this random buffer
    for (size_t i = 0; i < sch.size(); ++i) {
      SCOPED_TRACE(g.layers[i].name + " " + sch[i].search.chosen);
      const ws::Problem p = ws::Problem::from_shape(sch[i].shape, g.layers[i].op);
      const ws::Mapping& m = sch[i].spatial().nest;
      const ws::LayerWidths w = ws::widths_of(g, g.layers[i], spec);
      const int bits[3] = {w.in_bits, w.w_bits, w.psum_bits};
      expect_equal(ws::estimate_mapping(p, m, spec, w, workloads::EnergyCosts{}),
                   run_engine(p, m, spec.noc, bits));
      ++layers;
    }
  }
  EXPECT_GE(layers, 12);  // most random buffers fit
}

INSTANTIATE_TEST_SUITE_P(Random, SpatialEstimateExact,
                         ::testing::Combine(::testing::Values("rs", "ws", "os_a", "os_b", "os_c",
                                                              "nlr"),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) ? "_chip" : "");
                         });

}  // namespace
}  // namespace adasim
