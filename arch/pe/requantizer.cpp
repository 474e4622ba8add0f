// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/requantizer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "arch/pe/operand_decode.hpp"
#include "workloads/reference/reference_ops.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

double round_with(double x, workloads::Rounding mode) {
  return mode == workloads::Rounding::kHalfAwayFromZero ? std::round(x)
                                                        : workloads::round_half_to_even(x);
}

namespace {
void check_bias(const workloads::Layer& l, const OutputChannels& ch, const workloads::Int32Buffer* bias) {
  if (bias != nullptr && bias->elements() != ch.channels)
    throw sim::ModelError("layer " + l.name + ": bias '" + l.bias + "' has " +
                          std::to_string(bias->elements()) + " values for " +
                          std::to_string(ch.channels) + " output channels");
}
}  // namespace

void add_bias(workloads::Int32Buffer& acc, const workloads::Layer& l, const workloads::ConvShape& s,
              const workloads::Int32Buffer* bias) {
  if (bias == nullptr) return;
  const OutputChannels ch = output_channels(l, s);
  check_bias(l, ch, bias);
  for (size_t i = 0; i < acc.data.size(); ++i)
    acc.data[i] = int32_t(int64_t(acc.data[i]) + bias->data[size_t(ch.of(int64_t(i)))]);
}

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, const workloads::Graph& g,
                                         const workloads::Layer& l, const workloads::ConvShape& s,
                                         const workloads::Int32Buffer* bias) {
  const workloads::TensorInfo& in_t = g.tensor(l.inputs.at(0));
  const workloads::TensorInfo& w_t = g.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight);
  const workloads::TensorInfo& out_t = g.tensor(l.output);
  const OutputChannels ch = output_channels(l, s);
  std::vector<double> mult(size_t(ch.channels));
  for (int64_t k = 0; k < ch.channels; ++k)
    mult[size_t(k)] = in_t.scale * w_t.scale_of(w_t.channel_scales.empty() ? 0 : k) / out_t.scale;
  const int b = std::clamp(out_t.bits, 1, 8);
  const int64_t lo = out_t.is_signed ? -(int64_t{1} << (b - 1)) : 0;
  const int64_t hi = out_t.is_signed ? (int64_t{1} << (b - 1)) - 1 : (int64_t{1} << b) - 1;
  const int64_t zp = out_t.zero_point;
  const bool have_bias = bias != nullptr;
  check_bias(l, ch, bias);
  workloads::Int8Buffer out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i) {
    const int64_t k = ch.of(int64_t(i));
    const int64_t a = int64_t(acc.data[i]) + (have_bias ? bias->data[size_t(k)] : 0);
    const double scaled = round_with(double(a) * mult[size_t(k)], l.rounding);
    // |scaled| is bounded by 2^31 * multiplier; clamp in double first so the cast is defined.
    int64_t q = int64_t(std::clamp(scaled, -4.0e18, 4.0e18)) + zp;
    if (l.relu) q = std::max<int64_t>(q, zp);
    // Unsigned values are stored in the int8 container bit-for-bit.
    out.data[i] = int8_t(uint8_t(std::clamp(q, lo, hi)));
  }
  return out;
}

}  // namespace adasim::arch
