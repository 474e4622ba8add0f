// SPDX-License-Identifier: Apache-2.0
// The array-edge interconnect: a bus from the SRAM levels to the edge PEs (operands, with multicast
// where several PEs take the same value) and back (psums / outputs). Each direction carries
// link_width_bits per cycle; more demand in one cycle costs extra (stall) cycles.
#pragma once

#include <cstdint>

#include "arch/spec.hpp"

namespace adasim::arch {

class EdgeBus {
 public:
  explicit EdgeBus(const NocSpec& spec) : spec_(spec) {}

  /// Bytes moved toward the array and back in one cycle. Returns the cycles needed (>= 1).
  /// `repeat` > 1: as many identical cycles at once (fast mode); returns the cycles of each.
  uint64_t transfer(uint64_t to_array_bytes, uint64_t from_array_bytes, uint64_t repeat = 1);

  /// Counts `busy` cycles of transfers that moved these totals (fast mode: uneven cycles whose
  /// cycles() the caller checked).
  void count(uint64_t to_array_total, uint64_t from_array_total, uint64_t busy) {
    stats_.to_array_bytes += to_array_total;
    stats_.from_array_bytes += from_array_total;
    stats_.busy_cycles += busy;
  }
  /// The cycles one cycle's transfers need (no counting).
  uint64_t cycles(uint64_t to_array_bytes, uint64_t from_array_bytes) const;

  struct Stats {
    uint64_t to_array_bytes = 0;
    uint64_t from_array_bytes = 0;
    uint64_t busy_cycles = 0;
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }
  const NocSpec& spec() const { return spec_; }

 private:
  NocSpec spec_;
  Stats stats_;
};

}  // namespace adasim::arch
