// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/vector_compile.hpp"

#include <algorithm>
#include <cmath>

#include "arch/program/quant.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/rounding.hpp"
#include "workloads/ir/axis_split.hpp"

namespace adasim::workloads {
namespace {

using arch::VectorKind;

VectorKind kind_of(const Layer& l) {
  switch (l.op) {
    case OpType::kMaxPool:
      return VectorKind::kMaxPool;
    case OpType::kAvgPool:
      return VectorKind::kAvgPool;
    case OpType::kAdd:
      return VectorKind::kAdd;
    case OpType::kMul:
      return VectorKind::kMul;
    case OpType::kConcat:
      return VectorKind::kConcat;
    case OpType::kLut:
      return VectorKind::kLut;
    case OpType::kSoftmax:
      return VectorKind::kSoftmax;
    case OpType::kLayerNorm:
      return VectorKind::kLayerNorm;
    case OpType::kTranspose:
      return VectorKind::kTranspose;
    case OpType::kReshape:
      return VectorKind::kView;
    default:
      break;
  }
  throw sim::ModelError("compile_vector_layer: " + l.name + " is a MAC layer");
}

const Int32Buffer& wide_constant(const Graph& g, const Layer& l, const std::string& name) {
  auto it = g.constant_values_wide.find(name);
  if (it == g.constant_values_wide.end())
    throw sim::ModelError("compile_vector_layer: layer " + l.name + " needs the values of '" +
                          name + "'");
  return it->second;
}

void set_rows(arch::VectorOp& p, const std::vector<int64_t>& shape, int axis, bool to_end) {
  const AxisSplit r = split_at_axis(shape, axis, to_end);
  p.outer = r.outer;
  p.axis_len = r.len;
  p.inner = r.inner;
}

void compile_layernorm(const Graph& g, const Layer& l, arch::VectorOp& p) {
  const TensorInfo& in = g.tensor(l.inputs.at(0));
  const TensorInfo& out = g.tensor(l.output);
  set_rows(p, in.shape, l.axis, true);
  const int64_t n = p.axis_len;
  const Int32Buffer& gamma = wide_constant(g, l, l.weight);
  const Int32Buffer& beta = wide_constant(g, l, l.bias);
  if (gamma.elements() != n || beta.elements() != n || n > 16384)
    throw sim::ModelError("compile_vector_layer: layernorm " + l.name + " block of " +
                          std::to_string(n));
  const double gfac = double(g.tensor(l.weight).scale) * std::sqrt(double(n)) / double(out.scale);
  const double bfac = double(g.tensor(l.bias).scale) / double(out.scale);
  for (int64_t j = 0; j < n; ++j) {
    p.gamma.push_back(double(gamma.data[size_t(j)]) * gfac);
    p.beta.push_back(double(beta.data[size_t(j)]) * bfac);
  }
  const double e =
      l.epsilon * double(n) * double(n) * double(n) / (double(in.scale) * double(in.scale));
  p.epsilon_units = int64_t(std::min(4.6e18, sim::round_half_to_even(e)));
}

}  // namespace

arch::VectorOp compile_vector_layer(const Graph& g, const Layer& l) {
  arch::VectorOp p;
  p.kind = kind_of(l);
  const TensorInfo& out = g.tensor(l.output);
  for (const std::string& name : l.inputs) {
    const TensorInfo& t = g.tensor(name);
    p.inputs.push_back({t.shape, t.is_signed, t.zero_point, double(t.scale) / double(out.scale)});
  }
  p.out_shape = out.shape;
  p.out_zero_point = out.zero_point;
  // The output clamp: the storage range narrowed by a fused Clip (quant_params), and ReLU.
  const arch::OutputQuant oq = arch::quant_params(g, l, g.shape(l)).output;
  p.out_lo = int32_t(oq.relu ? std::max<int64_t>(oq.lo, out.zero_point) : oq.lo);
  p.out_hi = int32_t(oq.hi);
  p.half_to_even = l.rounding == Rounding::kHalfToEven;
  switch (l.op) {
    case OpType::kMul: {
      const TensorInfo& a = g.tensor(l.inputs.at(0));
      const TensorInfo& b = g.tensor(l.inputs.at(1));
      p.multiplier = double(a.scale) * double(b.scale) / double(out.scale);
      break;
    }
    case OpType::kMaxPool:
    case OpType::kAvgPool:
      p.window = g.shape(l);
      p.count_include_pad = l.count_include_pad;
      p.multiplier = p.inputs.at(0).multiplier;
      break;
    case OpType::kConcat:
      set_rows(p, out.shape, l.axis, false);
      break;
    case OpType::kLut: {
      auto it = g.constant_values.find(l.weight);
      if (it == g.constant_values.end() || it->second.elements() != 256)
        throw sim::ModelError("compile_vector_layer: lut " + l.name + " needs its 256-entry table");
      p.table = it->second.data;
      break;
    }
    case OpType::kSoftmax: {
      const TensorInfo& in = g.tensor(l.inputs.at(0));
      set_rows(p, in.shape, l.axis, false);
      // E[d] = R_even(2^20 exp(-s d)), d = 0 .. 2^bits - 1 (the reference's table).
      p.exp_table.resize(size_t(1) << std::min(in.bits, 8));
      for (size_t d = 0; d < p.exp_table.size(); ++d)
        p.exp_table[d] =
            uint32_t(sim::round_half_to_even(1048576.0 * std::exp(-in.scale * double(d))));
      p.out_inv_scale = 1.0 / double(out.scale);
      break;
    }
    case OpType::kLayerNorm:
      compile_layernorm(g, l, p);
      break;
    case OpType::kTranspose:
      p.perm = l.perm;
      break;
    default:
      break;
  }
  return p;
}

}  // namespace adasim::workloads
