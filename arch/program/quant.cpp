// SPDX-License-Identifier: Apache-2.0
#include "arch/program/quant.hpp"

#include <algorithm>

namespace adasim::arch {

using workloads::OpType;

OutputChannels output_channels(const workloads::Layer& l, const workloads::ConvShape& s) {
  OutputChannels c;
  switch (l.op) {
    case OpType::kConv2d:
      c.inner = s.p * s.q;
      c.channels = s.k;
      break;
    case OpType::kFullyConnected:
      c.channels = s.k;
      break;
    case OpType::kMatMul:
      c.channels = s.groups > 1 ? s.k / s.groups : s.k;
      break;
    default:
      break;
  }
  return c;
}

namespace {
OperandQuant operand_quant(const workloads::TensorInfo& t) {
  OperandQuant q;
  q.tensor = t.name;
  q.bits = t.bits;
  q.is_signed = t.is_signed;
  q.zero_point = t.zero_point;
  return q;
}

bool is_mac(OpType op) {
  return op == OpType::kConv2d || op == OpType::kFullyConnected || op == OpType::kMatMul;
}
}  // namespace

QuantParams quant_params(const workloads::Graph& g, const workloads::Layer& l,
                         const workloads::ConvShape& s) {
  QuantParams q;
  const workloads::TensorInfo& in_t = g.tensor(l.inputs.at(0));
  const workloads::TensorInfo& out_t = g.tensor(l.output);
  q.ifmap = operand_quant(in_t);
  OutputQuant& o = q.output;
  o.is_signed = out_t.is_signed;
  o.wide = out_t.bits > 16;  // int32 accumulators kept as a tensor
  o.zero_point = out_t.zero_point;
  const int b = std::clamp(out_t.bits, 1, 16);
  o.lo = out_t.is_signed ? -(int64_t{1} << (b - 1)) : 0;
  o.hi = out_t.is_signed ? (int64_t{1} << (b - 1)) - 1 : (int64_t{1} << b) - 1;
  o.lo = std::max<int64_t>(o.lo, l.act_min);  // a fused Clip
  o.hi = std::min<int64_t>(o.hi, l.act_max);
  o.relu = l.relu;
  o.negative_slope = l.negative_slope;
  o.rounding = l.rounding;
  if (!is_mac(l.op)) return q;
  const workloads::TensorInfo& w_t = g.tensor(l.weight.empty() ? l.inputs.at(1) : l.weight);
  q.weight = operand_quant(w_t);
  if (!l.weight.empty()) {
    q.weight.channel_zero_points = w_t.channel_zero_points;
    q.weight.channel_by_column = l.op == OpType::kMatMul;
  }
  o.channels = output_channels(l, s);
  o.multiplier.resize(size_t(o.channels.channels));
  for (int64_t k = 0; k < o.channels.channels; ++k)
    o.multiplier[size_t(k)] =
        in_t.scale * w_t.scale_of(w_t.channel_scales.empty() ? 0 : k) / out_t.scale;
  return q;
}

}  // namespace adasim::arch
