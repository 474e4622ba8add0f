// SPDX-License-Identifier: Apache-2.0
// The --dry-run time estimate of a sweep: the mapper's schedules of sampled items (the same
// search each worker runs) give each item's work; a price per unit of work, by the workers'
// fidelity, turns it into seconds.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/app/sweep/study.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::sim::sweep {

/// How the workers run: per cycle, or fast (with or without the functional datapath).
struct RunKind {
  bool fast = true;
  bool values = true;
};

/// One item's work, summed over its layers' schedules.
struct ItemWork {
  double cycles = 0;  ///< the mapper's cycle estimate (vector layers: ops / lanes)
  double macs = 0;    ///< MACs of the programs (vector layers: lane operations)
  double folds = 0;   ///< folds of every layer: fast mode advances each in a few steps
  double bursts = 0;  ///< DRAM bytes / burst bytes (priced as measured before jobs became trains)
  /// CPU seconds the mapper's search took for this item in the estimating process: the worker
  /// runs the same search (measured, not modelled: it varies too much with the candidates
  /// other dataflows give, which the chosen schedules do not show).
  double map_seconds = 0;
  int64_t pes = 0;
};

/// The work of `schedules` (map_graph of one item) on an array of `pes` PEs with DRAM bursts of
/// `burst_bytes`; map_seconds is left 0.
ItemWork item_work(const std::vector<workloads::LayerSchedule>& schedules, int64_t pes,
                   int burst_bytes);

/// Host CPU seconds of one item of `work` (fitted on the 2-core machine of bench/README.md,
/// one process per core, to `adasim run` of MobileNetV2, ResNet-50 and the DS-CNN on 8x8 ..
/// 64x64 arrays; docs/sweep.md gives the terms). Machine-dependent: a guide, not a promise.
/// Every run: a start price plus the mapper's search (map_seconds). Per cycle: 1.0 us per cycle
/// at 1024 PEs, scaled by (pes / 1024)^0.25. Fast: a price per fold and per DRAM burst, plus,
/// with values, one per MAC (the fold products and operand tiles).
double modelled_seconds(const ItemWork& work, RunKind kind);

struct Estimate {
  double seconds = 0;  ///< wall time on `jobs` workers
  /// The part of `seconds` that is mapping: the sampled items' host CPU time of their mapper
  /// search, extrapolated like the rest (measured, so it varies from run to run).
  double mapping_seconds = 0;
  std::string how;     ///< one sentence saying how it was obtained
};

/// The ItemWork of item `i` of `s` (maps it in this process); pes = 0 when it cannot be mapped
/// (it will fail fast).
ItemWork study_item_work(const Study& s, size_t i);

/// Wall time of the `pending` items (indices into s.items) on `jobs` workers run as `kind`:
/// per workload and PE count, the work of a fixed-seed random sample of its pending items (about
/// 32 picks in all) through modelled_seconds, extrapolated to that group's items; when `done` (journal
/// rows with "host_s") holds rows, the model is rescaled by measured / modelled seconds of up to
/// 16 of them.
Estimate estimate_time(const Study& s, const std::vector<size_t>& pending,
                       const std::vector<nlohmann::json>& done, int jobs, RunKind kind);

}  // namespace adasim::sim::sweep
