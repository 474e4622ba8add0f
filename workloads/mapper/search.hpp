// SPDX-License-Identifier: Apache-2.0
// Mapping search for one array layer: enumerates dataflows (all supported ones when the array is
// adaptive, `dataflow: "auto"`), block-diagonal group packings, loop orders, residency of reused
// operands and temporal chunks; scores each with the analytical estimate for the user's
// objective, honours the user's constraints, and keeps the winner and the runner-up.
// Pruning: for a fixed (dataflow, packing, order, residency) a larger chunk that fits is never
// worse (fewer halo re-reads, fewer refills), so only the largest fitting chunk is scored, and
// residency flags that change nothing (an operand nobody re-reads) are not enumerated.
#pragma once

#include <optional>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/candidate.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/search_guard.hpp"

namespace adasim::workloads {

enum class SearchMode { kPruned, kExhaustive };

struct SearchResult {
  LayerSchedule best;
  Candidate best_candidate;
  Estimate best_estimate;
  std::optional<Candidate> runner_up;
  Estimate runner_estimate;
  int64_t evaluated = 0;
};

/// Throws sim::ConfigError when no candidate fits the SRAM levels or a constraint cannot hold.
SearchResult search_mappings(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                             const EnergyCosts& costs, SearchMode mode = SearchMode::kPruned,
                             ISearchGuard* guard = nullptr);

}  // namespace adasim::workloads
