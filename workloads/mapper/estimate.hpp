// SPDX-License-Identifier: Apache-2.0
// The estimate of a systolic schedule that ranks mapping candidates: cycles from the engine's
// timeline replayed against the mapper's model of the DMA, DRAM and SRAM ports (timeline/), so
// they include everything the engine pays (the exposed first fill and stationary load, output
// drains, the last store, psum spills and reloads, DRAM waits) and equal the simulated cycles
// (tests/systemc/estimate_engine_test.cpp, finite DRAM included); access counts per level and
// operand as the feeders, collectors and DMA move them, under the report's names; energy from those
// counts priced with the per-action costs.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "arch/energy/action_costs.hpp"
#include "arch/spec.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

/// The per-action prices candidates are ranked with (arch/energy/action_costs.hpp).
using arch::EnergyCosts;

/// What candidates are ranked by: the cycles, the energy or their product.
double objective_value(arch::Objective o, double cycles, double energy_pj);

struct Estimate {
  double cycles = 0;          ///< the layer's cycles (the engine's, finite DRAM included)
  double compute_cycles = 0;  ///< closed-form array cycles with stall-free memory
  double dynamic_pj = 0;      ///< energy of the counted accesses and MACs
  double energy_pj = 0;       ///< dynamic_pj + leakage over `cycles`
  int64_t dram_bytes = 0;
  /// Bytes moved, keyed as the report's `accesses` ("<level>.read_bytes", "<level>.write_bytes",
  /// "<level>.fill_bytes", "<level>.drain_bytes", "dma.load_bytes_<operand>", "dma.store_bytes",
  /// "dram.read_bytes", "dram.write_bytes", "noc.to_array_bytes", "noc.from_array_bytes").
  std::map<std::string, int64_t> accesses;
  double objective(arch::Objective o) const;  ///< what candidates are ranked by
};

Estimate estimate(const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                  const EnergyCosts& costs);

/// The same counts with a lower bound of the cycles instead of the timeline replay (closed-form
/// compute time, DRAM bytes over bandwidth, SRAM-port and bus bytes over width): no objective
/// of `estimate` is below this one's, so the search skips the replay of candidates whose bound
/// cannot beat what it has.
Estimate estimate_bound(const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                        const EnergyCosts& costs);
/// estimate_bound with its cycles raised to the DMA's load chain (timeline::load_chain_cycles,
/// over the operands of one hop): still no objective of `estimate` is below it, and unlike the
/// traffic it grows as the chunks shrink. What the search cuts on; refine() replaces its cycles.
Estimate search_bound(const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                      const EnergyCosts& costs);
/// `bound` (from estimate_bound or search_bound) completed with the timeline replay (every hop of
/// a chained route too): equals estimate().
Estimate refine(Estimate bound, const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                const EnergyCosts& costs);

/// Closed-form cycles of a systolic program's folds with stall-free memory (README "Timing
/// model"): a lower bound of the layer's cycles.
double fold_cycles(const SystolicProgram& s, const arch::AcceleratorSpec& spec);

}  // namespace adasim::workloads
