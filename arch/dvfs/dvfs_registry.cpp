// SPDX-License-Identifier: Apache-2.0
// The one list of built-in DVFS policies: a new policy is a file in impl/ plus one line here.
#include "arch/dvfs/i_dvfs_policy.hpp"

namespace adasim::arch {

void register_dvfs_policies(DvfsPolicyRegistry& r) {
  register_static_policy(r);
  register_fixed_policy(r);
}

}  // namespace adasim::arch
