// SPDX-License-Identifier: Apache-2.0
// The Eyeriss-capable parts of the spatial array against hand-derived closed forms: per-operand
// NoC buses (a step's cycles follow each operand's own width), PE-to-PE psum links (row
// stationary accumulates the psums of a column in its last PE: (k - 1) link hops per output and
// column group of k PEs, and a chain of ceil(T b / w) + k - 2 cycles), and per-operand spads
// (a mapping whose per-PE tile exceeds a spad is refused). Outputs are compared with the
// reference kernel, and the mapper's estimate with the engine.
#include <gtest/gtest.h>

#include "arch/noc/i_noc.hpp"
#include "arch/spatial/spatial_engine.hpp"
#include "workloads/mapper/spatial/spatial_dataflow.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using arch::spatial::SpatialCounts;
using arch::spatial::SpatialEngine;
using ws::Level;

constexpr int kPs = 2;

arch::NocSpec noc_of(int ifmap_bits, int weight_bits, int psum_bits, int link_bits) {
  arch::NocSpec n;
  n.type = "xy_multicast";
  n.link_width_bits = 64;
  n.bus_bits = {ifmap_bits, weight_bits, psum_bits};
  n.psum_link_bits = link_bits;
  return n;
}

struct NestRun {
  SpatialCounts counts;
  int64_t bad_outputs = -1;
};

// Runs a conv with 16-bit values (small enough that no sum leaves int32) through the engine.
NestRun run_nest(const workloads::ConvShape& s, const ws::Mapping& m, const arch::NocSpec& spec) {
  const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
  workloads::Int32Buffer in({s.n, s.c, s.h, s.w}), w({s.k, s.c / s.groups, s.r, s.s});
  for (size_t i = 0; i < in.data.size(); ++i) in.data[i] = int32_t(i * 997 % 2001) - 1000;
  for (size_t i = 0; i < w.data.size(); ++i) w.data[i] = int32_t(i * 389 % 1501) - 750;
  workloads::Int32Buffer out({s.n, s.k, s.p, s.q}, 0);
  const auto noc = arch::make_noc(spec);
  SpatialEngine e(p, m, *noc, 16, 16, 16, arch::NocClock{});
  const std::vector<int16_t> in16(in.data.begin(), in.data.end()),
      w16(w.data.begin(), w.data.end());
  e.bind(in16.data(), w16.data(), out.data.data());
  while (!e.done()) e.run_iteration();
  const workloads::Int32Buffer want =
      workloads::reference_conv2d(in, w, s, {workloads::AccumulatorRule::Overflow::kExact, 32});
  NestRun r{e.counts(), 0};
  for (size_t i = 0; i < want.data.size(); ++i) r.bad_outputs += out.data[i] != want.data[i];
  return r;
}

// c input channels of hw x hw, k 3x3 filters, no padding (default: 2 x 6x6, 4 filters: 4x4
// outputs).
workloads::ConvShape conv3x3(int64_t c = 2, int64_t k = 4, int64_t hw = 6) {
  workloads::ConvShape s;
  s.c = c;
  s.h = s.w = hw;
  s.r = s.s = 3;
  s.k = k;
  s.p = s.q = hw - 2;
  return s;
}

// Row stationary: filter rows (R 3) and channels (C 2) down the 6 rows, output rows (P 4)
// across the 4 columns; each RF runs Q 4 x M 2 x S 3; the buffer's M 2 makes two passes.
ws::Mapping rs_nest() {
  ws::Mapping m;
  m.dataflow = "rs";
  m.rf_keep = {true, true, true};
  m.loops = {{ws::kM, 2, Level::kGbuf},   {ws::kC, 2, Level::kArrayY}, {ws::kR, 3, Level::kArrayY},
             {ws::kP, 4, Level::kArrayX}, {ws::kQ, 4, Level::kRf},     {ws::kM, 2, Level::kRf},
             {ws::kS, 3, Level::kRf}};
  return m;
}

TEST(SpatialPsumLinks, RowStationaryAccumulatesDownTheColumns) {
  const NestRun bus = run_nest(conv3x3(), rs_nest(), noc_of(0, 0, 64, 0));
  const NestRun links = run_nest(conv3x3(), rs_nest(), noc_of(0, 0, 64, 16));
  EXPECT_EQ(bus.bad_outputs, 0);
  EXPECT_EQ(links.bad_outputs, 0);
  // Per pass: every one of the 24 PEs holds T = Q 4 x M 2 = 8 psums; a column's k = C 2 x R 3
  // = 6 PEs hold the same outputs, so each column passes (6 - 1) x 8 = 40 psums over its links
  // and the 4 columns 160; their 4 x 8 = 32 sums are the pass's outputs. Two passes (M 2).
  EXPECT_EQ(links.counts.passes, 2);
  EXPECT_EQ(links.counts.psum_link_hops, 2 * 4 * (6 - 1) * 8);
  EXPECT_EQ(bus.counts.psum_link_hops, 0);
  // The reduction is the same either way: 24 x 8 psums sent, 32 outputs written, per pass.
  EXPECT_EQ(links.counts.psum_hops, 2 * (24 * 8 - 32));
  EXPECT_EQ(bus.counts.psum_hops, links.counts.psum_hops);
  EXPECT_EQ(links.counts.gbuf_writes[kPs], 2 * 32);
  // Flush cycles, 16-bit psums, 64-bit psum bus: without links all 192 psums cross the bus,
  // ceil(192 x 16 / 64) = 48 per flush; with 16-bit links the chain takes ceil(8 x 16 / 16) +
  // 6 - 2 = 12 and the 32 sums ceil(32 x 16 / 64) = 8 on the bus: 20 per flush. The operand
  // refills are the same in both runs, so the difference is 2 x (48 - 20).
  EXPECT_EQ(bus.counts.noc_cycles - links.counts.noc_cycles, 2 * (48 - 20));
  EXPECT_EQ(bus.counts.compute_cycles, links.counts.compute_cycles);
}

TEST(SpatialPsumLinks, ChainCyclesFollowTheLinkWidth) {
  // A chain of L links passing B bits per PE: ceil(B / w) + L - 1 cycles.
  const auto noc = arch::make_noc(noc_of(0, 0, 64, 16));
  EXPECT_TRUE(noc->psum_links());
  EXPECT_EQ(noc->psum_chain_cycles(8 * 16, 5), 8u + 4u);
  EXPECT_EQ(noc->psum_chain_cycles(8 * 16, 1), 8u);
  EXPECT_EQ(noc->psum_chain_cycles(17, 1), 2u);
  EXPECT_EQ(noc->psum_chain_cycles(8 * 16, 0), 0u);
  EXPECT_FALSE(arch::make_noc(noc_of(0, 0, 64, 0))->psum_links());
  EXPECT_EQ(arch::make_noc(noc_of(0, 0, 64, 0))->psum_chain_cycles(128, 5), 0u);
}

TEST(SpatialPsumLinks, EstimateEqualsTheEngine) {
  arch::AcceleratorSpec spec;
  spec.dram.ideal = true;
  spec.noc = noc_of(16, 64, 64, 16);
  ws::LayerWidths w;
  w.in_bits = w.w_bits = w.psum_bits = 16;
  w.in_bytes = w.w_bytes = w.psum_bytes = w.out_bytes = 2;
  const workloads::ConvShape s = conv3x3();
  const ws::SpatialEstimate e =
      ws::estimate_mapping(ws::Problem::from_shape(s, workloads::OpType::kConv2d), rs_nest(), spec,
                           w, workloads::EnergyCosts{});
  const NestRun r = run_nest(s, rs_nest(), spec.noc);
  EXPECT_EQ(ws::psum_link_group(rs_nest(), spec.noc), 6);
  EXPECT_DOUBLE_EQ(e.link_hops, double(r.counts.psum_link_hops));
  EXPECT_DOUBLE_EQ(e.hops, double(r.counts.psum_hops));
  EXPECT_DOUBLE_EQ(e.cycles, double(r.counts.compute_cycles + r.counts.noc_cycles));
}

// No local reuse, 1x1 conv: channels (C 4) down the rows, filters (M 4) across; one step per
// pass, the buffer walks the 3x3 output pixels (9 passes).
ws::Mapping nlr_nest() {
  ws::Mapping m;
  m.dataflow = "nlr";
  m.rf_keep = {false, false, false};
  m.loops = {{ws::kP, 3, Level::kGbuf},
             {ws::kQ, 3, Level::kGbuf},
             {ws::kC, 4, Level::kArrayY},
             {ws::kM, 4, Level::kArrayX}};
  return m;
}

workloads::ConvShape conv1x1() {
  workloads::ConvShape s;
  s.c = 4;
  s.h = s.w = s.p = s.q = 3;
  s.k = 4;
  return s;
}

TEST(SpatialOperandBuses, StepCyclesFollowEachOperandsWidth) {
  // Per pass the 16 PEs take 4 distinct ifmap values (one per row, multicast across it), 16
  // distinct weights and write 4 reduced psums, all of 16 bits, each operand on its own bus:
  // max(ceil(4 x 16 / wi), ceil(16 x 16 / ww), ceil(4 x 16 / wp)) cycles, one of them the step.
  struct Case {
    int wi, ww, wp;
    int64_t per_pass;
  } cases[] = {{64, 64, 64, 4},  {16, 64, 64, 4},  {8, 64, 64, 8},
               {64, 256, 64, 1}, {64, 256, 16, 4}, {32, 128, 32, 2}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::to_string(c.wi) + "/" + std::to_string(c.ww) + "/" + std::to_string(c.wp));
    const NestRun r = run_nest(conv1x1(), nlr_nest(), noc_of(c.wi, c.ww, c.wp, 0));
    EXPECT_EQ(r.bad_outputs, 0);
    EXPECT_EQ(r.counts.passes, 9);
    EXPECT_EQ(r.counts.compute_cycles, 9);
    EXPECT_EQ(r.counts.noc_cycles, 9 * (c.per_pass - 1));
  }
  // The NoC alone: 160 ifmap bits on 16, 160 weight bits on 64, 128 psum bits on 64.
  const auto noc = arch::make_noc(noc_of(16, 64, 64, 0));
  arch::NocTraffic t;
  t.to_pes_bits = {160, 160, 0};
  t.from_pes_bits = 128;
  EXPECT_EQ(noc->cycles(t), 10u);
  t.to_pes_bits = {16, 320, 0};
  EXPECT_EQ(noc->cycles(t), 5u);
}

TEST(SpatialOperandBuses, BypassedPsumsMeetOverTheLinks) {
  // NLR with links: each step the 4 PEs of a column (C 4) pass 3 psums down it, 4 columns:
  // 12 link hops per pass, 9 passes; a 16-bit psum over 8-bit links takes 2 cycles per step.
  const NestRun r = run_nest(conv1x1(), nlr_nest(), noc_of(64, 256, 64, 8));
  EXPECT_EQ(r.bad_outputs, 0);
  EXPECT_EQ(r.counts.psum_link_hops, 9 * 4 * 3);
  EXPECT_EQ(r.counts.psum_hops, 9 * (16 - 4));
  EXPECT_EQ(r.counts.noc_cycles, 9 * (2 - 1));
}

ws::LayerWidths widths16() {
  ws::LayerWidths w;
  w.in_bits = w.w_bits = w.psum_bits = 16;
  w.in_bytes = w.w_bytes = w.psum_bytes = w.out_bytes = 2;
  return w;
}

arch::PeArraySpec eyeriss_spads(int word_bits) {
  arch::PeArraySpec pe;
  pe.kind = arch::ArrayKind::kSpatial;
  pe.rows = 12;
  pe.cols = 14;
  std::array<arch::SpadSpec, 3> sp;
  sp[0].entries = 12;
  sp[1].entries = 224;
  sp[2].entries = 24;
  for (auto& x : sp) x.word_bits = word_bits;
  pe.spads = sp;
  return pe;
}

TEST(SpatialSpads, CapacityLimitsRefuseATile) {
  // Row stationary with S = 3, stride 1: an RF running Q qr x M mr x C cr x S 3 keeps an ifmap
  // row segment of cr x (qr + 2) values, mr x cr x 3 weights and qr x mr psums.
  const workloads::ConvShape s = conv3x3(16, 64, 30);
  const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
  auto span = [](int64_t qr, int64_t mr, int64_t cr) {
    std::array<int64_t, ws::kNumDims> x;
    x.fill(1);
    x[ws::kQ] = qr;
    x[ws::kM] = mr;
    x[ws::kC] = cr;
    x[ws::kS] = 3;
    return x;
  };
  const arch::PeArraySpec pe = eyeriss_spads(16);
  const ws::LayerWidths w = widths16();
  const std::array<bool, 3> all{true, true, true};
  // Ifmap spad of 12: qr + 2 <= 12.
  EXPECT_TRUE(ws::rf_fits(p, pe, w, span(10, 1, 1), all));
  EXPECT_FALSE(ws::rf_fits(p, pe, w, span(11, 1, 1), all));
  // Psum spad of 24: qr x mr <= 24 (ifmap 1 x (2 + 2) = 4 fits).
  EXPECT_TRUE(ws::rf_fits(p, pe, w, span(2, 12, 1), all));
  EXPECT_FALSE(ws::rf_fits(p, pe, w, span(2, 13, 1), all));
  // Filter spad of 224: mr x cr x 3 <= 224 (ifmap cr x 3 <= 12: cr <= 4).
  EXPECT_TRUE(ws::rf_fits(p, pe, w, span(1, 18, 4), all));   // 216 weights, 18 psums
  EXPECT_FALSE(ws::rf_fits(p, pe, w, span(1, 19, 4), all));  // 228 weights
  // A spad that is not kept does not count.
  EXPECT_TRUE(ws::rf_fits(p, pe, w, span(11, 1, 1), {false, true, true}));
  // 8-bit words: a 16-bit value takes two, halving every capacity.
  const arch::PeArraySpec narrow = eyeriss_spads(8);
  EXPECT_TRUE(ws::rf_fits(p, narrow, w, span(4, 1, 1), all));   // 6 ifmap values
  EXPECT_FALSE(ws::rf_fits(p, narrow, w, span(5, 1, 1), all));  // 7 > 12 / 2
  EXPECT_EQ(ws::rf_capacity(narrow, w, 1), 112);
  // One pool of the spads' bytes holds the tile the ifmap spad refused: (13 + 3 + 11) x 2 bytes.
  arch::PeArraySpec pool = pe;
  pool.spads.reset();
  pool.rf_bytes = 520;  // the spads' 12 + 224 + 24 words of 2 bytes
  EXPECT_TRUE(ws::rf_fits(p, pool, w, span(11, 1, 1), all));
}

TEST(SpatialSpads, TheSearchKeepsEveryTileInItsSpad) {
  const workloads::ConvShape s = conv3x3(8, 32, 14);
  const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
  arch::AcceleratorSpec spec;
  spec.pe_array = eyeriss_spads(16);
  spec.sram.push_back(arch::SramLevelSpec{});
  spec.sram[0].size_bytes = 108 * 1024;
  spec.sram[0].holds = {arch::Operand::kIfmap, arch::Operand::kWeight, arch::Operand::kOfmap};
  spec.noc = noc_of(16, 64, 64, 64);
  int64_t n = 0;
  for (auto df : {"rs", "ws", "os_a"}) {
    ws::for_each_mapping(p, df, spec, widths16(), ws::Constraints{}, workloads::SearchMode::kPruned,
                         [&](const ws::Mapping& m) {
                           const auto rf = m.spans_from(m.first_at(Level::kRf));
                           const int64_t caps[3] = {12, 224, 24};
                           for (int o = 0; o < 3; ++o)
                             if (m.rf_keep[size_t(o)]) {
                               EXPECT_LE(ws::tile_elems(o, p, rf), caps[o]) << m.describe();
                             }
                           ++n;
                         });
  }
  EXPECT_GT(n, 0);
}

}  // namespace
}  // namespace adasim
