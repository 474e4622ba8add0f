// SPDX-License-Identifier: Apache-2.0
// "idle_timeout": a power-gated block that has been idle for idle_cycles cycles is switched off
// (or put in retention) until it is needed again, as a hardware idle counter does; the parts a
// layer does not use are not known to it (they idle with the rest of the block).
#include "arch/power/i_power_policy.hpp"

namespace adasim::arch {
namespace {

constexpr const char* kIdleKey = "idle_cycles";

class IdleTimeout : public IPowerPolicy {
 public:
  explicit IdleTimeout(const PowerSpec& s)
      : timeout_(uint64_t(s.policy_params.integer(kIdleKey))) {}
  int64_t powered_units(int64_t units, int64_t /*used*/) const override { return units; }
  uint64_t gated_cycles(uint64_t run) const override { return run > timeout_ ? run - timeout_ : 0; }

 private:
  uint64_t timeout_;
};

}  // namespace

void register_idle_timeout_policy(PowerPolicyRegistry& r) {
  namespace p = sim::param;
  r.add("idle_timeout",
        "a power-gated block idle for idle_cycles cycles (the array waiting for DRAM, the vector "
        "unit through a layer it does not run) is off until it is needed again",
        {p::integer(kIdleKey)
             .in(1, int64_t(1) << 40)
             .in_unit("cycles")
             .described("idle cycles before the block is switched off")},
        [](const PowerSpec& s) { return std::make_unique<IdleTimeout>(s); });
}

}  // namespace adasim::arch
