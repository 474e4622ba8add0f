// SPDX-License-Identifier: Apache-2.0
// Schedule: what the mapper produced for one layer. Its program (arch/program/program.hpp: the
// engine program, the transfer plan per hop, the quantisation parameters) is what the hardware
// executes; the schedule adds how the mapper chose it (search diagnostics) and how it describes
// it (dataflow name, loop order, JSON), which the models never see.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "arch/program/program.hpp"

namespace adasim::workloads {

// The contract's vocabulary, as the mapper builds it.
using arch::ChunkPlan;
using arch::FoldPlan;
using arch::GemmDim;
using arch::NmSlots;
using arch::OperandPlan;
using arch::SystolicFold;
using arch::SystolicProgram;

/// How the mapper chose this schedule (filled by the search).
struct SearchInfo {
  std::string objective;  ///< "latency", "energy" or "edp"
  std::string chosen;     ///< Candidate::describe() of the winner
  double est_cycles = 0, est_energy_pj = 0;
  bool has_runner_up = false;
  std::string runner_up;  ///< best candidate with another dataflow / packing / loop order
  double runner_cycles = 0, runner_energy_pj = 0;
  int64_t evaluated = 0;  ///< candidates scored
  /// No tiling fit the SRAM levels; under SCALE-Sim's timing convention (whose SRAM sizes never
  /// refuse a layer) the least demanding tiling was taken over their capacity.
  bool overcommitted = false;
  /// The search stopped at its budget (mapper.max_candidates candidates scored): the schedule is
  /// the best of those, not necessarily the best of the whole space.
  bool budget_exhausted = false;
  /// Candidates skipped because their transfer plan would exceed mapper.max_plan_chunks chunks
  /// (the mapper's memory budget).
  int64_t over_memory_budget = 0;
  /// Spatial arrays: "exact" when the winner is the optimum of the estimate (with finite DRAM,
  /// of the transfer plan's replay) over the whole candidate space (the exact branch and bound
  /// ran), "shortlist" when it is the best of the screened shortlist; empty elsewhere.
  std::string optimum;
};

struct LayerSchedule : arch::LayerProgram {
  /// The mapper dataflow that laid the layer out ("ws", "rs", ...), "vector" on the vector unit.
  std::string dataflow;
  std::string loop_order;  ///< the loop nest in words
  SearchInfo search;
  /// clock.policy "per_layer": the point chosen for the layer and why (workloads/mapper/
  /// dvfs_mapping.hpp): {"point", "objective", "deadline_us", "options": [{"point", "time_ns",
  /// "energy_pj"}]}; null otherwise.
  nlohmann::json dvfs;
  /// clock.policy "per_layer" with a memory domain of several points: the memory domain's point
  /// the plan chose for the whole run (the same on every layer; the simulator runs the domain
  /// there), else unset.
  std::optional<arch::OperatingPoint> memory_point;

  int64_t dram_load_bytes() const { return transfers.dram_load_bytes(); }
  int64_t dram_store_bytes() const { return transfers.dram_store_bytes(); }
  nlohmann::json to_json() const;  ///< compact description (no per-chunk arrays)
  /// The layer's cycles as the mapper estimates them before simulating (search.est_cycles): the
  /// search's estimate for an array layer, the vector unit's timeline for a vector layer
  /// (timeline/timeline.hpp: lanes, port stalls and DRAM waits).
  double estimated_cycles() const;
};

/// The budget note of a schedule's search ("" when no budget was hit): schedule output.
std::string budget_note(const SearchInfo& s);

/// The loop nest of a spatial program as JSON (levels, dims, bounds, what the RFs keep).
nlohmann::json loop_nest_json(const arch::spatial::Mapping& m);

}  // namespace adasim::workloads
