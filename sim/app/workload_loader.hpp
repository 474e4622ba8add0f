// SPDX-License-Identifier: Apache-2.0
// Picks the workload importer by format (our JSON graph, an ONNX model or a SCALE-Sim topology
// CSV), binds --input tensor files to the graph inputs, and keeps the file's bytes for the run's
// workload hash.
#pragma once

#include <cstdint>
#include <string>

#include <map>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::sim {

struct LoadedWorkload {
  workloads::Graph graph;
  std::string bytes;  ///< the file's content (hashed into the report)
  /// Graph-input values read from --input files (as the accelerator holds them).
  std::map<std::string, workloads::Int8Buffer> input_values;
  std::map<std::string, workloads::Int32Buffer> input_wide_values;  ///< tensors of 9..16 bits
};

/// format: "json", "scalesim", "onnx" or "auto" (by extension: .csv, .onnx, else JSON).
/// `inputs`: tensor files (.pb / .npy) bound in order to the graph inputs. Throws ConfigError.
LoadedWorkload load_workload(const std::string& path, const std::string& format, int64_t batch,
                             const std::vector<std::string>& inputs = {});

}  // namespace adasim::sim
