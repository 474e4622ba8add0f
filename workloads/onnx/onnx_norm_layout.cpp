// SPDX-License-Identifier: Apache-2.0
// LayerNormalization on a DequantizeLinear output (a pending layernorm layer whose gamma / beta
// become int32 constants with 24-bit precision), Transpose (a layer that moves the integers,
// same quantization), and the views Squeeze / Unsqueeze (same values, new shape, as Reshape).
#include <algorithm>
#include <cmath>

#include "sim/core/errors.hpp"
#include "workloads/onnx/onnx_layers.hpp"

namespace adasim::workloads::onnx_import {
namespace {

/// The largest block a layernorm normalises: its int64 sums of squared deviations stay exact.
constexpr int64_t kMaxNormElements = 16384;

/// An int32 constant holding `values` (real units) with scale max|v| / (2^23 - 1): 24 bits of
/// precision (relative error <= 2^-24 of the largest value).
std::string real_to_int32_constant(Importer& im, const std::string& name,
                                   const std::vector<double>& values) {
  double mx = 0;
  for (double v : values) mx = std::max(mx, std::fabs(v));
  TensorInfo t;
  t.name = name;
  t.shape = {int64_t(values.size())};
  t.bits = 32;
  t.is_signed = true;
  t.scale = mx > 0 ? mx / double((1 << 23) - 1) : 1.0;
  Int32Buffer b(t.shape);
  for (size_t i = 0; i < values.size(); ++i)
    b.data[i] = int32_t(round_half_to_even(values[i] / t.scale));
  return im.add_constant(t, nullptr, &b);
}

/// Values of an affine operand broadcast to the `n` elements of the normalised block
/// (`block` its shape): ONNX LayerNormalization's Scale / B broadcast to the trailing dims.
std::vector<double> block_values(Importer& im, size_t slot, const Shape& block, int64_t n,
                                 double dflt) {
  if (!im.has(slot)) return std::vector<double>(size_t(n), dflt);
  const auto c = real_constant(im, slot);
  if (!c)
    im.fail(im.slot_where(slot), "a value computed by the graph",
            "a float constant (or a DequantizeLinear of one)");
  bool ok = c->shape.size() <= block.size();
  for (size_t d = 0; ok && d < c->shape.size(); ++d) {
    const int64_t b = block[block.size() - c->shape.size() + d];
    ok = c->shape[d] == 1 || c->shape[d] == b;
  }
  if (!ok)
    im.fail(im.slot_where(slot), "shape " + render_shape(c->shape),
            "a shape that broadcasts to " + render_shape(block));
  std::vector<double> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {  // index of element i of the block in the (broadcast) operand
    int64_t rem = i, src = 0, stride = 1;
    for (size_t d = block.size(); d-- > 0;) {
      const int64_t coord = rem % block[d];
      rem /= block[d];
      const int64_t cd = int64_t(d) - int64_t(block.size() - c->shape.size());
      if (cd < 0) continue;
      if (c->shape[size_t(cd)] != 1) src += coord * stride;
      stride *= c->shape[size_t(cd)];
    }
    out[size_t(i)] = c->values[size_t(src)];
  }
  return out;
}

}  // namespace

void import_layernorm(Importer& im) {
  for (int k = 1; k < im.node().output_size(); ++k)
    if (!im.node().output(k).empty())
      im.fail(im.where() + " output " + std::to_string(k), "'" + im.node().output(k) + "'",
              "only output Y (the Mean / InvStdDev outputs are for training)");
  const Act x = materialize(im, act_dequantized(im, 0));
  const int64_t rank = int64_t(x.shape.size());
  int64_t axis = im.attr_int("axis", -1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    im.fail(im.where() + " attribute axis", std::to_string(im.attr_int("axis", -1)),
            "an axis of the input");
  const Shape block(x.shape.begin() + axis, x.shape.end());
  const int64_t n = product(block);
  if (n > kMaxNormElements)
    im.fail(
        im.where(), "a normalised block of " + std::to_string(n) + " elements",
        "at most " + std::to_string(kMaxNormElements) + " (the vector unit's exact int64 sums)");
  Layer l = vector_layer(im, OpType::kLayerNorm, {x.tensor});
  l.axis = int(axis);
  l.epsilon = im.attr_float("epsilon", 1e-5f);
  l.weight =
      real_to_int32_constant(im, im.node().input(1) + ".gamma", block_values(im, 1, block, n, 1.0));
  l.bias =
      real_to_int32_constant(im, (im.has(2) ? im.node().input(2) : im.node().output(0)) + ".beta",
                             block_values(im, 2, block, n, 0.0));
  define_pending(im, std::move(l), x.shape);
}

void import_transpose(Importer& im) {
  Value v = im.value(0);
  Act x;
  if (v.kind == Kind::kDeq || v.kind == Kind::kDeqConst) {
    if (v.kind == Kind::kDeqConst && v.input < 0)
      im.fail(im.slot_where(0), "a constant",
              "an activation (constants are folded before the import)");
    x = act_dequantized(im, 0);  // a DequantizeLinear of a graph input makes it an activation
    v.kind = Kind::kDeq;
  } else if (v.kind == Kind::kInt && !v.exact) {
    x = {v.tensor, v.shape, false, v.view};
  } else {
    im.fail(im.slot_where(0),
            "a value that is neither an 8-bit tensor nor a DequantizeLinear output",
            "an 8-bit tensor or a DequantizeLinear output (the transpose moves its integers)");
  }
  x = materialize(im, x);
  const size_t rank = x.shape.size();
  std::vector<int64_t> perm = im.attr_ints("perm");
  if (perm.empty())
    for (size_t k = 0; k < rank; ++k) perm.push_back(int64_t(rank - 1 - k));
  std::vector<bool> seen(rank, false);
  bool ok = perm.size() == rank;
  for (size_t k = 0; ok && k < rank; ++k) {
    ok = perm[k] >= 0 && perm[k] < int64_t(rank) && !seen[size_t(perm[k])];
    if (ok) seen[size_t(perm[k])] = true;
  }
  if (!ok)
    im.fail(im.where() + " attribute perm", render_shape(perm),
            "a permutation of 0.." + std::to_string(rank - 1));
  TensorInfo out = im.graph().tensor(x.tensor);
  out.name = im.node().output(0);
  out.is_constant = false;
  for (size_t k = 0; k < rank; ++k) out.shape[k] = x.shape[size_t(perm[k])];
  Layer l = vector_layer(im, OpType::kTranspose, {x.tensor});
  l.perm = perm;
  l.output = out.name;
  l.rounding = Rounding::kHalfToEven;
  im.add_tensor(out);
  im.graph().layers.push_back(std::move(l));
  Value r;
  r.kind = v.kind;
  r.tensor = out.name;
  r.shape = out.shape;
  im.define(0, r);
}

void import_squeeze(Importer& im) {
  const Value v = im.value(0);
  const bool unsqueeze = im.node().op_type() == "Unsqueeze";
  std::vector<int64_t> axes = im.attr_ints("axes");
  if (im.has(1)) {
    const auto c = im.known_constant(1);
    if (c->type != kTypeInt64 || c->shape.size() > 1)
      im.fail(im.slot_where(1), c->type + " of shape " + render_shape(c->shape), "1-D int64 axes");
    axes = c->ints;
  }
  const int64_t rank = int64_t(v.shape.size()) + (unsqueeze ? int64_t(axes.size()) : 0);
  Shape s;
  std::vector<bool> marked(size_t(rank), false);
  for (int64_t a : axes) {
    if (a < 0) a += rank;
    if (a < 0 || a >= rank || marked[size_t(a)])
      im.fail(im.where() + " axes", render_shape(axes),
              "distinct axes of the rank-" + std::to_string(rank) + " shape");
    marked[size_t(a)] = true;
  }
  if (unsqueeze) {
    size_t k = 0;
    for (int64_t d = 0; d < rank; ++d) s.push_back(marked[size_t(d)] ? 1 : v.shape.at(k++));
  } else {
    for (int64_t d = 0; d < rank; ++d) {
      const bool drop = axes.empty() ? v.shape[size_t(d)] == 1 : marked[size_t(d)];
      if (drop && v.shape[size_t(d)] != 1)
        im.fail(im.where() + " axes", render_shape(axes),
                "axes of extent 1 (dim " + std::to_string(d) + " is " +
                    std::to_string(v.shape[size_t(d)]) + ")");
      if (!drop) s.push_back(v.shape[size_t(d)]);
    }
  }
  im.define(0, reshaped_value(im, v, s));
}

}  // namespace adasim::workloads::onnx_import
