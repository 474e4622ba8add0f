// SPDX-License-Identifier: Apache-2.0
// QDQ form of the vector layers: nodes on DequantizeLinear outputs that wait (as PendingOps) for
// the QuantizeLinear giving their output tensor, like the MAC layers of qdq_fusion.cpp:
//   Add / Sum / Mul of dequantized tensors (and constants)  -> add / mul (requantized)
//   AveragePool, GlobalAveragePool                          -> avgpool
//   Concat, Softmax, LayerNormalization                     -> concat, softmax, layernorm
// Elementwise nodes whose operands are all functions of ONE quantized tensor (Sigmoid, Gelu,
// HardSwish, x * Sigmoid(x), the erf form of GELU, Relu / Clip on their own, scalar arithmetic)
// are kept as a table of their value per stored byte of that tensor (Kind::kFunc); their
// QuantizeLinear makes a lookup-table layer. A constant vector added to a MAC's result before
// its QuantizeLinear is the MAC's bias. Transpose moves data (a transpose layer); Squeeze and
// Unsqueeze are views, like Reshape and Flatten.
#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/onnx/elementwise.hpp"
#include "workloads/onnx/onnx_layers.hpp"
#include "workloads/reference/vector_reference.hpp"

namespace adasim::workloads::onnx_import {

std::optional<RealConst> real_constant(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  if ((v.kind != Kind::kConst && v.kind != Kind::kDeqConst) || !v.values) return std::nullopt;
  const HostTensor& h = *v.values;
  RealConst c{v.shape, std::vector<double>(size_t(h.elements()))};
  if (v.kind == Kind::kConst) {
    if (!h.is_float()) return std::nullopt;
    for (size_t i = 0; i < c.values.size(); ++i) c.values[i] = h.floats[i];
    return c;
  }
  const QuantParams& q = v.quant;
  const int64_t rank = int64_t(v.shape.size());
  const int64_t axis = q.axis < 0 ? q.axis + rank : q.axis;
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= v.shape[size_t(d)];
  for (size_t i = 0; i < c.values.size(); ++i) {
    const size_t ch = rank > 0 && axis >= 0 && axis < rank
                          ? size_t((int64_t(i) / inner) % v.shape[size_t(axis)])
                          : 0;
    const float s = q.scales[q.scales.size() > 1 ? ch : 0];
    const int32_t z = q.zero_points[q.zero_points.size() > 1 ? ch : 0];
    c.values[i] = double(float(h.ints[i] - z) * s);
  }
  return c;
}

namespace {

bool is_scalar(const RealConst& c) { return c.values.size() == 1; }

/// An 8-bit constant operand as a graph tensor: a DequantizeLinear of an 8-bit constant keeps
/// its integers; a float constant is quantized per tensor to int8 (scale max|v| / 127).
std::string constant_operand(Importer& im, size_t slot) {
  const Value v = im.value(slot);
  TensorInfo t;
  t.name = v.const_name.empty() ? im.node().input(int(slot)) : v.const_name;
  t.shape = v.shape;
  t.bits = 8;
  HostTensor ints;
  if (v.kind == Kind::kDeqConst && (v.type == kTypeInt8 || v.type == kTypeUint8) &&
      v.quant.per_tensor() && v.values) {
    t.is_signed = v.type == kTypeInt8;
    t.scale = v.quant.scales[0];
    t.zero_point = v.quant.zero_points[0];
    ints = *v.values;
    ints.shape = v.shape;
  } else {
    const auto c = real_constant(im, slot);
    if (!c)
      im.fail(im.slot_where(slot), "a constant that is neither float nor an 8-bit DequantizeLinear",
              "a float constant or a DequantizeLinear of a uint8 / int8 constant");
    double mx = 0;
    for (double x : c->values) mx = std::max(mx, std::fabs(x));
    t.is_signed = true;
    t.scale = double(float(mx > 0 ? mx / 127.0 : 1.0));
    std::vector<int64_t> q;
    for (double x : c->values)
      q.push_back(int64_t(std::max(-127.0, std::min(127.0, round_half_to_even(x / t.scale)))));
    ints = HostTensor::make_int(t.name, kTypeInt8, v.shape, q);
  }
  const Int8Buffer values = to_int8_storage(ints, t);
  return im.add_constant(t, &values, nullptr);
}

/// The operand as a function of a quantized tensor (kDeq or kFunc), if it is one.
std::optional<Value> as_function(Importer& im, size_t slot) {
  Value v = im.value(slot);
  if (v.kind == Kind::kFunc) return v;
  if (v.kind == Kind::kDeqConst && v.input >= 0 && (v.type == kTypeUint8 || v.type == kTypeInt8)) {
    const Act a = act_dequantized(im, slot);  // an 8-bit graph input: now an activation
    v.kind = Kind::kDeq;
    v.tensor = a.tensor;
  }
  if (v.kind == Kind::kDeq) return function_of(im, v);
  return std::nullopt;
}

}  // namespace

void define_pending(Importer& im, Layer l, const Shape& out, const Shape* value_shape) {
  PendingOp p;
  p.node = im.node_index();
  p.layer = std::move(l);
  p.out_shape = out;
  im.pending().push_back(std::move(p));
  Value r;
  r.kind = Kind::kPending;
  r.pending = im.pending().size() - 1;
  r.shape = value_shape ? *value_shape : out;
  im.define(0, r);
}

Layer vector_layer(Importer& im, OpType op, std::vector<std::string> inputs) {
  Layer l;
  l.name = im.layer_name();
  l.op = op;
  l.inputs = std::move(inputs);
  return l;
}

namespace {

/// Add(MAC result, constant vector) before the MAC's QuantizeLinear: the constant (real units)
/// quantized with the accumulator's scale x_scale * w_scale[k] joins the layer's bias.
bool fuse_bias(Importer& im) {
  for (size_t s : {size_t(0), size_t(1)}) {
    const Value p = im.value(s);
    if (p.kind != Kind::kPending || p.activated()) continue;
    Layer& l = im.pending().at(p.pending).layer;
    if (!is_mac_op(l.op) || l.weight.empty()) continue;
    const auto c = real_constant(im, 1 - s);
    if (!c) continue;
    const Shape& out = im.pending().at(p.pending).out_shape;
    const bool conv = l.op == OpType::kConv2d;
    const int64_t k = conv ? out.at(1) : out.back();
    bool bias_shaped = int64_t(c->values.size()) == k && c->shape.size() <= out.size();
    for (size_t d = 0; bias_shaped && d < c->shape.size(); ++d) {
      const size_t od = out.size() - c->shape.size() + d;  // aligned to the output's dims
      bias_shaped = c->shape[d] == 1 || od == (conv ? size_t(1) : out.size() - 1);
    }
    if (!bias_shaped) continue;
    const TensorInfo& x = im.graph().tensor(l.inputs.at(0));
    const TensorInfo& w = im.graph().tensor(l.weight);
    Int32Buffer b({k}, 0);
    if (!l.bias.empty()) b = im.graph().constant_values_wide.at(l.bias);
    for (int64_t ch = 0; ch < k; ++ch) {
      const float acc_scale = float(x.scale) * float(w.scale_of(ch));
      b.data[size_t(ch)] +=
          int32_t(round_half_to_even(double(float(c->values[size_t(ch)]) / acc_scale)));
    }
    emit_bias(im, 1 - s, l, b);
    im.define(0, p);
    return true;
  }
  return false;
}

/// Every operand a function of the same quantized tensor, or a scalar constant: the result is
/// one more function of that tensor.
bool fold_function(Importer& im, const BinaryFn& f) {
  std::optional<Value> src;
  std::vector<std::shared_ptr<const std::vector<double>>> tables;
  std::vector<double> scalars;
  for (size_t s = 0; s < size_t(im.node().input_size()); ++s) {
    if (auto fn = as_function(im, s)) {
      if (src && (src->tensor != fn->tensor || product(src->shape) != product(fn->shape)))
        return false;
      if (!src || fn->shape.size() > src->shape.size()) src = fn;
      tables.push_back(fn->table);
      scalars.push_back(0);
    } else if (auto c = real_constant(im, s); c && is_scalar(*c)) {
      tables.push_back(nullptr);
      scalars.push_back(c->values[0]);
    } else {
      return false;
    }
  }
  if (!src) return false;
  auto out = std::make_shared<std::vector<double>>(256);
  for (size_t b = 0; b < 256; ++b) {
    double acc = tables[0] ? (*tables[0])[b] : scalars[0];
    for (size_t k = 1; k < tables.size(); ++k)
      acc = f(acc, tables[k] ? (*tables[k])[b] : scalars[k]);
    (*out)[b] = acc;
  }
  Value r = *src;
  r.table = std::move(out);
  im.define(0, r);
  return true;
}

}  // namespace

Value function_of(Importer& im, const Value& deq) {
  const TensorInfo& t = im.graph().tensor(deq.tensor);
  auto table = std::make_shared<std::vector<double>>(256);
  for (int b = 0; b < 256; ++b) {
    const int32_t q = t.is_signed ? int32_t(int8_t(uint8_t(b))) : b;
    (*table)[size_t(b)] = double(float(q - t.zero_point) * float(t.scale));  // DequantizeLinear
  }
  Value f = deq;
  f.kind = Kind::kFunc;
  f.table = std::move(table);
  return f;
}

void emit_lut(Importer& im, const Value& f, const QuantParams& q) {
  const TensorInfo out = quantized_tensor(im.node().output(0), f.shape, q);
  TensorInfo tt;
  tt.name = out.name + ".table";
  tt.shape = {256};
  tt.is_signed = out.is_signed;
  tt.scale = out.scale;
  tt.zero_point = out.zero_point;
  Int8Buffer table({256});
  const double lo = out.is_signed ? -128 : 0, hi = out.is_signed ? 127 : 255;
  for (size_t b = 0; b < 256; ++b) {
    // QuantizeLinear of the function's value: float32 division, half to even, saturation.
    const double v =
        round_half_to_even(double(float((*f.table)[b]) / float(out.scale))) + out.zero_point;
    table.data[b] =
        int8_t(uint8_t(int64_t(std::max(lo, std::min(hi, std::isnan(v) ? 0.0 : v))) & 0xFF));
  }
  Layer l = vector_layer(im, OpType::kLut, {f.tensor});
  l.weight = im.add_constant(tt, &table, nullptr);
  emit_layer(im, std::move(l), out, false);
}

void import_eltwise(Importer& im) {
  const std::string op = im.node().op_type();
  if (op == "Add" && im.node().input_size() == 2 && fuse_bias(im)) return;
  const BinaryFn f = op == "Sum" ? *binary_function("Add") : *binary_function(op);
  if (fold_function(im, f)) return;
  const bool vector_op = op == "Add" || op == "Sum" || (op == "Mul" && im.node().input_size() == 2);
  if (!vector_op)
    im.fail(
        im.where(), op + " of operands that are not functions of one quantized tensor",
        "Add / Sum / Mul of DequantizeLinear outputs and constants, or elementwise arithmetic on "
        "one DequantizeLinear output with scalar constants");
  std::vector<std::string> inputs;
  std::vector<Shape> shapes;
  for (size_t s = 0; s < size_t(im.node().input_size()); ++s) {
    const Value v = im.value(s);
    if (v.kind == Kind::kDeq)
      inputs.push_back(materialize(im, act_dequantized(im, s)).tensor);
    else if (v.kind == Kind::kConst || v.kind == Kind::kDeqConst)
      inputs.push_back(constant_operand(im, s));
    else
      im.fail(im.slot_where(s),
              v.kind == Kind::kFunc || v.kind == Kind::kPending
                  ? "a float result that is not quantized"
                  : "a value that is not a DequantizeLinear output",
              "a DequantizeLinear output or a constant (quantize results before " + op + ")");
    shapes.push_back(v.shape);
  }
  Shape out;
  try {
    out = broadcast_shapes(shapes);
  } catch (const sim::ModelError&) {
    im.fail(im.where(), "operand shapes that do not broadcast",
            "shapes that broadcast (numpy rules)");
  }
  define_pending(im, vector_layer(im, op == "Mul" ? OpType::kMul : OpType::kAdd, inputs), out);
}

namespace {

/// Relu / Clip on the integers of an 8-bit tensor (not a DequantizeLinear output): ONNX applies
/// them to the integers themselves; a lookup table with the tensor's own type and quantization.
void integer_unary(Importer& im, const Value& v) {
  const std::string& op = im.node().op_type();
  if (op != "Relu" && op != "Clip")
    im.fail(im.slot_where(0), "an integer tensor",
            op + " of a float value (a DequantizeLinear output)");
  Act x;
  if (v.kind == Kind::kInput) {
    QuantParams q;  // the integers as they are: scale and zero point do not matter
    q.scales = {1.0f};
    q.zero_points = {0};
    q.type = v.type;
    x = {im.activate_input(v.input, v.const_name, v.type, q, Importer::Entry::kRaw).tensor, v.shape,
         false, ""};
  } else {
    x = materialize(im, {v.tensor, v.shape, false, v.view});
  }
  const TensorInfo& in = im.graph().tensor(x.tensor);
  float lo = op == "Relu" ? 0.0f : -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (op == "Clip") clip_bounds(im, lo, hi);
  TensorInfo out = in;
  out.name = im.node().output(0);
  out.shape = x.shape;
  out.is_constant = false;
  TensorInfo tt = in;
  tt.name = out.name + ".table";
  tt.shape = {256};
  Int8Buffer table({256});
  for (int b = 0; b < 256; ++b) {
    const int q = in.is_signed ? int(int8_t(uint8_t(b))) : b;
    table.data[size_t(b)] =
        int8_t(uint8_t(int(std::max<float>(lo, std::min<float>(hi, float(q)))) & 0xFF));
  }
  Layer l = vector_layer(im, OpType::kLut, {x.tensor});
  l.weight = im.add_constant(tt, &table, nullptr);
  emit_layer(im, std::move(l), out, false);
}

}  // namespace

void import_unary(Importer& im) {
  const Value v = im.value(0);
  if ((v.kind == Kind::kInt && !v.exact) ||
      (v.kind == Kind::kInput && (v.type == kTypeUint8 || v.type == kTypeInt8)))
    return integer_unary(im, v);
  const auto fn = as_function(im, 0);
  if (!fn)
    im.fail(im.slot_where(0), "a value that is not a DequantizeLinear output",
            im.node().op_type() + " of a DequantizeLinear output (a lookup table on its integers)");
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (im.node().op_type() == "Clip") clip_bounds(im, lo, hi);
  const auto f = unary_function(im.node(), lo, hi);
  if (!f) throw sim::ModelError("import_unary: no function for " + im.node().op_type());
  auto out = std::make_shared<std::vector<double>>(256);
  for (size_t b = 0; b < 256; ++b) (*out)[b] = (*f)((*fn->table)[b]);
  Value r = *fn;
  r.table = std::move(out);
  im.define(0, r);
}

void import_avgpool(Importer& im) {
  const bool global = im.node().op_type() == "GlobalAveragePool";
  Shape out;
  Layer l = pool_layer(im, act_dequantized(im, 0), OpType::kAvgPool, global, out);
  define_pending(im, std::move(l), out);
}

void import_concat(Importer& im) {
  std::vector<std::string> inputs;
  Shape out;
  int64_t axis = im.attr_int("axis", INT64_MIN);
  for (size_t s = 0; s < size_t(im.node().input_size()); ++s) {
    const Value v = im.value(s);
    const Shape& sh = v.shape;
    if (s == 0) {
      out = sh;
      if (axis == INT64_MIN) im.fail(im.where() + " attribute axis", "none", "an axis");
      if (axis < 0) axis += int64_t(sh.size());
      if (axis < 0 || axis >= int64_t(sh.size()))
        im.fail(im.where() + " attribute axis", std::to_string(im.attr_int("axis", 0)),
                "an axis of the rank-" + std::to_string(sh.size()) + " operands");
      out[size_t(axis)] = 0;
    }
    bool ok = sh.size() == out.size();
    for (size_t d = 0; ok && d < sh.size(); ++d) ok = int64_t(d) == axis || sh[d] == out[d];
    if (!ok)
      im.fail(im.slot_where(s), "shape " + render_shape(sh),
              "the other operands' dims off the axis");
    out[size_t(axis)] += sh[size_t(axis)];
    inputs.push_back(v.kind == Kind::kDeq ? materialize(im, act_dequantized(im, s)).tensor
                                          : constant_operand(im, s));
  }
  Layer l = vector_layer(im, OpType::kConcat, inputs);
  l.axis = int(axis);
  define_pending(im, std::move(l), out);
}

void import_softmax(Importer& im) {
  Act x = act_dequantized(im, 0);
  const int64_t rank = int64_t(x.shape.size());
  int64_t axis = im.attr_int("axis", im.opset() >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank)
    im.fail(im.where() + " attribute axis", std::to_string(im.attr_int("axis", -1)),
            "an axis of the input");
  const Shape shape = x.shape;
  if (im.opset() < 13 && axis != rank - 1) {  // opset < 13: softmax over the dims from axis on
    Shape two = {1, 1};
    for (int64_t d = 0; d < rank; ++d) two[d < axis ? 0 : 1] *= shape[size_t(d)];
    x.shape = two;
    x.view = im.node().output(0) + "#2d";
    axis = 1;
  }
  x = materialize(im, x);
  Layer l = vector_layer(im, OpType::kSoftmax, {x.tensor});
  l.axis = int(axis);
  define_pending(im, std::move(l), x.shape, &shape);  // the result in the node's shape
}

}  // namespace adasim::workloads::onnx_import
