// SPDX-License-Identifier: Apache-2.0
// The one list of built-in power-gating policies: a new policy is a file in impl/ plus one line.
#include "arch/power/i_power_policy.hpp"

namespace adasim::arch {

void register_power_policies(PowerPolicyRegistry& r) {
  register_no_power_gating(r);
  register_idle_timeout_policy(r);
  register_per_layer_gating(r);
}

}  // namespace adasim::arch
