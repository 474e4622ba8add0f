// SPDX-License-Identifier: Apache-2.0
// The PE array's register model on its own: stationary tiles loaded through the shadow chain,
// streams fed at the left edge, psums read at the bottom, compared with the closed form of a
// weight-stationary systolic array. PE (r, c) sees row r's feed c cycles late and its psum
// reaches the bottom R - 1 - r cycles later, so after step t the bottom of column c holds
//   sum over r < R, l < L of  w(r, c, l) * feed(t - c - (R - 1 - r), r, l)   (feed = 0 before 0).
// Covers every lane count the kernels special-case (1, 2, 4, 8; odd 3), column counts with and
// without a vector tail, partly used arrays, the multiplexer read-out, and runs long enough for
// the moving operand's delay line to wrap several times.
#include "arch/pe/systolic_array.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace adasim::arch {
namespace {

struct Case {
  int rows, cols, lanes, used_rows, used_cols;
};

void run_case(const Case& k, SystolicArray::LaneUse use, uint32_t seed) {
  const int R = k.rows, C = k.cols, L = k.lanes;
  const std::string where = "R=" + std::to_string(R) + " C=" + std::to_string(C) +
                            " L=" + std::to_string(L) + " used " + std::to_string(k.used_rows) +
                            "x" + std::to_string(k.used_cols);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> val(-256, 255);  // 8-bit operands minus a zero point
  SystolicArray a(R, C, 8);
  a.set_lanes(L, use);
  a.clear_moving();

  // Stationary tile per sub-row (i = r * L + l); sub-rows at or past used_rows and columns at
  // or past used_cols are disabled (0) by swap_stationary.
  const int sub_used = k.used_rows * L;
  std::vector<int16_t> tile(size_t(R) * L * C);
  for (size_t i = 0; i < tile.size(); ++i) {
    tile[i] = int16_t(val(rng));
    if (use == SystolicArray::LaneUse::kMultiplexer && (i / size_t(C)) % size_t(L) != 1) tile[i] = 0;
  }
  auto w = [&](int r, int c, int l) -> int32_t {
    const int sub = r * L + l;
    return sub < sub_used && c < k.used_cols ? tile[size_t(sub) * C + size_t(c)] : 0;
  };
  // Bottom physical row enters first: after R shifts, row i holds the i-th row's sub-rows.
  for (int r = R - 1; r >= 0; --r) a.shadow_shift(&tile[size_t(r) * L * C]);
  a.swap_stationary(sub_used, k.used_cols);
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) {
      const int16_t expect = use == SystolicArray::LaneUse::kMultiplexer ? int16_t(w(r, c, 1))
                                                                          : int16_t(w(r, c, 0));
      ASSERT_EQ(a.stationary(r, c), expect) << where << " PE " << r << "," << c;
    }

  const int T = 3 * (R + C) + 150;  // > the delay line's slack: it wraps
  std::vector<int16_t> feeds(size_t(T) * R * L);
  for (int16_t& f : feeds) f = int16_t(val(rng));
  auto feed = [&](int t, int r, int l) -> int32_t {
    return t < 0 || r >= k.used_rows ? 0 : feeds[(size_t(t) * R + size_t(r)) * L + size_t(l)];
  };
  for (int t = 0; t < T; ++t) {
    a.step_stationary(&feeds[size_t(t) * R * L], sub_used, k.used_cols);
    for (int r = 0; r < k.used_rows; ++r) {
      ASSERT_EQ(a.moving(r, 0), feeds[(size_t(t) * R + size_t(r)) * L]) << where << " t=" << t;
    }
    if (t >= 1 && C > 1 && k.used_rows > 0) {
      ASSERT_EQ(a.moving(0, 1), feeds[size_t(t - 1) * R * L]) << where << " t=" << t;
    }
    const int32_t* bottom = a.bottom_psums();
    for (int c = 0; c < k.used_cols; ++c) {
      int64_t expect = 0;
      for (int r = 0; r < R; ++r)
        for (int l = 0; l < L; ++l) expect += int64_t(w(r, c, l)) * feed(t - c - (R - 1 - r), r, l);
      ASSERT_EQ(int64_t(bottom[c]), expect) << where << " t=" << t << " column " << c;
    }
  }
}

TEST(SystolicArray, MacLanesMatchClosedForm) {
  uint32_t seed = 1;
  for (int L : {1, 2, 3, 4, 8})
    for (int C : {1, 5, 8, 13, 32})
      for (const Case& k : {Case{4, C, L, 4, C}, Case{5, C, L, 3, (C + 1) / 2}})
        run_case(k, SystolicArray::LaneUse::kMacLanes, seed++);
}

TEST(SystolicArray, MultiplexerMatchesClosedForm) {
  // One value per PE on lane 1 (the slot's position), the others 0: the lanes' sum is the
  // multiplexer's product, and stationary() reads the slot's value.
  uint32_t seed = 100;
  for (int L : {2, 4, 8})
    for (int C : {3, 8, 17})
      for (const Case& k : {Case{3, C, L, 3, C}, Case{4, C, L, 2, C}})
        run_case(k, SystolicArray::LaneUse::kMultiplexer, seed++);
}

}  // namespace
}  // namespace adasim::arch
