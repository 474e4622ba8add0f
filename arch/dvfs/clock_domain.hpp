// SPDX-License-Identifier: Apache-2.0
// A clock domain. The domain owns the current operating point (frequency, voltage) and so the
// clock period; unlike sc_clock the period can change, at a cycle boundary. Cycle counts (a strong
// integer) are converted to sc_time only here. The DVFS controller that changes the point is
// arch/dvfs/dvfs_controller.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>

#include "arch/spec.hpp"
#include "sim/core/cycle.hpp"

namespace adasim::arch {

class ClockDomain {
 public:
  explicit ClockDomain(const ClockSpec& spec);

  const std::string& name() const { return name_; }
  const OperatingPoint& point() const { return point_; }
  sc_core::sc_time period() const { return period_; }
  double period_ns() const { return period_.to_seconds() * 1e9; }
  /// Switch operating point (at the current cycle boundary; the controller pays the transition).
  void set_point(const OperatingPoint& p);
  /// Whole cycles needed to cover `t` (rounded up), at the current period.
  sim::Cycle cycles_until(const sc_core::sc_time& t) const;
  /// The time `n` cycles take at the current period. One cycle (most steps of a per-cycle run)
  /// is the period itself, inline: the sequencer asks on every step.
  sc_core::sc_time time_of(sim::Cycle n) const {
    return n.value() == 1 ? period_ : time_of_cycles(n);
  }
  /// Label used in reports, e.g. "800MHz@0.9V".
  static std::string label(const OperatingPoint& p);

 private:
  sc_core::sc_time time_of_cycles(sim::Cycle n) const;

  std::string name_;
  OperatingPoint point_;
  sc_core::sc_time period_;
};

}  // namespace adasim::arch
