// SPDX-License-Identifier: Apache-2.0
// Picks the workload importer by format (our JSON graph, an ONNX model or a SCALE-Sim topology
// CSV), binds --input tensor files to the graph inputs, and keeps the file's bytes for the run's
// workload hash.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"
#include "workloads/onnx/quantize/quantize_options.hpp"

namespace adasim::sim {

struct LoadedWorkload {
  workloads::Graph graph;
  std::string bytes;  ///< the file's content (hashed into the report)
  /// Graph-input values read from --input files (as the accelerator holds them).
  std::map<std::string, workloads::Int8Buffer> input_values;
  std::map<std::string, workloads::Int32Buffer> input_wide_values;  ///< tensors of 9..16 bits
  /// A float ONNX model quantized on import: the QDQ model (serialized, if asked for) and a
  /// one-line summary of what was quantized.
  std::string quantized_model;
  std::string quantize_summary;
};

/// format: "json", "scalesim", "onnx" or "auto" (by extension: .csv, .onnx, else JSON).
/// `inputs`: tensor files (.pb / .npy) bound in order to the graph inputs. Throws ConfigError.
/// `quantize`: what to do with a float ONNX model (default: run it as it is; other settings are
/// ConfigErrors for JSON / SCALE-Sim workloads); `keep_quantized` fills quantized_model.
LoadedWorkload load_workload(const std::string& path, const std::string& format, int64_t batch,
                             const std::vector<std::string>& inputs = {},
                             const workloads::QuantizeOptions& quantize = {},
                             bool keep_quantized = false);

}  // namespace adasim::sim
