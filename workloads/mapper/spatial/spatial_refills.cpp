// SPDX-License-Identifier: Apache-2.0
// The per-pass figures pass_terms sums (spatial_pass_classes.cpp): refills and psum flushes.
//
// Exact register-file refills of the kept inputs (ifmap, weight), pass by pass, as the engine
// moves them: at a pass where an operand's tile changes, each PE fetches the in-tensor values of
// its new tile it did not hold (the tiles are clipped to the tensor: padding and ragged factors
// move nothing), and one buffer read reaches every PE that fetches the value (multicast).
//
// A tile is a box whose axes each depend on their own dims (ifmap rows on P and R, columns on Q
// and S, weight rows on R, ...), and the PEs' offsets form a grid over the dims, so per axis a:
//   U_a = the union over the PEs' offsets of their new intervals,
//   D_a = the union of (new interval minus old interval),
// (lengths of unions of intervals, sorted: no pass over the axis' positions),
// and the values some PE fetches are the x with x_a in U_a for every a and x_a in D_a for some a:
//   distinct = prod |U_a| - prod (|U_a| - |D_a|).
// The deliveries (one per PE and fetched value) are sum_pe (|N_pe| - |N_pe and O_pe|), products
// of per-axis sums over the grid. Per-axis figures are cached by the positions of their dims.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "workloads/mapper/spatial/spatial_pass_figures.hpp"
#include "workloads/mapper/spatial/spatial_steps.hpp"

namespace adasim::workloads::spatial {

RefillCounter::RefillCounter(const Problem& p, const Mapping& m) : p_(p) {
  const size_t y0 = m.first_at(Level::kArrayY), rf0 = m.first_at(Level::kRf);
  rf_span_ = m.spans_from(rf0);
  const std::vector<int64_t> inner = m.inner_strides();
  for (auto& s : offsets_) s = {0};
  for (size_t l = y0; l < rf0; ++l) {
    std::vector<int64_t>& s = offsets_[size_t(m.loops[l].dim)];
    std::vector<int64_t> next;
    for (int64_t base : s)
      for (int64_t i = 0; i < m.loops[l].bound; ++i) next.push_back(base + i * inner[l]);
    s.swap(next);
  }
}

namespace {

// Elements of the union of half-open intervals (sorted in place).
int64_t union_length(std::vector<std::pair<int64_t, int64_t>>& v) {
  std::sort(v.begin(), v.end());
  int64_t n = 0, end = std::numeric_limits<int64_t>::min();
  for (const auto& [lo, hi] : v) {
    if (hi <= end) continue;
    n += hi - std::max(lo, end);
    end = hi;
  }
  return n;
}

}  // namespace

RefillCounter::AxisFigures RefillCounter::axis(int o, int a, const Idx& now, const Idx* prev) {
  const int d1 = kAxisDims[o][a][0], d2 = kAxisDims[o][a][1];
  auto at = [&](const Idx& b, int d) { return d < 0 ? int64_t(0) : b[size_t(d)]; };
  const std::array<int64_t, 6> key{
      o * kAxes + a, at(now, d1), at(now, d2), prev ? at(*prev, d1) : -1, prev ? at(*prev, d2) : 0,
      prev ? 1 : 0};
  const auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  // Per PE offset: its new interval N and old one O. U is the union of the N, D the union of
  // the N \ O (at most two pieces each).
  AxisFigures f;
  news_.clear();
  fetched_.clear();
  const std::vector<int64_t>& s1 = offsets_[size_t(d1)];
  const std::vector<int64_t> none{0};
  const std::vector<int64_t>& s2 = d2 < 0 ? none : offsets_[size_t(d2)];
  for (int64_t x1 : s1)
    for (int64_t x2 : s2) {
      const auto [lo, hi] = interval(o, a, d1, d2, now, x1, x2);
      if (hi <= lo) continue;
      int64_t plo = 0, phi = 0;
      if (prev) std::tie(plo, phi) = interval(o, a, d1, d2, *prev, x1, x2);
      const int64_t klo = std::max(lo, plo), khi = std::min(hi, phi);
      f.n += hi - lo;
      news_.emplace_back(lo, hi);
      if (khi <= klo) {
        fetched_.emplace_back(lo, hi);
        continue;
      }
      f.keep += khi - klo;
      if (lo < klo) fetched_.emplace_back(lo, klo);
      if (khi < hi) fetched_.emplace_back(khi, hi);
    }
  f.u = union_length(news_);
  f.d = union_length(fetched_);
  cache_.emplace(key, f);
  return f;
}

int64_t RefillCounter::sharing(int o) const {
  int64_t k = 1;
  for (int d = 0; d < kNumDims; ++d)
    if (!relevant(o, d)) k *= int64_t(offsets_[size_t(d)].size());
  return k;
}

// The axis interval of the PE at offsets (x1 on d1, x2 on d2), clipped to the tensor.
std::pair<int64_t, int64_t> RefillCounter::interval(int o, int a, int d1, int d2, const Idx& base,
                                                    int64_t x1, int64_t x2) const {
  Idx lo{};
  lo[size_t(d1)] = base[size_t(d1)] + x1;
  if (d2 >= 0) lo[size_t(d2)] = base[size_t(d2)] + x2;
  return arch::spatial::clipped_axis(o, a, p_, lo, rf_span_);
}

// One flush of the kept psums (the engine's flush_rf_psums): every PE that ran a MAC since the
// psum tile was filled sends its in-tensor psums; PEs holding the same outputs reduce them on the
// way, over the links down a column group when there are links. A PE ran a MAC iff its C, R and
// S coordinates at the run's first pass lie inside the layer (the run's later passes only move
// those further). Cached by the run's position, edge positions kept apart, interior ones merged.
FlushCounter::FlushCounter(const Problem& p, const Mapping& m, const arch::NocSpec& noc, int bits,
                           arch::NocClock clock)
    : p_(p), bits_(bits), noc_(noc), clock_(clock) {
  rf_span_ = m.spans_from(m.first_at(Level::kRf));
  arr_span_ = m.spans_from(m.first_at(Level::kArrayY));
  pe_ = pe_offsets(m);
}

const FlushCounter::Flush& FlushCounter::at(const Idx& base) {
  Idx key;
  for (int d = 0; d < kNumDims; ++d)
    key[size_t(d)] = inside(d, base[size_t(d)]) ? -1 : base[size_t(d)];
  const auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  // Per column group (column, psum offsets): its psums per member and its valid members; per
  // distinct psum offsets, whether a valid PE writes them.
  std::map<std::array<int64_t, kNumDims + 1>, std::pair<int64_t, int64_t>> groups;
  std::map<Idx, int64_t> outputs;
  Flush f;
  for (const auto& [off, col] : pe_) {
    bool ran = true;
    int64_t n = 1;
    Idx ps{};
    for (int d = 0; d < kNumDims; ++d) {
      const int64_t lo = base[size_t(d)] + off[size_t(d)], b = p_.bound[size_t(d)];
      if (!relevant(2, d)) {
        ran = ran && reduction_in_layer(p_, d, lo);
        continue;
      }
      n *= std::max<int64_t>(0, std::min(lo + rf_span_[size_t(d)], b) - lo);
      ps[size_t(d)] = off[size_t(d)];
    }
    if (!ran || n == 0) continue;
    f.sent += double(n);
    outputs[ps] = n;
    std::array<int64_t, kNumDims + 1> g{};
    g[0] = col;
    for (int d = 0; d < kNumDims; ++d) g[size_t(d) + 1] = ps[size_t(d)];
    auto& [per, members] = groups[g];
    per = n;
    ++members;
  }
  for (const auto& o : outputs) f.writes += double(o.second);
  if (noc_.psum_link_bits > 0) {
    double bus = 0, chain = 0;
    for (const auto& g : groups) {
      const auto [n, members] = g.second;
      bus += double(n);
      if (members > 1)
        chain = std::max(chain,
                         std::ceil(double(n * bits_) / noc_.psum_link_bits) + double(members - 2));
    }
    f.link_hops = f.sent - bus;
    // The chains, then the groups' sums over the psum bus, each phase at the NoC's clock.
    f.cycles = core_cycles(clock_, chain) +
               core_cycles(clock_, std::ceil(bus * bits_ / noc_.bus_width(2)));
  } else {
    f.cycles = core_cycles(clock_, std::ceil(f.sent * bits_ / noc_.bus_width(2)));
  }
  return cache_.emplace(key, f).first->second;
}

}  // namespace adasim::workloads::spatial
