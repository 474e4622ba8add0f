// SPDX-License-Identifier: Apache-2.0
// The clock domain owns the period: an operating-point change takes effect at once (unlike
// sc_clock), transitions cost the configured time, and cycle counts round up to whole cycles.
#include <gtest/gtest.h>

#include "arch/dvfs/clock_domain.hpp"

namespace adasim::arch {
namespace {

TEST(ClockDomain, PeriodFollowsTheOperatingPoint) {
  ClockSpec spec;
  spec.nominal = {800.0, 0.9};
  spec.operating_points = {{400.0, 0.7}, {800.0, 0.9}};
  spec.transition_ns = 5.0;
  ClockDomain d(spec);
  EXPECT_EQ(d.period(), sc_core::sc_time(1250, sc_core::SC_PS));  // 1 / 800 MHz
  EXPECT_DOUBLE_EQ(d.period_ns(), 1.25);
  EXPECT_EQ(d.set_point({400.0, 0.7}), sc_core::sc_time(5, sc_core::SC_NS));  // a change costs
  EXPECT_EQ(d.period(), sc_core::sc_time(2500, sc_core::SC_PS));
  EXPECT_EQ(d.set_point({400.0, 0.7}), sc_core::SC_ZERO_TIME);  // no change, no cost
  EXPECT_EQ(ClockDomain::label(d.point()), "400MHz@0.7V");
  // 2.5 ns cycles: 5 ns is exactly 2 cycles, 5.001 ns needs 3.
  EXPECT_EQ(d.cycles_until(sc_core::sc_time(5, sc_core::SC_NS)), 2u);
  EXPECT_EQ(d.cycles_until(sc_core::sc_time(5001, sc_core::SC_PS)), 3u);
}

TEST(DvfsController, StaticPolicyHoldsTheNominalPoint) {
  ClockSpec spec;
  spec.nominal = {1000.0, 1.0};
  spec.operating_points = {{500.0, 0.8}, {1000.0, 1.0}};
  ClockDomain d(spec);
  DvfsController ctrl(spec, d);
  d.set_point({500.0, 0.8});
  ctrl.before_layer(0);
  EXPECT_DOUBLE_EQ(d.point().freq_mhz, 1000.0);
  EXPECT_EQ(d.period(), sc_core::sc_time(1, sc_core::SC_NS));
}

}  // namespace
}  // namespace adasim::arch
