// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim v2's per-layer figures, as SCALE-Sim defines them (docs/scalesim_conventions.md,
// sections 3 to 5), derived from what the systolic array did under its timing convention:
// COMPUTE_REPORT's total cycles (the index of the last cycle, one less than the cycle count),
// stall cycles and three utilizations, and the SRAM counts and average SRAM bandwidths of
// BANDWIDTH_REPORT / DETAILED_ACCESS_REPORT. Filed as report keys mirror.scalesim.<figure>.
#pragma once

#include "arch/pe/array_controller.hpp"
#include "arch/program/systolic.hpp"
#include "sim/core/stats.hpp"

namespace adasim::arch {

/// Redeclares `g` (named "scalesim") for a layer that runs `prog` on an ar x ac array; the
/// figures are read from `tally` (the controller's, complete when the layer is) and the layer's
/// cycles when the stats are collected.
void declare_scalesim_figures(sim::StatGroup& g, const SystolicProgram& prog,
                              const ArrayTally& tally, int ar, int ac);

}  // namespace adasim::arch
