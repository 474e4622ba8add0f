// SPDX-License-Identifier: Apache-2.0
#include "arch/dvfs/clock_domain.hpp"

#include <cmath>
#include <sstream>

#include "arch/components.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

ClockDomain::ClockDomain(const ClockSpec& spec)
    : name_(spec.name), transition_ns_(spec.transition_ns) {
  set_point(spec.nominal);
}

sc_core::sc_time ClockDomain::set_point(const OperatingPoint& p) {
  if (!(p.freq_mhz > 0.0)) throw sim::ModelError("clock domain: non-positive frequency");
  const bool change = p.freq_mhz != point_.freq_mhz || p.voltage_v != point_.voltage_v;
  point_ = p;
  // Period in ps, rounded to the kernel's resolution (1 ps default).
  period_ = time_from_ps(1.0e6 / p.freq_mhz, "clock period");
  return change ? time_from_ns(transition_ns_, "DVFS transition") : sc_core::SC_ZERO_TIME;
}

sc_core::sc_time ClockDomain::time_of(sim::Cycle n) const {
  return time_from_ps(period_.to_seconds() * 1e12 * double(n.value()), "cycles to time");
}

sim::Cycle ClockDomain::cycles_until(const sc_core::sc_time& t) const {
  const double ratio = t.to_seconds() / period_.to_seconds();
  return sim::Cycle(uint64_t(std::ceil(ratio - 1e-9)));
}

std::string ClockDomain::label(const OperatingPoint& p) {
  std::ostringstream os;
  os << p.freq_mhz << "MHz@" << p.voltage_v << "V";
  return os.str();
}

DvfsController::DvfsController(const ClockSpec& spec, ClockDomain& domain,
                               const DvfsPolicyRegistry& policies)
    : domain_(domain) {
  const auto* entry = policies.find(spec.policy);
  if (!entry) throw sim::ModelError("DVFS: no policy named '" + spec.policy + "'");
  policy_ = entry->make(spec);
}

DvfsController::DvfsController(const ClockSpec& spec, ClockDomain& domain)
    : DvfsController(spec, domain, builtin_components().dvfs) {}

sc_core::sc_time DvfsController::before_layer(size_t layer_index) {
  return domain_.set_point(policy_->point_for_layer(layer_index));
}

}  // namespace adasim::arch
