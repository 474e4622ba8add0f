// SPDX-License-Identifier: Apache-2.0
#include "arch/program/dvfs_transition.hpp"

#include <cmath>

namespace adasim::arch {

TransitionCost transition_cost(const DvfsTransitionSpec& c, const OperatingPoint& from,
                               const OperatingPoint& to) {
  TransitionCost t;
  if (same_point(from, to)) return t;
  const double dv_mv = std::fabs(to.voltage_v - from.voltage_v) * 1e3;
  t.ramp_ps = std::round(dv_mv / c.slew_mv_per_us * 1e6);
  t.relock_ps = to.freq_mhz != from.freq_mhz ? std::round(c.relock_us * 1e6) : 0.0;
  // nF x V^2 = nJ = 1e3 pJ.
  t.energy_pj = (1.0 - c.regulator_efficiency) * c.supply_cap_nf *
                std::fabs(to.voltage_v * to.voltage_v - from.voltage_v * from.voltage_v) * 1e3;
  return t;
}

uint64_t period_ps(const OperatingPoint& p) { return uint64_t(std::llround(1.0e6 / p.freq_mhz)); }

uint64_t cycles_covering(double ps, uint64_t period_ps) {
  const uint64_t whole = uint64_t(std::ceil(ps / double(period_ps) - 1e-9));
  return double(whole) * double(period_ps) < ps ? whole + 1 : whole;
}

}  // namespace adasim::arch
