// SPDX-License-Identifier: Apache-2.0
// "none": every block stays powered for the whole run (leakage on every unit, no wake-ups).
#include "arch/power/i_power_policy.hpp"

namespace adasim::arch {
namespace {

class NoPowerGating : public IPowerPolicy {
 public:
  int64_t powered_units(int64_t units, int64_t /*used*/) const override { return units; }
  uint64_t gated_cycles(uint64_t /*run*/) const override { return 0; }
};

}  // namespace

void register_no_power_gating(PowerPolicyRegistry& r) {
  r.add("none", "every block stays powered for the whole run", {},
        [](const PowerSpec&) { return std::make_unique<NoPowerGating>(); });
}

}  // namespace adasim::arch
