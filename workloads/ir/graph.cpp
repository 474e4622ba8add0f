// SPDX-License-Identifier: Apache-2.0
#include "workloads/ir/graph.hpp"

#include <numeric>

#include "sim/core/errors.hpp"
#include "workloads/ir/axis_split.hpp"

namespace adasim::workloads {

const char* to_string(OpType op) {
  switch (op) {
    case OpType::kConv2d: return "conv2d";
    case OpType::kFullyConnected: return "fc";
    case OpType::kMatMul: return "matmul";
    case OpType::kMaxPool: return "maxpool";
    case OpType::kAvgPool: return "avgpool";
    case OpType::kAdd: return "add";
    case OpType::kMul:
      return "mul";
    case OpType::kConcat:
      return "concat";
    case OpType::kLut:
      return "lut";
    case OpType::kSoftmax:
      return "softmax";
    case OpType::kLayerNorm:
      return "layernorm";
    case OpType::kTranspose:
      return "transpose";
    case OpType::kReshape:
      return "reshape";
  }
  return "?";
}

bool is_mac_op(OpType op) {
  return op == OpType::kConv2d || op == OpType::kFullyConnected || op == OpType::kMatMul;
}

const char* to_string(Rounding r) {
  return r == Rounding::kHalfToEven ? "half_to_even" : "half_away_from_zero";
}

double TensorInfo::scale_of(int64_t channel) const {
  if (channel_scales.empty()) return scale;
  return channel_scales.at(size_t(channel));
}

int32_t TensorInfo::zero_point_of(int64_t channel) const {
  if (channel_zero_points.empty()) return zero_point;
  return channel_zero_points.at(size_t(channel));
}

int64_t TensorInfo::elements() const {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
}

int64_t TensorInfo::bytes() const { return (elements() * bits + 7) / 8; }

const TensorInfo& Graph::tensor(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw sim::ModelError("graph '" + this->name + "' has no tensor '" + name + "'");
  return it->second;
}

namespace {
int64_t out_extent(int64_t in, int pad0, int pad1, int dil, int64_t k, int stride,
                   bool ceil_mode = false) {
  const int64_t span = in + pad0 + pad1 - int64_t(dil) * (k - 1) - 1;
  return (ceil_mode ? span + stride - 1 : span) / stride + 1;
}
}  // namespace

ConvShape Graph::shape(const Layer& l) const {
  ConvShape s;
  s.stride_h = l.stride_h; s.stride_w = l.stride_w;
  s.dil_h = l.dil_h; s.dil_w = l.dil_w;
  s.pad_t = l.pad_t; s.pad_l = l.pad_l; s.pad_b = l.pad_b; s.pad_r = l.pad_r;
  const TensorInfo& in = tensor(l.inputs.at(0));
  switch (l.op) {
    case OpType::kConv2d: {
      const TensorInfo& w = tensor(l.weight);
      s.n = in.shape.at(0); s.c = in.shape.at(1); s.h = in.shape.at(2); s.w = in.shape.at(3);
      s.k = w.shape.at(0); s.r = w.shape.at(2); s.s = w.shape.at(3);
      s.groups = l.groups;
      s.p = out_extent(s.h, s.pad_t, s.pad_b, s.dil_h, s.r, s.stride_h);
      s.q = out_extent(s.w, s.pad_l, s.pad_r, s.dil_w, s.s, s.stride_w);
      break;
    }
    case OpType::kFullyConnected: {
      const TensorInfo& w = tensor(l.weight);
      s.n = in.shape.at(0);
      s.c = in.elements() / s.n;
      s.k = w.shape.at(0);
      s.stride_h = s.stride_w = 1; s.pad_t = s.pad_l = s.pad_b = s.pad_r = 0;
      break;
    }
    case OpType::kMatMul: {
      // A: [b..., M, Kd]; B: weight [Kd, N] (shared) or activation [b..., Kd, N] (per batch).
      const int64_t rank = int64_t(in.shape.size());
      const int64_t m = in.shape.at(size_t(rank - 2));
      const int64_t kd = in.shape.at(size_t(rank - 1));
      const int64_t b = in.elements() / (m * kd);
      const bool shared_b = !l.weight.empty();
      const TensorInfo& bt = tensor(shared_b ? l.weight : l.inputs.at(1));
      const int64_t n = bt.shape.back();
      s.h = s.p = m; s.w = s.q = 1;
      if (shared_b) {
        s.n = b; s.c = kd; s.k = n; s.groups = 1;
      } else {
        // Independent products per batch element: groups of (M x Kd) x (Kd x N).
        s.n = 1; s.groups = b; s.c = b * kd; s.k = b * n;
      }
      s.stride_h = s.stride_w = 1; s.pad_t = s.pad_l = s.pad_b = s.pad_r = 0;
      break;
    }
    case OpType::kMaxPool:
    case OpType::kAvgPool: {
      s.n = in.shape.at(0); s.c = in.shape.at(1); s.h = in.shape.at(2); s.w = in.shape.at(3);
      s.k = s.c; s.groups = s.c; s.r = l.kernel_h; s.s = l.kernel_w;
      s.p = out_extent(s.h, s.pad_t, s.pad_b, s.dil_h, s.r, s.stride_h, l.ceil_mode);
      s.q = out_extent(s.w, s.pad_l, s.pad_r, s.dil_w, s.s, s.stride_w, l.ceil_mode);
      break;
    }
    default: {  // elementwise and data-layout layers: the output's elements
      const TensorInfo& out = tensor(l.output);
      s.n = out.shape.empty() ? 1 : out.shape.at(0);
      s.c = s.n > 0 ? out.elements() / s.n : 0;
      s.k = s.c; s.groups = s.c;
      s.h = s.w = s.p = s.q = 1;
      if (out.shape.size() == 4) {
        s.c = s.k = s.groups = out.shape[1];
        s.h = s.p = out.shape[2];
        s.w = s.q = out.shape[3];
      }
      s.stride_h = s.stride_w = 1; s.pad_t = s.pad_l = s.pad_b = s.pad_r = 0;
      break;
    }
  }
  return s;
}

int64_t Graph::total_macs() const {
  int64_t total = 0;
  for (const Layer& l : layers)
    if (is_mac_op(l.op)) total += shape(l).macs();
  return total;
}

AxisSplit split_at_axis(const std::vector<int64_t>& shape, int axis, bool to_end) {
  AxisSplit r;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (int(k) < axis)
      r.outer *= shape[k];
    else if (int(k) == axis || to_end)
      r.len *= shape[k];
    else
      r.inner *= shape[k];
  }
  return r;
}

}  // namespace adasim::workloads
