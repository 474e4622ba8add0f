// SPDX-License-Identifier: Apache-2.0
// DRAM traffic by classes of iterations. The DRAM loops run as a mixed-radix counter, so every
// step from one iteration to the next is a carry at some loop j: j's index rises by one, the
// loops inside it go from their last index back to 0, the loops outside it stay. An operand's
// tile is a box whose axes each move with their own dims (ifmap rows with P and R, columns with
// Q and S; every other axis with one dim), so both the size of a tile and the overlap of two
// consecutive tiles are products over the axes. Summed over the iterations, the products
// factor: per axis, a sum over the indices of the loops on its dims only (the loops outside j
// free, j stepping, the inner ones at their reset), times the iterations of the loops that do
// not index the operand. That costs about the sum of the loops' bounds per carry level, where
// the walk costs their product.
//  - reads of ifmap / weights: every tile's in-tensor size, less its overlap with the tile
//    before it (all of the first tile is read);
//  - output runs: a run of iterations on one output tile starts at the first iteration and at
//    every carry that moves a loop indexing the outputs (at j or inside it); each run writes
//    its tile back once, and every run but the first on a tile reloads it. Output tiles
//    partition the tensor, so the reloads are the runs' elements less the distinct tiles'.
// tests/unit/mapper/spatial_dram_walk_test.cpp checks it against walking the iterations one by
// one, on random nests with padding, stride, dilation, ragged tiles and repeated dims.
#include "workloads/mapper/spatial/spatial_dram_walk.hpp"

#include <algorithm>
#include <vector>

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

// The axis of operand o's box that dim d moves, or -1 when d does not index o (axes as in
// arch/program/loop_nest.hpp: ifmap g n c h w, weight g m c r s, ofmap g n m p q).
int axis_of(int o, int d) {
  static constexpr int kAxis[3][kNumDims] = {
      // G  N   M   C   P   Q   R   S
      {0, 1, -1, 2, 3, 4, 3, 4},
      {0, -1, 1, 2, -1, -1, 3, 4},
      {0, 1, 2, -1, 3, 4, -1, -1},
  };
  return kAxis[o][d];
}

struct DramLoop {
  int dim = 0;
  int64_t bound = 1, stride = 1;  ///< stride: the loop index's multiplier in its dim
};

// The index pairs (previous iteration, this one) a loop takes in one class of iterations:
// prev = prev0 + k, cur = cur0 + k for k < count, or the single pair when count == 1.
struct Pairs {
  int64_t prev0 = 0, cur0 = 0, count = 1;
};
Pairs free_pairs(const DramLoop& l) { return {0, 0, l.bound}; }       // outside the carry
Pairs step_pairs(const DramLoop& l) { return {0, 1, l.bound - 1}; }   // the carrying loop
Pairs reset_pairs(const DramLoop& l) { return {l.bound - 1, 0, 1}; }  // inside the carry

class Walk {
 public:
  Walk(const Problem& p, const Mapping& m) : p_(p) {
    const size_t gb0 = m.first_at(Level::kGbuf);
    const std::vector<int64_t> inner = m.inner_strides();
    span_ = m.spans_from(gb0);
    for (size_t l = 0; l < gb0; ++l)
      if (m.loops[l].bound > 1) loops_.push_back({m.loops[l].dim, m.loops[l].bound, inner[l]});
  }
  size_t levels() const { return loops_.size(); }
  const DramLoop& loop(size_t j) const { return loops_[j]; }

  /// Sum over one class of iterations of |tile(prev) n tile(cur)| of operand o, where loop l
  /// takes the pairs pairs_of(l): per axis, the sum over its loops' pairs, times the count of
  /// the pairs of the loops that do not index o.
  template <class PairsOf>
  double sum(int o, PairsOf&& pairs_of) const {
    double total = 1;
    for (size_t l = 0; l < loops_.size(); ++l)
      if (axis_of(o, loops_[l].dim) < 0) total *= double(pairs_of(l).count);
    for (int a = 0; a < kAxes && total > 0; ++a) total *= double(axis_sum(o, a, pairs_of));
    return total;
  }

 private:
  template <class PairsOf>
  int64_t axis_sum(int o, int a, PairsOf&& pairs_of) const {
    std::vector<size_t> on;  // the loops that move axis a
    for (size_t l = 0; l < loops_.size(); ++l)
      if (axis_of(o, loops_[l].dim) == a) on.push_back(l);
    std::vector<int64_t> k(on.size(), 0);
    const int64_t extent = arch::spatial::axis_extent(o, a, p_);
    int64_t total = 0;
    for (;;) {
      Idx prev{}, cur{};
      for (size_t i = 0; i < on.size(); ++i) {
        const DramLoop& l = loops_[on[i]];
        const Pairs pr = pairs_of(on[i]);
        prev[size_t(l.dim)] += (pr.prev0 + (pr.count > 1 ? k[i] : 0)) * l.stride;
        cur[size_t(l.dim)] += (pr.cur0 + (pr.count > 1 ? k[i] : 0)) * l.stride;
      }
      // Both intervals cut to the tensor's [0, extent), then their overlap.
      const auto [plo, phi] = arch::spatial::unclipped_axis(o, a, p_, prev, span_);
      const auto [clo, chi] = arch::spatial::unclipped_axis(o, a, p_, cur, span_);
      const int64_t lo = std::max<int64_t>({plo, clo, 0});
      total += std::max<int64_t>(0, std::min({phi, chi, extent}) - lo);
      size_t i = on.size();
      while (i-- > 0) {
        if (++k[i] < pairs_of(on[i]).count) break;
        k[i] = 0;
      }
      if (i == size_t(-1)) return total;
    }
  }

  const Problem& p_;
  Idx span_{};
  std::vector<DramLoop> loops_;  ///< the DRAM loops of bound > 1, outermost first
};

// Elements read of operand o (0 ifmap, 1 weight): every tile's size less its overlap with the
// one before, summed per carry level j.
double reads(const Walk& w, int o) {
  double r = w.sum(o, [&](size_t l) { return free_pairs(w.loop(l)); });
  for (size_t j = 0; j < w.levels(); ++j)
    r -= w.sum(o, [&](size_t l) {
      return l < j    ? free_pairs(w.loop(l))
             : l == j ? step_pairs(w.loop(l))
                      : reset_pairs(w.loop(l));
    });
  return r;
}

}  // namespace

DramTraffic dram_traffic(const Problem& p, const Mapping& m) {
  const Walk w(p, m);
  DramTraffic t;
  for (int o = 0; o < 2; ++o) t.reads[size_t(o)] = reads(w, o);
  // Output runs: the first iteration's tile, then the tile after every carry that moves it.
  t.psum_writes = w.sum(2, [](size_t) { return Pairs{}; });
  for (size_t j = 0; j < w.levels(); ++j) {
    bool moves = false;
    for (size_t l = j; l < w.levels(); ++l) moves = moves || axis_of(2, w.loop(l).dim) >= 0;
    if (!moves) continue;
    t.psum_writes += w.sum(2, [&](size_t l) {
      const DramLoop& d = w.loop(l);
      return l < j ? free_pairs(d) : l == j ? Pairs{1, 1, d.bound - 1} : Pairs{};
    });
  }
  // Every run but a tile's first reloads it; the first runs cover the distinct tiles once.
  t.psum_reloads = t.psum_writes - w.sum(2, [&](size_t l) {
    return axis_of(2, w.loop(l).dim) < 0 ? Pairs{} : free_pairs(w.loop(l));
  });
  return t;
}

}  // namespace adasim::workloads::spatial
