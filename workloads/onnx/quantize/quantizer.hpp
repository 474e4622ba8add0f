// SPDX-License-Identifier: Apache-2.0
// Post-training quantization of a float ONNX model into QDQ form (what `--quantize int8` runs,
// and what `--save-quantized` writes): weights of Conv / Gemm / MatMul per output channel,
// symmetric int8 (scale max|w| / 127, zero point 0; per tensor for opset < 13); activations per
// tensor, asymmetric uint8 over the calibrated range [lo, hi] (lo <= 0 <= hi):
// scale = (hi - lo) / 255, zero point = round(-lo / scale). Where a QuantizeLinear /
// DequantizeLinear pair goes follows what the importer fuses:
//  - after every graph input and every layer result (MAC, pooling, eltwise Add / Mul, Concat,
//    Softmax, LayerNormalization, and any other node);
//  - not between a MAC and its bias Add and Relu / Clip / LeakyRelu, nor between an Add / Mul and
//    its Relu / Clip (they are the layer's output stage);
//  - not inside a run of elementwise nodes that are all functions of one quantized tensor
//    (Sigmoid, the erf form of GELU, x * HardSigmoid(x), scalar arithmetic): the run becomes
//    one lookup table, quantized where its result leaves it;
//  - not after Reshape / Flatten / Squeeze / Unsqueeze / Transpose / Identity (views of the
//    quantized tensor) unless the value is a graph output (then with its input's parameters);
//    MaxPool keeps its input's parameters.
// Biases, LayerNormalization's scale / bias and constant operands stay float (the importer
// quantizes them: biases with x_scale * w_scale, as ONNX Runtime's quantizer does).
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "workloads/onnx/quantize/quantize_options.hpp"

namespace adasim::workloads::quantize {

/// A float model: no QuantizeLinear / DequantizeLinear / QLinear* / *Integer nodes, and at
/// least one float graph input.
bool is_float_model(const onnx::ModelProto& m);

struct QuantizeReport {
  int activations = 0;  ///< values given a QuantizeLinear / DequantizeLinear pair
  int weights = 0;      ///< weights quantized
  int samples = 0;      ///< calibration samples run (0 with no_values)
  std::string summary() const;
};

/// Quantizes the cleaned float model `m` (graph inputs with the run's concrete shapes) in place.
/// o.mode == kInt8: calibrated as `o` says, on `calibration_model` if given (the same model
/// cleaned for the calibration batch: its values have the same names) or else on m;
/// o.no_values: fixed activation ranges [-1, 1] and seeded weights (timing only). ConfigError
/// naming `file` (or the calibration file) for what cannot be quantized or calibrated.
QuantizeReport quantize_model(onnx::ModelProto& m, const std::string& file,
                              const QuantizeOptions& o,
                              const onnx::ModelProto* calibration_model = nullptr);

}  // namespace adasim::workloads::quantize
