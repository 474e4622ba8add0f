// SPDX-License-Identifier: Apache-2.0
// "static": the whole run at the nominal point, which must be a point of the domain's table.
#include "arch/dvfs/i_dvfs_policy.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

class StaticPolicy : public IDvfsPolicy {
 public:
  explicit StaticPolicy(const ClockSpec& spec) {
    for (const OperatingPoint& p : spec.operating_points)
      if (same_point(p, spec.nominal)) {
        point_ = p;
        return;
      }
    throw sim::ModelError(
        "DVFS static policy: the nominal point is not in the operating-point "
        "table (the config parser checks this)");
  }

  OperatingPoint point_for_layer(const DvfsLayer& /*layer*/) override { return point_; }

 private:
  OperatingPoint point_;
};

}  // namespace

void register_static_policy(DvfsPolicyRegistry& r) {
  r.add("static", "the nominal point (clock.freq_mhz, clock.voltage_v) for the whole run", {},
        [](const ClockSpec& s) { return std::make_unique<StaticPolicy>(s); });
}

}  // namespace adasim::arch
