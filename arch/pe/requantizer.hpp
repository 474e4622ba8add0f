// SPDX-License-Identifier: Apache-2.0
// Output stage between the accumulators and the output buffer: adds the layer's bias and scales
// the int32 accumulators to the output tensor's integer range,
//   q = clamp(round(acc * in_scale * w_scale[k] / out_scale) + out_zero_point),
// with the layer's rounding (half away from zero, or half to even for ONNX models), per output
// channel k when the weights are quantized per channel, and an optional fused ReLU
// (q >= out_zero_point), a fused Clip (its bounds narrow OutputQuant::lo / hi) and a fused
// LeakyRelu (OutputQuant::negative_slope scales the multiplier of negative accumulators). The
// multiplier is formed in double precision from the tensors' scales.
// Wide (32-bit) outputs skip the scaling: the int32 accumulators (plus bias) are the output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/pe/operand_decode.hpp"
#include "arch/program/quant.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// Round to the nearest integer; ties per `mode`.
double round_with(double x, workloads::Rounding mode);

/// A layer's bias: its values (null: none) and, for messages, the layer and tensor names.
struct Bias {
  const workloads::Int32Buffer* values = nullptr;
  std::string layer, tensor;
};

/// The output stage of one layer, element by element: the same arithmetic as
/// requantize_outputs, for one accumulator at a time (the output encoder requantizes the outputs
/// of one stored chunk; requantize_outputs runs it over the whole tensor). Holds a pointer to the
/// bias values, which must outlive it.
class Requantizer {
 public:
  Requantizer(const OutputQuant& q, const Bias& bias);
  /// Stored byte of output element `flat` (flat index in the output tensor) whose accumulator is
  /// `acc` (bias not yet added).
  int8_t operator()(int32_t acc, int64_t flat) const { return int8_t(uint8_t(value(acc, flat))); }
  /// The integer output value (in the output tensor's range, up to 16 bits).
  int64_t value(int32_t acc, int64_t flat) const;

 private:
  OutputChannels ch_;
  std::vector<double> mult_;
  int64_t lo_ = 0, hi_ = 0, zp_ = 0;
  bool relu_ = false;
  double negative_slope_ = 1.0;
  workloads::Rounding rounding_{};
  const workloads::Int32Buffer* bias_ = nullptr;
};

/// acc (+ bias) requantized into the output tensor's int8 storage (bits <= 8) per `q`.
workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, const OutputQuant& q,
                                         const Bias& bias);
/// The same into a tensor of 9..16 bits (values held as int32).
workloads::Int32Buffer requantize_outputs_wide(const workloads::Int32Buffer& acc,
                                               const OutputQuant& q, const Bias& bias);
/// The same as requantize_outputs with layer l's quantisation parameters from the graph.
workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc,
                                         const workloads::Graph& g, const workloads::Layer& l,
                                         const workloads::ConvShape& s,
                                         const workloads::Int32Buffer* bias);

/// acc + bias per output channel (in place); no bias values: unchanged.
void add_bias(workloads::Int32Buffer& acc, const OutputChannels& ch, const Bias& bias);

}  // namespace adasim::arch
