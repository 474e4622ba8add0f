// SPDX-License-Identifier: Apache-2.0
// Calibration of a float model's activations: the calibration samples (tensor files, folders of
// tensor files and binary netpbm images, or a seeded synthetic set) and the per-tensor ranges
// they produce when the float evaluator runs them (min-max, or a percentile of each tensor's
// values).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/onnx/quantize/float_eval.hpp"
#include "workloads/onnx/quantize/quantize_options.hpp"

namespace adasim::workloads::quantize {

/// A float graph input: its name and the shape of one run (concrete dims).
struct InputSpec {
  std::string name;
  std::vector<int64_t> shape;
};

/// One calibration sample: a value per graph input.
using Sample = std::vector<FloatTensor>;

/// Samples from `paths`. A model with one float input: files in order, a folder's .pb / .npy /
/// .pgm / .ppm files sorted by name; a tensor of the input's shape is one sample, a tensor
/// whose dim 0 is a multiple of the input's is split into samples; an image (P5 grey / P6 RGB,
/// 8-bit, pixel / 255, planar CHW) must match [1, C, H, W]. A model with k float inputs: groups
/// of k files, one per input in order (as --input binds them), each one sample. Without paths:
/// `synthetic` samples of standard normal values from `seed`. ConfigError naming the file for
/// anything that does not fit.
std::vector<Sample> calibration_samples(const std::vector<std::string>& paths,
                                        const std::vector<InputSpec>& inputs, int synthetic,
                                        uint64_t seed);

/// The real range [lo, hi] (lo <= 0 <= hi) each value takes over the samples.
struct Range {
  double lo = 0, hi = 0;
};
/// Runs every sample through `eval` and returns the range of every float value: min / max, or
/// (kPercentile) the values' `percentile` and 100 - `percentile` percentiles (a histogram of
/// 4096 bins over the min-max range, from a second pass).
std::map<std::string, Range> calibrate(FloatEvaluator& eval, const std::vector<Sample>& samples,
                                       const QuantizeOptions& o);

}  // namespace adasim::workloads::quantize
