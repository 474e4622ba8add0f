// SPDX-License-Identifier: Apache-2.0
// QDQ form: DequantizeLinear and QuantizeLinear nodes, Relu and MaxPool. A DequantizeLinear only
// names a float view of integers (a tensor, a constant or a graph input); a Conv / Gemm / MatMul /
// MaxPool on such views waits as a PendingOp until its QuantizeLinear gives the output tensor, so
//   DequantizeLinear -> Conv|Gemm|MatMul [-> Relu] -> QuantizeLinear
// becomes one quantized layer (rounding half to even, fused ReLU), and
//   DequantizeLinear -> MaxPool -> QuantizeLinear (same scale and zero point)
// an integer maxpool. A QuantizeLinear of a float graph input makes it a converted input; a
// QuantizeLinear of a float constant is folded at load time.
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/onnx/onnx_layers.hpp"

namespace adasim::workloads::onnx_import {
namespace {

bool same_quant(const TensorInfo& t, const QuantParams& q) {
  return q.per_tensor() && float(t.scale) == q.scales[0] && t.zero_point == q.zero_points[0] &&
         t.is_signed == (q.type == kTypeInt8) && !t.wide();
}

std::string tensor_quant(const TensorInfo& t) {
  return "scale " + std::to_string(t.scale) + ", zero point " + std::to_string(t.zero_point) +
         (t.is_signed ? " (int8)" : " (uint8)");
}

int64_t channels_along(Importer& im, const Shape& shape) {
  if (shape.empty()) return 0;
  int64_t axis = im.attr_int("axis", 1);
  if (axis < 0) axis += int64_t(shape.size());
  return axis >= 0 && axis < int64_t(shape.size()) ? shape[size_t(axis)] : 0;
}

/// QuantizeLinear of a float constant, folded now (per tensor or along `axis`).
Value fold_quantize(Importer& im, const Value& v, QuantParams q) {
  auto f = v.input >= 0 ? im.fold_input(v.input) : v.values;
  if (!f) im.fail(im.slot_where(0), "a graph input without a bound file", "an initializer or an --input file");
  const int64_t rank = int64_t(v.shape.size());
  const int64_t axis = q.axis < 0 ? q.axis + rank : q.axis;
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= v.shape[size_t(d)];
  const bool per_channel = q.scales.size() > 1 || q.zero_points.size() > 1;
  const int64_t lo = q.type == kTypeInt8 ? -128 : 0, hi = q.type == kTypeInt8 ? 127 : 255;
  std::vector<int64_t> ints(size_t(f->elements()));
  for (size_t i = 0; i < ints.size(); ++i) {
    const size_t c = per_channel ? size_t((int64_t(i) / inner) % v.shape[size_t(axis)]) : 0;
    const float s = q.scales[q.scales.size() > 1 ? c : 0];
    const int32_t zp = q.zero_points[q.zero_points.size() > 1 ? c : 0];
    const double r = round_half_to_even(double(f->floats[i] / s)) + zp;
    ints[i] = int64_t(std::min<double>(hi, std::max<double>(lo, r)));
  }
  Value out;
  out.kind = Kind::kConst;
  out.shape = v.shape;
  out.type = q.type;
  out.const_name = im.node().output(0);
  auto h = std::make_shared<HostTensor>(HostTensor::make_int(out.const_name, q.type, v.shape, ints));
  h->source = im.file();
  out.values = std::move(h);
  return out;
}

}  // namespace

void import_dequantize_linear(Importer& im) {
  const Value v = im.value(0);
  if (v.kind == Kind::kInt && !v.exact) {
    const TensorInfo& t = im.graph().tensor(v.tensor);
    const QuantParams q = im.quant_params(1, 2, 0, t.is_signed ? kTypeInt8 : kTypeUint8);
    if (!same_quant(t, q))
      im.fail(im.where(), "DequantizeLinear with " + q.render(),
              "the quantization tensor '" + v.tensor + "' has, " + tensor_quant(t));
    Value d;
    d.kind = Kind::kDeq;
    d.tensor = v.tensor;
    d.shape = v.shape;
    im.define(0, d);
    return;
  }
  const bool integer = v.type == kTypeUint8 || v.type == kTypeInt8 || v.type == kTypeInt32;
  if ((v.kind == Kind::kConst || v.kind == Kind::kInput) && integer) {
    Value d = v;
    d.kind = Kind::kDeqConst;
    d.quant = im.quant_params(1, 2, channels_along(im, v.shape), v.type);
    d.quant.axis = im.attr_int("axis", 1);
    im.define(0, d);
    return;
  }
  im.fail(im.slot_where(0), v.kind == Kind::kWide ? "int32 tensor '" + v.tensor + "'" : "a non-integer value",
          "an 8-bit tensor, an integer constant (weight / bias) or an integer graph input");
}

void import_quantize_linear(Importer& im) {
  const Value v = im.value(0);
  if (v.kind == Kind::kConst && v.type == kTypeFloat32) {
    QuantParams q = im.quant_params(1, 2, channels_along(im, v.shape), "");
    q.axis = im.attr_int("axis", 1);
    im.define(0, fold_quantize(im, v, q));
    return;
  }
  const QuantParams q = im.quant_params(1, 2, 0, "");
  Value out;
  out.kind = Kind::kInt;
  out.shape = v.shape;
  switch (v.kind) {
    case Kind::kPending: {
      PendingOp& p = im.pending().at(v.pending);
      if (p.used)
        im.fail(im.where(), "a second QuantizeLinear of the result of node " + std::to_string(p.node),
                "one QuantizeLinear per layer result");
      p.used = true;
      Layer l = p.layer;
      if (l.op == OpType::kMaxPool) {
        const TensorInfo& in = im.graph().tensor(l.inputs.at(0));
        if (!same_quant(in, q))
          im.fail(im.where(), "QuantizeLinear with " + q.render(),
                  "the quantization of the MaxPool input '" + in.name + "', " + tensor_quant(in) +
                      " (an integer maxpool keeps scale and zero point)");
      }
      const TensorInfo out = quantized_tensor(im.node().output(0), p.out_shape, q);
      apply_activation(v, l, out);
      emit_layer(im, std::move(l), out, false, &v.shape);
      return;
    }
    case Kind::kDeq: {
      const TensorInfo& t = im.graph().tensor(v.tensor);
      if (!same_quant(t, q)) {  // requantization: a lookup table of the identity
        emit_lut(im, function_of(im, v), q);
        return;
      }
      out.tensor = v.tensor;
      out.view = v.view;
      break;
    }
    case Kind::kFunc:
      emit_lut(im, v, q);
      return;
    case Kind::kInput: {
      if (v.type != kTypeFloat32) break;
      const InputDecl& d = im.input_decl(v.input);
      if (d.role == InputDecl::Role::kActivation) {  // a second QuantizeLinear of the same input
        if (!same_quant(im.graph().tensor(d.tensor), q))
          im.fail(im.where(), "QuantizeLinear with " + q.render() + " of graph input '" + d.name + "'",
                  "the quantization of its first QuantizeLinear");
        out.tensor = d.tensor;
      } else {
        out.tensor = im.activate_input(v.input, im.node().output(0), q.type, q, Importer::Entry::kQuantized).tensor;
      }
      break;
    }
    default:
      break;
  }
  if (out.tensor.empty())
    im.fail(im.slot_where(0), "a value that is not float (or a result of float exact mode)",
            "a float graph input, float constant, DequantizeLinear output, or the result of a Conv / "
            "Gemm / MatMul / MaxPool on DequantizeLinear operands");
  im.define(0, out);
}

void clip_bounds(Importer& im, float& lo, float& hi) {
  lo = im.attr_float("min", -std::numeric_limits<float>::infinity());
  hi = im.attr_float("max", std::numeric_limits<float>::infinity());
  for (size_t slot : {size_t(1), size_t(2)}) {
    if (!im.has(slot)) continue;
    const auto c = im.known_constant(slot);
    if (c->elements() != 1)
      im.fail(im.slot_where(slot), c->type + " of shape " + render_shape(c->shape), "a scalar");
    (slot == 1 ? lo : hi) = float(c->value(0));
  }
}

namespace {

/// Quantized bound of a fused Clip: saturate(round_half_to_even(bound / scale) + zero point),
/// the QuantizeLinear of the bound (quantization is monotone, so clamping the real value and
/// clamping its quantized value agree).
int32_t quantized_bound(float bound, const TensorInfo& out) {
  const double lo = out.is_signed ? -128 : 0, hi = out.is_signed ? 127 : 255;
  if (std::isinf(bound)) return bound < 0 ? INT32_MIN : INT32_MAX;
  const double q = round_half_to_even(double(bound / float(out.scale))) + out.zero_point;
  return int32_t(std::min(hi, std::max(lo, q)));
}

}  // namespace

void apply_activation(const Value& v, Layer& l, const TensorInfo& out) {
  l.relu = v.relu;
  if (v.clip) {
    l.act_min = quantized_bound(v.clip_lo, out);
    l.act_max = quantized_bound(v.clip_hi, out);
  }
  if (v.leaky) l.negative_slope = double(v.leaky_alpha);
}

void import_activation(Importer& im) {
  Value v = im.value(0);
  const std::string& op = im.node().op_type();
  // On a DequantizeLinear output (or a function of one): a lookup table.
  if (v.kind == Kind::kDeq || v.kind == Kind::kFunc ||
      (v.kind == Kind::kDeqConst && v.input >= 0) || (v.kind == Kind::kInt && !v.exact) ||
      (v.kind == Kind::kInput && v.type != kTypeFloat32))
    return import_unary(im);
  // After a layer, before its QuantizeLinear: the layer's output stage. MAC layers take Relu,
  // Clip and LeakyRelu (their requantizer scales negative accumulators); the requantizing
  // vector layers take Relu and Clip (a clamp).
  const OpType layer_op =
      v.kind == Kind::kPending ? im.pending().at(v.pending).layer.op : OpType::kMaxPool;
  const bool stage = layer_op != OpType::kMaxPool && layer_op != OpType::kSoftmax &&
                     (is_mac_op(layer_op) || op != "LeakyRelu");
  if (!stage || v.activated())
    im.fail(im.slot_where(0),
            v.kind == Kind::kPending ? "the result of a " + std::string(to_string(layer_op)) +
                                           " layer" + (v.activated() ? " with an activation" : "")
                                     : "a value that is not a float layer result",
            op +
                " right after a Conv / Gemm / MatMul (or Relu / Clip after Add / Mul / Concat / "
                "AveragePool) on DequantizeLinear operands, followed by QuantizeLinear (fused into "
                "the layer's output stage), or on a DequantizeLinear output (a lookup table)");
  if (op == "Relu") {
    v.relu = true;
  } else if (op == "Clip") {
    v.clip = true;
    clip_bounds(im, v.clip_lo, v.clip_hi);
  } else {
    v.leaky = true;
    v.leaky_alpha = im.attr_float("alpha", 0.01f);
  }
  im.define(0, v);
}

void import_maxpool(Importer& im) {
  const Value v = im.value(0);
  if (v.shape.size() != 4)
    im.fail(im.slot_where(0), "shape " + render_shape(v.shape), "an NCHW tensor (2-D pooling only)");
  Shape out;
  if (v.kind == Kind::kDeq || (v.kind == Kind::kDeqConst && v.input >= 0)) {
    const Act x = act_dequantized(im, 0);
    PendingOp p;
    p.node = im.node_index();
    p.layer = maxpool_layer(im, x, p.out_shape);
    im.pending().push_back(p);
    Value r;
    r.kind = Kind::kPending;
    r.pending = im.pending().size() - 1;
    r.shape = p.out_shape;
    im.define(0, r);
    return;
  }
  Act x;
  if (v.kind == Kind::kInput && (v.type == kTypeUint8 || v.type == kTypeInt8)) {
    QuantParams q;  // an integer input pooled as is: its scale and zero point do not matter
    q.scales = {1.0f};
    q.zero_points = {0};
    q.type = v.type;
    x = {im.activate_input(v.input, v.const_name, v.type, q, Importer::Entry::kRaw).tensor, v.shape,
         false, ""};
  } else if (v.kind == Kind::kInput && v.type == kTypeFloat32) {
    x = act_exact(im, 0);
  } else if (v.kind == Kind::kInt) {
    x = {v.tensor, v.shape, v.exact, v.view};
  } else {
    im.fail(im.slot_where(0), "a value that is neither an 8-bit tensor nor a DequantizeLinear output",
            "an 8-bit tensor, a float graph input (exact mode) or a DequantizeLinear output");
  }
  Layer l = maxpool_layer(im, x, out);
  TensorInfo t = im.graph().tensor(x.tensor);
  t.name = im.node().output(0);
  t.shape = out;
  t.is_constant = false;
  emit_layer(im, std::move(l), t, x.exact);
}

}  // namespace adasim::workloads::onnx_import
