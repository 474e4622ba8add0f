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
#include <utility>
#include <vector>

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

// Loops on one axis summed without a heap allocation: two DRAM loops on each of the axis' dims
// (the search puts at most one per dim at DRAM level; the tests' random nests up to two). More
// take the heap.
constexpr size_t kAxisLoops = 4;

struct DramLoop {
  int dim = 0;
  int64_t bound = 1, stride = 1;  ///< stride: the loop index's multiplier in its dim
};

// The index pairs (previous iteration, this one) a loop takes in one class of iterations:
// prev = prev0 + k, cur = cur0 + k for k < count.
struct Pairs {
  int64_t prev0 = 0, cur0 = 0, count = 1;
};
Pairs free_pairs(const DramLoop& l) { return {0, 0, l.bound}; }       // outside the carry
Pairs step_pairs(const DramLoop& l) { return {0, 1, l.bound - 1}; }   // the carrying loop
Pairs reset_pairs(const DramLoop& l) { return {l.bound - 1, 0, 1}; }  // inside the carry

class Walk {
 public:
  Walk(const Problem& p, const Mapping& m) {
    const size_t gb0 = m.first_at(Level::kGbuf);
    const std::vector<int64_t> inner = m.inner_strides();
    const Idx span = m.spans_from(gb0);
    for (size_t l = 0; l < gb0; ++l)
      if (m.loops[l].bound > 1) loops_.push_back({m.loops[l].dim, m.loops[l].bound, inner[l]});
    for (int o = 0; o < 3; ++o)
      for (int a = 0; a < kAxes; ++a) tabulate(o, a, p, span);
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
  // Axis a of operand o: the loops that move it (outermost first) and its interval, cut to the
  // tensor, at every combination of their indices (the first loop's index most significant).
  struct Axis {
    std::vector<size_t> loops;
    std::vector<int64_t> radix;  ///< weight of each loop's index in the table
    size_t first = 0;            ///< the table's start in intervals_
  };

  void tabulate(int o, int a, const Problem& p, const Idx& span) {
    Axis& t = axes_[size_t(o)][size_t(a)];
    for (size_t l = 0; l < loops_.size(); ++l)
      if (axis_of(o, loops_[l].dim) == a) t.loops.push_back(l);
    t.radix.assign(t.loops.size(), 1);
    int64_t n = 1;
    for (size_t i = t.loops.size(); i-- > 0;) {
      t.radix[i] = n;
      n *= loops_[t.loops[i]].bound;
    }
    t.first = intervals_.size();
    for (int64_t k = 0; k < n; ++k) {
      Idx lo{};
      for (size_t i = 0; i < t.loops.size(); ++i) {
        const DramLoop& l = loops_[t.loops[i]];
        lo[size_t(l.dim)] += (k / t.radix[i]) % l.bound * l.stride;
      }
      intervals_.push_back(arch::spatial::clipped_axis(o, a, p, lo, span));
    }
  }

  template <class PairsOf>
  int64_t axis_sum(int o, int a, PairsOf&& pairs_of) const {
    const Axis& t = axes_[size_t(o)][size_t(a)];
    const size_t n = t.loops.size();
    if (n == 0) return intervals_[t.first].second - intervals_[t.first].first;
    std::array<Pairs, kAxisLoops> pr_small;
    std::array<int64_t, kAxisLoops> k_small{};
    std::vector<Pairs> pr_big;
    std::vector<int64_t> k_big;
    if (n > kAxisLoops) {
      pr_big.resize(n);
      k_big.assign(n, 0);
    }
    Pairs* pr = n > kAxisLoops ? pr_big.data() : pr_small.data();
    int64_t* k = n > kAxisLoops ? k_big.data() : k_small.data();
    for (size_t i = 0; i < n; ++i) pr[i] = pairs_of(t.loops[i]);
    int64_t total = 0;
    for (;;) {
      size_t prev = t.first, cur = t.first;
      for (size_t i = 0; i < n; ++i) {
        prev += size_t((pr[i].prev0 + k[i]) * t.radix[i]);  // k[i] < count: 0 for one pair
        cur += size_t((pr[i].cur0 + k[i]) * t.radix[i]);
      }
      const auto& [plo, phi] = intervals_[prev];
      const auto& [clo, chi] = intervals_[cur];
      total += std::max<int64_t>(0, std::min(phi, chi) - std::max(plo, clo));
      size_t i = n;
      while (i-- > 0) {
        if (++k[i] < pr[i].count) break;
        k[i] = 0;
      }
      if (i == size_t(-1)) return total;
    }
  }

  std::vector<DramLoop> loops_;  ///< the DRAM loops of bound > 1, outermost first
  std::array<std::array<Axis, kAxes>, 3> axes_;
  std::vector<std::pair<int64_t, int64_t>> intervals_;
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

size_t DramTrafficCache::Hash::operator()(const std::vector<int64_t>& k) const {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the values
  for (int64_t v : k) h = (h ^ uint64_t(v)) * 1099511628211ull;
  return size_t(h);
}

DramTraffic DramTrafficCache::of(const Mapping& m) {
  const size_t gb0 = m.first_at(Level::kGbuf);
  const Idx span = m.spans_from(gb0);
  key_.assign(span.begin(), span.end());
  for (size_t l = 0; l < gb0; ++l)
    if (m.loops[l].bound > 1) {
      key_.push_back(m.loops[l].dim);
      key_.push_back(m.loops[l].bound);
    }
  const auto it = cache_.find(key_);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= capacity_) cache_.clear();
  const DramTraffic t = dram_traffic(p_, m);
  cache_.emplace(key_, t);
  return t;
}

}  // namespace adasim::workloads::spatial
