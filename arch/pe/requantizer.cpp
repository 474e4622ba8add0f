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

Requantizer::Requantizer(const workloads::Graph& g, const workloads::Layer& l,
                         const workloads::ConvShape& s, const workloads::Int32Buffer* bias)
    : ch_(output_channels(l, s)),
      relu_(l.relu),
      negative_slope_(l.negative_slope),
      rounding_(l.rounding),
      bias_(bias) {
  const workloads::TensorInfo& in_t = g.tensor(l.inputs.at(0));
  const workloads::TensorInfo& w_t = g.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight);
  const workloads::TensorInfo& out_t = g.tensor(l.output);
  mult_.resize(size_t(ch_.channels));
  for (int64_t k = 0; k < ch_.channels; ++k)
    mult_[size_t(k)] = in_t.scale * w_t.scale_of(w_t.channel_scales.empty() ? 0 : k) / out_t.scale;
  const int b = std::clamp(out_t.bits, 1, 8);
  lo_ = out_t.is_signed ? -(int64_t{1} << (b - 1)) : 0;
  hi_ = out_t.is_signed ? (int64_t{1} << (b - 1)) - 1 : (int64_t{1} << b) - 1;
  // A fused Clip narrows the storage range.
  lo_ = std::max<int64_t>(lo_, l.act_min);
  hi_ = std::min<int64_t>(hi_, l.act_max);
  zp_ = out_t.zero_point;
  check_bias(l, ch_, bias);
}

int8_t Requantizer::operator()(int32_t acc, int64_t flat) const {
  const int64_t k = ch_.of(flat);
  const int64_t a = int64_t(acc) + (bias_ != nullptr ? bias_->data[size_t(k)] : 0);
  // A fused LeakyRelu scales negative pre-activations by its slope.
  const double m = a < 0 ? mult_[size_t(k)] * negative_slope_ : mult_[size_t(k)];
  const double scaled = round_with(double(a) * m, rounding_);
  // |scaled| is bounded by 2^31 * multiplier; clamp in double first so the cast is defined.
  int64_t q = int64_t(std::clamp(scaled, -4.0e18, 4.0e18)) + zp_;
  if (relu_) q = std::max<int64_t>(q, zp_);
  // Unsigned values are stored in the int8 container bit-for-bit (an empty clamp range, lo > hi,
  // gives hi: the ONNX Clip with min > max is max).
  return int8_t(uint8_t(std::min(std::max(q, lo_), hi_)));
}

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, const workloads::Graph& g,
                                         const workloads::Layer& l, const workloads::ConvShape& s,
                                         const workloads::Int32Buffer* bias) {
  const Requantizer rq(g, l, s, bias);
  workloads::Int8Buffer out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i) out.data[i] = rq(acc.data[i], int64_t(i));
  return out;
}

}  // namespace adasim::arch
