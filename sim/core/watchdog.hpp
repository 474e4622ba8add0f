// SPDX-License-Identifier: Apache-2.0
// The forward-progress watchdog: turns "nothing moved for N cycles" into a sim::ModelError with a
// state dump instead of a silent hang. The owner feeds it the current cycle and a progress count
// (anything that only grows while work gets done: compute cycles, bytes the DMA issued, layers
// finished); when the count has not changed for more than N cycles the watchdog throws, with the
// text the owner's dump function gives (which layer, which cycle, each block's queue state).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace adasim::sim {

/// Cycles without forward progress that the watchdog tolerates by default: 10^9 (one second at
/// 1 GHz). A legitimate stall is one DRAM transfer: at the slowest accepted DRAM (0.001 GB/s,
/// 1 ms latency) a 64 KiB tile takes ~66 us + 1 ms, ~10^6 cycles at 1 GHz.
constexpr uint64_t kDefaultWatchdogCycles = 1'000'000'000;

class ProgressWatchdog {
 public:
  /// `limit`: cycles without progress tolerated (> 0). `dump`: the state description appended
  /// to the error (called only when the watchdog fires).
  ProgressWatchdog(uint64_t limit, std::function<std::string()> dump);

  /// Restarts the count at `cycle` with progress count `progress` (start of a run or a layer).
  void restart(uint64_t cycle, uint64_t progress) {
    since_cycle_ = cycle;
    progress_ = progress;
  }
  /// The state at `cycle`: throws sim::ModelError when `progress` is still the value it had
  /// more than `limit` cycles ago.
  /// (Inline: the sequencer calls it every step.)
  void observe(uint64_t cycle, uint64_t progress) {
    if (progress != progress_)
      restart(cycle, progress);
    else if (cycle > since_cycle_ && cycle - since_cycle_ > limit_)
      fire(cycle);
  }

  uint64_t limit() const { return limit_; }

 private:
  [[noreturn]] void fire(uint64_t cycle) const;
  uint64_t limit_;
  std::function<std::string()> dump_;
  uint64_t since_cycle_ = 0;  // cycle at which `progress_` was first seen
  uint64_t progress_ = 0;
};

}  // namespace adasim::sim
