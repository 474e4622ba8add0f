// SPDX-License-Identifier: Apache-2.0
// Statistics every MAC engine (systolic, spatial) reports the same way: the operands' measured
// densities, the sparse datapath's skipped steps and load imbalance, and the PE utilization.
#pragma once

#include <cstdint>
#include <functional>

#include "arch/engine/layer_engine.hpp"
#include "sim/core/stats.hpp"

namespace adasim::arch {

/// Steps of a layer on the sparse datapath: issued, skipped, and what perfectly balanced lanes
/// would have needed for the nonzero MACs.
struct SparseSteps {
  uint64_t issued = 0, skipped = 0, ideal = 0;
};

/// Redeclares `g` for a layer: "ifmap_density" / "weight_density" (fraction of operand values
/// that differ from their zero point, padding not counted), and with a sparse mode
/// "steps_skipped" and "imbalance" (issued steps / ideal steps, >= 1), from `steps` when the
/// stats are collected; "pe" utilization = `pe_macs()` / (PEs x cycles).
void declare_mac_figures(sim::StatGroup& g, const LayerIo& io, SparsityMode mode, int64_t pes,
                         std::function<SparseSteps()> steps, std::function<uint64_t()> pe_macs);

}  // namespace adasim::arch
