// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/systolic_array.hpp"

#include <algorithm>
#include <cstring>

namespace adasim::arch {

SystolicArray::SystolicArray(int rows, int cols, int max_lanes)
    : rows_(rows),
      cols_(cols),
      max_lanes_(std::max(1, max_lanes)),
      h_(size_t(rows) * cols * size_t(std::max(1, max_lanes)), 0),
      v_(size_t(rows) * cols, 0),
      w_(size_t(rows) * cols * size_t(std::max(1, max_lanes)), 0),
      shadow_(size_t(rows) * cols * size_t(std::max(1, max_lanes)), 0),
      psum_(size_t(rows) * cols, 0),
      drain_(size_t(rows) * cols, 0),
      out_row_(size_t(cols), 0) {}

void SystolicArray::set_lanes(int lanes) { lanes_ = std::clamp(lanes, 1, max_lanes_); }

void SystolicArray::shadow_shift(const int16_t* row_in) {
  // Commit order bottom-up keeps every row reading its upper neighbour's previous value.
  const size_t row = sizeof(int16_t) * size_t(cols_) * size_t(lanes_);
  for (int r = rows_ - 1; r > 0; --r)
    std::memcpy(&shadow_[idx(r * lanes_, 0)], &shadow_[idx((r - 1) * lanes_, 0)], row);
  std::memcpy(&shadow_[0], row_in, row);
}

void SystolicArray::swap_stationary(int rows_used, int cols_used) {
  for (int r = 0; r < rows_ * lanes_; ++r)
    for (int c = 0; c < cols_; ++c)
      w_[idx(r, c)] = (r < rows_used && c < cols_used) ? int16_t(shadow_[idx(r, c)]) : int16_t{0};
}

void SystolicArray::clear_moving() {
  std::fill(h_.begin(), h_.end(), int16_t{0});
  std::fill(v_.begin(), v_.end(), int16_t{0});
  std::fill(psum_.begin(), psum_.end(), 0);
}

namespace {
// Multiply-accumulate of one array row. Cloned for AVX2 (selected at load time when the CPU has
// it) with a portable SSE2 default: same results, the loop just runs wider.
__attribute__((target_clones("avx2", "default"))) void mac_row(
    int32_t* __restrict out, const int32_t* __restrict in, const int16_t* __restrict w,
    const int16_t* __restrict h, int n) {
  if (in) {
    for (int c = 0; c < n; ++c) out[c] = in[c] + int32_t(w[c]) * int32_t(h[c]);
  } else {
    for (int c = 0; c < n; ++c) out[c] = int32_t(w[c]) * int32_t(h[c]);
  }
}

__attribute__((target_clones("avx2", "default"))) void acc_row(int32_t* __restrict acc,
                                                                 const int16_t* __restrict h,
                                                                 const int16_t* __restrict v,
                                                                 int n) {
  for (int c = 0; c < n; ++c) acc[c] += int32_t(h[c]) * int32_t(v[c]);
}
}  // namespace

void SystolicArray::step_stationary(const int16_t* feed, int active_rows, int active_cols) {
  const int n = std::min(active_cols, cols_);
  const int L = lanes_;
  const int used = std::min((active_rows + L - 1) / L, rows_);  // physical rows with weights
  // Rows without weights only delay the psums by one register each.
  for (int r = rows_ - 1; r >= used && r > 0; --r)
    std::memcpy(&psum_[idx(r, 0)], &psum_[idx(r - 1, 0)], sizeof(int32_t) * size_t(n));
  for (int r = used - 1; r >= 0; --r) {
    for (int l = 0; l < L; ++l) {
      int16_t* h = &h_[idx(r * L + l, 0)];
      if (n > 1) std::memmove(h + 1, h, sizeof(int16_t) * size_t(n - 1));
      h[0] = feed[r * L + l];
    }
    // Previous cycle's psums of the row above: row r-1 is committed after row r. Lanes beyond
    // the first add their products into the same adder.
    int32_t* out = &psum_[idx(r, 0)];
    mac_row(out, r == 0 ? nullptr : &psum_[idx(r - 1, 0)], &w_[idx(r * L, 0)], &h_[idx(r * L, 0)], n);
    for (int l = 1; l < L; ++l) acc_row(out, &h_[idx(r * L + l, 0)], &w_[idx(r * L + l, 0)], n);
  }
}

void SystolicArray::step_output_stationary(const int16_t* left, const int16_t* top, int active_rows,
                                           int active_cols) {
  const int nr = std::min(active_rows, rows_), nc = std::min(active_cols, cols_);
  for (int r = nr - 1; r >= 0; --r) {
    int16_t* h = &h_[idx(r, 0)];
    if (nc > 1) std::memmove(h + 1, h, sizeof(int16_t) * size_t(nc - 1));
    h[0] = left[r];
    int16_t* v = &v_[idx(r, 0)];
    if (r == 0)
      for (int c = 0; c < nc; ++c) v[c] = top[c];
    else
      std::memcpy(v, &v_[idx(r - 1, 0)], sizeof(int16_t) * size_t(nc));
    acc_row(&psum_[idx(r, 0)], h, v, nc);
  }
}

void SystolicArray::capture_outputs() {
  drain_.swap(psum_);
  std::fill(psum_.begin(), psum_.end(), 0);
  std::fill(h_.begin(), h_.end(), int16_t{0});
  std::fill(v_.begin(), v_.end(), int16_t{0});
}

const int32_t* SystolicArray::drain_shift() {
  std::memcpy(out_row_.data(), &drain_[idx(rows_ - 1, 0)], sizeof(int32_t) * size_t(cols_));
  for (int r = rows_ - 1; r > 0; --r)
    std::memcpy(&drain_[idx(r, 0)], &drain_[idx(r - 1, 0)], sizeof(int32_t) * size_t(cols_));
  std::fill(drain_.begin(), drain_.begin() + cols_, 0);
  return out_row_.data();
}

}  // namespace adasim::arch
