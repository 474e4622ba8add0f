// SPDX-License-Identifier: Apache-2.0
// Guarded SystemC time conversions (issue 17, part 3): values beyond 2^62 ps, negative or not
// finite become a ModelError naming the quantity instead of a silently wrapped sc_time.
#include "arch/sim_time.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace adasim::arch {
namespace {

TEST(SimTime, ConvertsRepresentableTimesToWholePicoseconds) {
  EXPECT_EQ(time_from_ns(100.0, "latency").value(), 100000u);  // 100 ns = 1e5 ps
  EXPECT_EQ(time_from_ps(1250.4, "period").value(), 1250u);    // 800 MHz: 1e6 / 800 ps
  EXPECT_EQ(time_from_ns(0.0, "latency").value(), 0u);
  // 2^62 ps itself is the largest accepted value.
  EXPECT_EQ(time_from_ps(4611686018427387904.0, "edge").value(), uint64_t(1) << 62);
}

TEST(SimTime, RefusesWhatSystemCWouldWrap) {
  // 1e18 ns = 1e21 ps > 2^64 ps: sc_time(1e18, SC_NS) would wrap.
  EXPECT_THROW(time_from_ns(1e18, "DRAM latency"), sim::ModelError);
  // 4096 bytes at 1e-15 GB/s: 4.096e18 ns.
  EXPECT_THROW(time_from_ns(4096 / 1e-15, "DRAM transfer time"), sim::ModelError);
  EXPECT_THROW(time_from_ns(-1.0, "x"), sim::ModelError);
  EXPECT_THROW(time_from_ns(std::nan(""), "x"), sim::ModelError);
  EXPECT_THROW(time_from_ns(std::numeric_limits<double>::infinity(), "x"), sim::ModelError);
  try {
    time_from_ns(1e18, "DRAM latency");
  } catch (const sim::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("DRAM latency"), std::string::npos) << e.what();
  }
}

TEST(SimTime, SumsPastTheBoundAreRefused) {
  const sc_core::sc_time big = time_from_ps(double(uint64_t(1) << 61), "a");
  EXPECT_EQ(add_time(big, big, "sum").value(), uint64_t(1) << 62);  // exactly the bound
  EXPECT_THROW(add_time(big, add_time(big, time_from_ps(1e6, "b"), "s"), "sum"), sim::ModelError);
}

}  // namespace
}  // namespace adasim::arch
