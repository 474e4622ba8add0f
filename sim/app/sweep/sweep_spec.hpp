// SPDX-License-Identifier: Apache-2.0
// The sweep spec (docs/sweep.md, schema configs/sweeps/sweep.schema.json): a base architecture
// config with overrides, workloads, axes (config key -> values), how axes combine, constraints,
// optional sampling and the Pareto objectives. Parsing validates everything it can without
// running a simulation and reports every problem as a ConfigError issue (file, JSON pointer,
// value, expectation).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace adasim::sim::sweep {

/// The sweep_version this build reads.
constexpr int kSweepVersion = 1;

struct WorkloadSpec {
  std::string name;             ///< unique; the `workload` column
  std::string path;             ///< resolved against the spec file's folder
  std::string format = "auto";  ///< as `adasim run --format`
  int64_t batch = 0;            ///< 0 = the graph's own
  uint64_t seed = 1;
  std::string weight_sparsity;  ///< as --weight-sparsity ("" = dense)
  std::string act_sparsity;     ///< as --act-sparsity
  bool act_every_layer = false;
};

/// One axis: every key in `keys` takes the same value from `values`. A conditional axis (with
/// `when`) applies only to points whose earlier axes took one of the listed values.
struct Axis {
  std::string name;               ///< the CSV column
  std::vector<std::string> keys;  ///< dotted config keys, as --set
  std::vector<nlohmann::json> values;
  std::string group;  ///< axes of one group are zipped; "" = its own group
  /// Conditions, all required: (earlier axis name, accepted values).
  std::vector<std::pair<std::string, std::vector<nlohmann::json>>> when;
  std::string pointer;  ///< "/axes/3", for messages
  bool listed = false;  ///< values given as "values" (each has its pointer "/axes/3/values/<i>")
  bool conditional() const { return !when.empty(); }
};

/// Metrics a constraint or an objective can name. Pre-run metrics come from the resolved config
/// and the area model, so violating points are never run; post-run metrics need the simulation,
/// so violating rows are run and marked infeasible.
enum class Metric { kAreaMm2, kSramKib, kPes, kLatencyNs, kCycles, kEnergyPj, kPowerMw, kEdp };
std::optional<Metric> metric_from_string(const std::string& s);
const char* to_string(Metric m);
const char* column_of(Metric m);  ///< the results.csv column holding it
bool is_pre_run(Metric m);

struct Constraint {
  Metric metric;
  std::optional<double> min, max;
  std::string pointer;  ///< "/constraints/1"
};

enum class Sampling { kNone, kRandom, kLatinHypercube };

struct SweepSpec {
  std::string file;  ///< the spec file as given
  std::string name;
  std::string arch;              ///< base architecture config (resolved path)
  std::vector<std::string> set;  ///< base overrides, applied before the axes
  std::vector<WorkloadSpec> workloads;
  std::vector<Axis> axes;
  std::vector<Constraint> constraints;
  Sampling sampling = Sampling::kNone;
  int64_t sample_count = 0;
  uint64_t sample_seed = 1;
  std::vector<Metric> objectives = {Metric::kLatencyNs, Metric::kEnergyPj};
  std::string fidelity = "fast";  ///< the workers' --fidelity (same figures either way)
  /// false: the workers run `--no-values` (timing only, same figures; no sparse workloads or
  /// sparsity section, whose timing needs values). Not default-filled into `normalized`, so
  /// the digests of specs without the key stay as they were.
  bool values = true;
  nlohmann::json normalized;  ///< the spec with defaults filled and generators expanded
};

/// The keys each object of a spec may hold, by object: "" (top level), "workload", "axis",
/// "range", "pow2", "log", "constraint", "sampling". One table drives the parser's unknown-key
/// errors and the test that configs/sweeps/sweep.schema.json lists the same keys.
const std::vector<std::string>& spec_keys(const std::string& object);

/// Reads and validates a sweep spec. Paths are resolved against the spec file's folder. Axis
/// keys are checked against the base config (an unknown key is an error at /axes/i/key); values
/// are checked per point later (a bad value makes that point invalid, not the spec).
/// Throws ConfigError listing every issue.
SweepSpec load_sweep_spec(const std::string& path);

/// With `values` false (timing only), every workload option that needs values (a generated zero
/// pattern, act_every_layer) as an issue; `why` names the switch in the expectation.
std::vector<InputIssue> timing_only_issues(const SweepSpec& spec, const std::string& why);

/// Same for a spec already in memory; `file` names it in errors, `base_dir` resolves its paths.
SweepSpec parse_sweep_spec(const nlohmann::json& j, const std::string& file,
                           const std::string& base_dir);

}  // namespace adasim::sim::sweep
