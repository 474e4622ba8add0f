// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/systolic_array.hpp"

#include <algorithm>
#include <cstring>

#include <immintrin.h>

#include "arch/pe/wrapping_add.hpp"

namespace adasim::arch {

SystolicArray::SystolicArray(int rows, int cols, int max_lanes)
    : rows_(rows),
      cols_(cols),
      max_lanes_(std::max(1, max_lanes)),
      slack_(std::max(16, 3 * cols)),
      h_stride_(size_t(cols + slack_) * size_t(std::max(1, max_lanes))),
      h_off_(slack_),
      h_(size_t(rows) * h_stride_, 0),
      v_(size_t(rows) * cols, 0),
      w_(size_t(rows) * cols * size_t(std::max(1, max_lanes)), 0),
      shadow_(size_t(rows) * cols * size_t(std::max(1, max_lanes)), 0),
      psum_(size_t(rows) * cols, 0),
      drain_(size_t(rows) * cols, 0),
      out_row_(size_t(cols), 0),
      pairs_(size_t(cols) * size_t(std::max(1, max_lanes)), 0) {}

void SystolicArray::set_lanes(int lanes, LaneUse use) {
  lanes_ = std::clamp(lanes, 1, max_lanes_);
  use_ = use;
}

int16_t SystolicArray::stationary(int r, int c) const {
  const int16_t* w = &w_[lane(r, c, 0)];
  if (use_ == LaneUse::kMultiplexer)  // the slot's value sits on the lane of its position
    for (int l = 0; l < lanes_; ++l)
      if (w[l] != 0) return w[l];
  return w[0];
}

void SystolicArray::shadow_shift(const int16_t* row_in) {
  // Commit order bottom-up keeps every row reading its upper neighbour's previous value.
  const size_t L = size_t(lanes_), row = sizeof(int16_t) * size_t(cols_) * L;
  for (int r = rows_ - 1; r > 0; --r) std::memcpy(&shadow_[lane(r, 0, 0)], &shadow_[lane(r - 1, 0, 0)], row);
  // row_in is sub-row major (lane l of every column, then lane l + 1); the registers PE-major.
  for (size_t l = 0; l < L; ++l)
    for (size_t c = 0; c < size_t(cols_); ++c) shadow_[c * L + l] = row_in[l * size_t(cols_) + c];
}

void SystolicArray::swap_stationary(int rows_used, int cols_used) {
  for (int r = 0; r < rows_; ++r)
    for (int c = 0; c < cols_; ++c)
      for (int l = 0; l < lanes_; ++l) {
        const size_t i = lane(r, c, l);
        w_[i] = (r * lanes_ + l < rows_used && c < cols_used) ? shadow_[i] : int16_t{0};
      }
}

void SystolicArray::reset_moving() {
  std::fill(h_.begin(), h_.end(), int16_t{0});
  h_off_ = slack_;
}

void SystolicArray::advance_moving() {
  if (h_off_ == 0) {
    // The window reached the front of the line: move its first cols - 1 PEs (the last one's
    // value leaves the array now) back to the end, once every `slack_` cycles.
    const size_t L = size_t(lanes_), n = size_t(cols_ - 1) * L;
    for (int r = 0; r < rows_; ++r) {
      int16_t* line = &h_[size_t(r) * h_stride_];
      std::memmove(line + size_t(slack_) * L, line, sizeof(int16_t) * n);
    }
    h_off_ = slack_;
  }
  --h_off_;
}

void SystolicArray::clear_moving() {
  reset_moving();
  std::fill(v_.begin(), v_.end(), int16_t{0});
  std::fill(psum_.begin(), psum_.end(), 0);
}

namespace {
// Multiply-accumulate of one array row (in: the psums from the row above, null for row 0).
// Inlined into mac_rows, whose clones give it their instruction set.
[[gnu::always_inline]] inline void mac_row(int32_t* __restrict out, const int32_t* __restrict in,
                                           const int16_t* __restrict w,
                                           const int16_t* __restrict h, int n) {
  if (in) {
    for (int c = 0; c < n; ++c) out[c] = wrap_add(in[c], int32_t(w[c]) * int32_t(h[c]));
  } else {
    for (int c = 0; c < n; ++c) out[c] = int32_t(w[c]) * int32_t(h[c]);
  }
}

// The `used` rows of single-lane PEs, bottom-up: row r reads the psums row r - 1 held before
// this cycle, so it is committed first. One call per cycle, not one per row: the call through
// the clones' dispatcher and the loop set-up cost more than a 32-wide row's arithmetic
// (bench/README.md, issue 13). Row r's moving registers start at h + r * h_stride, its
// stationary ones at w + r * cols. Cloned for AVX2 (selected at load time when the CPU has it)
// with a portable SSE2 default: same results, the loops just run wider.
__attribute__((target_clones("avx2", "default"))) void mac_rows(int32_t* psum, const int16_t* w,
                                                                  const int16_t* h,
                                                                  size_t h_stride, int used,
                                                                  int cols, int n) {
  for (int r = used - 1; r > 0; --r) {
    const size_t at = size_t(r) * size_t(cols);
    mac_row(psum + at, psum + at - size_t(cols), w + at, h + size_t(r) * h_stride, n);
  }
  if (used > 0) mac_row(psum, nullptr, w, h, n);
}

// Adjacent-pair multiply-add over k int16 values (k even): p[i] = w[2i] h[2i] + w[2i+1] h[2i+1],
// the x86 pmaddwd instruction (SSE2 is part of x86-64; the AVX2 version is picked at load time
// when the CPU has it). Two 16-bit products fit int32 except for both pairs at -2^15, where the
// sum wraps modulo 2^32 in both versions.
__attribute__((target("default"))) void pair_madd(int32_t* p, const int16_t* w, const int16_t* h, int k) {
  int i = 0;
  for (; i + 8 <= k; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + i / 2),
                     _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)),
                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
  for (; i < k; i += 2) p[i / 2] = wrap_add(int32_t(w[i]) * h[i], int32_t(w[i + 1]) * h[i + 1]);
}

__attribute__((target("avx2"))) void pair_madd(int32_t* p, const int16_t* w, const int16_t* h, int k) {
  int i = 0;
  for (; i + 16 <= k; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + i / 2),
                        _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i)),
                                          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i))));
  for (; i < k; i += 2) p[i / 2] = wrap_add(int32_t(w[i]) * h[i], int32_t(w[i + 1]) * h[i + 1]);
}

// Adds each PE's P pair sums (its lanes' products) to the psum from above.
template <int P>
void add_pairs(int32_t* __restrict out, const int32_t* __restrict in, const int32_t* __restrict p, int n) {
  for (int c = 0; c < n; ++c) {
    int32_t s = in ? in[c] : 0;
    for (int q = 0; q < P; ++q) s = wrap_add(s, p[c * P + q]);
    out[c] = s;
  }
}

// A row of PEs with L operand lanes each (lanes innermost): each PE adds the sum of its lanes'
// products to the psum from above. Returns the number of PEs done (a multiple of 8, or 0 when
// this CPU / lane count has no fused version); the caller finishes the rest. `pairs` is scratch.
__attribute__((target("default"))) int lanes_row_fused(int32_t*, const int32_t*, const int16_t*,
                                                       const int16_t*, int, int) {
  return 0;
}

// AVX2: 8 PEs per iteration; pmaddwd sums lane pairs, phaddd the pairs of a PE (its result
// lands in 128-bit halves, hence the final permute).
__attribute__((target("avx2"))) int lanes_row_fused(int32_t* out, const int32_t* in, const int16_t* w,
                                                    const int16_t* h, int n, int L) {
  if (L != 2 && L != 4 && L != 8) return 0;
  const __m256i order8 = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  __m256i m[4];
  int c = 0;
  for (; c + 8 <= n; c += 8) {
    // Lane-pair sums of the 8 PEs: L / 2 vectors of 8 int32.
    for (int k = 0; k < L / 2; ++k) {
      const size_t i = size_t(c) * size_t(L) + size_t(k) * 16;
      m[k] = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + i)),
                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + i)));
    }
    __m256i s;
    if (L == 2) {
      s = m[0];  // PEs c .. c + 7 in order
    } else if (L == 4) {
      // hadd -> [c0 c1 c4 c5 | c2 c3 c6 c7]
      s = _mm256_permute4x64_epi64(_mm256_hadd_epi32(m[0], m[1]), 0xD8);
    } else {
      // two hadd levels -> [c0 c2 c4 c6 | c1 c3 c5 c7]
      const __m256i a = _mm256_hadd_epi32(m[0], m[1]);
      const __m256i b = _mm256_hadd_epi32(m[2], m[3]);
      s = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(a, b), order8);
    }
    if (in) s = _mm256_add_epi32(s, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + c)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), s);
  }
  return c;
}

void lanes_row(int32_t* out, const int32_t* in, const int16_t* w, const int16_t* h, int n, int L,
               int32_t* pairs) {
  const int done = lanes_row_fused(out, in, w, h, n, L);
  out += done;
  if (in) in += done;
  w += size_t(done) * size_t(L);
  h += size_t(done) * size_t(L);
  n -= done;
  if (n == 0) return;
  if (L % 2 == 0) {
    pair_madd(pairs, w, h, n * L);
    switch (L / 2) {
      case 1: return add_pairs<1>(out, in, pairs, n);
      case 2: return add_pairs<2>(out, in, pairs, n);
      case 4: return add_pairs<4>(out, in, pairs, n);
      default: break;
    }
  }
  for (int c = 0; c < n; ++c) {
    int32_t s = in ? in[c] : 0;
    for (int l = 0; l < L; ++l) s = wrap_add(s, int32_t(w[c * L + l]) * int32_t(h[c * L + l]));
    out[c] = s;
  }
}

__attribute__((target_clones("avx2", "default"))) void acc_row(int32_t* __restrict acc,
                                                                 const int16_t* __restrict h,
                                                                 const int16_t* __restrict v,
                                                                 int n) {
  for (int c = 0; c < n; ++c) acc[c] = wrap_add(acc[c], int32_t(h[c]) * int32_t(v[c]));
}
}  // namespace

void SystolicArray::step_stationary(const int16_t* feed, int active_rows, int active_cols) {
  const int n = std::min(active_cols, cols_);
  const int L = lanes_;
  const int used = std::min((active_rows + L - 1) / L, rows_);  // physical rows with weights
  // Rows without weights only delay the psums by one register each.
  for (int r = rows_ - 1; r >= used && r > 0; --r)
    std::memcpy(&psum_[idx(r, 0)], &psum_[idx(r - 1, 0)], sizeof(int32_t) * size_t(n));
  // Every row's operand registers move one PE right, all lanes together; PE (r, 0) takes the
  // row's feed (its L sub-rows' values; rows without weights are fed zeros).
  advance_moving();
  if (L == 1) {
    // One value per row (the usual case): no lane loop per row.
    int16_t* h = moving_row(0);
    for (int r = 0; r < rows_; ++r) h[size_t(r) * h_stride_] = r < used ? feed[r] : int16_t{0};
    mac_rows(psum_.data(), w_.data(), h, h_stride_, used, cols_, n);
    return;
  }
  for (int r = 0; r < rows_; ++r) {
    int16_t* h = moving_row(r);
    const int16_t* in = feed + size_t(r) * size_t(L);
    for (int l = 0; l < L; ++l) h[l] = r < used ? in[l] : int16_t{0};  // a few values: no memcpy call
  }
  for (int r = used - 1; r >= 0; --r) {
    // Previous cycle's psums of the row above: row r-1 is committed after row r.
    const int32_t* in = r == 0 ? nullptr : &psum_[idx(r - 1, 0)];
    lanes_row(&psum_[idx(r, 0)], in, &w_[lane(r, 0, 0)], moving_row(r), n, L, pairs_.data());
  }
}

void SystolicArray::step_output_stationary(const int16_t* left, const int16_t* top, int active_rows,
                                           int active_cols) {
  const int nr = std::min(active_rows, rows_), nc = std::min(active_cols, cols_);
  advance_moving();
  for (int r = 0; r < rows_; ++r) moving_row(r)[0] = r < nr ? left[r] : int16_t{0};
  for (int r = nr - 1; r >= 0; --r) {
    const int16_t* h = moving_row(r);
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
  reset_moving();
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
