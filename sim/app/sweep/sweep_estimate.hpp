// SPDX-License-Identifier: Apache-2.0
// The --dry-run time estimate of a sweep.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/app/sweep/study.hpp"

namespace adasim::sim::sweep {

/// Host seconds of one simulation of `cycles` cycles on `pes` PEs: 0.05 s to start plus
/// 1.0 us per cycle at 1024 PEs, scaled by (pes / 1024)^0.25 (fitted to `adasim run` of
/// MobileNetV2 on 8x8 .. 64x64 arrays on the 2-core machine of bench/README.md: 0.31, 0.67, 1.0
/// and 1.18 us per cycle). Machine-dependent: a guide, not a promise.
double modelled_seconds(double cycles, int64_t pes);

struct Estimate {
  double seconds = 0;  ///< wall time on `jobs` workers
  std::string how;     ///< one sentence saying how it was obtained
};

/// Wall time of the `pending` items (indices into s.items) on `jobs` workers: per workload, the
/// mapper's cycle estimate of a fixed-seed random sample of its pending items (about 32 picks in
/// all) through modelled_seconds, extrapolated to that workload's items; when `done` (journal
/// rows with "host_s") holds rows, the model is rescaled by measured / modelled seconds of up to
/// 16 of them.
Estimate estimate_time(const Study& s, const std::vector<size_t>& pending,
                       const std::vector<nlohmann::json>& done, int jobs);

}  // namespace adasim::sim::sweep
