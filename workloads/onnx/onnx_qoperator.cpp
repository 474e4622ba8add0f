// SPDX-License-Identifier: Apache-2.0
// QOperator nodes: QLinearConv and QLinearMatMul (8-bit output requantized with y_scale /
// y_zero_point, rounding half to even), ConvInteger and MatMulInteger (int32 output kept as a
// wide tensor). Scales and zero points must be known at load time; per-channel weight scales and
// zero points follow the output channel (conv K, matmul column N).
#include "sim/core/errors.hpp"
#include "workloads/onnx/onnx_layers.hpp"

namespace adasim::workloads::onnx_import {
namespace {

/// Weight of a conv node at `slot`, with its quantization from (scale_slot, zp_slot); a missing
/// scale slot (ConvInteger) means scale 1.
std::string conv_weight(Importer& im, size_t slot, size_t scale_slot, size_t zp_slot) {
  WeightSrc w = weight_qoperator(im, slot);
  if (w.shape.size() != 4)
    im.fail(im.slot_where(slot), "shape " + render_shape(w.shape),
            "a 4-D weight [K, C/group, kH, kW] (2-D convolution only)");
  const int64_t k = w.shape[0];
  w.quant = scale_slot == SIZE_MAX ? im.zero_point_only(zp_slot, k, w.type)
                                   : im.quant_params(scale_slot, zp_slot, k, w.type);
  w.quant.axis = 0;
  return emit_weight(im, slot, w, false, 0, k);
}

/// Operand B of a matmul node: a 2-D constant becomes the weight (transposed when A is a
/// flattened tensor read by an FC layer), anything else an activation B.
struct MatMulB {
  std::string weight;
  Act act;
  bool is_weight = false;
};

MatMulB matmul_b(Importer& im, const Act& a, size_t slot, size_t scale_slot, size_t zp_slot) {
  const Value bv = im.value(slot);
  MatMulB b;
  if (is_weight_operand(im, slot) && bv.shape.size() == 2) {
    WeightSrc w = weight_qoperator(im, slot);
    const int64_t n = w.shape[1];
    w.quant = scale_slot == SIZE_MAX ? im.zero_point_only(zp_slot, n, w.type)
                                     : im.quant_params(scale_slot, zp_slot, n, w.type);
    w.quant.axis = 1;
    b.weight = emit_weight(im, slot, w, matmul_as_fc(im, a), 1, n);
    b.is_weight = true;
    return b;
  }
  if (bv.kind == Kind::kConst)
    im.fail(im.slot_where(slot), "a constant B of shape " + render_shape(bv.shape),
            "a 2-D constant B [Kd][N], or a B of rank >= 3 fed as graph input or computed by the graph");
  const std::string type = int_type_of(im, slot);
  const QuantParams q = scale_slot == SIZE_MAX ? im.zero_point_only(zp_slot, 0, type)
                                               : im.quant_params(scale_slot, zp_slot, 0, type);
  b.act = act_qoperator(im, slot, q, scale_slot != SIZE_MAX);
  return b;
}

Layer matmul_of(Importer& im, const Act& a, const MatMulB& b, Shape& out) {
  if (b.is_weight && matmul_as_fc(im, a)) return fc_layer(im, a, b.weight, out);
  return matmul_layer(im, a, b.weight, b.is_weight ? nullptr : &b.act, out);
}

double wide_scale(Importer& im, const Layer& l) {
  const Graph& g = im.graph();
  const std::string& b = l.weight.empty() ? l.inputs.at(1) : l.weight;
  return g.tensor(l.inputs.at(0)).scale * g.tensor(b).scale;
}

}  // namespace

void import_qlinear_conv(Importer& im) {
  const QuantParams xq = im.quant_params(1, 2, 0, int_type_of(im, 0));
  const Act x = act_qoperator(im, 0, xq);
  const std::string w = conv_weight(im, 3, 4, 5);
  Shape out;
  Layer l = conv_layer(im, x, w, out);
  if (im.has(8)) emit_bias(im, 8, l, bias_int32(im, 8, out[1]));
  const QuantParams yq = im.quant_params(6, 7, 0, "");
  emit_layer(im, std::move(l), quantized_tensor(im.node().output(0), out, yq), false);
}

void import_conv_integer(Importer& im) {
  const QuantParams xq = im.zero_point_only(2, 0, int_type_of(im, 0));
  const Act x = act_qoperator(im, 0, xq, false);
  const std::string w = conv_weight(im, 1, SIZE_MAX, 3);
  Shape out;
  Layer l = conv_layer(im, x, w, out);
  const double scale = wide_scale(im, l);
  emit_layer(im, std::move(l), wide_tensor(im.node().output(0), out, scale), false);
}

void import_qlinear_matmul(Importer& im) {
  const QuantParams aq = im.quant_params(1, 2, 0, int_type_of(im, 0));
  const Act a = act_qoperator(im, 0, aq);
  const MatMulB b = matmul_b(im, a, 3, 4, 5);
  Shape out;
  Layer l = matmul_of(im, a, b, out);
  const QuantParams yq = im.quant_params(6, 7, 0, "");
  emit_layer(im, std::move(l), quantized_tensor(im.node().output(0), out, yq), false);
}

void import_matmul_integer(Importer& im) {
  const QuantParams aq = im.zero_point_only(2, 0, int_type_of(im, 0));
  const Act a = act_qoperator(im, 0, aq, false);
  const MatMulB b = matmul_b(im, a, 1, SIZE_MAX, 3);
  Shape out;
  Layer l = matmul_of(im, a, b, out);
  const double scale = wide_scale(im, l);
  emit_layer(im, std::move(l), wide_tensor(im.node().output(0), out, scale), false);
}

}  // namespace adasim::workloads::onnx_import
