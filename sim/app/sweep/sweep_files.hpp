// SPDX-License-Identifier: Apache-2.0
// The sweep folder's manifest (sweep.json) and `adasim sweep merge`, which joins the folders of
// shards into one: it checks that they ran the same spec and that every shard and every item is
// there exactly once, reports what is missing or duplicated, and rebuilds the CSVs.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/app/sweep/study.hpp"

namespace adasim::sim::sweep {

/// sweep.json of a run: the spec digest and normalized spec, the CSV layout, the shard and the
/// keys of its items (with their point and workload, so merge can name what is missing).
nlohmann::json manifest(const Study& s, const Shard& shard);

struct MergeOptions {
  std::vector<std::string> inputs;  ///< shard folders
  std::string out;                  ///< merged folder (results.jsonl, CSVs, sweep.json)
  bool allow_incomplete = false;    ///< write the merge even with missing items
};

/// Returns 0 when complete; 2 (nothing written unless allow_incomplete) when shards or items
/// are missing or the folders disagree, each problem printed on `err`.
int merge_sweeps(const MergeOptions& o, std::ostream& out, std::ostream& err);

}  // namespace adasim::sim::sweep
