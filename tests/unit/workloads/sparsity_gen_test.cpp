// SPDX-License-Identifier: Apache-2.0
// Seeded sparsity generator: uniform density within 4 sigma, N:M and channel patterns exact, zero
// points other than 0 (signed and unsigned storage), determinism, batch-prefix stability and the
// rejection of invalid specs.
#include "workloads/reference/sparsity_gen.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "arch/sparse/compression.hpp"
#include "sim/core/errors.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads {
namespace {

TensorInfo tensor(std::string name, std::vector<int64_t> shape, bool is_constant = false,
                  int bits = 8, bool is_signed = true, int32_t zero_point = 0) {
  TensorInfo t;
  t.name = std::move(name);
  t.shape = std::move(shape);
  t.is_constant = is_constant;
  t.bits = bits;
  t.is_signed = is_signed;
  t.zero_point = zero_point;
  return t;
}

/// Uniform values over the tensor's range, stored bit for bit (also uint8, which generate_values
/// does not produce).
Int8Buffer random_values(const TensorInfo& t, uint64_t seed) {
  const IntRange r = int_range(t.bits, t.is_signed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> dist(r.lo, r.hi);
  Int8Buffer b(t.shape);
  for (int8_t& v : b.data) v = int8_t(uint8_t(dist(rng)));
  return b;
}

int8_t zero_byte(const TensorInfo& t) { return int8_t(uint8_t(t.zero_point)); }

/// Every value lies in the tensor's range (unsigned bytes read bit for bit).
void expect_in_range(const Int8Buffer& b, const TensorInfo& t) {
  const IntRange r = int_range(t.bits, t.is_signed);
  for (int8_t v : b.data) {
    const int32_t x = t.is_signed ? int32_t(v) : int32_t(uint8_t(v));
    ASSERT_GE(x, r.lo);
    ASSERT_LE(x, r.hi);
  }
}

SparsitySpec spec(SparsityPattern p, double density, int n = 2, int m = 4) {
  SparsitySpec s;
  s.pattern = p;
  s.density = density;
  s.n = n;
  s.m = m;
  return s;
}

TEST(SparsityGen, WideTensorsGetTheSamePattern) {
  // A 16-bit tensor and an 8-bit one of the same name and shape keep the same elements: the
  // pattern depends on (seed, name, indices) only.
  TensorInfo t8 = tensor("act", {2, 4, 6, 6}, false, 8, true, 0);
  TensorInfo t16 = t8;
  t16.bits = 16;
  t16.is_signed = false;
  t16.zero_point = 32768;
  const SparsitySpec s = spec(SparsityPattern::kUniform, 0.3);
  Int8Buffer v8 = generate_values(t8, 9);
  Int32Buffer v16 = generate_wide_values(t16, 9);
  apply_sparsity(v8, t8, s, 9);
  apply_sparsity(v16, t16, s, 9);
  ASSERT_EQ(v8.data.size(), v16.data.size());
  for (size_t i = 0; i < v8.data.size(); ++i) ASSERT_EQ(v8.data[i] == 0, v16.data[i] == 32768) << i;
  EXPECT_NEAR(measured_density(v16, 32768), measured_density(v8, 0), 1e-12);
  EXPECT_NEAR(measured_density(v16, 32768), 0.3, 0.11);  // 288 elements: 4 sigma = 0.108
}

TEST(SparsityGen, PatternNamesRoundTrip) {
  for (auto p : {SparsityPattern::kUniform, SparsityPattern::kNm, SparsityPattern::kChannel})
    EXPECT_EQ(sparsity_pattern_from_string(to_string(p)), p);
  EXPECT_FALSE(sparsity_pattern_from_string("N:M").has_value());
}

TEST(SparsityGen, UniformDensityWithinFourSigma) {
  // Zero points 0 (int8), 128 (uint8, byte -128) and 255 (uint8 top of range: kept zeros become
  // 254).
  for (int32_t zp : {0, 128, 255}) {
    const bool is_signed = zp == 0;
    const TensorInfo t = tensor("act", {1, 10, 100, 100}, false, 8, is_signed, zp);
    for (double d : {0.05, 0.25, 0.5, 0.9, 1.0}) {
      Int8Buffer b = random_values(t, 7);
      apply_sparsity(b, t, spec(SparsityPattern::kUniform, d), 7);
      const double n = double(b.elements());
      const double sigma = std::sqrt(d * (1 - d) / n);
      EXPECT_NEAR(measured_density(b, zero_byte(t)), d, 4 * sigma + 1e-12) << "zp " << zp;
      expect_in_range(b, t);
    }
  }
}

TEST(SparsityGen, NmIsExactAlongTheRows) {
  // Activation: rows are the last axis. 10 = groups of 4, 4 and a tail of 2: 2:4 keeps 2 + 2 + 2.
  const TensorInfo t = tensor("a", {6, 3, 10}, false);
  for (auto [n, m] : {std::pair{2, 4}, {1, 4}, {1, 2}, {3, 8}, {4, 4}}) {
    Int8Buffer b = generate_values(t, 3);
    apply_sparsity(b, t, spec(SparsityPattern::kNm, 1.0, n, m), 3);
    EXPECT_TRUE(arch::satisfies_nm(b.data.data(), b.data.size(), 0, n, m, 10)) << n << ":" << m;
    // Exactly min(n, g) kept per group: count per row.
    int64_t expected_per_row = 0;
    for (int64_t c = 0; c < 10; c += m) expected_per_row += std::min<int64_t>(n, 10 - c);
    for (size_t row = 0; row < b.data.size(); row += 10) {
      int64_t kept = 0;
      for (size_t j = 0; j < 10; ++j) kept += b.data[row + j] != 0;
      ASSERT_EQ(kept, expected_per_row) << n << ":" << m << " row " << row / 10;
    }
  }
  // Conv weight KCRS 4 x 3 x 3 x 3: rows are each output channel's reduction of 27 elements
  // (groups of 4 x 6 and a tail of 3), where the "nm" storage format looks for the groups.
  const TensorInfo kcrs = tensor("conv.w", {4, 3, 3, 3}, true);
  Int8Buffer kb = generate_values(kcrs, 5);
  apply_sparsity(kb, kcrs, spec(SparsityPattern::kNm, 1.0, 2, 4), 5);
  EXPECT_TRUE(arch::satisfies_nm(kb.data.data(), kb.data.size(), 0, 2, 4, 27));
  for (size_t row = 0; row < kb.data.size(); row += 27) {
    int64_t kept = 0;
    for (size_t j = 0; j < 27; ++j) kept += kb.data[row + j] != 0;
    EXPECT_EQ(kept, 6 * 2 + 2) << "row " << row / 27;  // min(2, 3) in the tail
  }
  // 2:4 over a last axis that is a multiple of 4: density exactly 1/2, every group exactly 2.
  const TensorInfo fc = tensor("fc.w", {64, 256}, true, 8, false, 128);
  Int8Buffer b = random_values(fc, 9);
  apply_sparsity(b, fc, spec(SparsityPattern::kNm, 1.0), 9);
  EXPECT_DOUBLE_EQ(measured_density(b, zero_byte(fc)), 0.5);
  EXPECT_TRUE(arch::satisfies_nm(b.data.data(), b.data.size(), zero_byte(fc), 2, 4, 256));
  // The positions are random, not always the same two: each of the 4 positions is used.
  int used[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < b.data.size(); ++i) used[i % 4] += b.data[i] != zero_byte(fc);
  for (int u : used) EXPECT_GT(u, 64 * 64 / 4 / 2);  // ~half of the 64 * 64 groups each
  expect_in_range(b, fc);
}

TEST(SparsityGen, ChannelKeepsWholeChannels) {
  // Weights KCRS: K = 16 output channels on axis 0; density 0.25 keeps exactly 4.
  const TensorInfo w = tensor("conv.w", {16, 8, 3, 3}, true, 8, true, -5);
  Int8Buffer b = generate_values(w, 11);
  apply_sparsity(b, w, spec(SparsityPattern::kChannel, 0.25), 11);
  const int64_t per_k = 8 * 3 * 3;
  int kept_channels = 0;
  for (int64_t k = 0; k < 16; ++k) {
    int64_t nonzero = 0;
    for (int64_t j = 0; j < per_k; ++j) nonzero += b.data[size_t(k * per_k + j)] != zero_byte(w);
    EXPECT_TRUE(nonzero == 0 || nonzero == per_k) << "channel " << k << ": " << nonzero;
    kept_channels += nonzero == per_k;
  }
  EXPECT_EQ(kept_channels, 4);
  EXPECT_DOUBLE_EQ(measured_density(b, zero_byte(w)), 0.25);
  // Activations NCHW: channels are axis 1, the same set for every sample.
  const TensorInfo a = tensor("act", {3, 10, 4, 4});
  Int8Buffer x = generate_values(a, 11);
  apply_sparsity(x, a, spec(SparsityPattern::kChannel, 0.5), 11);
  for (int64_t c = 0; c < 10; ++c) {
    const bool on = x.data[size_t(c * 16)] != 0;
    for (int64_t n = 0; n < 3; ++n)
      for (int64_t j = 0; j < 16; ++j)
        ASSERT_EQ(x.data[size_t((n * 10 + c) * 16 + j)] != 0, on) << n << " " << c << " " << j;
  }
  EXPECT_DOUBLE_EQ(measured_density(x, 0), 0.5);
  // round_half_away(0.01 * 16) = 0 channels: everything is zero.
  Int8Buffer none = generate_values(w, 11);
  apply_sparsity(none, w, spec(SparsityPattern::kChannel, 0.01), 11);
  EXPECT_EQ(measured_density(none, zero_byte(w)), 0.0);
}

TEST(SparsityGen, KeptZerosBecomeTheNearestNonzero) {
  // 1-bit unsigned, zero point 0: every kept element must be 1, so density 1 gives all ones.
  const TensorInfo t = tensor("bits", {1000}, false, 1, false, 0);
  Int8Buffer b(t.shape, 0);
  apply_sparsity(b, t, spec(SparsityPattern::kUniform, 1.0), 1);
  for (int8_t v : b.data) ASSERT_EQ(v, 1);
  // 4-bit signed with zero point 7 (top of [-8, 7]): kept zeros become 6.
  const TensorInfo top = tensor("top", {100}, false, 4, true, 7);
  Int8Buffer c(top.shape, 7);
  apply_sparsity(c, top, spec(SparsityPattern::kNm, 1.0, 1, 2), 1);
  for (size_t i = 0; i < c.data.size(); i += 2)
    ASSERT_TRUE((c.data[i] == 6) != (c.data[i + 1] == 6)) << i;  // one of each pair kept
  expect_in_range(c, top);
}

TEST(SparsityGen, DeterministicPerSeedAndName) {
  const TensorInfo t = tensor("w", {32, 64}, true);
  for (auto p : {SparsityPattern::kUniform, SparsityPattern::kNm, SparsityPattern::kChannel}) {
    const SparsitySpec s = spec(p, 0.5);
    Int8Buffer a = generate_values(t, 1), b = generate_values(t, 1), c = generate_values(t, 1);
    apply_sparsity(a, t, s, 1);
    apply_sparsity(b, t, s, 1);
    apply_sparsity(c, t, s, 2);  // same values, different pattern seed
    EXPECT_EQ(a.data, b.data) << to_string(p);
    EXPECT_NE(a.data, c.data) << to_string(p);
    TensorInfo other = t;
    other.name = "w2";
    Int8Buffer d = generate_values(t, 1);
    apply_sparsity(d, other, s, 1);
    EXPECT_NE(a.data, d.data) << to_string(p);
  }
}

TEST(SparsityGen, PatternIsUncorrelatedWithTheValues) {
  // The keep decision must not reuse generate_values' draws for the same (seed, name): kept values
  // stay spread over the whole range (mean near -0.5 for int8) rather than, say, only small ones.
  const TensorInfo t = tensor("act", {100000});
  Int8Buffer b = generate_values(t, 5);
  apply_sparsity(b, t, spec(SparsityPattern::kUniform, 0.3), 5);
  double sum = 0, count = 0;
  for (int8_t v : b.data) {
    if (v == 0) continue;
    sum += v;
    ++count;
  }
  EXPECT_NEAR(sum / count, -0.5, 3.0);  // standard error ~0.4
}

TEST(SparsityGen, BatchPrefixIsStable) {
  // Growing the batch (dim 0 of an activation) keeps the pattern of the first samples.
  const TensorInfo t = tensor("act", {1, 4, 8, 8});
  for (auto p : {SparsityPattern::kUniform, SparsityPattern::kNm, SparsityPattern::kChannel}) {
    const SparsitySpec s = spec(p, 0.4, 1, 4);
    Int8Buffer one = generate_values(t, 21), four = generate_values(t, 21, {4, 4, 8, 8});
    apply_sparsity(one, t, s, 21);
    apply_sparsity(four, t, s, 21);
    ASSERT_EQ(four.data.size(), 4 * one.data.size());
    EXPECT_TRUE(std::equal(one.data.begin(), one.data.end(), four.data.begin())) << to_string(p);
  }
}

TEST(SparsityGen, InvalidSpecsThrowConfigError) {
  const TensorInfo t = tensor("w", {4, 4}, true);
  Int8Buffer b(t.shape, 1);
  auto expect_issue = [&](const SparsitySpec& s, const std::string& where) {
    try {
      apply_sparsity(b, t, s, 0);
      ADD_FAILURE() << "no throw for " << where;
    } catch (const sim::ConfigError& e) {
      bool found = false;
      for (const auto& issue : e.issues()) found |= issue.where == where;
      EXPECT_TRUE(found) << e.what();
      EXPECT_EQ(e.issues().front().file, "sparsity");
    }
  };
  expect_issue(spec(SparsityPattern::kUniform, 0.0), "/density");
  expect_issue(spec(SparsityPattern::kUniform, 1.5), "/density");
  expect_issue(spec(SparsityPattern::kUniform, std::nan("")), "/density");
  expect_issue(spec(SparsityPattern::kNm, 1.0, 5, 4), "/n");
  expect_issue(spec(SparsityPattern::kNm, 1.0, 0, 4), "/n");
  expect_issue(spec(SparsityPattern::kNm, 1.0, 1, 0), "/m");
  // Not the user's fault: a buffer that does not hold its shape, a 32-bit tensor.
  Int8Buffer bad = b;
  bad.data.pop_back();
  EXPECT_THROW(apply_sparsity(bad, t, SparsitySpec{}, 0), sim::ModelError);
  TensorInfo wide = t;
  wide.bits = 32;
  EXPECT_THROW(apply_sparsity(b, wide, SparsitySpec{}, 0), sim::ModelError);
}

TEST(SparsityGen, MeasuredDensity) {
  Int8Buffer b(std::vector<int64_t>{4});
  b.data = {0, 3, -128, 0};
  EXPECT_DOUBLE_EQ(measured_density(b, 0), 0.5);
  EXPECT_DOUBLE_EQ(measured_density(b, -128), 0.75);
  EXPECT_EQ(measured_density(Int8Buffer(std::vector<int64_t>{0}), 0), 0.0);
}

}  // namespace
}  // namespace adasim::workloads
