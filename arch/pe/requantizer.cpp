// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/requantizer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "arch/pe/operand_decode.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/rounding.hpp"

namespace adasim::arch {

double round_with(double x, workloads::Rounding mode) {
  return mode == workloads::Rounding::kHalfAwayFromZero ? std::round(x)
                                                        : sim::round_half_to_even(x);
}

namespace {
void check_bias(const OutputChannels& ch, const Bias& bias) {
  if (bias.values != nullptr && bias.values->elements() != ch.channels)
    throw sim::ModelError("layer " + bias.layer + ": bias '" + bias.tensor + "' has " +
                          std::to_string(bias.values->elements()) + " values for " +
                          std::to_string(ch.channels) + " output channels");
}
}  // namespace

void add_bias(workloads::Int32Buffer& acc, const OutputChannels& ch, const Bias& bias) {
  if (bias.values == nullptr) return;
  check_bias(ch, bias);
  for (size_t i = 0; i < acc.data.size(); ++i)
    acc.data[i] = int32_t(int64_t(acc.data[i]) + bias.values->data[size_t(ch.of(int64_t(i)))]);
}

Requantizer::Requantizer(const OutputQuant& q, const Bias& bias)
    : ch_(q.channels),
      mult_(q.multiplier),
      lo_(q.lo),
      hi_(q.hi),
      zp_(q.zero_point),
      relu_(q.relu),
      negative_slope_(q.negative_slope),
      rounding_(q.rounding),
      bias_(bias.values) {
  check_bias(ch_, bias);
}

int64_t Requantizer::value(int32_t acc, int64_t flat) const {
  const int64_t k = ch_.of(flat);
  const int64_t a = int64_t(acc) + (bias_ != nullptr ? bias_->data[size_t(k)] : 0);
  // A fused LeakyRelu scales negative pre-activations by its slope.
  const double m = a < 0 ? mult_[size_t(k)] * negative_slope_ : mult_[size_t(k)];
  const double scaled = round_with(double(a) * m, rounding_);
  // |scaled| is bounded by 2^31 * multiplier; clamp in double first so the cast is defined.
  int64_t q = int64_t(std::clamp(scaled, -4.0e18, 4.0e18)) + zp_;
  if (relu_) q = std::max<int64_t>(q, zp_);
  // Unsigned 8-bit values are stored in the int8 container bit-for-bit (operator()). An empty
  // clamp range (lo > hi) gives hi: the ONNX Clip with min > max is max.
  return std::min(std::max(q, lo_), hi_);
}

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, const OutputQuant& q,
                                         const Bias& bias) {
  const Requantizer rq(q, bias);
  workloads::Int8Buffer out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i) out.data[i] = rq(acc.data[i], int64_t(i));
  return out;
}

workloads::Int32Buffer requantize_outputs_wide(const workloads::Int32Buffer& acc,
                                               const OutputQuant& q, const Bias& bias) {
  const Requantizer rq(q, bias);
  workloads::Int32Buffer out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i)
    out.data[i] = int32_t(rq.value(acc.data[i], int64_t(i)));
  return out;
}

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc,
                                         const workloads::Graph& g, const workloads::Layer& l,
                                         const workloads::ConvShape& s,
                                         const workloads::Int32Buffer* bias) {
  return requantize_outputs(acc, quant_params(g, l, s).output, Bias{bias, l.name, l.bias});
}

}  // namespace adasim::arch
