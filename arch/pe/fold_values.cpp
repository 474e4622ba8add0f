// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/fold_values.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace adasim::arch {

namespace {
// acc[j] += v * w[j] for n columns, in uint32 (int32 wrap-around, as the PEs' adders).
void axpy(uint32_t* __restrict acc, int32_t v, const int16_t* __restrict w, int64_t n) {
  for (int64_t j = 0; j < n; ++j) acc[j] += uint32_t(v * int32_t(w[j]));
}

// WS / IS: for every stream step s, column j sums its sub-rows' stationary x stream products.
void stationary_fold(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                     const OperandAccess& acc, int32_t* out) {
  const int64_t c = f.cols, L = std::max(1, sch.sub_per_row()), subs = sch.sub_rows(f.rows);
  const int64_t phys = int64_t(t.row_at.size()), W = t.stream_width;
  const bool ws = sch.layout() == ArrayLayout::kWeightsHeld;
  // (stream offset, stationary sub-row) of every lane that carries a value.
  std::vector<std::pair<int64_t, int64_t>> lanes;
  for (int64_t i = 0; i < phys; ++i)
    for (int64_t l = 0; l < std::min(L, t.row_len[size_t(i)]); ++l)
      if (i * L + l < subs) lanes.emplace_back(t.row_at[size_t(i)] + l, i * L + l);
  std::vector<uint32_t> row(static_cast<size_t>(c));
  std::vector<int64_t> col_part(static_cast<size_t>(c));
  for (int64_t j = 0; j < c; ++j)
    col_part[size_t(j)] = ws ? acc.n_part(f.pack, f.col0 + j) : acc.m_part(f.col0 + j);
  for (int64_t s = 0; s < f.t_len; ++s) {
    std::fill(row.begin(), row.end(), 0u);
    const int16_t* in = &t.stream[size_t(s * W)];
    for (const auto& [at, sub] : lanes)
      if (in[at] != 0) axpy(row.data(), in[at], &t.stationary[size_t(sub * c)], c);
    const int64_t base = ws ? acc.m_part(f.t0 + s) : acc.n_part(f.pack, f.t0 + s);
    for (int64_t j = 0; j < c; ++j) {
      int32_t& o = out[base + col_part[size_t(j)]];
      o = int32_t(uint32_t(o) + row[size_t(j)]);
    }
  }
}

// OS: PE (i, j) accumulates stream[s][i] x top[s][j] over the fold's steps.
void outputs_fold(const SystolicFold& f, const FoldTiles& t, const OperandAccess& acc,
                  int32_t* out) {
  const int64_t r = f.rows, c = f.cols;
  std::vector<uint32_t> sums(size_t(r * c), 0u);
  for (int64_t s = 0; s < f.t_len; ++s)
    for (int64_t i = 0; i < r; ++i) {
      const int16_t v = t.stream[size_t(s * r + i)];
      if (v != 0) axpy(&sums[size_t(i * c)], v, &t.top[size_t(s * c)], c);
    }
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) {
      int32_t& o = out[acc.out_index(f.pack, f.row0 + i, f.col0 + j)];
      o = int32_t(uint32_t(o) + sums[size_t(i * c + j)]);
    }
}
}  // namespace

void add_fold_outputs(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                      const OperandAccess& acc, workloads::Int32Buffer& out) {
  if (sch.layout() == ArrayLayout::kOutputsHeld)
    outputs_fold(f, t, acc, out.data.data());
  else
    stationary_fold(sch, f, t, acc, out.data.data());
}

}  // namespace adasim::arch
