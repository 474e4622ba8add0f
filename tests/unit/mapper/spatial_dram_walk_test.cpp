// SPDX-License-Identifier: Apache-2.0
// dram_traffic (workloads/mapper/spatial/spatial_dram_walk.cpp) sums the DRAM traffic of a
// spatial mapping by classes of iterations. The reference here walks the DRAM iterations one by
// one, as the engine does (arch/spatial: every iteration fetches what its ifmap and weight tiles
// do not share with the previous iteration's; an output tile is written back when the walk
// leaves it, reloaded when it returns): every figure equal, on seeded random layers (padding,
// stride, dilation, groups, batch) with random nests (ragged factors, loops of bound 1, two DRAM
// loops on one dim, any order), and on a hand-worked nest.
#include "workloads/mapper/spatial/spatial_dram_walk.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "arch/program/spatial_folds.hpp"
#include "spatial_random_nest.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using arch::spatial::Level;

ws::DramTraffic walk_iterations(const ws::Problem& p, const ws::Mapping& m) {
  ws::DramTraffic r;
  const auto span = m.spans_from(m.first_at(Level::kGbuf));
  std::array<ws::Box, 2> prev{};
  ws::Box out;
  std::set<std::array<int64_t, ws::kAxes>> written;
  bool first = true;
  for (const auto& lo : arch::spatial::dram_origins(m)) {
    for (int o = 0; o < 2; ++o) {
      const ws::Box b = ws::operand_box(o, p, lo, span);
      r.reads[size_t(o)] += double(b.size() - (first ? 0 : b.overlap(prev[size_t(o)])));
      prev[size_t(o)] = b;
    }
    const ws::Box b = ws::operand_box(2, p, lo, span);
    if (first || !(b == out)) {
      if (!first) {
        r.psum_writes += double(out.size());
        written.insert(out.lo);
      }
      if (written.count(b.lo) != 0) r.psum_reloads += double(b.size());
      out = b;
    }
    first = false;
  }
  r.psum_writes += double(out.size());
  return r;
}

void expect_same(const ws::DramTraffic& want, const ws::DramTraffic& got) {
  EXPECT_EQ(want.reads[0], got.reads[0]);
  EXPECT_EQ(want.reads[1], got.reads[1]);
  EXPECT_EQ(want.psum_writes, got.psum_writes);
  EXPECT_EQ(want.psum_reloads, got.psum_reloads);
}

TEST(SpatialDramWalk, EqualsTheIterationWalkOnRandomNests) {
  std::mt19937_64 rng(20261205);
  int nests = 0, reloading = 0, rereading = 0;
  for (int i = 0; i < 3000 && nests < 600; ++i) {
    const workloads::ConvShape s = test::random_shape(rng);
    const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    const std::optional<ws::Mapping> m = test::random_mapping(rng, p);
    if (!m) continue;
    SCOPED_TRACE(m->describe());
    const ws::DramTraffic want = walk_iterations(p, *m);
    expect_same(want, ws::dram_traffic(p, *m));
    ++nests;
    reloading += want.psum_reloads > 0;
    rereading += want.reads[0] > double(p.ifmap_elems);
  }
  // The cases that exercise the classes: output tiles revisited, the ifmap read more than once.
  EXPECT_GE(nests, 600);
  EXPECT_GE(reloading, 100);
  EXPECT_GE(rereading, 100);
}

// Up to three DRAM loops per dim in any order (more than the walk sums without the heap on the
// ifmap's row and column axes, which P and R, Q and S share), ragged factors, buffer loops left
// over.
TEST(SpatialDramWalk, EqualsTheIterationWalkWithManyLoopsPerDim) {
  std::mt19937_64 rng(7);
  int nests = 0, wide = 0;
  for (int i = 0; i < 1000; ++i) {
    const workloads::ConvShape s = test::random_shape(rng);
    const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    ws::Mapping m;
    std::vector<ws::Loop> dram, gbuf;
    std::array<int, ws::kNumDims> per_dim{};
    for (int d = 0; d < ws::kNumDims; ++d) {
      int64_t left = p.bound[size_t(d)];
      for (int k = 0; k < 3 && left > 1; ++k) {
        const int64_t f = test::pick(rng, 1, std::min<int64_t>(left, 4));
        dram.push_back({d, f, Level::kDram});
        per_dim[size_t(d)] += f > 1;
        left = (left + f - 1) / f;
      }
      gbuf.push_back({d, left, Level::kGbuf});
    }
    std::shuffle(dram.begin(), dram.end(), rng);
    m.loops = dram;
    m.loops.insert(m.loops.end(), gbuf.begin(), gbuf.end());
    if (m.product(0, dram.size()) > 20000) continue;
    SCOPED_TRACE(m.describe());
    expect_same(walk_iterations(p, m), ws::dram_traffic(p, m));
    ++nests;
    wide += per_dim[ws::kP] + per_dim[ws::kR] > 4 || per_dim[ws::kQ] + per_dim[ws::kS] > 4;
  }
  EXPECT_GE(nests, 500);
  EXPECT_GE(wide, 15);
}

// By hand: a 1x1 conv, C = 4, K = 6, an 8x1 ifmap with no padding (P = 8); buffer tiles of
// 2 channels x 4 rows x 3 output channels. DRAM loops, outermost first: M/2, C/2, P/2.
//  - ifmap: the tile (2 ch x 4 rows = 8 elements) changes at every iteration and no two
//    consecutive tiles share an element: 8 iterations x 8 = 64 reads (the 32 elements twice,
//    once per M iteration);
//  - weights: the tile (3 x 2 = 6) changes with M and C, not with P: 4 distinct runs of 2, so
//    24 reads (each weight once);
//  - outputs: the tile (3 x 4 = 12) changes with M and P; C sits above P, so for each M the walk
//    visits P0, P1, P0, P1: 4 runs per M, 8 runs x 12 = 96 writes; of those the second visit of
//    each of the 4 tiles reloads it: 48 reloads.
TEST(SpatialDramWalk, HandWorkedNest) {
  workloads::ConvShape s;
  s.c = 4;
  s.k = 6;
  s.h = s.p = 8;
  s.w = s.q = 1;
  const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
  ws::Mapping m;
  m.loops = {{ws::kM, 2, Level::kDram}, {ws::kC, 2, Level::kDram}, {ws::kP, 2, Level::kDram},
             {ws::kM, 3, Level::kGbuf}, {ws::kC, 2, Level::kGbuf}, {ws::kP, 4, Level::kGbuf}};
  const ws::DramTraffic t = ws::dram_traffic(p, m);
  EXPECT_EQ(t.reads[0], 64);
  EXPECT_EQ(t.reads[1], 24);
  EXPECT_EQ(t.psum_writes, 96);
  EXPECT_EQ(t.psum_reloads, 48);
  expect_same(walk_iterations(p, m), t);
}

}  // namespace
}  // namespace adasim
