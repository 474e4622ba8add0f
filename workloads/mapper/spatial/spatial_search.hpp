// SPDX-License-Identifier: Apache-2.0
// Mapping search for spatial arrays. A mapping is built in three steps: the core (spatial loops
// over the array's Y and X, and the register-file loops, as the dataflow allows them), the split
// of each dim's remaining extent between global buffer and DRAM, and the loop order at both
// levels. Every complete mapping is scored with the closed-form screening score
// (spatial_screen.cpp); the 16 best are ranked by the exact estimate (spatial_estimate.cpp).
// Then, seeded with the best of those, a branch and bound on ExactBound (a proven lower bound of
// the exact estimate) finds the exact estimate's optimum over the candidate space, when at most
// a budget of mappings survive its bound (SpatialSearchResult::exact_optimum).
//
// Exhaustive mode enumerates every bound of every loop, every split and every order: the
// reference the pruned search is tested against on small layers.
// Pruned mode (the default) removes points that cannot win:
//  - symmetric: loops of bound 1 are dropped, so orders that differ only in them are one;
//  - dominated: groups share no data, so the group loop sits outermost at DRAM level (every
//    operand changes with it, so moving it out never adds a refill); a factor that takes as
//    many iterations as a smaller one is dropped (the balanced bounds ceil(n / t) only); with
//    one operand kept in the register files, the buffer-level order that puts the loops that
//    operand ignores innermost is never worse than another;
//  - bounded: each core and each split has a lower bound of its completions' objective
//    (lower_bound below); cores are visited in increasing bound and cut once the bound reaches
//    the best candidate so far (branch and bound, exact).
//  On large layers it also thins long factor lists to an even spread (at most a handful of
//  values per loop) and tiles at most two dims besides the batch at DRAM level.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/search.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"
#include "workloads/mapper/spatial/spatial_dataflow.hpp"
#include "workloads/mapper/spatial/spatial_dram_walk.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim::workloads::spatial {

struct SpatialSearchResult {
  bool found = false;
  Mapping best;
  SpatialEstimate best_e;
  bool has_runner = false;  ///< best scored candidate with another loop nest
  Mapping runner;
  SpatialEstimate runner_e;
  double screened = 0;    ///< best screening objective (screen_mapping) among those scored
  int64_t evaluated = 0;  ///< complete mappings scored
  int64_t estimated = 0;  ///< complete mappings ranked by the exact estimate
  int64_t replayed = 0;   ///< of those, refined by the search's Refine (finite DRAM: replayed)
  /// The best is the exact estimate's optimum over the candidate space (the exact branch and
  /// bound ran to its end; with a Refine, the refined objective's optimum); else the best of
  /// the exactly estimated shortlist.
  bool exact_optimum = false;
  int64_t cut = 0;  ///< cores and splits cut by their bound (each stands for many mappings)
  /// The search stopped at spec.mapper.max_candidates mappings scored (best of those kept).
  bool exhausted = false;
  /// Mappings skipped: their transfer plan (one chunk per DRAM iteration) would exceed
  /// spec.mapper.max_plan_chunks.
  int64_t over_memory = 0;
};

/// Refines a mapping's exact estimate in place into what the engine takes (with finite DRAM:
/// the replay of its transfer plan, search_layer). Contract: it never lowers the estimate's
/// objective, so the estimate stays a lower bound the search can cut on.
using Refine = std::function<void(const Mapping&, SpatialEstimate&)>;

/// With a Refine, the search ranks by the refined objective: the shortlist's two best estimates
/// and every later candidate whose estimate does not exceed the best refined objective are
/// refined (the estimate and ExactBound are lower bounds of it), so exact_optimum means the
/// refined objective's optimum over the candidate space.
SpatialSearchResult search_spatial(const Problem& p, const std::vector<std::string>& dfs,
                                   const arch::AcceleratorSpec& spec, const LayerWidths& w,
                                   const EnergyCosts& costs, const Constraints& c,
                                   SearchMode mode = SearchMode::kPruned,
                                   const std::function<void()>& guard = {},
                                   const Refine& refine = {});

/// The search map_spatial runs for array layer l: search_spatial over the config's dataflows
/// and constraints. With finite DRAM its Refine replays a mapping on its transfer plan
/// (workloads/mapper/timeline: the engine's cycles; defined in spatial_mapper.cpp): the winner
/// and runner-up carry the replayed cycles and energy, and the winner is the replay's optimum
/// when exact_optimum.
SpatialSearchResult search_layer(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                                 const EnergyCosts& costs, const std::function<void()>& guard = {});

/// Calls f(mapping) for every legal mapping (capacities and constraints met) of one dataflow
/// in `mode`, without bounding; the exhaustive space for the tests.
void for_each_mapping(const Problem& p, const std::string& df, const arch::AcceleratorSpec& spec,
                      const LayerWidths& w, const Constraints& c, SearchMode mode,
                      const std::function<void(const Mapping&)>& f);

/// Whether the buffer tiles of `gb_span` fit the SRAM levels: each level holds the tiles of the
/// operands it stages (two copies when double buffered), e.g. an ifmap/psum level and a filter
/// level of a split global buffer.
bool gbuf_fits(const Problem& p, const std::array<int64_t, kNumDims>& gb_span, const LayerWidths& w,
               const arch::AcceleratorSpec& spec);

/// Buffer and DRAM bound of every dim (their product covers what the core leaves).
struct Split {
  std::array<int64_t, kNumDims> gbuf{}, dram{};
};

/// Lower bounds of screen_mapping(...).objective(obj) over the mappings whose spatial and
/// register-file loops are `core` and whose temporal loops cover `rem` (each dim's extent left
/// above the array): over all of them, or over those with one split in any loop order.
class CoreBound {
 public:
  using Idx = std::array<int64_t, kNumDims>;
  CoreBound(const Problem& p, const Mapping& core, const Idx& rem,
            const arch::AcceleratorSpec& spec, const LayerWidths& w, const EnergyCosts& costs,
            arch::Objective obj);
  double any_split() const { return bound(nullptr); }
  double of(const Split& s) const { return bound(&s); }

 private:
  double bound(const Split* s) const;
  /// An energy (pJ) and the cycles some terms add (stalls, refills).
  struct Terms {
    double energy = 0, stall = 0;
  };
  /// The energy terms that do not depend on the loop order and the bus stalls of the bypassed
  /// operands, for `passes` passes; nullopt when no bound holds without a split (bound 0).
  std::optional<Terms> order_free_terms(const Split* split, double passes) const;
  /// `energy` plus the array boundary's energy, and its refill cycles, when each operand's tile
  /// changes ev[o] times (ratio_*: the ifmap's window slide at the RF and the array).
  inline Terms array_terms(const std::array<double, 3>& ev, double ratio_rf, double ratio_arr,
                           double energy) const;
  const Problem& p_;
  const arch::AcceleratorSpec& spec_;
  const LayerWidths& w_;
  const EnergyCosts& costs_;
  arch::Objective obj_;
  std::array<bool, 3> keep_{};
  Idx rem_{}, arr_span_{};
  double pes_ = 0, steps_ = 0, macs_ = 0, outs_ = 0, bytes_per_cycle_ = 0;
  std::array<double, 3> width_{};  // per-operand bus widths
  int64_t link_group_ = 1;         // psum_link_group of the core
  arch::NocClock clock_;           // the NoC's cycles in core cycles (a memory domain)
  std::array<double, 3> t_rf_{}, t_arr_{}, t_sp_{}, changing_{};
  // Fraction of the ifmap's RF / array tile one step of a loop over P, Q, R, S moves.
  std::array<double, 4> slide_rf_{}, slide_arr_{};
};

/// Ifmap elements inside the tensor that some MAC of the layer reads (a stride larger than the
/// window skips rows, padding is outside): every mapping reads each from DRAM at least once.
int64_t touched_ifmap_elems(const Problem& p);

/// Lower bounds of estimate_mapping(...).objective(obj) (the exact estimate, not the screening
/// score) over the mappings of `core` whose temporal loops cover `rem`: over all of them, or over
/// those with one split (spatial_exact_bound.cpp gives the argument). `touched_ifmap` is
/// touched_ifmap_elems(p), a figure of the layer the search computes once for all its cores.
class ExactBound {
 public:
  using Idx = std::array<int64_t, kNumDims>;
  ExactBound(const Problem& p, const Mapping& core, const Idx& rem,
             const arch::AcceleratorSpec& spec, const LayerWidths& w, const EnergyCosts& costs,
             arch::Objective obj, int64_t touched_ifmap, DramTrafficCache* dram = nullptr);
  double any_split() const { return bound(nullptr, 0, 0); }
  double of(const Split& s) const { return bound(&s, 0, 0); }
  /// Over the one mapping `m` of split `s`: with its DRAM traffic exactly (dram_traffic; the
  /// DRAM loop order's re-reads and reloads), from the search's DramTrafficCache when given
  /// (the traffic depends only on the split and the DRAM order, so the cache serves the buffer
  /// orders that follow).
  double of(const Split& s, const Mapping& m) const;
  /// A cheaper, looser bound over the one mapping `m` (<= of(s, m)): only the re-reads of the
  /// weights and the output reloads its DRAM loop order forces, from the loop bounds alone.
  /// The search checks it first and prices the DRAM walk only where it does not cut.
  double of_order(const Split& s, const Mapping& m) const;

 private:
  double bound(const Split* s, double extra_pj, double extra_bytes) const;
  const Problem& p_;
  DramTrafficCache* dram_;  ///< the search's, or none (each of(s, m) walks its nest)
  Idx rem_{};
  arch::Objective obj_;
  double steps_ = 0, bus_cycles_ = 0, dram_bytes_ = 0, bytes_per_cycle_ = 0, energy_ = 0;
  double leak_pj_per_cycle_ = 0;
  std::array<double, 3> dram_pj_{}, dram_bytes_per_{};  ///< per element read / written
  double min_reads_[2] = {0, 0};                        ///< the reads dram_bytes_ and energy_ count
  double outs_ = 0;                                     ///< the output writes they count
};

}  // namespace adasim::workloads::spatial
