// SPDX-License-Identifier: Apache-2.0
// IPowerPolicy: decides when the power-gated blocks (config power.power_gated) or their parts are
// switched off. Implementations live in arch/power/impl/ and are registered by name in
// register_power_policies() (config key power.policy). The power manager that applies the
// decisions, pays the wake-ups and charges leakage is arch/power/power_manager.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// Contract:
///  - powered_units(units, used): how many of a block's `units` (PEs, lanes, banks) stay powered
///    for a whole layer whose mapping uses `used` of them (0 <= used <= units); the result is in
///    [used, units]: a policy never switches off what the layer's mapping needs.
///  - gated_cycles(run): of an idle run of `run` cycles of a powered block (the array waiting for
///    DRAM, the vector unit through a layer it does not run), the cycles it spends off; 0 or a
///    value < run. A gated run ends with a wake-up (its latency and energy are the manager's).
///  - both are pure functions of the spec and their arguments (deterministic).
class IPowerPolicy {
 public:
  virtual ~IPowerPolicy() = default;
  virtual int64_t powered_units(int64_t units, int64_t used) const = 0;
  virtual uint64_t gated_cycles(uint64_t run) const = 0;
};

using PowerPolicyFactory = std::function<std::unique_ptr<IPowerPolicy>(const PowerSpec&)>;
using PowerPolicyRegistry = sim::Registry<PowerPolicyFactory>;

/// Registers every built-in policy (called once, from make_components()).
void register_power_policies(PowerPolicyRegistry& r);

// Built-in policies (arch/power/impl/).
void register_no_power_gating(PowerPolicyRegistry& r);      ///< impl/none_policy.cpp
void register_idle_timeout_policy(PowerPolicyRegistry& r);  ///< impl/idle_timeout_policy.cpp
void register_per_layer_gating(PowerPolicyRegistry& r);     ///< impl/per_layer_gating.cpp

}  // namespace adasim::arch
