// SPDX-License-Identifier: Apache-2.0
// "fixed": every layer at one point of the domain's V/f table (clock.operating_points), named by
// its frequency; the voltage is the table's. A sweep varies the operating point with one key and
// always gets a pair the hardware supports.
#include <string>

#include "arch/dvfs/i_dvfs_policy.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

constexpr const char* kFreqKey = "fixed_freq_mhz";

class FixedPolicy : public IDvfsPolicy {
 public:
  explicit FixedPolicy(const ClockSpec& spec) {
    const double f = spec.policy_params.number(kFreqKey);
    std::string table;
    for (const OperatingPoint& p : spec.operating_points) {
      if (p.freq_mhz == f) {
        point_ = p;
        return;
      }
      table += (table.empty() ? "" : ", ") + sim::number_text(p.freq_mhz);
    }
    throw sim::ConfigError("", kFreqKey, sim::number_text(f),
                           "the frequency of a point of clock.operating_points (" + table + ")");
  }

  OperatingPoint point_for_layer(const DvfsLayer& /*layer*/) override { return point_; }

 private:
  OperatingPoint point_;
};

}  // namespace

void register_fixed_policy(DvfsPolicyRegistry& r) {
  namespace p = sim::param;
  r.add("fixed",
        "every layer at the point of clock.operating_points with frequency fixed_freq_mhz (the "
        "table's voltage)",
        {p::frequency_mhz(kFreqKey).described("frequency of the table point every layer runs at")},
        [](const ClockSpec& s) { return std::make_unique<FixedPolicy>(s); });
}

}  // namespace adasim::arch
