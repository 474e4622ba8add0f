// SPDX-License-Identifier: Apache-2.0
// A study: the spec's points resolved into design points (config hash, pre-run metrics, validity)
// and the work items (valid point x workload) the runner executes. Everything here is computed
// in the calling process without elaborating SystemC.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/app/sweep/point_space.hpp"
#include "sim/app/sweep/sweep_spec.hpp"

namespace adasim::sim::sweep {

enum class PointStatus { kValid, kInvalid, kDuplicate };
const char* to_string(PointStatus s);

struct ResolvedPoint {
  int64_t index = 0;  ///< position in the study (the `point` column)
  Point point;
  std::vector<std::string> overrides;  ///< the axes' --set overrides (after the spec's "set")
  PointStatus status = PointStatus::kValid;
  std::string reason;                   ///< why it is invalid / which point it duplicates
  std::string config_hash;              ///< of the resolved config (as report.json's)
  std::string design;                   ///< run_metadata.hpp design_name
  std::vector<nlohmann::json> columns;  ///< per axis column: the resolved value at its key
  double area_mm2 = 0.0;
  std::map<std::string, double> area_block_mm2;
  double sram_kib = 0.0;
  int64_t pes = 0;
};

/// One simulation: a valid point on one workload.
struct WorkItem {
  size_t point = 0;     ///< index into Study::points
  size_t workload = 0;  ///< index into SweepSpec::workloads
  std::string key;      ///< "<config_hash>-<workload key>": identifies the row across runs
};

struct Study {
  SweepSpec spec;
  std::vector<std::string> columns;  ///< axis column names (unique axis names, in order)
  std::vector<ResolvedPoint> points;
  std::vector<std::string> workload_keys;  ///< per workload: digest of its options and file
  std::vector<WorkItem> items;             ///< valid points x workloads, point-major
  std::string digest;                      ///< of the normalized spec (shards must agree)
};

/// Enumerates (or samples), resolves and checks every point. ConfigError for spec problems.
Study build_study(SweepSpec spec);

/// A shard "i/N" (0 <= i < N): the items whose position in Study::items is i modulo N.
struct Shard {
  int64_t index = 0, count = 1;
  bool takes(size_t item_ordinal) const { return int64_t(item_ordinal % size_t(count)) == index; }
  std::string label() const { return std::to_string(index) + "/" + std::to_string(count); }
};
/// Parses "i/N"; ConfigError naming --shard otherwise.
Shard parse_shard(const std::string& text);

/// The value at a dotted key ("memory.sram.0.size_kib") of a resolved config, or null.
nlohmann::json value_at(const nlohmann::json& config, const std::string& dotted);

}  // namespace adasim::sim::sweep
