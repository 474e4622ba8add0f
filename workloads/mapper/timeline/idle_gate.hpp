// SPDX-License-Identifier: Apache-2.0
// The array's idle_timeout power gating as the engine times it (arch/sequencer.cpp
// wake_after_wait, arch/power/power_manager.cpp array_wait): with power.policy "idle_timeout" and
// the PE array in power.power_gated, each wait of the array engine for data or an output slot (one
// kWait step) is one idle run; a run longer than idle_cycles switched the array off, and it takes
// wakeup_cycles of stall to be usable again once the wait ends. Vector layers never pay it (the
// policy gates the vector unit through the layers it does not run, which wakes at a layer's
// start, outside a layer's own timeline).
#pragma once

#include <cstdint>

#include "arch/spec.hpp"

namespace adasim::workloads::timeline {

class IdleGate {
 public:
  explicit IdleGate(const arch::AcceleratorSpec& spec) {
    const arch::PowerSpec& pw = spec.power;
    if (!pw.enabled || pw.policy != "idle_timeout" || !pw.power_gates("pe_array")) return;
    timeout_ = pw.policy_params.integer("idle_cycles");
    wakeup_ = pw.wakeup_cycles;
  }
  bool on() const { return timeout_ >= 0; }
  /// The cycle the array can go on at after waiting from cycle `from` for what is ready at
  /// cycle `until` (`from` itself when it need not wait).
  int64_t resume(int64_t from, int64_t until) const {
    if (until <= from) return from;
    return until + (on() && until - from > timeout_ ? wakeup_ : 0);
  }

 private:
  int64_t timeout_ = -1;  // idle_cycles; -1: the array is not gated
  int64_t wakeup_ = 0;    // power.wakeup_cycles
};

}  // namespace adasim::workloads::timeline
