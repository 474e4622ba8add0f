// SPDX-License-Identifier: Apache-2.0
// IDvfsPolicy: chooses the operating point (frequency, voltage) of the clock domain for each
// layer. Implementations live in arch/dvfs/impl/ and are registered by name in
// register_dvfs_policies() (config key clock.policy). Abstracts away the regulator and PLL.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// Contract:
///  - point_for_layer(i) is called once before layer i runs, for i = 0, 1, ... in program order,
///    and returns the point the domain runs that layer at.
///  - the returned point is one of ClockSpec::operating_points (the table the hardware supports);
///    the controller applies it at the layer boundary (ClockDomain::set_point).
///  - a policy is built from the validated ClockSpec (its own parameters in policy_params); when
///    its parameters do not fit the rest of the ClockSpec (e.g. a frequency that is not in the
///    table) the factory throws sim::ConfigError whose `where` is the parameter's key in the
///    clock section. The config parser builds the selected policy once to report such errors
///    at /clock/<key>; the simulator builds it again in DvfsController.
///  - point_for_layer() is deterministic: same spec, same sequence of points.
class IDvfsPolicy {
 public:
  virtual ~IDvfsPolicy() = default;
  virtual OperatingPoint point_for_layer(size_t layer_index) = 0;
};

using DvfsPolicyFactory = std::function<std::unique_ptr<IDvfsPolicy>(const ClockSpec&)>;
using DvfsPolicyRegistry = sim::Registry<DvfsPolicyFactory>;

/// Registers every built-in policy (called once, from make_components()).
void register_dvfs_policies(DvfsPolicyRegistry& r);

// Built-in policies (arch/dvfs/impl/).
void register_static_policy(DvfsPolicyRegistry& r);  ///< impl/static_policy.cpp
void register_fixed_policy(DvfsPolicyRegistry& r);   ///< impl/fixed_policy.cpp

}  // namespace adasim::arch
