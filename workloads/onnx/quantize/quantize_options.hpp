// SPDX-License-Identifier: Apache-2.0
// What `adasim run` asks of a float ONNX model (--quantize, --calib, --calib-method,
// --calib-percentile, --calib-samples, --no-values): plain data, shared by the CLI and the
// importer (workloads/onnx/quantize/quantizer.hpp does the work).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adasim::workloads {

struct QuantizeOptions {
  enum class Mode {
    kNone,  ///< run the model as it is (quantized models; float models only in exact mode)
    kInt8,  ///< post-training quantization of a float model
  };
  enum class Method { kMinMax, kPercentile };
  Mode mode = Mode::kNone;
  /// --no-values (with kNone): a timing-only run (no values computed); a float model gets fixed
  /// activation ranges instead of a calibration and int8 weights drawn from the seed, which give
  /// the QDQ graph its shapes and types (nothing computes with them).
  bool no_values = false;
  std::vector<std::string> calib;  ///< .pb / .npy files or folders (with .pgm / .ppm images)
  Method method = Method::kMinMax;
  double percentile = 99.99;  ///< kPercentile: the range keeps this share of the values
  int samples = 8;            ///< synthetic calibration set size (no calib files)
  uint64_t seed = 1;          ///< synthetic calibration data, --no-values weights
};

}  // namespace adasim::workloads
