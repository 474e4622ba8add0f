// SPDX-License-Identifier: Apache-2.0
// The one list of built-in DVFS policies: a new policy is a file in impl/ plus one line here.
#include "arch/dvfs/i_dvfs_policy.hpp"

namespace adasim::arch {

void register_dvfs_policies(DvfsPolicyRegistry& r) {
  register_static_policy(r);
  register_fixed_policy(r);
  register_schedule_policy(r);
  register_per_layer_policy(r);
  register_ondemand_policy(r);
}

}  // namespace adasim::arch

namespace adasim::arch {

const OperatingPoint* point_with_freq(const std::vector<OperatingPoint>& points, double freq_mhz) {
  for (const OperatingPoint& p : points)
    if (p.freq_mhz == freq_mhz) return &p;
  return nullptr;
}

}  // namespace adasim::arch
