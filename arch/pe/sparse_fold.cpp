// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/sparse_fold.hpp"

#include <algorithm>

namespace adasim::arch {

namespace {

// Pack-local reduction index kk and filter index nn belong to the same group (block diagonal).
struct Diagonal {
  int64_t gk, gn;
  bool on(int64_t kk, int64_t nn) const { return kk / gk == nn / gn; }
};

int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// WS on the N:M datapath (operand_access.cpp build_nm_tiles): PE (i, j) holds slot row0 + i and
// multiplies the activation at its slot's position q (the sub-row i * m + q holding its value);
// a padding slot (no value) is a zero weight. Per step, the real MACs are the block-diagonal PEs
// and the zero ones those whose weight or selected activation is zero.
void nm_step_counts(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                    const SparseConfig& cfg, std::vector<int64_t>& real,
                    std::vector<int64_t>& zero) {
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len, m = sch.nm_m;
  const Diagonal d{std::max<int64_t>(1, sch.nm().slots_per_group()),
                   std::max<int64_t>(1, sch.gemm_n)};
  // Per row: block-diagonal columns, those with a zero weight, and those selecting position q.
  std::vector<int64_t> diag(size_t(rows), 0), zw(size_t(rows), 0), sel(size_t(rows * m), 0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      if (!d.on(f.row0 + i, f.col0 + j)) continue;
      ++diag[size_t(i)];
      int64_t q = 0;
      while (q < m && t.stationary[size_t((i * m + q) * cols + j)] == 0) ++q;
      if (q == m) {
        if (cfg.weight) ++zw[size_t(i)];
      } else {
        ++sel[size_t(i * m + q)];
      }
    }
  for (int64_t s = 0; s < T; ++s)
    for (int64_t i = 0; i < rows; ++i) {
      real[size_t(s)] += diag[size_t(i)];
      int64_t z = zw[size_t(i)];
      if (cfg.ifmap) {
        const int16_t* a = &t.stream[size_t(s * t.stream_width + t.row_at[size_t(i)])];
        for (int64_t q = 0; q < t.row_len[size_t(i)]; ++q)
          if (a[q] == 0) z += sel[size_t(i * m + q)];
      }
      zero[size_t(s)] += z;
    }
}

// Per-step MAC counts of the other layouts: `real` block-diagonal MACs, `zero` those with a zero
// operand the config checks.
using StepCounts = void (*)(const SystolicProgram&, const SystolicFold&, const FoldTiles&,
                            const SparseConfig&, std::vector<int64_t>&, std::vector<int64_t>&);

// WS: stationary w[i][j] (kk = row0 + i, nn = col0 + j); stream a[t][i].
void weights_held_counts(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                         const SparseConfig& cfg, std::vector<int64_t>& real,
                         std::vector<int64_t>& zero) {
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len;
  const Diagonal d{std::max<int64_t>(1, sch.gemm_kred), std::max<int64_t>(1, sch.gemm_n)};
  std::vector<int64_t> diag(size_t(rows), 0), zw(size_t(rows), 0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      if (!d.on(f.row0 + i, f.col0 + j)) continue;
      ++diag[size_t(i)];
      if (cfg.weight && t.stationary[size_t(i * cols + j)] == 0) ++zw[size_t(i)];
    }
  for (int64_t s = 0; s < T; ++s)
    for (int64_t i = 0; i < rows; ++i) {
      real[size_t(s)] += diag[size_t(i)];
      const bool za = cfg.ifmap && t.stream[size_t(s * rows + i)] == 0;
      zero[size_t(s)] += za ? diag[size_t(i)] : zw[size_t(i)];
    }
}

// IS: stationary a[i][j] (kk = row0 + i, pixel col0 + j); stream w[t][i] (nn = t0 + t).
void inputs_held_counts(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                        const SparseConfig& cfg, std::vector<int64_t>& real,
                        std::vector<int64_t>& zero) {
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len;
  const Diagonal d{std::max<int64_t>(1, sch.gemm_kred), std::max<int64_t>(1, sch.gemm_n)};
  std::vector<int64_t> za(size_t(rows), 0);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      if (cfg.ifmap && t.stationary[size_t(i * cols + j)] == 0) ++za[size_t(i)];
  std::vector<int64_t> row_group(static_cast<size_t>(rows));  // block-diagonal group of a row
  for (int64_t i = 0; i < rows; ++i) row_group[size_t(i)] = (f.row0 + i) / d.gk;
  for (int64_t s = 0; s < T; ++s) {
    const int64_t filter_group = (f.t0 + s) / d.gn;
    for (int64_t i = 0; i < rows; ++i) {
      if (row_group[size_t(i)] != filter_group) continue;
      real[size_t(s)] += cols;
      const bool zw = cfg.weight && t.stream[size_t(s * rows + i)] == 0;
      zero[size_t(s)] += zw ? cols : za[size_t(i)];
    }
  }
}

// OS: stream a[k][i] (pixel row0 + i), top w[k][j] (nn = col0 + j); time k = kk.
void outputs_held_counts(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                         const SparseConfig& cfg, std::vector<int64_t>& real,
                         std::vector<int64_t>& zero) {
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len;
  const Diagonal d{std::max<int64_t>(1, sch.gemm_kred), std::max<int64_t>(1, sch.gemm_n)};
  for (int64_t k = 0; k < T; ++k) {
    int64_t za = 0, dj = 0, zwd = 0;
    for (int64_t i = 0; i < rows; ++i)
      if (cfg.ifmap && t.stream[size_t(k * rows + i)] == 0) ++za;
    for (int64_t j = 0; j < cols; ++j) {
      if (!d.on(k, f.col0 + j)) continue;
      ++dj;
      if (cfg.weight && t.top[size_t(k * cols + j)] == 0) ++zwd;
    }
    real[size_t(k)] = rows * dj;
    zero[size_t(k)] = za * dj + (rows - za) * zwd;
  }
}

StepCounts step_counts(const SystolicProgram& sch) {
  switch (sch.layout()) {
    case ArrayLayout::kWeightsHeld:
      return sch.nm_m > 0 ? nm_step_counts : weights_held_counts;
    case ArrayLayout::kInputsHeld:
      return inputs_held_counts;
    case ArrayLayout::kOutputsHeld:
      return outputs_held_counts;
  }
  return weights_held_counts;
}

}  // namespace

FoldSparsity analyse_fold(const SystolicProgram& sch, const SystolicFold& f, const FoldPlan& fp,
                          const FoldTiles& t, const SparseConfig& cfg) {
  FoldSparsity out;
  const int64_t T = f.t_len;
  out.skip.assign(size_t(T), 0);
  if (cfg.mode == SparsityMode::kNone || T == 0) {
    out.ideal_steps = T;
    return out;
  }
  std::vector<int64_t> real(size_t(T), 0), zero(size_t(T), 0);
  step_counts(sch)(sch, f, t, cfg, real, zero);
  // The last index of every chunk stays in the stream.
  std::vector<uint8_t> chunk_end(size_t(T), 0);
  for (const ChunkPlan& c : fp.chunks)
    if (c.t_len > 0) chunk_end[size_t(c.t0 + c.t_len - 1)] = 1;
  int64_t real_total = 0;
  for (int64_t s = 0; s < T; ++s) {
    real_total += real[size_t(s)];
    out.macs_zero += zero[size_t(s)];
    const bool all_zero = zero[size_t(s)] == real[size_t(s)];
    if (cfg.mode == SparsityMode::kSkip && all_zero && !chunk_end[size_t(s)]) {
      out.skip[size_t(s)] = 1;
      ++out.steps_skipped;
      out.macs_skipped += real[size_t(s)];
    } else {
      out.macs_gated += zero[size_t(s)];
    }
  }
  // Balanced lanes would issue the nonzero MACs at the fold's average MACs per step.
  out.ideal_steps = real_total == 0 ? 0 : ceil_div((real_total - out.macs_zero) * T, real_total);
  return out;
}

}  // namespace adasim::arch
