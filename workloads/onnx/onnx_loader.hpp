// SPDX-License-Identifier: Apache-2.0
// ONNX model (.onnx) -> Graph IR, for quantized models in QOperator form (QLinearConv,
// QLinearMatMul, ConvInteger, MatMulInteger) or QDQ form (DequantizeLinear -> Conv / Gemm /
// MatMul [-> Relu] -> QuantizeLinear fused into one quantized layer), plus integer-valued float
// models in an exact mode. Supported operators, forms and errors: workloads/README.md, section
// "ONNX models". Everything the loader cannot express exactly is a sim::ConfigError naming the
// file, the node and what would be accepted; nothing is skipped silently.
//
// Wiring `adasim run --workload model.onnx --input in0.pb [--input ...] --dump-outputs DIR`:
//   std::vector<HostTensor> bound;                       // --input files, in order
//   for (const auto& f : input_files) bound.push_back(read_tensor_file(f));
//   OnnxModel m = load_onnx_model(path, bound, batch);   // batch 0 = as in the model
//   ValueStore values(m.graph, generator);
//   for (auto& [name, buf] : m.input_values) values.put(name, buf);
//   ... run m.graph ...
//   write_output_files(dir, output_tensors(m.graph, values.all(), values.all_wide()));
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"
#include "workloads/onnx/quantize/quantize_options.hpp"
#include "workloads/onnx/tensor_file.hpp"

namespace adasim::workloads {

/// An imported model: the graph and the values of its activation inputs that came from files.
struct OnnxModel {
  Graph graph;
  /// Values of graph inputs (graph.graph_inputs) bound to an --input file, as the accelerator
  /// holds them (int8 storage): copied bit for bit (uint8 / int8 inputs), quantized with
  /// QuantizeLinear (float inputs feeding a QuantizeLinear), or taken exactly (float exact mode).
  /// Inputs without a file are absent: the run generates them from its seed.
  std::map<std::string, Int8Buffer> input_values;
  /// A float model quantized on import (QuantizeOptions): the QDQ model as serialized ONNX
  /// (when OnnxImportOptions::keep_quantized), and what was quantized, for the report.
  std::string quantized_model;
  std::string quantize_summary;
};

struct OnnxImportOptions {
  int64_t batch = 0;            ///< > 0: dim 0 of the activation inputs (no bound files)
  QuantizeOptions quantize;     ///< what to do with a float model
  bool keep_quantized = false;  ///< fill OnnxModel::quantized_model
};

/// Loads `path`. `bound_inputs` bind positionally to the ONNX graph inputs (graph.input minus the
/// initializers, in order: bound_inputs[0] is the first; fewer files than inputs is allowed).
/// Each file must have the input's element type and a shape matching its declared dimensions.
/// A graph input used as a scale, zero point, weight, bias or Reshape shape is folded into the
/// graph as a constant with the bound file's values (weights without a file are seeded; scales,
/// zero points, biases and shapes need an initializer or a file). The other inputs become the
/// graph's activation inputs, listed in graph.input_boundary in model order.
/// batch > 0 replaces dim 0 of the activation inputs (only without bound files); a symbolic
/// dim 0 without batch or file is 1. Throws sim::ConfigError on anything unsupported.
OnnxModel load_onnx_model(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                          int64_t batch = 0);
/// As above, with the clean-up passes (cleanup/cleanup.hpp) and, for a float model with
/// quantize.mode == kInt8 or quantize.no_values, post-training quantization into QDQ form
/// (quantize/quantizer.hpp) before the import. ConfigError for --quantize int8 on a model that
/// is not float (with no_values such a model is imported as it is, for a timing-only run).
OnnxModel load_onnx_model(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                          const OnnxImportOptions& options);

/// load_onnx_model(...).graph.
Graph load_graph_onnx(const std::string& path, const std::vector<HostTensor>& bound_inputs = {},
                      int64_t batch = 0);

/// The run's graph outputs as host tensors, one per graph.output_boundary entry (the ONNX graph
/// outputs, in model order), named and typed as in the model: DequantizeLinear'd to float32 when
/// the boundary converts (also float exact mode: int32 -> float32 with scale 1), else the
/// integers as uint8 / int8 / int32. Shapes are the graph tensors' shapes (a final Reshape /
/// Flatten is already applied to them). `values` holds <= 8-bit tensors, `wide_values` int32
/// ones (ValueStore::all() / all_wide()). A graph without output_boundary (JSON graphs) gives
/// its graph_outputs as integers. Throws sim::ModelError if an output has no values.
std::vector<HostTensor> output_tensors(const Graph& g,
                                       const std::map<std::string, Int8Buffer>& values,
                                       const std::map<std::string, Int32Buffer>& wide_values);

/// For graphs without input_boundary (JSON graphs): bound_inputs bind positionally to
/// graph_inputs and must hold integers of the tensors' ranges (any integer element type; tensors
/// of up to 8 bits go to int8 storage, tensors of 9..16 bits to int32 values).
/// ConfigError on a count, element count or range mismatch.
struct IntegerInputs {
  std::map<std::string, Int8Buffer> values;  ///< tensors of up to 8 bits
  std::map<std::string, Int32Buffer> wide;   ///< tensors of 9..16 bits
};
IntegerInputs integer_input_values(const Graph& g, const std::vector<HostTensor>& bound_inputs);

}  // namespace adasim::workloads
