// SPDX-License-Identifier: Apache-2.0
// A clock domain and its DVFS controller. The domain owns the current operating point (frequency,
// voltage) and so the clock period; unlike sc_clock the period can change, at a cycle boundary.
// Cycle counts (a strong integer) are converted to sc_time only here. The controller applies a
// DVFS policy (arch/dvfs/i_dvfs_policy.hpp) chosen by name (clock.policy).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <systemc>

#include "arch/dvfs/i_dvfs_policy.hpp"
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
  /// Switch operating point (at the current cycle boundary). Returns the transition time.
  sc_core::sc_time set_point(const OperatingPoint& p);
  /// Whole cycles needed to cover `t` (rounded up), at the current period.
  sim::Cycle cycles_until(const sc_core::sc_time& t) const;
  /// The time `n` cycles take at the current period.
  sc_core::sc_time time_of(sim::Cycle n) const;
  /// Label used in reports, e.g. "800MHz@0.9V".
  static std::string label(const OperatingPoint& p);

 private:
  std::string name_;
  OperatingPoint point_;
  sc_core::sc_time period_;
  double transition_ns_ = 0.0;
};

/// Applies the policy named by spec.policy to the domain at every layer boundary.
class DvfsController {
 public:
  /// The policy comes from `policies` (an unknown name is a ModelError: the parser checks it).
  DvfsController(const ClockSpec& spec, ClockDomain& domain, const DvfsPolicyRegistry& policies);
  /// Same, with the built-in policies (arch/components.hpp).
  DvfsController(const ClockSpec& spec, ClockDomain& domain);
  /// Called before each layer; returns the transition time paid (0 when the point stays).
  sc_core::sc_time before_layer(size_t layer_index);

 private:
  ClockDomain& domain_;
  std::unique_ptr<IDvfsPolicy> policy_;
};

}  // namespace adasim::arch
