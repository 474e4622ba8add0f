// SPDX-License-Identifier: Apache-2.0
// Reference kernels against cases computed by hand (the expected numbers are worked out in the
// comments), requantization rounding/saturation, and the seeded value generator.
#include "workloads/reference/reference_ops.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

Int8Buffer make8(std::vector<int64_t> shape, std::vector<int> values) {
  Int8Buffer b(std::move(shape));
  EXPECT_EQ(b.data.size(), values.size());
  for (size_t i = 0; i < values.size() && i < b.data.size(); ++i) b.data[i] = int8_t(values[i]);
  return b;
}

std::vector<int> as_int(const Int32Buffer& b) { return {b.data.begin(), b.data.end()}; }
std::vector<int> as_int(const Int8Buffer& b) { return {b.data.begin(), b.data.end()}; }

ConvShape conv(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t r, int64_t s,
               int stride = 1, int pad = 0, int dil = 1, int64_t groups = 1) {
  ConvShape cs;
  cs.n = n; cs.c = c; cs.h = h; cs.w = w; cs.k = k; cs.r = r; cs.s = s;
  cs.stride_h = cs.stride_w = stride;
  cs.pad_t = cs.pad_l = cs.pad_b = cs.pad_r = pad;
  cs.dil_h = cs.dil_w = dil;
  cs.groups = groups;
  cs.p = (h + 2 * pad - dil * (r - 1) - 1) / stride + 1;
  cs.q = (w + 2 * pad - dil * (s - 1) - 1) / stride + 1;
  return cs;
}

const std::vector<int> kOneToNine = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(ReferenceConv2d, ThreeByThreeInputTwoByTwoKernel) {
  // in = [1 2 3; 4 5 6; 7 8 9], w = [1 2; 3 4]
  // (0,0) = 1*1+2*2+4*3+5*4 = 37, (0,1) = 2+6+15+24 = 47, (1,0) = 4+10+21+32 = 67, (1,1) = 77
  auto out = reference_conv2d(make8({1, 1, 3, 3}, kOneToNine), make8({1, 1, 2, 2}, {1, 2, 3, 4}),
                              conv(1, 1, 3, 3, 1, 2, 2));
  EXPECT_EQ(out.shape, (std::vector<int64_t>{1, 1, 2, 2}));
  EXPECT_EQ(as_int(out), (std::vector<int>{37, 47, 67, 77}));
}

TEST(ReferenceConv2d, StrideTwo) {
  // in 4x4 = 1..16, w = ones(2x2), stride 2: block sums 1+2+5+6 = 14, 3+4+7+8 = 22, 46, 54.
  std::vector<int> in(16);
  for (int i = 0; i < 16; ++i) in[size_t(i)] = i + 1;
  auto out = reference_conv2d(make8({1, 1, 4, 4}, in), make8({1, 1, 2, 2}, {1, 1, 1, 1}),
                              conv(1, 1, 4, 4, 1, 2, 2, 2));
  EXPECT_EQ(as_int(out), (std::vector<int>{14, 22, 46, 54}));
}

TEST(ReferenceConv2d, ZeroPaddingOne) {
  // 3x3 ones kernel, pad 1 on 1..9: each output is the sum of the in-bounds 3x3 neighbourhood.
  auto out = reference_conv2d(make8({1, 1, 3, 3}, kOneToNine),
                              make8({1, 1, 3, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1}),
                              conv(1, 1, 3, 3, 1, 3, 3, 1, 1));
  EXPECT_EQ(as_int(out), (std::vector<int>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
}

TEST(ReferenceConv2d, DilationTwo) {
  // in(y,x) = 5y+x+1 on 5x5; w = [1 2; 3 4] dilated by 2 (extent 3) -> 3x3 output with
  // out(p,q) = v(p,q) + 2 v(p,q+2) + 3 v(p+2,q) + 4 v(p+2,q+2) = 10 (5p+q) + 92.
  std::vector<int> in(25);
  for (int i = 0; i < 25; ++i) in[size_t(i)] = i + 1;
  auto out = reference_conv2d(make8({1, 1, 5, 5}, in), make8({1, 1, 2, 2}, {1, 2, 3, 4}),
                              conv(1, 1, 5, 5, 1, 2, 2, 1, 0, 2));
  std::vector<int> want;
  for (int p = 0; p < 3; ++p)
    for (int q = 0; q < 3; ++q) want.push_back(10 * (5 * p + q) + 92);
  EXPECT_EQ(as_int(out), want);
}

TEST(ReferenceConv2d, GroupsTwoUseOnlyTheirChannels) {
  // C = 4 channels [1 2 3 4] (1x1 pixels), K = 2, groups 2: k0 sees c0,c1: 1*1 + 2*(-1) = -1;
  // k1 sees c2,c3: 3*2 + 4*3 = 18 (without grouping it would be 1*2 + 2*3 = 8).
  auto out = reference_conv2d(make8({1, 4, 1, 1}, {1, 2, 3, 4}),
                              make8({2, 2, 1, 1}, {1, -1, 2, 3}),
                              conv(1, 4, 1, 1, 2, 1, 1, 1, 0, 1, 2));
  EXPECT_EQ(as_int(out), (std::vector<int>{-1, 18}));
}

TEST(ReferenceConv2d, Depthwise) {
  // ch0: 1..9 with [1 2; 3 4] -> 37 47 67 77; ch1: -(1..9) with ones -> -12 -16 -24 -28.
  std::vector<int> in = kOneToNine;
  for (int v : kOneToNine) in.push_back(-v);
  auto out = reference_conv2d(make8({1, 2, 3, 3}, in),
                              make8({2, 1, 2, 2}, {1, 2, 3, 4, 1, 1, 1, 1}),
                              conv(1, 2, 3, 3, 2, 2, 2, 1, 0, 1, 2));
  EXPECT_EQ(as_int(out), (std::vector<int>{37, 47, 67, 77, -12, -16, -24, -28}));
}

TEST(ReferenceConv2d, BatchTwo) {
  // sample 1 = 2 x sample 0, so its outputs double: 74 94 134 154.
  std::vector<int> in = kOneToNine;
  for (int v : kOneToNine) in.push_back(2 * v);
  auto out = reference_conv2d(make8({2, 1, 3, 3}, in), make8({1, 1, 2, 2}, {1, 2, 3, 4}),
                              conv(2, 1, 3, 3, 1, 2, 2));
  EXPECT_EQ(as_int(out), (std::vector<int>{37, 47, 67, 77, 74, 94, 134, 154}));
}

TEST(ReferenceConv2d, ExtremesAccumulateInInt32) {
  // 8 channels of -128 times -128: 8 * 16384 = 131072 (beyond int16).
  auto out = reference_conv2d(make8({1, 8, 1, 1}, std::vector<int>(8, -128)),
                              make8({1, 8, 1, 1}, std::vector<int>(8, -128)),
                              conv(1, 8, 1, 1, 1, 1, 1));
  EXPECT_EQ(as_int(out), (std::vector<int>{131072}));
}

TEST(ReferenceConv2d, ShapeMismatchIsAModelError) {
  EXPECT_THROW(reference_conv2d(make8({1, 1, 3, 3}, kOneToNine), make8({1, 1, 3, 1}, {1, 2, 3}),
                                conv(1, 1, 3, 3, 1, 2, 2)),
               sim::ModelError);
}

TEST(ReferenceFc, HandComputedAndFlattened) {
  // [[1 2 3], [-1 0 1]] x W^T with W = [[1 1 1], [2 -1 0]] -> [[6, 0], [0, -2]]
  const std::vector<int> x = {1, 2, 3, -1, 0, 1};
  const Int8Buffer w = make8({2, 3}, {1, 1, 1, 2, -1, 0});
  auto out = reference_fc(make8({2, 3}, x), w);
  EXPECT_EQ(out.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(as_int(out), (std::vector<int>{6, 0, 0, -2}));
  EXPECT_EQ(as_int(reference_fc(make8({2, 3, 1, 1}, x), w)), (std::vector<int>{6, 0, 0, -2}));
}

TEST(ReferenceMatmul, SharedAndPerBatchB) {
  // a0 = [[1 2 3], [4 5 6]], a1 = [[1 0 0], [0 1 0]], b = [[1 2], [3 4], [5 6]]
  // a0 b = [[22 28], [49 64]]; a1 b = [[1 2], [3 4]].
  const Int8Buffer a = make8({2, 2, 3}, {1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0});
  auto shared = reference_matmul(a, make8({3, 2}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(shared.shape, (std::vector<int64_t>{2, 2, 2}));
  EXPECT_EQ(as_int(shared), (std::vector<int>{22, 28, 49, 64, 1, 2, 3, 4}));
  // b1 = [[1 0], [0 1], [1 1]]: a1 b1 = [[1 0], [0 1]].
  auto batched = reference_matmul(a, make8({2, 3, 2}, {1, 2, 3, 4, 5, 6, 1, 0, 0, 1, 1, 1}));
  EXPECT_EQ(as_int(batched), (std::vector<int>{22, 28, 49, 64, 1, 0, 0, 1}));
  EXPECT_THROW(reference_matmul(a, make8({2, 2}, {1, 2, 3, 4})), sim::ModelError);
}

TEST(ReferencePool, MaxIgnoresPadding) {
  // in = -(1..9) on 3x3, 2x2 window, stride 1, pad 1 -> 4x4 output. Corner windows hold one real
  // element: out(0,0) = -1, out(3,3) = -9 (a zero-padded max would give 0). out(1,1) = -1.
  std::vector<int> in;
  for (int v : kOneToNine) in.push_back(-v);
  ConvShape s = conv(1, 1, 3, 3, 1, 2, 2, 1, 1);
  s.groups = 1;
  auto out = reference_maxpool(make8({1, 1, 3, 3}, in), s);
  ASSERT_EQ(out.shape, (std::vector<int64_t>{1, 1, 4, 4}));
  EXPECT_EQ(out.data[0], -1);
  EXPECT_EQ(out.data[15], -9);
  EXPECT_EQ(out.data[5], -1);
  EXPECT_EQ(out.data[3], -3);  // window rows -1..0, cols 2..3: only (0,2) = -3
}

TEST(ReferencePool, MaxStrideTwo) {
  auto out = reference_maxpool(make8({1, 1, 2, 4}, {1, -5, 7, 3, 2, 0, -1, 4}),
                               conv(1, 1, 2, 4, 1, 2, 2, 2));
  EXPECT_EQ(as_int(out), (std::vector<int>{2, 7}));
}

TEST(ReferencePool, AvgRoundsHalfAwayFromZero) {
  // 1..16 on 4x4, 2x2 stride 2: 14/4 = 3.5 -> 4, 22/4 = 5.5 -> 6, 46/4 -> 12, 54/4 -> 14;
  // negated input gives -4 -6 -12 -14.
  std::vector<int> in(16), neg(16);
  for (int i = 0; i < 16; ++i) { in[size_t(i)] = i + 1; neg[size_t(i)] = -(i + 1); }
  const ConvShape s = conv(1, 1, 4, 4, 1, 2, 2, 2);
  EXPECT_EQ(as_int(reference_avgpool(make8({1, 1, 4, 4}, in), s)),
            (std::vector<int>{4, 6, 12, 14}));
  EXPECT_EQ(as_int(reference_avgpool(make8({1, 1, 4, 4}, neg), s)),
            (std::vector<int>{-4, -6, -12, -14}));
  // 1x3 window over [1 2 2] and [-1 -2 -2]: 5/3 = 1.67 -> 2, -5/3 -> -2.
  EXPECT_EQ(as_int(reference_avgpool(make8({1, 1, 1, 3}, {1, 2, 2}), conv(1, 1, 1, 3, 1, 1, 3))),
            (std::vector<int>{2}));
  EXPECT_EQ(as_int(reference_avgpool(make8({1, 1, 1, 3}, {-1, -2, -2}),
                                     conv(1, 1, 1, 3, 1, 1, 3))),
            (std::vector<int>{-2}));
}

TEST(ReferencePool, AvgDividesByValidCount) {
  // 1..9, 2x2 window, stride 1, pad 1: out(0,0) = 1/1 = 1 (0.25 -> 0 if padding counted),
  // out(0,1) = (1+2)/2 = 1.5 -> 2, out(1,1) = (1+2+4+5)/4 = 3.
  auto out = reference_avgpool(make8({1, 1, 3, 3}, kOneToNine), conv(1, 1, 3, 3, 1, 2, 2, 1, 1));
  EXPECT_EQ(out.data[0], 1);
  EXPECT_EQ(out.data[1], 2);
  EXPECT_EQ(out.data[5], 3);
}

TEST(ReferenceAdd, Saturates) {
  auto out = reference_add(make8({4}, {100, -100, 50, 127}), make8({4}, {100, -100, -60, 1}));
  EXPECT_EQ(as_int(out), (std::vector<int>{127, -128, -10, 127}));
  EXPECT_THROW(reference_add(make8({2}, {1, 2}), make8({1, 2}, {1, 2})), sim::ModelError);
}

TEST(Requantize, RoundsHalfAwayAndSaturates) {
  Int32Buffer acc({8});
  acc.data = {5, -5, 3, -3, 1, -1, 1000, -1000};
  // x 0.5: 2.5 -> 3, -2.5 -> -3, 1.5 -> 2, -1.5 -> -2, 0.5 -> 1, -0.5 -> -1, 500 -> 127, -128
  EXPECT_EQ(as_int(requantize(acc, 0.5, 0, 8, true, false)),
            (std::vector<int>{3, -3, 2, -2, 1, -1, 127, -128}));
}

TEST(Requantize, ZeroPointReluAndNarrowRanges) {
  Int32Buffer acc({3});
  acc.data = {10, -10, 100};
  // zp 3: 5+3 = 8, -5+3 = -2, 50+3 = 53; with ReLU (max with zp): 8, 3, 53
  EXPECT_EQ(as_int(requantize(acc, 0.5, 3, 8, true, false)), (std::vector<int>{8, -2, 53}));
  EXPECT_EQ(as_int(requantize(acc, 0.5, 3, 8, true, true)), (std::vector<int>{8, 3, 53}));
  // 4-bit signed [-8, 7]: 5, -5, 50 -> 7
  EXPECT_EQ(as_int(requantize(acc, 0.5, 0, 4, true, false)), (std::vector<int>{5, -5, 7}));
  // 4-bit unsigned [0, 15]: 5, 0, 15
  EXPECT_EQ(as_int(requantize(acc, 0.5, 0, 4, false, false)), (std::vector<int>{5, 0, 15}));
  // 8-bit unsigned [0, 255] does not fit int8 storage.
  EXPECT_THROW(requantize(acc, 0.5, 0, 8, false, false), sim::ModelError);
}

TEST(ValueGenerator, Splitmix64MatchesPublishedOutputs) {
  // First outputs of Vigna's splitmix64.c: from state 0, and from state 1234567 (the values
  // also listed for Java's SplittableRandom-compatible implementations).
  uint64_t st = 0;
  EXPECT_EQ(splitmix64_next(st), 0xE220A8397B1DCDAFULL);
  st = 1234567;
  EXPECT_EQ(splitmix64_next(st), 6457827717110365317ULL);
  EXPECT_EQ(splitmix64_next(st), 3203168211198807973ULL);
}

TEST(ValueGenerator, DeterministicPerSeedAndName) {
  TensorInfo t;
  t.name = "conv1.weight";
  t.shape = {16, 3, 3, 3};
  const Int8Buffer a = generate_values(t, 42), b = generate_values(t, 42);
  EXPECT_EQ(a.shape, t.shape);
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, generate_values(t, 43).data);
  TensorInfo u = t;
  u.name = "conv2.weight";
  EXPECT_NE(a.data, generate_values(u, 42).data);
  // A larger batch extends the stream without reshuffling the first elements.
  const Int8Buffer big = generate_values(t, 42, {32, 3, 3, 3});
  ASSERT_EQ(big.data.size(), 2 * a.data.size());
  EXPECT_TRUE(std::equal(a.data.begin(), a.data.end(), big.data.begin()));
}

TEST(ValueGenerator, UniformOverTheBitRange) {
  TensorInfo t;
  t.name = "x";
  t.shape = {4096};
  for (auto [bits, is_signed] :
       {std::pair{8, true}, {4, true}, {4, false}, {2, true}, {8, false}}) {
    t.bits = bits;
    t.is_signed = is_signed;
    const IntRange r = int_range(bits, is_signed);
    const Int8Buffer v = generate_values(t, 7);
    std::set<int> seen;
    double sum = 0;
    for (int8_t stored : v.data) {
      // Unsigned values are stored bit-for-bit: read them back as unsigned.
      const int x = is_signed ? int(stored) : int(uint8_t(stored));
      ASSERT_GE(x, r.lo);
      ASSERT_LE(x, r.hi);
      seen.insert(x);
      sum += x;
    }
    EXPECT_EQ(int(seen.size()), 1 << bits) << bits;  // 4096 draws cover <= 256 values
    // Mean of a uniform on [lo, hi] is (lo+hi)/2; std of the sample mean < 74/64 ~ 1.2.
    EXPECT_NEAR(sum / double(v.data.size()), (r.lo + r.hi) / 2.0, 5.0);
  }
  t.bits = 9;
  EXPECT_THROW(generate_values(t, 1), sim::ModelError);
}

TEST(ValueGenerator, WideTensorsUpToSixteenBits) {
  TensorInfo t;
  t.name = "x16";
  t.shape = {1 << 16};
  for (auto [bits, is_signed] : {std::pair{16, true}, {16, false}, {12, true}, {9, false}}) {
    t.bits = bits;
    t.is_signed = is_signed;
    const IntRange r = int_range(bits, is_signed);
    const Int32Buffer v = generate_wide_values(t, 3);
    int32_t lo = r.hi, hi = r.lo;
    double sum = 0;
    for (int32_t x : v.data) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      sum += x;
    }
    EXPECT_GE(lo, r.lo);
    EXPECT_LE(hi, r.hi);
    // 65536 uniform draws over 2^bits values reach within 1% of the range's ends.
    const double span = double(r.hi) - double(r.lo);
    EXPECT_LT(double(lo) - r.lo, 0.01 * span) << bits;
    EXPECT_LT(r.hi - double(hi), 0.01 * span) << bits;
    // Sample mean of a uniform: std = span / sqrt(12 * 65536) ~ span / 887; allow 5 sigma.
    EXPECT_NEAR(sum / double(v.data.size()), (r.lo + r.hi) / 2.0, 5.0 * span / 887.0) << bits;
  }
  // Up to 8 bits the stream's integers are generate_values' (unsigned read back as unsigned).
  t.shape = {999};
  for (auto [bits, is_signed] : {std::pair{8, false}, {5, true}}) {
    t.bits = bits;
    t.is_signed = is_signed;
    const Int8Buffer narrow = generate_values(t, 11);
    const Int32Buffer wide = generate_wide_values(t, 11);
    for (size_t i = 0; i < narrow.data.size(); ++i)
      ASSERT_EQ(wide.data[i], is_signed ? int32_t(narrow.data[i]) : int32_t(uint8_t(narrow.data[i])));
  }
  t.bits = 17;
  EXPECT_THROW(generate_wide_values(t, 1), sim::ModelError);
}

TEST(IntRange, SignedAndUnsigned) {
  EXPECT_EQ(int_range(8, true).lo, -128);
  EXPECT_EQ(int_range(8, true).hi, 127);
  EXPECT_EQ(int_range(1, false).hi, 1);
  EXPECT_EQ(int_range(16, false).hi, 65535);
  EXPECT_EQ(round_half_away(-0.5), -1);
  EXPECT_EQ(round_half_away(0.49999), 0);
}

}  // namespace
}  // namespace adasim::workloads
