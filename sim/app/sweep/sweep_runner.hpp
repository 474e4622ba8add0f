// SPDX-License-Identifier: Apache-2.0
// `adasim sweep`: builds the study, then runs (or resumes) the items of this shard in worker
// processes, each an `adasim run` of one point on one workload, journals every finished item and
// rebuilds results.csv / layers.csv / points.csv from the journal. Folder layout and columns:
// docs/sweep.md.
#pragma once

#include <iosfwd>
#include <string>

#include "sim/app/run_limits.hpp"

namespace adasim::sim::sweep {

struct SweepOptions {
  std::string spec;           ///< the sweep spec file
  std::string out;            ///< output folder (created; reused to resume)
  int jobs = 0;               ///< worker processes; 0 = every CPU this process may use
  std::string shard;          ///< "i/N", "" = everything
  bool dry_run = false;       ///< print counts and an estimate, run nothing, write nothing
  bool layers = false;        ///< also layers.csv (per-layer rows)
  bool keep_reports = false;  ///< keep every item's report folder under <out>/reports/
  std::string self;           ///< the adasim executable the workers run
  std::string fidelity;       ///< --fidelity of the workers; "" = the spec's (default fast)
  bool no_values = false;     ///< --no-values: the workers run timing only (spec "values": false)
  /// Limits of each worker run (--max-cycles, --max-seconds, --max-memory-mb, --watchdog-cycles;
  /// "" = the run's default): a point over its limit gets an error row with the worker's
  /// message, like any point the worker refuses.
  LimitFlags limits;
};

/// Exit code 0 when every item of the slice has a row (error rows included), 1 when some worker
/// crashed or could not write (those items stay pending: rerun to retry), 128 + signal when
/// interrupted. Throws ConfigError for a bad spec.
int run_sweep(const SweepOptions& opt, std::ostream& out, std::ostream& err, bool err_is_tty);

}  // namespace adasim::sim::sweep
