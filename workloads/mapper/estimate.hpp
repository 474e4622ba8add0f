// SPDX-License-Identifier: Apache-2.0
// Fast analytical estimate of a schedule, used to rank mapping candidates: array cycles from the
// closed-form fold timing (exact for stall-free memory), bounded below by DRAM and SRAM-port time;
// energy from the same action counts the simulator charges, priced with plain per-action costs.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "arch/energy/action_costs.hpp"
#include "arch/spec.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

/// The per-action prices candidates are ranked with (arch/energy/action_costs.hpp).
using arch::EnergyCosts;

struct Estimate {
  double cycles = 0;            ///< estimated cycles, incl. the exposed first fill and last store
  double steady_cycles = 0;     ///< max(array, DRAM, SRAM-port time): what candidates are ranked by
  double compute_cycles = 0;    ///< closed-form array cycles (exact on stall-free memory)
  double energy_pj = 0;         ///< estimated energy over `cycles`
  double steady_energy_pj = 0;  ///< the same with leakage over `steady_cycles` (ranking)
  int64_t dram_bytes = 0;
  /// Ranking value: the steady-state figures, for which a larger legal chunk is never worse
  /// (the search's pruning relies on it); the exposed fill is reported, not ranked.
  double objective(arch::Objective o) const;
};

Estimate estimate(const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                  const EnergyCosts& costs);

}  // namespace adasim::workloads
