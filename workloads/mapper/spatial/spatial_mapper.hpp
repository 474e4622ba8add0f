// SPDX-License-Identifier: Apache-2.0
// Mapping of array layers onto spatial arrays: the analytical estimate of a mapping
// (spatial_estimate.cpp), the transfer plan of the chosen one, and map_spatial, which runs the
// search (spatial_search.hpp) over the dataflows the array supports (one, or all with
// `dataflow: "auto"`) under the user's constraints and fills the layer's schedule.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/search_guard.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"
#include "workloads/mapper/spatial/noc_clock.hpp"

namespace adasim::workloads::spatial {

class DramTrafficCache;  // spatial_dram_walk.hpp

/// Analytical access counts of a mapping (values, per operand 0 ifmap, 1 weight, 2 psum).
struct SpatialEstimate {
  std::array<double, 3> dram{}, gbuf{}, noc{}, rf{};
  double hops = 0;
  double link_hops = 0;  ///< of hops, over the PE-to-PE neighbour links
  double macs = 0;
  /// The array's cycles (compute, refills, NoC stalls): `cycles` on ideal DRAM, and what the
  /// DRAM iterations of the transfer plan's replay add up to.
  double array_cycles = 0;
  double cycles = 0;
  double energy_pj = 0;
  double objective(arch::Objective o) const;
};

struct LayerWidths {
  int in_bytes = 1, w_bytes = 1, out_bytes = 1, psum_bytes = 4;
  int in_bits = 8, w_bits = 8, psum_bits = 32;
};

/// The estimate of a mapping: equal to the engine's cycles and access counts on stall-free
/// memory (it sums the passes' figures by class: edge tiles, psum flushes, per-step bus traffic;
/// and walks the DRAM runs). `dram`, when given, is a cache of p's DRAM traffic (the search's,
/// which its exact bound has already filled for the mappings it estimates); the figures are the
/// same with or without it.
SpatialEstimate estimate_mapping(const Problem& p, const Mapping& m,
                                 const arch::AcceleratorSpec& spec, const LayerWidths& w,
                                 const EnergyCosts& costs, DramTrafficCache* dram = nullptr);
/// Sets e.array_cycles, e.cycles (the larger of the array's cycles and the DRAM bytes over the
/// bandwidth) and e.energy_pj from e's counts.
void price(SpatialEstimate& e, double array_cycles, double dram_bytes,
           const arch::AcceleratorSpec& spec, const EnergyCosts& costs);
/// The search's fast screening score (spatial_screen.cpp): the same figures from closed forms
/// over whole tiles; equal to estimate_mapping where tiles stay inside the layer, above it on
/// edge tiles.
SpatialEstimate screen_mapping(const Problem& p, const Mapping& m,
                               const arch::AcceleratorSpec& spec, const LayerWidths& w,
                               const EnergyCosts& costs);

/// Distinct values of operand o (0 ifmap, 1 weight, 2 psum) the PEs touch in one step when
/// `span` is the spatial loops' span: the tile, except that a stride wider than the filter
/// window skips ifmap rows and columns (a bypassed operand moves only what the PEs read).
int64_t step_distinct(int o, const Problem& p, const std::array<int64_t, kNumDims>& span);

/// PEs of one array column whose psums meet over the neighbour links (noc.psum_link_bits): the
/// product of the Y loops over dims the psums ignore (C, R, S); 1 without links.
int64_t psum_link_group(const Mapping& m, const arch::NocSpec& noc);

/// NoC cycles of one flush of the RF psums of `pes` PEs holding `per_pe` psums of `bits` each,
/// in column groups of k (psum_link_group): the chain down each group, ceil(per_pe * bits /
/// psum_link_bits) + k - 2 cycles (k > 1), then the groups' sums over the psum bus; each phase
/// in core cycles at `clock` (a memory domain).
double psum_flush_cycles(double pes, double per_pe, int64_t k, int bits, const arch::NocSpec& noc,
                         arch::NocClock clock);

/// What the register files move between passes, over all passes, exactly as the engine moves
/// it (per pass spatial_refills.cpp, summed by class of passes spatial_pass_classes.cpp, so the
/// cost grows with the dims' coordinates and the classes, not the passes): refills of the kept
/// inputs (NoC cycles: per pass the busiest operand bus; buffer reads: one per distinct value,
/// multicast; deliveries: one per PE and value) and flushes of kept psums (NoC cycles, psums sent
/// by the PEs, buffer writes, link hops); and, step by step (spatial_steps.cpp), the bypassed
/// operands' traffic and NoC stall. Cycles are core cycles at `clock` (a memory domain: each
/// refill, step and flush phase converted, each refill with its synchroniser).
struct PassTerms {
  double refill_cycles = 0;
  std::array<double, 2> gbuf{}, noc{};
  double flush_cycles = 0, sent = 0, writes = 0, link_hops = 0;
  double step_stall = 0;
  std::array<double, 2> step_gbuf{}, step_noc{};
  double step_writes = 0, step_macs = 0, step_link_hops = 0;
};
PassTerms pass_terms(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                     const int bits[3], const double width[3], arch::NocClock clock);

/// The cycles of every DRAM iteration (one transfer-plan chunk) of a mapping as the engine runs
/// it (spatial_pass_classes.cpp): max(1, its passes' steps) plus its NoC cycles (its passes'
/// refills and step stalls, and the psum flushes that fall within it: a run's flush belongs to
/// the iteration that ends the run). Their sum is the estimate's array cycles (the figures of
/// pass_terms, split by iteration); iterations of one class (same carry, output-tile moves and
/// edge coordinates) are evaluated once.
std::vector<int64_t> iteration_cycles(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                                      const int bits[3], arch::NocClock clock);

/// Fills the schedule's transfer plan (folds = runs over one output tile, chunks = DRAM
/// iterations) by walking the DRAM loops; sizes in bytes. `check` (optional: the search guard,
/// search_guard.hpp) is called once every kFoldsPerCheck folds, so a plan of millions of folds
/// answers to the run's budget as the search before it does.
inline constexpr int64_t kFoldsPerCheck = kFoldsPerGuardCheck;
void plan_transfers(LayerSchedule& sch, const Problem& p, const LayerWidths& w,
                    const std::function<void()>& check = {});

/// The best mapping of an array layer on a spatial array (throws sim::ConfigError when no
/// dataflow can map it within the RF and buffer capacities). `guard` (optional) is checked
/// between the search's candidates (search_guard.hpp).
LayerSchedule map_spatial(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                          const EnergyCosts& costs, ISearchGuard* guard = nullptr);

/// The schedule map_spatial builds for mapping `m` of an array layer (engine program, transfer
/// plan), without a search: e.g. the search's runner-up, to simulate it.
LayerSchedule spatial_schedule(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                               const Mapping& m);

LayerWidths widths_of(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec);

/// With finite DRAM: mapping m's exact estimate `e` with the cycles of its transfer plan's
/// replay (workloads/mapper/timeline: the engine overlaps DRAM and compute per DRAM iteration
/// only) and the energy whose leakage follows them. Never below `e` (the replay takes at least
/// the array cycles and moves the DRAM bytes at the bandwidth); the search's Refine.
SpatialEstimate replayed_estimate(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                                  const EnergyCosts& costs, const Mapping& m, SpatialEstimate e,
                                  const std::function<void()>& check = {});

}  // namespace adasim::workloads::spatial
