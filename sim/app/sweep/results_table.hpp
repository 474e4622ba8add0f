// SPDX-License-Identifier: Apache-2.0
// Result rows of a sweep (journal rows) and the tidy CSVs built from them: results.csv (one row
// per point x workload), layers.csv (one row per point x workload x layer) and points.csv (every
// point with its status). Column reference: docs/sweep.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/app/sweep/study.hpp"

namespace adasim::sim::sweep {

/// What the CSV writers need to know about the study beyond the rows (kept in sweep.json so that
/// `adasim sweep merge` can rebuild the CSVs without the spec).
struct TableLayout {
  std::vector<std::string> axis_columns;
  std::vector<std::string> workloads;  ///< names, in spec order
  std::vector<Metric> objectives;
  nlohmann::json to_json() const;
  static TableLayout from_json(const nlohmann::json& j);
};
TableLayout layout_of(const Study& s);

/// Whether `name` is a column of results.csv that an axis may not take.
bool is_reserved_column(const std::string& name);

/// The journal row of a finished item from the worker's report.json (`report`): totals, energy by
/// module, area by block, stalls, utilizations, power = energy / time (pJ / ns = mW), EDP =
/// energy x time (pJ ns), the post-run constraints, and with `with_layers` the per-layer cells.
/// Throws ModelError if the report's config hash is not the point's.
nlohmann::json ok_row(const Study& s, const WorkItem& item, const nlohmann::json& report,
                      bool with_layers);

/// The journal row of an item whose simulation failed deterministically (exit code 2 or 3).
nlohmann::json error_row(const Study& s, const WorkItem& item, int exit_code,
                         const std::string& message);

/// results.csv: rows sorted by (point, workload), a `pareto` column marking the rows no other
/// row of the same workload dominates on the objectives (among rows that ran and are feasible).
std::string results_csv(const TableLayout& layout, std::vector<nlohmann::json> rows);

/// layers.csv from the rows' per-layer cells (rows without them contribute nothing).
std::string layers_csv(const TableLayout& layout, std::vector<nlohmann::json> rows);

/// points.csv: every point with its status, reason, hash and pre-run metrics.
std::string points_csv(const Study& s);

}  // namespace adasim::sim::sweep
