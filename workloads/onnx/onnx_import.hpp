// SPDX-License-Identifier: Apache-2.0
// Internal to workloads/onnx: the state of one ONNX import. Nodes are visited in file order (ONNX
// requires a topological order); every ONNX value gets a symbolic Value that says what it is for
// the accelerator: a constant, a not yet used graph input, an integer graph tensor, the
// DequantizeLinear of one, or a float MAC / pool result that waits for its QuantizeLinear (QDQ
// fusion). Node handlers (onnx_qoperator.cpp, qdq_fusion.cpp, onnx_float_ops.cpp) read their
// operands through the Importer and emit IR layers with the helpers of onnx_layers.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "workloads/onnx/onnx_loader.hpp"

namespace adasim::workloads::onnx_import {

using Shape = std::vector<int64_t>;
std::string render_shape(const Shape& s);
int64_t product(const Shape& s);

/// Scales and zero points of a quantized value as the model gives them (float32 scales).
struct QuantParams {
  std::vector<float> scales;         ///< 1 (per tensor) or one per channel
  std::vector<int32_t> zero_points;  ///< 1 or one per channel
  std::string type = kTypeUint8;     ///< quantized element type (the zero point's type)
  int64_t axis = 1;                  ///< DequantizeLinear / QuantizeLinear axis (per channel)
  bool per_tensor() const { return scales.size() == 1 && zero_points.size() == 1; }
  bool same_as(const QuantParams& o) const;
  std::string render() const;
};

enum class Kind {
  kInput,     ///< ONNX graph input whose role (constant or activation) is not decided yet
  kConst,     ///< known or seeded constant (initializer, Constant node, folded graph input)
  kInt,       ///< <= 8-bit graph tensor
  kWide,      ///< int32 graph tensor
  kDeq,       ///< DequantizeLinear of a kInt tensor (a float value)
  kDeqConst,  ///< DequantizeLinear of a constant or of a not yet used integer graph input
  kPending,   ///< float result of a layer over dequantized operands, awaiting its Q
  kFunc,      ///< a float function of one 8-bit tensor (elementwise nodes after its
              ///< DequantizeLinear): `table` holds its value for each stored byte of `tensor`
};

struct Value {
  Kind kind = Kind::kConst;
  Shape shape;                 ///< the ONNX shape of this value (may differ from its tensor's
                               ///< after a Reshape / Flatten)
  std::string type;            ///< kConst / kInput / kDeqConst: element type of the integers
  std::string tensor;          ///< kInt / kWide / kDeq / kFunc: graph tensor
  /// kInt / kDeq / kFunc whose shape differs from its tensor's (after Reshape, Flatten,
  /// Squeeze, Unsqueeze): the ONNX value of that view, the name of the tensor a reshape layer
  /// creates when a layer needs the values in this shape.
  std::string view;
  std::shared_ptr<const std::vector<double>> table;  ///< kFunc: value per stored byte
  bool exact = false;          ///< kInt / kWide of float exact mode (the ONNX value is float)
  int input = -1;              ///< kInput / kDeqConst of an input: index into Importer inputs
  std::string const_name;      ///< kConst / kDeqConst: name of the constant's ONNX value
  std::shared_ptr<const HostTensor> values;  ///< kConst / kDeqConst values (null: seeded)
  QuantParams quant;           ///< kDeqConst: its DequantizeLinear parameters
  size_t pending = 0;          ///< kPending: index into Importer::pending
  bool relu = false;           ///< kPending: a Relu follows the MAC
  bool clip = false;           ///< kPending: a Clip follows the MAC, with these bounds (float32)
  float clip_lo = 0, clip_hi = 0;
  bool leaky = false;  ///< kPending: a LeakyRelu follows the MAC, with this slope
  float leaky_alpha = 0;
  bool activated() const { return relu || clip || leaky; }
};

/// A layer built from dequantized operands (MAC, pool, eltwise, concat, softmax, layernorm),
/// emitted when its QuantizeLinear gives the output tensor.
struct PendingOp {
  size_t node = 0;
  Layer layer;         ///< everything but the output
  Shape out_shape;
  bool used = false;
};

/// An ONNX graph input (graph.input minus initializers) and what it became.
struct InputDecl {
  std::string name;
  std::string type;
  Shape declared;                   ///< as in the model (-1 = symbolic)
  Shape shape;                      ///< the file's shape if bound, else declared with dim 0 =
                                    ///< --batch (or 1 if symbolic); other symbolic dims stay -1
  const HostTensor* bound = nullptr;
  enum class Role { kUnused, kConstant, kActivation } role = Role::kUnused;
  std::string tensor;               ///< kActivation: graph tensor
  bool quantized = false;           ///< kActivation: a float input quantized by QuantizeLinear
  bool exact = false;               ///< kActivation: a float input of float exact mode
};

class Importer {
 public:
  /// `origins` maps a node (by name, or by its first output if unnamed) to its index in the
  /// file, for messages about a model the clean-up passes changed (may be null).
  Importer(const onnx::ModelProto& model, std::string file, const std::vector<HostTensor>& bound,
           int64_t batch, const std::map<std::string, int>* origins = nullptr);
  OnnxModel run();

  const std::string& file() const { return file_; }
  int64_t batch() const { return batch_; }
  /// Opset version of the default domain the model imports.
  int64_t opset() const;

  // ---- the node being imported ----
  const onnx::NodeProto& node() const { return *node_; }
  size_t node_index() const { return node_pos_; }  ///< position in the (cleaned) graph
  std::string where() const;                       ///< node 3 'conv1' (Conv); 3 = index in the file
  /// "node 3 'conv1' (Conv)" of the node at position `pos`.
  std::string node_label(size_t pos) const;
  std::string slot_where(size_t slot) const;  ///< ... input 1 (x_scale 'xs')
  [[noreturn]] void fail(const std::string& where, const std::string& value,
                         const std::string& expected) const;
  bool has(size_t slot) const;                ///< optional input present
  /// The Value of input `slot`; a graph input already given a role resolves to what it became.
  Value value(size_t slot);
  void define(size_t out_slot, Value v);      ///< the node's output `out_slot` is v
  std::string layer_name() const;             ///< node name, or "<op_type>_<index>"

  // ---- attributes ----
  const onnx::AttributeProto* attr(const char* name) const;
  int64_t attr_int(const char* name, int64_t dflt) const;
  float attr_float(const char* name, float dflt) const;
  std::vector<int64_t> attr_ints(const char* name) const;  ///< empty if absent
  std::string attr_string(const char* name, const char* dflt) const;

  // ---- operands ----
  /// A constant operand that must be known now (scale, zero point, shape, bias): initializer,
  /// Constant node or bound graph input (folded). Error naming the slot otherwise.
  std::shared_ptr<const HostTensor> known_constant(size_t slot);
  /// Scale (+ optional zero point) operands as QuantParams: per tensor, or per channel when
  /// `channels` > 0 and the operand has that many entries. `quantized_type` is the type the zero
  /// point must have ("" = any 8-bit type; absent zero point = 0 of this type, or uint8).
  QuantParams quant_params(size_t scale_slot, size_t zp_slot, int64_t channels,
                           const std::string& quantized_type);
  /// Zero point operand alone (ConvInteger / MatMulInteger); 0 if absent.
  QuantParams zero_point_only(size_t zp_slot, int64_t channels, const std::string& quantized_type);

  /// How a graph input enters the accelerator: its integers as they are (uint8 / int8 inputs),
  /// quantized by a QuantizeLinear (float inputs), or taken exactly (float exact mode).
  enum class Entry { kRaw, kQuantized, kExact };
  /// Makes graph input `input` an activation: creates its graph tensor `tensor_name` (8-bit,
  /// `type`, quantization q) and converts its bound file, if any. Returns its kInt value.
  Value activate_input(int input, const std::string& tensor_name, const std::string& type,
                       const QuantParams& q, Entry entry);
  /// Marks graph input `input` as folded into a constant; returns its values (null if unbound).
  std::shared_ptr<const HostTensor> fold_input(int input);
  const InputDecl& input_decl(int input) const { return inputs_.at(size_t(input)); }

  // ---- graph building ----
  Graph& graph() { return g_; }
  std::vector<PendingOp>& pending() { return pending_; }
  /// Adds a constant tensor; an existing one of the same name must be identical (else the name
  /// gets a "#n" suffix). Returns the name used.
  std::string add_constant(TensorInfo info, const Int8Buffer* values, const Int32Buffer* wide);
  /// Adds a non-constant tensor (layer output); the name must be new.
  void add_tensor(TensorInfo info);

 private:
  void read_initializers();
  void read_inputs(const std::vector<HostTensor>& bound);
  void check_nodes() const;
  void import_node();
  void finish_outputs();
  /// How graph output `name` (value v) crosses the host boundary; `at` locates errors.
  BoundaryTensor output_boundary(const Value& v, const std::string& name, const std::string& at);
  void finish_inputs();

  const onnx::ModelProto& model_;
  std::string file_;
  int64_t batch_;
  Graph g_;
  std::map<std::string, Int8Buffer> input_values_;
  std::map<std::string, Value> values_;
  std::vector<InputDecl> inputs_;
  std::vector<PendingOp> pending_;
  const onnx::NodeProto* node_ = nullptr;
  size_t node_pos_ = 0;    ///< position in model_.graph()
  size_t node_index_ = 0;  ///< index in the file (origins_), for messages and default names
  const std::map<std::string, int>* origins_ = nullptr;
};

// ---- node handlers (one per ONNX op type) ----
void import_qlinear_conv(Importer& im);
void import_conv_integer(Importer& im);
void import_qlinear_matmul(Importer& im);
void import_matmul_integer(Importer& im);
void import_quantize_linear(Importer& im);
void import_dequantize_linear(Importer& im);
void import_conv(Importer& im);
void import_gemm(Importer& im);
void import_matmul(Importer& im);
void import_activation(Importer& im);  ///< Relu, Clip, LeakyRelu
void import_maxpool(Importer& im);
void import_flatten(Importer& im);
void import_reshape(Importer& im);
void import_constant(Importer& im);
// onnx_vector_ops.cpp: vector layers and layout on dequantized values.
void import_eltwise(Importer& im);  ///< Add, Sub, Mul, Div, Pow, Max, Min, Sum
void import_unary(Importer& im);    ///< Sigmoid, Tanh, HardSwish, Gelu, ... (lookup tables)
void import_avgpool(Importer& im);  ///< AveragePool, GlobalAveragePool
void import_concat(Importer& im);
void import_softmax(Importer& im);
void import_layernorm(Importer& im);
void import_transpose(Importer& im);
void import_squeeze(Importer& im);  ///< Squeeze, Unsqueeze (views)

/// The supported operators: input slot names (those from min_inputs on are optional) and the
/// accepted attributes.
struct OpInfo {
  const char* op_type;
  std::vector<const char*> inputs;
  size_t min_inputs;
  std::vector<const char*> attributes;
  void (*import)(Importer&);
  bool variadic = false;  ///< any number of inputs from min_inputs on (named after the last)
};
const std::vector<OpInfo>& supported_ops();
const OpInfo* find_op(const std::string& op_type);
std::string supported_op_list();

}  // namespace adasim::workloads::onnx_import
