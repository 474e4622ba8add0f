// SPDX-License-Identifier: Apache-2.0
// Guarded conversions into SystemC time. sc_time keeps picoseconds in a uint64 and converts a
// double with an unchecked cast, so a huge or non-finite value (a latency of 1e18 ns, a transfer
// at 1e-15 GB/s, a cycle count times the period) would wrap silently and report 2^63-ps figures.
// Every model conversion goes through these: beyond kMaxSimTimePs they throw sim::ModelError
// naming the quantity. The config's plausibility ranges keep single values far below the bound;
// a run whose sum of times would pass it stops with the error instead of wrapping.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <systemc>

#include "sim/core/errors.hpp"

namespace adasim::arch {

/// 2^62 ps, about 53 days of simulated time: sums of two times below it cannot wrap uint64.
inline constexpr double kMaxSimTimePs = 4611686018427387904.0;

/// `ps` picoseconds (rounded to the kernel's 1 ps resolution) as sc_time; `what` names it.
inline sc_core::sc_time time_from_ps(double ps, const char* what) {
  if (!std::isfinite(ps) || ps < 0 || ps > kMaxSimTimePs)
    throw sim::ModelError(std::string(what) + ": " + std::to_string(ps) +
                          " ps is not a representable simulated time (0 to 2^62 ps, 53 days)");
  return sc_core::sc_time(std::round(ps), sc_core::SC_PS);
}

inline sc_core::sc_time time_from_ns(double ns, const char* what) {
  return time_from_ps(ns * 1e3, what);
}

/// The time `n` cycles of `period` after `at` (a crossing's synchroniser, counted in cycles).
inline sc_core::sc_time cycles_after(const sc_core::sc_time& at, const sc_core::sc_time& period,
                                     uint64_t n) {
  return n == 0 ? at : at + sc_core::sc_time::from_value(period.value() * n);
}

/// a + b, both and the sum below the bound.
inline sc_core::sc_time add_time(const sc_core::sc_time& a, const sc_core::sc_time& b,
                                 const char* what) {
  const double sum = double(a.value()) + double(b.value());
  if (sum > kMaxSimTimePs)
    throw sim::ModelError(std::string(what) + ": simulated time passes 2^62 ps (53 days)");
  return a + b;
}

}  // namespace adasim::arch
