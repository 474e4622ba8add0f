// SPDX-License-Identifier: Apache-2.0
// The alpha-power-law delay model (Sakurai & Newton 1990): f_max(V) = k (V - V_th)^alpha / V with
// k fixed by one characterised point. Expected values are worked by hand below, with round
// parameters (V_th = 0.4 V, alpha = 2 or 1, 1000 MHz at 0.9 V) so the arithmetic is exact.
#include "arch/dvfs/delay_model.hpp"

#include <gtest/gtest.h>

#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

DelayModelSpec square_law() { return DelayModelSpec{0.4, 2.0, 1000.0, 0.9}; }

TEST(DelayModel, ReferencePointIsItsOwnLimit) {
  EXPECT_DOUBLE_EQ(max_freq_mhz(square_law(), 0.9), 1000.0);
}

TEST(DelayModel, AlphaPowerLawByHand) {
  // 0.65 V: overdrive 0.25 V against 0.5 V at the reference, squared = 1/4; times 0.9 / 0.65:
  // 1000 x 0.25 x 0.9 / 0.65 = 225 / 0.65 = 346.153846... MHz.
  EXPECT_NEAR(max_freq_mhz(square_law(), 0.65), 346.153846153846, 1e-9);
  // alpha = 1 at 1.4 V: overdrive 1.0 / 0.5 = 2, times 0.9 / 1.4: 1800 / 1.4 = 1285.714... MHz.
  DelayModelSpec linear = square_law();
  linear.alpha = 1.0;
  EXPECT_NEAR(max_freq_mhz(linear, 1.4), 1285.71428571429, 1e-9);
  // A lower threshold raises the limit at the same voltage: V_th = 0.15 V, alpha = 2 at 0.525 V:
  // (0.375 / 0.75)^2 x 0.9 / 0.525 x 1000 = 0.25 x 1714.2857 = 428.571428... MHz.
  DelayModelSpec low_vth = square_law();
  low_vth.v_th_v = 0.15;
  EXPECT_NEAR(max_freq_mhz(low_vth, 0.525), 428.571428571429, 1e-9);
}

TEST(DelayModel, NothingSwitchesAtOrBelowThreshold) {
  EXPECT_EQ(max_freq_mhz(square_law(), 0.4), 0.0);
  EXPECT_EQ(max_freq_mhz(square_law(), 0.3), 0.0);
}

TEST(DelayModel, LimitGrowsWithVoltageAboveThreshold) {
  double prev = 0.0;
  for (double v = 0.45; v <= 1.5; v += 0.05) {
    const double f = max_freq_mhz(square_law(), v);
    EXPECT_GT(f, prev) << v;
    prev = f;
  }
}

TEST(DelayModel, ReferenceAtOrBelowThresholdIsOurBug) {
  DelayModelSpec bad = square_law();
  bad.ref_voltage_v = 0.4;  // the parser refuses this (tests/configs/invalid/61_*)
  EXPECT_THROW(max_freq_mhz(bad, 0.9), sim::ModelError);
}

}  // namespace
}  // namespace adasim::arch
