// SPDX-License-Identifier: Apache-2.0
// IDvfsPolicy: chooses the operating point (frequency, voltage) of the clock domain for each
// layer. Implementations live in arch/dvfs/impl/ and are registered by name in
// register_dvfs_policies() (config key clock.policy). The controller that applies the points,
// with the regulator's ramp and the PLL's relock, is arch/dvfs/clock_domain.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// What a policy knows about the layer about to run.
struct DvfsLayer {
  size_t index = 0;   ///< program order, from 0
  std::string name;   ///< the workload's layer name
  double now_us = 0;  ///< simulated time at the layer boundary
  /// The point the layer's program carries (the mapper's choice under "per_layer"), or null.
  const OperatingPoint* planned = nullptr;
};

/// The domain's activity counters over a governor's sampling window (DVFS halts excluded).
struct DvfsActivity {
  uint64_t busy_cycles = 0;  ///< cycles the engine advanced (compute)
  uint64_t cycles = 0;       ///< all cycles of the window: busy + stalled (DRAM, SRAM, NoC, ...)
  double now_us = 0;         ///< simulated time of the sample
  /// PE-cycles of MAC work in the window (arch/engine/step.hpp StepResult::pe_cycles: the
  /// systolic array counts a stream vector's work when it enters the array, so a window's
  /// count can differ from the PEs' cycle-by-cycle activity by the vectors still crossing the
  /// array, at most rows + cols cycles of work, at its two ends).
  uint64_t active_pe_cycles = 0;
  uint64_t pes = 0;  ///< the PE array's rows x cols
  /// PE utilization of the window: active_pe_cycles / (pes x cycles), 0 for an empty window.
  double pe_utilization() const {
    return cycles && pes ? double(active_pe_cycles) / (double(pes) * double(cycles)) : 0.0;
  }
};

/// Contract:
///  - point_for_layer(l) is called once before layer l runs, for l.index = 0, 1, ... in program
///    order, and returns the point the domain runs that layer at.
///  - the returned point is one of ClockSpec::operating_points (the table the hardware supports);
///    the controller applies it at the layer boundary.
///  - a policy is built from the validated ClockSpec (its own parameters in policy_params); when
///    its parameters do not fit the rest of the ClockSpec (e.g. a frequency that is not in the
///    table) the factory throws sim::ConfigError whose `where` is the parameter's key in the
///    clock section. The config parser builds the selected policy once to report such errors
///    at /clock/<key>; the simulator builds it again in DvfsController.
///  - check_layers(names) is called once before the run with the workload's layer names; a
///    parameter naming a layer the workload does not have is a sim::ConfigError whose `where` is
///    the parameter's JSON pointer inside the clock section (e.g. "schedule/2/layer").
///  - may_switch() is true when the policy can return a point other than the first: such a
///    policy needs clock.transition (the parser checks it). A policy that cannot holds one point
///    for the whole run, and the domain starts at it (no transition).
///  - starts_at_first_point() is true when the domain starts the run at the first layer's point
///    (no transition at time 0, as for a policy that cannot switch): a plan that chose that
///    point for the first layer ("per_layer"). Otherwise the domain starts at its nominal point.
///  - point_for_layer() is deterministic: same spec and layers, same sequence of points.
///  - a run-time governor has sample_us() > 0: the controller calls on_sample() with the
///    window's activity at the first step boundary at or after each sample time (every
///    sample_us from the start, or from the end of the last transition), also in the middle of
///    a layer, and applies the point it returns (one of the table's) from there. A policy with
///    sample_us() == 0 (the default) is never sampled.
///  - on_sample() is deterministic like point_for_layer().
class IDvfsPolicy {
 public:
  virtual ~IDvfsPolicy() = default;
  virtual OperatingPoint point_for_layer(const DvfsLayer& layer) = 0;
  virtual void check_layers(const std::vector<std::string>& /*names*/) const {}
  virtual bool may_switch() const { return false; }
  virtual bool starts_at_first_point() const { return !may_switch(); }
  virtual double sample_us() const { return 0.0; }
  virtual OperatingPoint on_sample(const DvfsActivity& /*window*/, const OperatingPoint& now) {
    return now;
  }
};

using DvfsPolicyFactory = std::function<std::unique_ptr<IDvfsPolicy>(const ClockSpec&)>;
using DvfsPolicyRegistry = sim::Registry<DvfsPolicyFactory>;

/// Registers every built-in policy (called once, from make_components()).
void register_dvfs_policies(DvfsPolicyRegistry& r);

// Built-in policies (arch/dvfs/impl/).
void register_static_policy(DvfsPolicyRegistry& r);     ///< impl/static_policy.cpp
void register_fixed_policy(DvfsPolicyRegistry& r);      ///< impl/fixed_policy.cpp
void register_schedule_policy(DvfsPolicyRegistry& r);   ///< impl/schedule_policy.cpp
void register_per_layer_policy(DvfsPolicyRegistry& r);  ///< impl/per_layer_policy.cpp
void register_ondemand_policy(DvfsPolicyRegistry& r);   ///< impl/ondemand_policy.cpp

/// The point of `points` whose frequency is `freq_mhz`, or nullptr.
const OperatingPoint* point_with_freq(const std::vector<OperatingPoint>& points, double freq_mhz);

}  // namespace adasim::arch
