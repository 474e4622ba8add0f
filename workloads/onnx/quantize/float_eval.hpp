// SPDX-License-Identifier: Apache-2.0
// A float32 evaluator of (cleaned) ONNX graphs: the operators of the float models adasim imports
// (Conv, Gemm, MatMul, BatchNormalization, elementwise arithmetic and functions, pooling, layout,
// Concat, Softmax, LayerNormalization) and QuantizeLinear / DequantizeLinear, so that a QDQ model
// evaluates as the fake-quantized network ONNX defines. It runs the calibration data through a
// float model (quantizer.hpp) and serves tests as a float reference. Plain loops, accumulation in
// double per output element, results stored as float32.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace adasim::workloads::quantize {

struct FloatTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t elements() const;
};

class FloatEvaluator {
 public:
  /// `file` names the model in errors. Reads the initializers once.
  FloatEvaluator(const onnx::ModelProto& m, std::string file);

  /// The graph inputs that are not initializers, in order (the ones run() binds).
  const std::vector<std::string>& inputs() const { return inputs_; }

  using Visitor = std::function<void(const std::string& value, const FloatTensor& t)>;
  /// Runs the graph on `inputs` (one per graph input, float32). `visit` sees every float value
  /// computed (graph inputs included) once, in node order. Returns the graph outputs. Throws
  /// sim::ConfigError naming the node for operators or attributes it does not evaluate.
  std::vector<FloatTensor> run(const std::vector<FloatTensor>& inputs, const Visitor& visit = {});

 private:
  const onnx::ModelProto& m_;
  std::string file_;
  std::vector<std::string> inputs_;
  std::map<std::string, FloatTensor> constants_;      ///< float initializers
  std::map<std::string, std::vector<int64_t>> ints_;  ///< integer initializers (shapes, axes,
                                                      ///< quantized weights)
  std::map<std::string, int32_t> int_types_;
};

}  // namespace adasim::workloads::quantize
