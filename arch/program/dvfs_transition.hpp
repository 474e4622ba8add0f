// SPDX-License-Identifier: Apache-2.0
// What one DVFS transition of the core domain costs (clock.transition), shared by the controller
// that carries it out (arch/dvfs/dvfs_controller.hpp) and the mapper's per-layer point choice
// (workloads/mapper/dvfs_plan.hpp): the regulator's ramp |V1 - V0| / slew, the PLL's relock when
// the frequency changes, the domain's halt (their sum rounded up to whole cycles of the new
// clock: the domain restarts on an edge of its PLL) and the energy (1 - eta) C |V1^2 - V0^2|
// (Burd & Brodersen, "Design issues for dynamic voltage scaling", ISLPED 2000).
#pragma once

#include <cstdint>

#include "arch/spec.hpp"

namespace adasim::arch {

struct TransitionCost {
  double ramp_ps = 0.0;    ///< the regulator's ramp
  double relock_ps = 0.0;  ///< the PLL's relock (0 when the frequency stays)
  double energy_pj = 0.0;  ///< (1 - eta) C |V1^2 - V0^2|
  double total_ps() const { return ramp_ps + relock_ps; }
};

/// The cost of switching from `from` to `to` (zero when they are the same point).
TransitionCost transition_cost(const DvfsTransitionSpec& c, const OperatingPoint& from,
                               const OperatingPoint& to);

/// The clock period at `p` in whole ps, as the clock domain rounds it (1 ps kernel resolution).
uint64_t period_ps(const OperatingPoint& p);

/// Whole cycles of a clock of period `period_ps` that cover `ps` (rounded up).
uint64_t cycles_covering(double ps, uint64_t period_ps);

}  // namespace adasim::arch
