// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/gemm_view.hpp"

#include <algorithm>

namespace adasim::workloads {

int64_t overlap(Range a, Range b) {
  return std::max<int64_t>(0, std::min(a.hi(), b.hi()) - std::max(a.lo, b.lo));
}

GemmView::GemmView(const ConvShape& s, int64_t group_pack, int in_bits, int w_bits)
    : s_(s), gp_(std::max<int64_t>(1, group_pack)), in_bits_(in_bits), w_bits_(w_bits) {
  std::vector<char> used(size_t(s_.w), 0);
  for (int64_t q = 0; q < s_.q; ++q)
    for (int64_t x = 0; x < s_.s; ++x) {
      const int64_t w = q * s_.stride_w - s_.pad_l + x * s_.dil_w;
      if (w >= 0 && w < s_.w) used[size_t(w)] = 1;
    }
  cols_touched_ = std::count(used.begin(), used.end(), 1);
}

int64_t GemmView::groups_in_pack(int64_t pack) const {
  return std::min(gp_, s_.groups - pack * gp_);
}

int64_t block_diag_pairs(Range a, int64_t ga, Range b, int64_t gb) {
  if (a.len <= 0 || b.len <= 0) return 0;
  // Only groups touched by both ranges contribute.
  const int64_t g_first = std::max(a.lo / ga, b.lo / gb);
  const int64_t g_last = std::min((a.hi() - 1) / ga, (b.hi() - 1) / gb);
  int64_t pairs = 0;
  for (int64_t g = g_first; g <= g_last; ++g)
    pairs += overlap(a, Range{g * ga, ga}) * overlap(b, Range{g * gb, gb});
  return pairs;
}

int64_t GemmView::diag_pairs(Range kk, Range nn) const { return block_diag_pairs(kk, gk(), nn, gn()); }

int64_t GemmView::channels_touched(int64_t /*pack*/, Range kk) const {
  // Pack Kred index kk = local_group * gk + (c' * R + r) * S + s: channels are outermost.
  const int64_t rs = s_.r * s_.s;
  int64_t channels = 0;
  for (int64_t g = kk.lo / gk(); g * gk() < kk.hi(); ++g) {
    const int64_t lo = std::max(kk.lo, g * gk()) - g * gk();
    const int64_t hi = std::min(kk.hi(), (g + 1) * gk()) - g * gk();  // exclusive
    if (hi > lo) channels += (hi - 1) / rs - lo / rs + 1;
  }
  return channels;
}

int64_t GemmView::input_rows_touched(int64_t p_lo, int64_t p_hi) const {
  // Rows h = p*stride - pad + r*dil inside [0, H).
  if (s_.dil_h == 1) {
    const int64_t first = p_lo * s_.stride_h - s_.pad_t;
    if (s_.stride_h <= s_.r) {  // windows overlap or touch: one contiguous span
      const int64_t lo = std::max<int64_t>(0, first);
      const int64_t hi = std::min<int64_t>(s_.h - 1, p_hi * s_.stride_h - s_.pad_t + s_.r - 1);
      return std::max<int64_t>(0, hi - lo + 1);
    }
    int64_t rows = 0;  // disjoint windows of R rows each
    for (int64_t p = p_lo; p <= p_hi; ++p) {
      const int64_t lo = std::max<int64_t>(0, p * s_.stride_h - s_.pad_t);
      const int64_t hi = std::min<int64_t>(s_.h - 1, p * s_.stride_h - s_.pad_t + s_.r - 1);
      rows += std::max<int64_t>(0, hi - lo + 1);
    }
    return rows;
  }
  std::vector<char> used(size_t(s_.h), 0);
  for (int64_t p = p_lo; p <= p_hi; ++p)
    for (int64_t r = 0; r < s_.r; ++r) {
      const int64_t h = p * s_.stride_h - s_.pad_t + r * s_.dil_h;
      if (h >= 0 && h < s_.h) used[size_t(h)] = 1;
    }
  return std::count(used.begin(), used.end(), 1);
}

int64_t GemmView::ifmap_bytes(int64_t pack, Range m, Range kk) const {
  if (m.len <= 0 || kk.len <= 0) return 0;
  const int64_t pq = s_.p * s_.q;
  const int64_t n_lo = m.lo / pq, n_hi = (m.hi() - 1) / pq;
  int64_t rows = 0;
  for (int64_t n = n_lo; n <= n_hi; ++n) {
    const int64_t first = (n == n_lo) ? (m.lo % pq) / s_.q : 0;
    const int64_t last = (n == n_hi) ? ((m.hi() - 1) % pq) / s_.q : s_.p - 1;
    rows += input_rows_touched(first, last);
  }
  const int64_t elems = rows * cols_touched_ * channels_touched(pack, kk);
  return (elems * in_bits_ + 7) / 8;
}

int64_t GemmView::weight_bytes(Range kk, Range nn) const {
  return (diag_pairs(kk, nn) * w_bits_ + 7) / 8;
}

}  // namespace adasim::workloads
