// SPDX-License-Identifier: Apache-2.0
// The clock domain owns the period: an operating-point change takes effect at once (unlike
// sc_clock), and cycle counts round up to whole cycles.
#include <gtest/gtest.h>

#include "arch/dvfs/clock_domain.hpp"

namespace adasim::arch {
namespace {

TEST(ClockDomain, PeriodFollowsTheOperatingPoint) {
  ClockSpec spec;
  spec.nominal = {800.0, 0.9};
  spec.operating_points = {{400.0, 0.7}, {800.0, 0.9}};
  ClockDomain d(spec);
  EXPECT_EQ(d.period(), sc_core::sc_time(1250, sc_core::SC_PS));  // 1 / 800 MHz
  EXPECT_DOUBLE_EQ(d.period_ns(), 1.25);
  d.set_point({400.0, 0.7});
  EXPECT_EQ(d.period(), sc_core::sc_time(2500, sc_core::SC_PS));
  EXPECT_EQ(ClockDomain::label(d.point()), "400MHz@0.7V");
  // 2.5 ns cycles: 5 ns is exactly 2 cycles, 5.001 ns needs 3.
  EXPECT_EQ(d.cycles_until(sc_core::sc_time(5, sc_core::SC_NS)), 2u);
  EXPECT_EQ(d.cycles_until(sc_core::sc_time(5001, sc_core::SC_PS)), 3u);
}

}  // namespace
}  // namespace adasim::arch
