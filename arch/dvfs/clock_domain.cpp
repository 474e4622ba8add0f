// SPDX-License-Identifier: Apache-2.0
#include "arch/dvfs/clock_domain.hpp"

#include <cmath>
#include <sstream>

#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

ClockDomain::ClockDomain(const ClockSpec& spec) : name_(spec.name) { set_point(spec.nominal); }

void ClockDomain::set_point(const OperatingPoint& p) {
  if (!(p.freq_mhz > 0.0)) throw sim::ModelError("clock domain: non-positive frequency");
  point_ = p;
  // Period in ps, rounded to the kernel's resolution (1 ps default).
  period_ = time_from_ps(1.0e6 / p.freq_mhz, "clock period");
}

sc_core::sc_time ClockDomain::time_of_cycles(sim::Cycle n) const {
  // (One cycle is the period itself, time_of(): time_from_ps would return it anyway, it is
  // already whole kernel time units.)
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

}  // namespace adasim::arch
