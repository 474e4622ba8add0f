// SPDX-License-Identifier: Apache-2.0
// Float-typed ONNX nodes: Conv, Gemm and MatMul (in QDQ form on DequantizeLinear operands, or in
// float exact mode on integer-valued float tensors), and the value-level nodes Flatten, Reshape
// and Constant (Reshape / Flatten keep the values and change only the shape of the ONNX value).
#include "sim/core/checked_math.hpp"
#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/onnx/onnx_layers.hpp"
#include "workloads/onnx/tensor_proto.hpp"

namespace adasim::workloads::onnx_import {
namespace {

/// QDQ: the layer waits for its QuantizeLinear. Exact: the int32 accumulators are the output
/// (scale 1, float32 at the boundary).
void finish_mac(Importer& im, Form form, Layer l, const Shape& out) {
  if (form == Form::kQdq) return define_pending(im, std::move(l), out);
  emit_layer(im, std::move(l), wide_tensor(im.node().output(0), out, 1.0), true);
}

Act activation(Importer& im, Form form, size_t slot) {
  return form == Form::kQdq ? act_dequantized(im, slot) : act_exact(im, slot);
}

WeightSrc weight(Importer& im, Form form, size_t slot) {
  return form == Form::kQdq ? weight_dequantized(im, slot) : weight_exact(im, slot);
}

void add_bias(Importer& im, Form form, size_t slot, Layer& l, int64_t k) {
  if (!im.has(slot)) return;
  const Graph& g = im.graph();
  const Int32Buffer b = form == Form::kQdq
                            ? bias_dequantized(im, slot, k, g.tensor(l.inputs.at(0)), g.tensor(l.weight))
                            : bias_exact(im, slot, k);
  emit_bias(im, slot, l, b);
}

void require_known(Importer& im, const Value& v) {
  for (int64_t d : v.shape)
    if (d < 0) im.fail(im.slot_where(0), "symbolic shape " + render_shape(v.shape), "fixed dimensions");
}

}  // namespace

Value reshaped_value(Importer& im, Value v, const Shape& shape) {
  if (v.kind == Kind::kPending)
    im.fail(im.slot_where(0), "a float layer result that is not quantized",
            "a Reshape / Flatten after the layer's QuantizeLinear");
  v.shape = shape;
  v.view = im.node().output(0);
  return v;
}

void import_conv(Importer& im) {
  const Form form = float_form(im, 0);
  const Act x = activation(im, form, 0);
  const WeightSrc w = weight(im, form, 1);
  if (w.shape.size() != 4)
    im.fail(im.slot_where(1), "shape " + render_shape(w.shape),
            "a 4-D weight [K, C/group, kH, kW] (2-D convolution only)");
  const std::string wname = emit_weight(im, 1, w, false, 0, w.shape[0]);
  Shape out;
  Layer l = conv_layer(im, x, wname, out);
  add_bias(im, form, 2, l, out[1]);
  finish_mac(im, form, std::move(l), out);
}

void import_gemm(Importer& im) {
  const float alpha = im.attr_float("alpha", 1.0f), beta = im.attr_float("beta", 1.0f);
  if (alpha != 1.0f)
    im.fail(im.where() + " attribute alpha", std::to_string(alpha), "1 (alpha = beta = 1 only)");
  if (beta != 1.0f && im.has(2))
    im.fail(im.where() + " attribute beta", std::to_string(beta), "1 (alpha = beta = 1 only)");
  if (im.attr_int("transA", 0) != 0)
    im.fail(im.where() + " attribute transA", std::to_string(im.attr_int("transA", 0)), "0 (A as [N][C])");
  const bool trans_b = im.attr_int("transB", 0) != 0;
  const Form form = float_form(im, 0);
  const Act a = activation(im, form, 0);
  if (!is_weight_operand(im, 1))
    im.fail(im.slot_where(1), "a B computed by the graph",
            "a constant B (initializer, or graph input with an --input file)");
  const WeightSrc w = weight(im, form, 1);
  if (w.shape.size() != 2) im.fail(im.slot_where(1), "shape " + render_shape(w.shape), "a 2-D B");
  const int64_t k_axis = trans_b ? 0 : 1;
  const std::string wname = emit_weight(im, 1, w, !trans_b, k_axis, w.shape[size_t(k_axis)]);
  Shape out;
  Layer l = fc_layer(im, a, wname, out);
  add_bias(im, form, 2, l, out[1]);
  finish_mac(im, form, std::move(l), out);
}

void import_matmul(Importer& im) {
  const Form form = float_form(im, 0);
  const Act a = activation(im, form, 0);
  const Value bv = im.value(1);
  Shape out;
  Layer l;
  if (is_weight_operand(im, 1) && bv.shape.size() == 2) {
    const WeightSrc w = weight(im, form, 1);
    const bool fc = matmul_as_fc(im, a);
    const std::string wname = emit_weight(im, 1, w, fc, 1, w.shape[1]);
    l = fc ? fc_layer(im, a, wname, out) : matmul_layer(im, a, wname, nullptr, out);
  } else {
    if (bv.kind == Kind::kConst || (bv.kind == Kind::kDeqConst && bv.input < 0))
      im.fail(im.slot_where(1), "a constant B of shape " + render_shape(bv.shape),
              "a 2-D constant B [Kd][N], or a B of rank >= 3 fed as graph input or computed by the graph");
    const Act b = activation(im, form, 1);
    l = matmul_layer(im, a, "", &b, out);
  }
  finish_mac(im, form, std::move(l), out);
}

void import_flatten(Importer& im) {
  const Value v = im.value(0);
  require_known(im, v);
  const int64_t rank = int64_t(v.shape.size());
  int64_t axis = im.attr_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    im.fail(im.where() + " attribute axis", std::to_string(im.attr_int("axis", 1)),
            "an axis in [-rank, rank] for rank " + std::to_string(rank));
  Shape s = {1, 1};
  for (int64_t d = 0; d < rank; ++d) s[d < axis ? 0 : 1] *= v.shape[size_t(d)];
  im.define(0, reshaped_value(im, v, s));
}

void import_reshape(Importer& im) {
  const Value v = im.value(0);
  require_known(im, v);
  const auto spec = im.known_constant(1);
  if (spec->type != kTypeInt64 || spec->shape.size() != 1)
    im.fail(im.slot_where(1), spec->type + " of shape " + render_shape(spec->shape), "a 1-D int64 shape");
  const bool allow_zero = im.attr_int("allowzero", 0) != 0;
  Shape s = spec->ints;
  int infer = -1;
  for (size_t d = 0; d < s.size(); ++d) {
    if (s[d] == 0 && !allow_zero) {
      if (d >= v.shape.size()) im.fail(im.slot_where(1), render_shape(spec->ints), "0 only where the input has that dimension");
      s[d] = v.shape[d];
    } else if (s[d] == -1 && infer < 0) {
      infer = int(d);
    } else if (s[d] < 0 || s[d] > kMaxTensorDim) {
      im.fail(im.slot_where(1), render_shape(spec->ints),
              "dimensions in [0, " + std::to_string(kMaxTensorDim) + "] and at most one -1");
    }
  }
  const int64_t total = product(v.shape);
  // --batch changed dim 0 of the inputs; a shape that spells the model's own batch follows it.
  if (infer < 0 && product(s) != total && im.batch() > 0 && !s.empty() && !v.shape.empty() &&
      s[0] != 0 && sim::checked_mul(product(s) / s[0], v.shape[0]) == total)
    s[0] = v.shape[0];
  if (infer >= 0) {
    int64_t known = 1;
    for (size_t d = 0; d < s.size(); ++d)
      if (int(d) != infer) known = sim::checked_mul(known, s[d]).value_or(0);  // 0: no inference
    if (known > 0 && total % known == 0) s[size_t(infer)] = total / known;
  }
  if (product(s) != total || (infer >= 0 && s[size_t(infer)] < 0))
    im.fail(im.slot_where(1), render_shape(spec->ints),
            "a shape with " + std::to_string(total) + " elements, like the input " + render_shape(v.shape));
  im.define(0, reshaped_value(im, v, s));
}

void import_constant(Importer& im) {
  Value v;
  v.kind = Kind::kConst;
  v.const_name = im.node().output(0);
  HostTensor h;
  if (const auto* a = im.attr("value")) {
    h = host_tensor_from_proto(a->t(), im.file(), im.where() + " attribute value");
  } else if (const auto* f = im.attr("value_float")) {
    h = HostTensor::make_float(v.const_name, {}, {f->f()});
  } else if (const auto* fs = im.attr("value_floats")) {
    h = HostTensor::make_float(v.const_name, {fs->floats_size()}, {fs->floats().begin(), fs->floats().end()});
  } else if (const auto* i = im.attr("value_int")) {
    h = HostTensor::make_int(v.const_name, kTypeInt64, {}, {i->i()});
  } else if (const auto* is = im.attr("value_ints")) {
    h = HostTensor::make_int(v.const_name, kTypeInt64, {is->ints_size()}, {is->ints().begin(), is->ints().end()});
  } else {
    im.fail(im.where(), "no value attribute", "one of value, value_float(s), value_int(s)");
  }
  h.name = v.const_name;
  h.source = im.file();
  v.shape = h.shape;
  v.type = h.type;
  v.values = std::make_shared<HostTensor>(std::move(h));
  im.define(0, v);
}

}  // namespace adasim::workloads::onnx_import
