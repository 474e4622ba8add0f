// SPDX-License-Identifier: Apache-2.0
// Operands (activations, weights, biases, scales / zero points) and IR layers (conv2d, fc,
// matmul, maxpool with their windows) shared by the QOperator, QDQ and float exact handlers.
#include "workloads/onnx/onnx_layers.hpp"

#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"

namespace adasim::workloads::onnx_import {
namespace {

std::string describe(const Value& v) {
  switch (v.kind) {
    case Kind::kInput: return "graph input '" + v.const_name + "' (" + v.type + ")";
    case Kind::kConst: return "constant '" + v.const_name + "' (" + v.type + ")";
    case Kind::kInt: return std::string(v.exact ? "float (exact mode) " : "integer ") + "tensor '" + v.tensor + "'";
    case Kind::kWide: return "int32 tensor '" + v.tensor + "'";
    case Kind::kDeq: return "DequantizeLinear output of tensor '" + v.tensor + "'";
    case Kind::kDeqConst: return "DequantizeLinear of constant '" + v.const_name + "'";
    case Kind::kPending: return "a float layer result that is not quantized";
    case Kind::kFunc:
      return "a float function of tensor '" + v.tensor + "' that is not quantized";
  }
  return "?";
}

bool is_8bit(const std::string& type) { return type == kTypeUint8 || type == kTypeInt8; }

/// The constant values behind a weight / bias slot (kConst, or a graph input folded now).
std::shared_ptr<const HostTensor> constant_values(Importer& im, const Value& v) {
  std::shared_ptr<const HostTensor> h = v.input >= 0 ? im.fold_input(v.input) : v.values;
  if (h && h->shape != v.shape) {  // reshaped constant
    auto r = std::make_shared<HostTensor>(*h);
    r->shape = v.shape;
    h = std::move(r);
  }
  return h;
}

void check_known_shape(Importer& im, size_t slot, const Shape& s) {
  for (int64_t d : s)
    if (d < 0) im.fail(im.slot_where(slot), "symbolic shape " + render_shape(s), "a fixed shape (or an --input file)");
}

/// [k] values from a bias-like tensor of shape [k], [1, k], [1] or [] (broadcast).
std::vector<double> bias_values(Importer& im, size_t slot, const HostTensor& h, int64_t k) {
  const int64_t n = h.elements();
  const bool vector_k = n == k && (h.shape.size() == 1 || (h.shape.size() == 2 && h.shape[0] == 1));
  if (!vector_k && n != 1)
    im.fail(im.slot_where(slot), "shape " + render_shape(h.shape),
            "a bias of shape [" + std::to_string(k) + "], [1, " + std::to_string(k) + "], [1] or []");
  std::vector<double> out(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) out[size_t(i)] = h.value(size_t(n == 1 ? 0 : i));
  return out;
}

int32_t to_int32(Importer& im, size_t slot, double v) {
  if (!(v >= -2147483648.0 && v <= 2147483647.0))
    im.fail(im.slot_where(slot), "quantized bias value " + std::to_string(v), "a value that fits int32");
  return int32_t(v);
}

}  // namespace

// ---- Importer: scales and zero points ------------------------------------------------------

QuantParams Importer::quant_params(size_t scale_slot, size_t zp_slot, int64_t channels,
                                   const std::string& quantized_type) {
  auto s = known_constant(scale_slot);
  if (!s->is_float()) fail(slot_where(scale_slot), "element type " + s->type, "a float32 scale");
  const int64_t n = s->elements();
  if (s->shape.size() > 1 || (n != 1 && (channels <= 0 || n != channels)))
    fail(slot_where(scale_slot), "scale of shape " + render_shape(s->shape),
         channels > 0 ? "a scalar or one scale per channel (" + std::to_string(channels) + ")"
                      : std::string("a scalar scale (per tensor)"));
  QuantParams q;
  for (float f : s->floats) {
    if (!(f > 0.0f) || !std::isfinite(f))
      fail(slot_where(scale_slot), "scale " + std::to_string(f), "a finite scale > 0");
    q.scales.push_back(f);
  }
  QuantParams z = zero_point_only(zp_slot, channels, quantized_type);
  q.zero_points = z.zero_points;
  q.type = z.type;
  if (q.scales.size() > 1 && q.zero_points.size() > 1 && q.scales.size() != q.zero_points.size())
    fail(slot_where(zp_slot), std::to_string(q.zero_points.size()) + " zero points",
         "as many zero points as scales (" + std::to_string(q.scales.size()) + ") or one");
  return q;
}

QuantParams Importer::zero_point_only(size_t zp_slot, int64_t channels, const std::string& quantized_type) {
  QuantParams q;
  q.scales = {1.0f};
  q.type = quantized_type.empty() ? std::string(kTypeUint8) : quantized_type;
  if (!has(zp_slot)) {
    q.zero_points = {0};
    return q;
  }
  auto z = known_constant(zp_slot);
  if (!is_8bit(z->type) && z->type != kTypeInt32)
    fail(slot_where(zp_slot), "element type " + z->type, "a uint8 or int8 zero point");
  if (!quantized_type.empty() && z->type != quantized_type)
    fail(slot_where(zp_slot), "element type " + z->type,
         quantized_type + ", the type of the quantized tensor");
  const int64_t n = z->elements();
  if (z->shape.size() > 1 || (n != 1 && (channels <= 0 || n != channels)))
    fail(slot_where(zp_slot), "zero point of shape " + render_shape(z->shape),
         channels > 0 ? "a scalar or one zero point per channel (" + std::to_string(channels) + ")"
                      : std::string("a scalar zero point (per tensor)"));
  q.type = z->type;
  for (int64_t v : z->ints) q.zero_points.push_back(int32_t(v));
  return q;
}

// ---- activations ------------------------------------------------------------------------------

std::string int_type_of(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if (v.kind == Kind::kInt && !v.exact) return im.graph().tensor(v.tensor).is_signed ? kTypeInt8 : kTypeUint8;
  if (v.kind == Kind::kInput || v.kind == Kind::kConst || v.kind == Kind::kDeqConst) return v.type;
  return "";
}

Act act_qoperator(Importer& im, size_t slot, const QuantParams& q, bool check_scale) {
  const Value v = im.value(slot);
  if (v.kind == Kind::kInput && is_8bit(v.type)) {
    if (q.type != v.type)
      im.fail(im.slot_where(slot), "element type " + v.type, q.type + ", the type of its zero point");
    const Value a = im.activate_input(v.input, v.const_name, v.type, q, Importer::Entry::kRaw);
    return {a.tensor, v.shape, false, v.view};
  }
  if (v.kind != Kind::kInt || v.exact)
    im.fail(im.slot_where(slot), describe(v), "a uint8 / int8 tensor (graph input or output of a quantized node)");
  const TensorInfo& t = im.graph().tensor(v.tensor);
  const Act act{v.tensor, v.shape, false, v.view};
  const bool same = (!check_scale || float(t.scale) == q.scales.at(0)) &&
                    t.zero_point == q.zero_points.at(0) && t.is_signed == (q.type == kTypeInt8) &&
                    q.per_tensor();
  if (!same)
    im.fail(im.slot_where(slot), "tensor '" + v.tensor + "' used with " + q.render(),
            "the quantization the tensor was produced with (scale " + std::to_string(t.scale) +
                ", zero point " + std::to_string(t.zero_point) + ")");
  return act;
}

Act act_dequantized(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if (v.kind == Kind::kDeq) return {v.tensor, v.shape, false, v.view};
  if (v.kind == Kind::kDeqConst && v.input >= 0 && is_8bit(v.type)) {
    const Value a = im.activate_input(v.input, v.const_name, v.type, v.quant, Importer::Entry::kRaw);
    return {a.tensor, v.shape, false, v.view};
  }
  im.fail(im.slot_where(slot), describe(v),
          "a DequantizeLinear output of an 8-bit activation (QDQ form)");
}

Act act_exact(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if (v.kind == Kind::kInput && v.type == kTypeFloat32) {
    const InputDecl& d = im.input_decl(v.input);
    const std::string type =
        d.bound ? exact_integer_type(*d.bound, "graph input '" + d.name + "'") : std::string(kTypeInt8);
    QuantParams q;
    q.scales = {1.0f};
    q.zero_points = {0};
    q.type = type;
    const Value a = im.activate_input(v.input, d.name, type, q, Importer::Entry::kExact);
    return {a.tensor, v.shape, true, ""};
  }
  if (v.kind == Kind::kInt && v.exact) return {v.tensor, v.shape, true, v.view};
  if (v.kind == Kind::kWide && v.exact)
    im.fail(im.slot_where(slot), describe(v),
            "an 8-bit operand: in float exact mode a Conv / Gemm / MatMul result (int32) can only "
            "be a graph output");
  im.fail(im.slot_where(slot), describe(v), "a float graph input (float exact mode)");
}

Form float_form(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if (v.kind == Kind::kDeq || (v.kind == Kind::kDeqConst && v.input >= 0)) return Form::kQdq;
  if ((v.kind == Kind::kInput && v.type == kTypeFloat32) || (v.kind == Kind::kInt && v.exact)) return Form::kExact;
  if (v.kind == Kind::kPending)
    im.fail(im.slot_where(slot), describe(v),
            "QDQ form: QuantizeLinear -> DequantizeLinear between two layers");
  if (v.kind == Kind::kWide && v.exact) act_exact(im, slot);  // throws with the exact-mode message
  im.fail(im.slot_where(slot), describe(v),
          "a DequantizeLinear output (QDQ form) or a float graph input (float exact mode)");
}

// ---- weights ----------------------------------------------------------------------------------

bool is_weight_operand(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  return v.kind == Kind::kConst || v.kind == Kind::kInput || v.kind == Kind::kDeqConst;
}

WeightSrc weight_qoperator(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if ((v.kind != Kind::kConst && v.kind != Kind::kInput) || !is_8bit(v.type))
    im.fail(im.slot_where(slot), describe(v),
            "a uint8 / int8 constant weight (initializer, or graph input with an --input file)");
  check_known_shape(im, slot, v.shape);
  return {v.const_name, v.type, v.shape, constant_values(im, v), {}};
}

WeightSrc weight_dequantized(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if (v.kind != Kind::kDeqConst || !is_8bit(v.type))
    im.fail(im.slot_where(slot), describe(v),
            "a DequantizeLinear of a uint8 / int8 constant weight (QDQ form)");
  check_known_shape(im, slot, v.shape);
  return {v.const_name, v.type, v.shape, constant_values(im, v), v.quant};
}

WeightSrc weight_exact(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if ((v.kind != Kind::kConst && v.kind != Kind::kInput) || v.type != kTypeFloat32)
    im.fail(im.slot_where(slot), describe(v),
            "a float32 constant weight (float exact mode: initializer or graph input with an "
            "--input file)");
  check_known_shape(im, slot, v.shape);
  WeightSrc w{v.const_name, kTypeInt8, v.shape, nullptr, {}};
  w.quant.scales = {1.0f};
  w.quant.zero_points = {0};
  if (auto f = constant_values(im, v)) {
    w.type = exact_integer_type(*f, "weight '" + v.const_name + "'");
    auto ints = std::make_shared<HostTensor>(*f);
    ints->type = w.type;
    ints->ints.assign(f->floats.begin(), f->floats.end());
    ints->floats.clear();
    w.values = std::move(ints);
  }
  w.quant.type = w.type;
  return w;
}

std::string emit_weight(Importer& im, size_t slot, const WeightSrc& w, bool transpose, int64_t k_axis,
                        int64_t k) {
  const QuantParams& q = w.quant;
  const int64_t rank = int64_t(w.shape.size());
  const int64_t axis = q.axis < 0 ? q.axis + rank : q.axis;
  if ((q.scales.size() > 1 || q.zero_points.size() > 1) &&
      (axis != k_axis || (q.scales.size() > 1 && int64_t(q.scales.size()) != k) ||
       (q.zero_points.size() > 1 && int64_t(q.zero_points.size()) != k)))
    im.fail(im.slot_where(slot), "per-channel quantization along axis " + std::to_string(axis) + " (" + q.render() + ")",
            "per-tensor, or per output channel: " + std::to_string(k) + " entries along axis " + std::to_string(k_axis));
  TensorInfo t;
  t.name = w.name + (transpose ? ".transposed" : "");
  t.shape = w.shape;
  if (transpose) t.shape = {w.shape.at(1), w.shape.at(0)};
  t.bits = 8;
  t.is_signed = w.type == kTypeInt8;
  t.scale = q.scales.at(0);
  t.zero_point = q.zero_points.at(0);
  if (q.scales.size() > 1) t.channel_scales.assign(q.scales.begin(), q.scales.end());
  if (q.zero_points.size() > 1) t.channel_zero_points = q.zero_points;
  if (!w.values) return im.add_constant(t, nullptr, nullptr);
  HostTensor h = *w.values;
  if (transpose) {
    const int64_t rows = w.shape[0], cols = w.shape[1];
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) h.ints[size_t(c * rows + r)] = w.values->ints[size_t(r * cols + c)];
  }
  h.shape = t.shape;
  const Int8Buffer values = to_int8_storage(h, t);
  return im.add_constant(t, &values, nullptr);
}

// ---- biases -----------------------------------------------------------------------------------

Int32Buffer bias_int32(Importer& im, size_t slot, int64_t k) {
  const Value v = im.value(slot);
  if ((v.kind != Kind::kConst && v.kind != Kind::kInput) || v.type != kTypeInt32)
    im.fail(im.slot_where(slot), describe(v), "an int32 constant bias");
  auto h = constant_values(im, v);
  if (!h) im.fail(im.slot_where(slot), "a graph input without a bound file", "an initializer or an --input file");
  Int32Buffer out({k});
  const std::vector<double> b = bias_values(im, slot, *h, k);
  for (int64_t i = 0; i < k; ++i) out.data[size_t(i)] = int32_t(b[size_t(i)]);
  return out;
}

Int32Buffer bias_dequantized(Importer& im, size_t slot, int64_t k, const TensorInfo& x, const TensorInfo& w) {
  const Value v = im.value(slot);
  const bool deq = v.kind == Kind::kDeqConst && v.type == kTypeInt32;
  const bool flt = (v.kind == Kind::kConst || v.kind == Kind::kInput) && v.type == kTypeFloat32;
  if (!deq && !flt)
    im.fail(im.slot_where(slot), describe(v),
            "a DequantizeLinear of an int32 constant, or a float32 constant bias");
  auto h = constant_values(im, v);
  if (!h) im.fail(im.slot_where(slot), "a graph input without a bound file", "an initializer or an --input file");
  const std::vector<double> b = bias_values(im, slot, *h, k);
  Int32Buffer out({k});
  for (int64_t c = 0; c < k; ++c) {
    // The accumulator's scale as ONNX Runtime's quantizer computes it: a float32 product.
    const float acc_scale = float(x.scale) * float(w.scale_of(c));
    double q;
    if (deq) {
      const QuantParams& bq = v.quant;
      const float bs = bq.scales[bq.scales.size() > 1 ? size_t(c) : 0];
      if (bq.zero_points[bq.zero_points.size() > 1 ? size_t(c) : 0] != 0)
        im.fail(im.slot_where(slot), "bias zero point " + bq.render(), "zero point 0");
      q = b[size_t(c)];
      if (std::fabs(double(bs) - double(acc_scale)) > 1e-6 * double(acc_scale))
        q = round_half_to_even(q * double(bs) / double(acc_scale));  // rescale to x_scale * w_scale
    } else {
      q = round_half_to_even(double(float(b[size_t(c)]) / acc_scale));
    }
    out.data[size_t(c)] = to_int32(im, slot, q);
  }
  return out;
}

Int32Buffer bias_exact(Importer& im, size_t slot, int64_t k) {
  const Value v = im.value(slot);
  if ((v.kind != Kind::kConst && v.kind != Kind::kInput) || v.type != kTypeFloat32)
    im.fail(im.slot_where(slot), describe(v), "a float32 constant bias (float exact mode)");
  auto h = constant_values(im, v);
  if (!h) im.fail(im.slot_where(slot), "a graph input without a bound file", "an initializer or an --input file");
  exact_int32_buffer(*h, "bias '" + v.const_name + "'");  // throws unless integer-valued
  Int32Buffer out({k});
  const std::vector<double> b = bias_values(im, slot, *h, k);
  for (int64_t i = 0; i < k; ++i) out.data[size_t(i)] = int32_t(b[size_t(i)]);
  return out;
}

void emit_bias(Importer& im, size_t slot, Layer& l, const Int32Buffer& values) {
  const TensorInfo& x = im.graph().tensor(l.inputs.at(0));
  const TensorInfo& w = im.graph().tensor(l.weight);
  TensorInfo t;
  const Value v = im.value(slot);  // named after the int32 / float constant, not its DQ output
  t.name = v.const_name.empty() ? im.node().input(int(slot)) : v.const_name;
  t.shape = values.shape;
  t.bits = 32;
  t.is_signed = true;
  t.scale = x.scale * w.scale;
  if (!w.channel_scales.empty())
    for (double s : w.channel_scales) t.channel_scales.push_back(x.scale * s);
  l.bias = im.add_constant(t, nullptr, &values);
}

}  // namespace adasim::workloads::onnx_import
