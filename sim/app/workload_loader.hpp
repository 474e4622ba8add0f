// SPDX-License-Identifier: Apache-2.0
// Picks the workload importer by format (our JSON graph or a SCALE-Sim topology CSV) and keeps
// the file's bytes for the run's workload hash.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/ir/graph.hpp"

namespace adasim::sim {

struct LoadedWorkload {
  workloads::Graph graph;
  std::string bytes;  ///< the file's content (hashed into the report)
};

/// format: "json", "scalesim" or "auto" (".csv" -> scalesim, else json). Throws ConfigError.
LoadedWorkload load_workload(const std::string& path, const std::string& format, int64_t batch);

}  // namespace adasim::sim
