// SPDX-License-Identifier: Apache-2.0
#include "sim/app/workload_loader.hpp"

#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/ir/json_loader.hpp"
#include "workloads/scalesim/topology_csv.hpp"

namespace adasim::sim {

LoadedWorkload load_workload(const std::string& path, const std::string& format, int64_t batch) {
  std::string fmt = format;
  if (fmt == "auto") {
    const bool csv = path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
    fmt = csv ? "scalesim" : "json";
  }
  if (fmt != "json" && fmt != "scalesim")
    throw ConfigError(path, "--format", format, "one of json, scalesim, auto");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "a missing or unreadable file", "a readable workload file");
  std::ostringstream ss;
  ss << in.rdbuf();
  LoadedWorkload w;
  w.bytes = ss.str();
  if (fmt == "json") {
    w.graph = workloads::load_graph_json(path, batch);
  } else {
    if (batch > 0) throw ConfigError(path, "--batch", std::to_string(batch), "no --batch with SCALE-Sim topologies (batch 1)");
    w.graph = workloads::load_scalesim_topology(path);
  }
  return w;
}

}  // namespace adasim::sim
