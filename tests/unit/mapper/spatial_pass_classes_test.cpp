// SPDX-License-Identifier: Apache-2.0
// pass_terms (workloads/mapper/spatial/spatial_pass_classes.cpp) sums the per-pass figures of a
// spatial mapping by class of passes instead of pass by pass. Checked here:
//  - against a plain per-pass walk (tests/support/spatial_pass_walk.hpp) on a few hundred seeded
//    random layers (padding, stride, dilation, groups, batch) and random mappings (ragged
//    factors, loops of bound 1, any operands kept or bypassed, with and without psum links), and
//    on the search's mappings for every spatial dataflow: every term equal;
//  - on a layer of 16 million passes against figures worked out by hand (and fast).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "spatial_pass_walk.hpp"
#include "spatial_random_nest.hpp"
#include "test_support.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using arch::spatial::Level;

void expect_same(const ws::PassTerms& a, const ws::PassTerms& b) {
  EXPECT_EQ(a.refill_cycles, b.refill_cycles);
  for (size_t o = 0; o < 2; ++o) {
    EXPECT_EQ(a.gbuf[o], b.gbuf[o]) << "operand " << o;
    EXPECT_EQ(a.noc[o], b.noc[o]) << "operand " << o;
    EXPECT_EQ(a.step_gbuf[o], b.step_gbuf[o]) << "operand " << o;
    EXPECT_EQ(a.step_noc[o], b.step_noc[o]) << "operand " << o;
  }
  EXPECT_EQ(a.flush_cycles, b.flush_cycles);
  EXPECT_EQ(a.sent, b.sent);
  EXPECT_EQ(a.writes, b.writes);
  EXPECT_EQ(a.link_hops, b.link_hops);
  EXPECT_EQ(a.step_stall, b.step_stall);
  EXPECT_EQ(a.step_writes, b.step_writes);
  EXPECT_EQ(a.step_macs, b.step_macs);
  EXPECT_EQ(a.step_link_hops, b.step_link_hops);
}

ws::PassTerms compare(const ws::Problem& p, const ws::Mapping& m, const arch::NocSpec& noc,
                      const int bits[3]) {
  const double width[3] = {double(noc.bus_width(0)), double(noc.bus_width(1)),
                           double(noc.bus_width(2))};
  const ws::PassTerms t = ws::pass_terms(p, m, noc, bits, width, arch::NocClock{});
  expect_same(t, ws::testing::pass_terms_walk(p, m, noc, bits, width));
  return t;
}

using test::pick;
using test::random_mapping;
using test::random_shape;

TEST(SpatialPassClasses, MatchesPerPassWalkOnRandomMappings) {
  std::mt19937_64 rng(20261204);
  int cases = 0;
  // What the cases exercised: both inputs refilled on one pass with both buses busy, flushes
  // over psum links, per-step stalls of bypassed operands, edge passes, many passes.
  int both = 0, flush_links = 0, stalls = 0, step_links = 0, many = 0;
  while (cases < 400) {
    const workloads::ConvShape s = random_shape(rng);
    const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    const std::optional<ws::Mapping> m = random_mapping(rng, p);
    if (!m) continue;
    arch::NocSpec noc;
    noc.type = "xy_multicast";
    noc.link_width_bits = int(pick(rng, 1, 4)) * 16;
    if (pick(rng, 0, 1)) noc.bus_bits = {16, 64, 32};
    noc.psum_link_bits = pick(rng, 0, 1) ? 16 : 0;
    const int bits[3] = {8 * int(pick(rng, 1, 2)), 8, 32};
    SCOPED_TRACE("case " + std::to_string(cases) + ": " + m->describe());
    const ws::PassTerms t = compare(p, *m, noc, bits);
    both += t.gbuf[0] > 0 && t.gbuf[1] > 1 && m->rf_keep[0] && m->rf_keep[1];
    flush_links += t.link_hops > 0;
    stalls += t.step_stall > 0;
    step_links += t.step_link_hops > 0;
    many += m->product(0, m->first_at(Level::kArrayY)) >= 200;
    ++cases;
    if (::testing::Test::HasFailure()) break;  // one failing case is enough to read
  }
  EXPECT_GE(both, 40);
  EXPECT_GE(flush_links, 20);
  EXPECT_GE(stalls, 40);
  EXPECT_GE(step_links, 20);
  EXPECT_GE(many, 20);
  std::printf("kept inputs %d, flush links %d, step stalls %d, step links %d, >= 200 passes %d\n",
              both, flush_links, stalls, step_links, many);
}

// The search's mappings (each dataflow's kept operands and loop orders), with and without the
// Eyeriss chip's buses and psum links.
TEST(SpatialPassClasses, MatchesPerPassWalkOnSearchedMappings) {
  int layers = 0;
  for (const char* df : {"rs", "ws", "os_a", "os_b", "os_c", "nlr"})
    for (int links = 0; links < 2; ++links) {
      std::mt19937_64 rng(uint64_t(df[0]) * 977 + uint64_t(df[1]) + uint64_t(links));
      arch::AcceleratorSpec spec = test::spatial_spec(4, 4, df, 128, 8192);
      spec.dram.ideal = true;
      if (links) {
        spec.noc.bus_bits = {16, 64, 32};
        spec.noc.psum_link_bits = 16;
      }
      // RandomLayerLimits' default sizes, at most 4 groups, dilated convs too.
      const workloads::Graph g = test::random_spatial_layers(
          rng, 4, {/*fc*/ 4, 70, 50, /*groups, c, k*/ 4, 12, 24, /*dilation*/ true});
      std::vector<workloads::LayerSchedule> sch;
      try {
        sch = sim::map_graph(g, spec, arch::EnergyTable(spec.energy));
      } catch (const sim::ConfigError&) {
        continue;
      }
      for (size_t i = 0; i < sch.size(); ++i) {
        SCOPED_TRACE(std::string(df) + " " + g.layers[i].name);
        const ws::Problem p = ws::Problem::from_shape(sch[i].shape, g.layers[i].op);
        const ws::LayerWidths w = ws::widths_of(g, g.layers[i], spec);
        const int bits[3] = {w.in_bits, w.w_bits, w.psum_bits};
        compare(p, sch[i].spatial().nest, spec.noc, bits);
        ++layers;
      }
    }
  std::printf("%d searched layers checked\n", layers);
  EXPECT_GE(layers, 30);
}

// One PE, a 3x3 filter over an H x H ifmap, stride 1, padding 1 (an H x H ofmap), the register
// files keeping all three operands: RF loops R/3 and S/3, passes DRAM P/H, buffer Q/H. 8-bit
// values on a 16-bit ifmap bus and a 64-bit weight bus, 32-bit psums on a 32-bit bus.
struct OnePeLayer {
  ws::Problem p;
  ws::Mapping m;
  arch::NocSpec noc;
  explicit OnePeLayer(int64_t h) {
    workloads::ConvShape s;
    s.h = s.w = s.p = s.q = h;
    s.r = s.s = 3;
    s.pad_t = s.pad_l = s.pad_b = s.pad_r = 1;
    p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    m.loops = {{ws::kP, h, Level::kDram},
               {ws::kQ, h, Level::kGbuf},
               {ws::kR, 3, Level::kRf},
               {ws::kS, 3, Level::kRf}};
    m.rf_keep = {true, true, true};
    noc.type = "xy_multicast";
    noc.bus_bits = {16, 64, 32};
  }
  ws::PassTerms terms() const {
    const int bits[3] = {8, 8, 32};
    const double width[3] = {16, 64, 32};
    return ws::pass_terms(p, m, noc, bits, width, arch::NocClock{});
  }
};

// Hand figures of OnePeLayer(h). Pass (p, q) holds ifmap rows [p-1, p+2) and columns
// [q-1, q+2) cut to the ifmap: 2 rows on the first and last output rows, 3 on the others.
//  - Along a row (q = 1 .. h-2) a pass fetches one new column of those rows; at q = h-1 the new
//    column lies in the padding; at q = 0 (a new output row) the window's 2 columns are all new.
//    Reads: every ifmap row is read by 3 output rows (2 for the first and last): (3h - 2) x h
//    values; with one PE the deliveries are the reads.
//  - Weights: 9, filled once. Cycles: per pass ceil(8 x ifmap / 16), at the first pass the
//    busier of that (2) and ceil(8 x 9 / 64) = 2: an inner output row 3 + 2 (h - 2) + 0, a
//    first or last one 2 + (h - 2): (h - 2)(2h - 1) + 2h.
//  - Psums: a new output every pass: h^2 flushes of one psum, ceil(32 / 32) = 1 cycle each.
void expect_hand_figures(const ws::PassTerms& t, int64_t h) {
  EXPECT_EQ(t.gbuf[0], double((3 * h - 2) * h));
  EXPECT_EQ(t.noc[0], double((3 * h - 2) * h));
  EXPECT_EQ(t.gbuf[1], 9.0);
  EXPECT_EQ(t.noc[1], 9.0);
  EXPECT_EQ(t.refill_cycles, double((h - 2) * (2 * h - 1) + 2 * h));
  EXPECT_EQ(t.flush_cycles, double(h * h));
  EXPECT_EQ(t.sent, double(h * h));
  EXPECT_EQ(t.writes, double(h * h));
  EXPECT_EQ(t.link_hops, 0.0);
  EXPECT_EQ(t.step_stall, 0.0);
}

TEST(SpatialPassClasses, HandFiguresOnSmallLayerMatchWalk) {
  const OnePeLayer l(40);
  const int bits[3] = {8, 8, 32};
  const double width[3] = {16, 64, 32};
  expect_hand_figures(l.terms(), 40);
  expect_hand_figures(ws::testing::pass_terms_walk(l.p, l.m, l.noc, bits, width), 40);
}

TEST(SpatialPassClasses, SixteenMillionPassesByHandAndFast) {
  const OnePeLayer l(4000);  // 4000 x 4000 = 1.6e7 passes
  const auto t0 = std::chrono::steady_clock::now();
  const ws::PassTerms t = l.terms();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  expect_hand_figures(t, 4000);
  EXPECT_EQ(t.refill_cycles, 31988002.0);  // 3998 x 7999 + 8000
  EXPECT_EQ(t.gbuf[0], 47992000.0);        // 11998 x 4000
  EXPECT_LT(secs, 2.0);                    // the per-pass walk visits all 1.6e7 passes
}

}  // namespace
}  // namespace adasim
