// SPDX-License-Identifier: Apache-2.0
// JSON graph format ("format": "adasim-graph", version 1) <-> Graph IR. The loader validates
// everything (unknown keys, types, ranges, use before definition, shape inference) and reports all
// problems at once as a sim::ConfigError with JSON pointers. Format reference: workloads/README.md.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// Format tag and version written/accepted at the top level of a graph file.
constexpr const char* kGraphFormat = "adasim-graph";
constexpr int kGraphFormatVersion = 1;

/// Reads and validates a graph file. Throws sim::ConfigError naming the file, the JSON pointer,
/// the bad value and what was expected (all issues collected, thrown once).
/// batch_override > 0 replaces the graph's batch: every activation tensor (graph inputs and
/// declared non-constant tensors) gets it as first dimension and inferred activations follow.
Graph load_graph_json(const std::string& path, int64_t batch_override = 0);

/// Same as load_graph_json on an already parsed document; file_label is used in error messages
/// and stored as Graph::source_file.
Graph parse_graph_json(const nlohmann::json& j, const std::string& file_label,
                       int64_t batch_override = 0);

/// Full form of a graph: every tensor declared explicitly, every layer with explicit weight names
/// and attributes. parse_graph_json(graph_to_json(g), ...) reproduces g.
nlohmann::json graph_to_json(const Graph& g);

}  // namespace adasim::workloads
