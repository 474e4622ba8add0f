// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim topology CSV importer (conv form and GEMM "Layer, M, N, K" form). Each row becomes an
// independent 8-bit conv2d layer (a "DP" row one per channel) whose GEMM view equals the one
// SCALE-Sim simulates, with SCALE-Sim's ceil output size (the overhang reads zeros).
#pragma once

#include <istream>
#include <string>

#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// Reads a SCALE-Sim topology file. The form is detected from the header line. Throws
/// sim::ConfigError (where = "line N") listing every malformed line.
Graph load_scalesim_topology(const std::string& path);

/// Same, from a stream; file_label is used in errors and as Graph::source_file, and its stem
/// (without directory and extension) becomes the graph name.
Graph parse_scalesim_topology(std::istream& in, const std::string& file_label);

}  // namespace adasim::workloads
