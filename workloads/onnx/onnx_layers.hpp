// SPDX-License-Identifier: Apache-2.0
// Internal to workloads/onnx: operands and layers shared by the node handlers of the three model
// forms. QOperator (QLinearConv, ...): integer operands with explicit scale / zero point
// inputs. QDQ: operands are DequantizeLinear values. Float exact mode: integer-valued float
// operands taken as 8-bit integers with scale 1.
#pragma once

#include <memory>
#include <string>

#include "workloads/onnx/onnx_import.hpp"

namespace adasim::workloads::onnx_import {

/// An activation operand: its graph tensor and the shape of the ONNX value (which differs from
/// the tensor's after a Reshape / Flatten).
struct Act {
  std::string tensor;
  Shape shape;
  bool exact = false;
  std::string view;  ///< Value::view of a reshaped operand
};
/// The operand in its own shape: a reshaped operand (a view) becomes the output of a reshape
/// layer (created once per view, named after it).
Act materialize(Importer& im, const Act& a);

/// The integer element type of operand `slot` ("uint8" / "int8" / "int32"), "" if not integer.
std::string int_type_of(Importer& im, size_t slot);
/// QOperator: an integer tensor (or integer graph input) with quantization q (zero point only
/// when !check_scale: ConvInteger / MatMulInteger ignore scales).
Act act_qoperator(Importer& im, size_t slot, const QuantParams& q, bool check_scale = true);
/// QDQ: a DequantizeLinear value.
Act act_dequantized(Importer& im, size_t slot);
/// Float exact mode: a float graph input or a tensor of exact mode.
Act act_exact(Importer& im, size_t slot);

/// Which form the float operand `slot` of a Conv / Gemm / MatMul / MaxPool belongs to.
enum class Form { kQdq, kExact };
Form float_form(Importer& im, size_t slot);

/// A weight operand before it becomes a tensor: integer values (null: seeded), type, shape as in
/// the model, and its scales / zero points (per tensor or per output channel).
struct WeightSrc {
  std::string name;
  std::string type;
  Shape shape;
  std::shared_ptr<const HostTensor> values;
  QuantParams quant;
};
WeightSrc weight_qoperator(Importer& im, size_t slot);  ///< quant left for the caller to set
WeightSrc weight_dequantized(Importer& im, size_t slot);
WeightSrc weight_exact(Importer& im, size_t slot);
/// True if `slot` holds a constant (or a not yet used graph input) usable as a weight.
bool is_weight_operand(Importer& im, size_t slot);

/// Creates the weight tensor: the 2-D source transposed if `transpose` (Gemm transB = 0, MatMul
/// read as FC); `k` output channels along source axis `k_axis` (per-channel checks).
std::string emit_weight(Importer& im, size_t slot, const WeightSrc& w, bool transpose,
                        int64_t k_axis, int64_t k);

/// Bias values [k] (int32): QOperator int32 constant; QDQ DequantizeLinear of int32 or float
/// constant quantized with scale x_scale * w_scale; exact mode: integer-valued float. Gemm's C
/// may also be [1, k], [1] or a scalar (broadcast).
Int32Buffer bias_int32(Importer& im, size_t slot, int64_t k);
Int32Buffer bias_dequantized(Importer& im, size_t slot, int64_t k, const TensorInfo& x,
                             const TensorInfo& w);
Int32Buffer bias_exact(Importer& im, size_t slot, int64_t k);
/// Creates the bias tensor (bits 32, scale x_scale * w_scale per channel) named after the slot's
/// value and sets l.bias.
void emit_bias(Importer& im, size_t slot, Layer& l, const Int32Buffer& values);

/// Layers with attributes and inputs set (no output yet); `out` receives the output shape.
Layer conv_layer(Importer& im, const Act& x, const std::string& weight, Shape& out);
/// MaxPool / AveragePool (op) with the node's window attributes; GlobalAveragePool with the
/// whole plane as window when `global`.
Layer pool_layer(Importer& im, const Act& x, OpType op, bool global, Shape& out);
Layer maxpool_layer(Importer& im, const Act& x, Shape& out);
Layer fc_layer(Importer& im, const Act& x, const std::string& weight, Shape& out);
/// b_act: activation B ([..][Kd][N], same leading dims as A), or nullptr with weight [Kd][N].
Layer matmul_layer(Importer& im, const Act& a, const std::string& weight, const Act* b_act,
                   Shape& out);
/// MatMul with a reshaped 2-D A of a tensor with the same dim 0 reads as an FC layer.
bool matmul_as_fc(Importer& im, const Act& a);

/// Output tensors: 8-bit with per-tensor quantization q, or int32 (wide) with `scale`.
TensorInfo quantized_tensor(const std::string& name, const Shape& shape, const QuantParams& q);
TensorInfo wide_tensor(const std::string& name, const Shape& shape, double scale);
/// The fused activation of pending value v (Relu, Clip, LeakyRelu) set on l, whose output
/// tensor is `out` (a Clip's bounds are quantized with its scale and zero point).
void apply_activation(const Value& v, Layer& l, const TensorInfo& out);
/// v with a new shape (Reshape, Flatten, Squeeze, Unsqueeze): the same values, viewed as the
/// node's output 0 (a pending layer result must be quantized first).
Value reshaped_value(Importer& im, Value v, const Shape& shape);
/// Adds tensor `out` and layer l (output = out.name, rounding half to even) and defines the
/// node's output 0 as that tensor (viewed in `value_shape` if given and different).
void emit_layer(Importer& im, Layer l, const TensorInfo& out, bool exact,
                const Shape* value_shape = nullptr);

// ---- onnx_vector_ops.cpp ----
/// A constant operand's real values: a float constant, or the DequantizeLinear of an integer
/// constant (float32 (q - zp) * scale, per tensor or per channel along the DQ axis); nullopt
/// for other operands.
struct RealConst {
  Shape shape;
  std::vector<double> values;
};
std::optional<RealConst> real_constant(Importer& im, size_t slot);
/// A vector layer named after the node, reading `inputs`.
Layer vector_layer(Importer& im, OpType op, std::vector<std::string> inputs);
/// Defines the node's output as the pending layer l with output shape `out` (the value in
/// `value_shape` if given: a view of the layer's output).
void define_pending(Importer& im, Layer l, const Shape& out, const Shape* value_shape = nullptr);
/// Bounds of a Clip node: inputs min / max (opset >= 11, constants) or attributes (opset 6).
void clip_bounds(Importer& im, float& lo, float& hi);
/// The kFunc value of a DequantizeLinear output (kDeq): its dequantized value per stored byte.
Value function_of(Importer& im, const Value& deq);
/// QuantizeLinear (parameters q) of a kFunc value: a lookup-table layer on its tensor.
void emit_lut(Importer& im, const Value& f, const QuantParams& q);

}  // namespace adasim::workloads::onnx_import
