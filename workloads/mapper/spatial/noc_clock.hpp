// SPDX-License-Identifier: Apache-2.0
// The spatial NoC's cycles in core cycles, for the mapper's figures (whole counts held in
// doubles): the same conversion the engine makes (arch::NocClock, arch/program/feed_latency.hpp),
// so that the estimate stays equal to the engine with a memory domain, and the closed forms and
// bounds apply it where they count the same events.
#pragma once

#include <cstdint>

#include "arch/program/feed_latency.hpp"

namespace adasim::workloads::spatial {

/// n NoC cycles (a whole number, >= 0) in core cycles: 0 for 0, else max(1, ceil(n x ratio)).
inline double core_cycles(const arch::NocClock& c, double n) {
  return double(c.core_cycles(uint64_t(n)));
}

/// A register-file refill that moves n NoC cycles' worth of values: its core cycles plus the
/// synchroniser into the core domain, nothing when it moves nothing.
inline double refill_core_cycles(const arch::NocClock& c, double n) {
  return n > 0 ? core_cycles(c, n) + double(c.refill_sync) : 0.0;
}

/// A lower bound of the core cycles of events whose NoC cycles sum to at least x (fractional):
/// each event's conversion is at least its cycles x ratio, so their sum is at least x x ratio.
inline double core_cycles_at_least(const arch::NocClock& c, double x) {
  return x * c.core_per_noc_cycle;
}

}  // namespace adasim::workloads::spatial
