// SPDX-License-Identifier: Apache-2.0
// The accumulators' overflow rule (pe_array.psum_overflow) and the reference kernels' statement of
// it, on hand-derived sums: wrap keeps the low accum_bits bits as a two's-complement number,
// saturate clamps the exact sum once, exact keeps it; a layer whose exact sums could leave the
// model's 32-bit accumulators is refused by name.
#include "arch/pe/psum_rule.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "arch/pe/wrapping_add.hpp"
#include "sim/core/errors.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using arch::PsumOverflow;
using arch::PsumRule;
using workloads::AccumulatorRule;

// The datapath's adder wraps modulo 2^32 without undefined behaviour: a constant expression may
// not overflow a signed integer, so these would not compile if wrap_add did.
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
static_assert(arch::wrap_add(kMax, 1) == kMin);
static_assert(arch::wrap_add(kMin, -1) == kMax);
// 3 x 2^30 + 5 = 3221225477 = 2^32 - 1073741819.
static_assert(arch::wrap_add(arch::wrap_add(1 << 30, 1 << 30), (1 << 30) + 5) == -1073741819);
static_assert(arch::wrap_add(-7, 3) == -4);

TEST(PsumRule, WrapKeepsTheLowBitsAsTwosComplement) {
  const PsumRule w16(PsumOverflow::kWrap, 16);
  // 90009 = 65536 + 24473: the low 16 bits are 24473 (< 2^15, positive).
  EXPECT_EQ(w16(90009), 24473);
  // 40000 = 0x9C40: bit 15 set, so -(65536 - 40000) = -25536.
  EXPECT_EQ(w16(40000), -25536);
  // -40000 + 65536 = 25536.
  EXPECT_EQ(w16(-40000), 25536);
  EXPECT_EQ(w16(32767), 32767);
  EXPECT_EQ(w16(-32768), -32768);
  EXPECT_EQ(w16(32768), -32768);
  const PsumRule w24(PsumOverflow::kWrap, 24);
  // 2^23 + 5 wraps to -2^23 + 5 = -8388603.
  EXPECT_EQ(w24((1 << 23) + 5), -8388603);
  EXPECT_EQ(w24(90009), 90009);
  EXPECT_TRUE(w16.active());
  EXPECT_FALSE(PsumRule(PsumOverflow::kWrap, 32).active());  // the 32-bit datapath already wraps
  EXPECT_FALSE(PsumRule(PsumOverflow::kExact, 32).active());
}

TEST(PsumRule, SaturateClampsToTheAccumulatorRange) {
  const PsumRule s16(PsumOverflow::kSaturate, 16);
  EXPECT_EQ(s16(90009), 32767);
  EXPECT_EQ(s16(-90009), -32768);
  EXPECT_EQ(s16(-32768), -32768);
  EXPECT_EQ(s16(1234), 1234);
  const PsumRule s20(PsumOverflow::kSaturate, 20);
  EXPECT_EQ(s20(600000), 524287);  // 2^19 - 1
  EXPECT_EQ(s20(-600000), -524288);
  workloads::Int32Buffer b({3});
  b.data = {90009, -5, -70000};
  s16.apply(b);
  EXPECT_EQ(b.data, (std::vector<int32_t>{32767, -5, -32768}));
}

TEST(PsumRule, LayersThatCouldLeaveThirtyTwoBitsAreRefused) {
  workloads::Int16Buffer a({2}), w({2});
  a.data = {-32768, 7};
  w.data = {100, -3};
  const PsumRule exact(PsumOverflow::kExact, 32);
  // 700 products of at most 32768 x 100 = 3276800: 2293760000 > 2^31 - 1 = 2147483647.
  EXPECT_THROW(arch::check_psum_range(exact, true, "l", 700, a, w), sim::ConfigError);
  // 655 products: 2146304000 fits.
  EXPECT_NO_THROW(arch::check_psum_range(exact, true, "l", 655, a, w));
  // 8-bit operands under "exact" are not checked (unchanged behaviour); wrap never needs it.
  EXPECT_NO_THROW(arch::check_psum_range(exact, false, "l", 700, a, w));
  EXPECT_NO_THROW(arch::check_psum_range(PsumRule(PsumOverflow::kWrap, 16), true, "l", 700, a, w));
  // Saturation needs the exact sum whatever the operand width.
  try {
    arch::check_psum_range(PsumRule(PsumOverflow::kSaturate, 16), false, "conv9", 700, a, w);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("conv9"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2293760000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("psum_overflow"), std::string::npos) << e.what();
  }
}

// The reference kernels: FC of one row [30000, 30000, -1, 2] with weights [2, 1, 5, 7]:
// products 60000 + 30000 - 5 + 14 = 90009.
workloads::Int32Buffer fc_with(const AccumulatorRule& rule) {
  workloads::Int32Buffer in({1, 4}), w({1, 4});
  in.data = {30000, 30000, -1, 2};
  w.data = {2, 1, 5, 7};
  return workloads::reference_fc(in, w, rule);
}

TEST(ReferenceAccumulator, HandDerivedSumsPerRule) {
  using O = AccumulatorRule::Overflow;
  EXPECT_EQ(fc_with({O::kExact, 32}).data[0], 90009);
  EXPECT_EQ(fc_with({O::kWrap, 16}).data[0], 24473);
  EXPECT_EQ(fc_with({O::kSaturate, 16}).data[0], 32767);
  EXPECT_EQ(fc_with({O::kWrap, 24}).data[0], 90009);
  // Wrapping after every add: 60000 wraps to -5536 first; -5536 + 30000 = 24464; + 9 = 24473.
  // Saturation clamps once: the partial 60000 is not clamped on its way.
  workloads::Int32Buffer in({1, 2}), w({1, 2});
  in.data = {30000, -30000};
  w.data = {2, 2};
  EXPECT_EQ(workloads::reference_fc(in, w, {O::kSaturate, 16}).data[0], 0);
  EXPECT_EQ(workloads::reference_fc(in, w, {O::kWrap, 16}).data[0], 0);
}

TEST(ReferenceAccumulator, ExactSumsBeyondInt32AreAnError) {
  workloads::Int32Buffer in({1, 3}), w({1, 3});
  in.data = {32767, 32767, 32767};
  w.data = {32767, 32767, 32767};  // 3 x 1073676289 = 3221028867 > 2^31 - 1
  EXPECT_THROW(workloads::reference_fc(in, w, {}), sim::ModelError);
  // The same sum wraps to 3221028867 - 2^32 = -1073938429.
  EXPECT_EQ(workloads::reference_fc(in, w, {AccumulatorRule::Overflow::kWrap, 32}).data[0],
            -1073938429);
}

}  // namespace
}  // namespace adasim
