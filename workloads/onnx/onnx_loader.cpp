// SPDX-License-Identifier: Apache-2.0
// Public entry points of the ONNX import (onnx_loader.hpp), the table of supported operators,
// and the graph-output side of the host boundary: which tensor each ONNX graph output is, its
// external type and conversion, and a final Reshape / Flatten applied as a shape change.
#include "workloads/onnx/onnx_loader.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/onnx_import.hpp"
#include "workloads/onnx/onnx_layers.hpp"
#include "workloads/onnx/quantize/quantizer.hpp"
#include "workloads/onnx/tensor_proto.hpp"
#include "workloads/onnx/type_checks.hpp"
#include "workloads/onnx/window_checks.hpp"

namespace adasim::workloads {
namespace onnx_import {
namespace {
const std::vector<const char*> kConvAttrs = {"auto_pad",     "dilations", "group",
                                             "kernel_shape", "pads",      "strides"};
}  // namespace

const std::vector<OpInfo>& supported_ops() {
  static const std::vector<OpInfo> ops = {
      {"QLinearConv",
       {"x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point",
        "B"},
       8,
       kConvAttrs,
       import_qlinear_conv},
      {"QLinearMatMul",
       {"a", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point", "y_scale", "y_zero_point"},
       8,
       {},
       import_qlinear_matmul},
      {"ConvInteger",
       {"x", "w", "x_zero_point", "w_zero_point"},
       2,
       kConvAttrs,
       import_conv_integer},
      {"MatMulInteger", {"A", "B", "a_zero_point", "b_zero_point"}, 2, {}, import_matmul_integer},
      {"QuantizeLinear", {"x", "y_scale", "y_zero_point"}, 2, {"axis"}, import_quantize_linear},
      {"DequantizeLinear", {"x", "x_scale", "x_zero_point"}, 2, {"axis"}, import_dequantize_linear},
      {"Conv", {"X", "W", "B"}, 2, kConvAttrs, import_conv},
      {"Gemm", {"A", "B", "C"}, 2, {"alpha", "beta", "transA", "transB"}, import_gemm},
      {"MatMul", {"A", "B"}, 2, {}, import_matmul},
      {"Relu", {"X"}, 1, {}, import_activation},
      {"Clip", {"input", "min", "max"}, 1, {"min", "max"}, import_activation},
      {"LeakyRelu", {"X"}, 1, {"alpha"}, import_activation},
      {"MaxPool",
       {"X"},
       1,
       {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"},
       import_maxpool},
      {"Flatten", {"input"}, 1, {"axis"}, import_flatten},
      {"Reshape", {"data", "shape"}, 2, {"allowzero"}, import_reshape},
      {"Squeeze", {"data", "axes"}, 1, {"axes"}, import_squeeze},
      {"Unsqueeze", {"data", "axes"}, 1, {"axes"}, import_squeeze},
      {"Transpose", {"data"}, 1, {"perm"}, import_transpose},
      {"Constant",
       {},
       0,
       {"value", "value_float", "value_floats", "value_int", "value_ints"},
       import_constant},
      {"Add", {"A", "B"}, 2, {}, import_eltwise},
      {"Sub", {"A", "B"}, 2, {}, import_eltwise},
      {"Mul", {"A", "B"}, 2, {}, import_eltwise},
      {"Div", {"A", "B"}, 2, {}, import_eltwise},
      {"Pow", {"X", "Y"}, 2, {}, import_eltwise},
      {"Sum", {"data_0"}, 1, {}, import_eltwise, true},
      {"Max", {"data_0"}, 1, {}, import_eltwise, true},
      {"Min", {"data_0"}, 1, {}, import_eltwise, true},
      {"AveragePool",
       {"X"},
       1,
       {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"},
       import_avgpool},
      {"GlobalAveragePool", {"X"}, 1, {}, import_avgpool},
      {"Concat", {"inputs"}, 1, {"axis"}, import_concat, true},
      {"Softmax", {"input"}, 1, {"axis"}, import_softmax},
      {"LayerNormalization",
       {"X", "Scale", "B"},
       2,
       {"axis", "epsilon", "stash_type"},
       import_layernorm},
      {"Sigmoid", {"X"}, 1, {}, import_unary},
      {"HardSigmoid", {"X"}, 1, {"alpha", "beta"}, import_unary},
      {"HardSwish", {"X"}, 1, {}, import_unary},
      {"Tanh", {"input"}, 1, {}, import_unary},
      {"Erf", {"input"}, 1, {}, import_unary},
      {"Gelu", {"X"}, 1, {"approximate"}, import_unary},
      {"Exp", {"input"}, 1, {}, import_unary},
      {"Log", {"input"}, 1, {}, import_unary},
      {"Sqrt", {"X"}, 1, {}, import_unary},
      {"Neg", {"X"}, 1, {}, import_unary},
      {"Abs", {"X"}, 1, {}, import_unary},
      {"Reciprocal", {"X"}, 1, {}, import_unary},
      {"Softplus", {"X"}, 1, {}, import_unary},
      {"Elu", {"X"}, 1, {"alpha"}, import_unary},
      {"Selu", {"X"}, 1, {"alpha", "gamma"}, import_unary},
  };
  return ops;
}

const OpInfo* find_op(const std::string& op_type) {
  for (const OpInfo& op : supported_ops())
    if (op_type == op.op_type) return &op;
  return nullptr;
}

std::string supported_op_list() {
  std::string out;
  for (const OpInfo& op : supported_ops())
    out += (out.empty() ? "" : ", ") + std::string(op.op_type);
  return out;
}

BoundaryTensor Importer::output_boundary(const Value& v, const std::string& name,
                                         const std::string& at) {
  BoundaryTensor b;
  b.external_name = name;
  b.tensor = v.tensor;
  switch (v.kind) {
    case Kind::kInt:
      b.external_type =
          v.exact ? kTypeFloat32 : (g_.tensor(v.tensor).is_signed ? kTypeInt8 : kTypeUint8);
      b.convert = v.exact;
      break;
    case Kind::kDeq:
      b.external_type = kTypeFloat32;
      b.convert = true;
      break;
    case Kind::kWide:
      b.external_type = v.exact ? kTypeFloat32 : kTypeInt32;
      b.convert = v.exact;
      break;
    case Kind::kPending:
    case Kind::kFunc:
      fail(at, "a float result that no QuantizeLinear quantizes",
           "QDQ form: ... -> QuantizeLinear [-> DequantizeLinear] -> graph output");
    default:
      fail(at, "a constant or a graph input passed through", "the result of a layer");
  }
  bool of_input = false;
  for (const BoundaryTensor& in : g_.input_boundary) of_input = of_input || in.tensor == b.tensor;
  bool read_in_shape = false;  // by a layer that needs the tensor in its own shape
  for (const Layer& l : g_.layers)
    for (const std::string& in : l.inputs)
      read_in_shape = read_in_shape || (in == b.tensor && l.op != OpType::kFullyConnected);
  // A view (Flatten, Reshape, ...) of a graph input or of a tensor other layers read in its own
  // shape: a reshape layer makes the output a tensor of its own.
  const bool view =
      (v.kind == Kind::kInt || v.kind == Kind::kDeq) && v.shape != g_.tensor(b.tensor).shape;
  if (view && (of_input || read_in_shape))
    b.tensor = materialize(*this, {v.tensor, v.shape, v.exact, v.view}).tensor;
  else if (of_input)
    fail(at, "a graph input passed through without a layer", "the result of a layer");
  return b;
}

void Importer::finish_outputs() {
  std::map<std::string, Shape> reshaped;  // tensor -> shape given to it by a graph output
  for (const onnx::ValueInfoProto& vi : model_.graph().output()) {
    const std::string at = "graph output '" + vi.name() + "'";
    auto it = values_.find(vi.name());
    if (it == values_.end()) fail(at, "a value no node computes", "the output of a node");
    const Value& v = it->second;
    BoundaryTensor b = output_boundary(v, vi.name(), at);
    if (vi.type().has_tensor_type()) {
      const std::string declared = onnx_type_name(vi.type().tensor_type().elem_type());
      if (declared != b.external_type)
        fail(at, "declared element type " + declared,
             b.external_type + ", the type of what the graph computes there");
    }
    TensorInfo& t = g_.tensors.at(b.tensor);
    if (v.shape != t.shape) {  // a Reshape / Flatten at the end: same values, new shape
      if (product(v.shape) != t.elements())
        throw sim::ModelError("onnx import: reshaped output of a different size");
      auto prev = reshaped.find(b.tensor);
      if (prev != reshaped.end() && prev->second != v.shape)
        fail(at, "shape " + render_shape(v.shape),
             "the shape " + render_shape(prev->second) + " another graph output gives tensor '" +
                 b.tensor + "'");
      for (const Layer& l : g_.layers)
        for (const std::string& in : l.inputs)
          if (in == b.tensor && l.op != OpType::kFullyConnected)
            throw sim::ModelError("onnx import: output view of a tensor other layers read");
      reshaped[b.tensor] = v.shape;
      t.shape = v.shape;
    }
    const auto& dims = vi.type().tensor_type().shape().dim();
    if (vi.type().tensor_type().has_shape()) {
      bool ok = dims.size() == int(t.shape.size());
      for (int k = 0; ok && k < dims.size(); ++k)
        ok = !dims[k].has_dim_value() || (k == 0 && batch_ > 0) ||
             dims[k].dim_value() == t.shape[size_t(k)];
      if (!ok) {
        Shape d;
        for (const auto& dim : dims) d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        fail(at, "declared shape " + render_shape(d),
             "the shape the graph computes, " + render_shape(t.shape));
      }
    }
    g_.output_boundary.push_back(b);
    bool listed = false;
    for (const std::string& o : g_.graph_outputs) listed |= o == b.tensor;
    if (!listed) g_.graph_outputs.push_back(b.tensor);
  }
  if (g_.output_boundary.empty()) fail("graph output", "none", "at least one graph output");
}

}  // namespace onnx_import

namespace {

/// Index in the file of every node, by name (or first output when unnamed), so that messages
/// about the cleaned graph name the nodes as the user's file numbers them.
std::map<std::string, int> node_origins(const onnx::GraphProto& g) {
  std::map<std::string, int> o;
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    const std::string key = n.name().empty() ? (n.output_size() ? n.output(0) : "") : n.name();
    o.emplace(key, i);
  }
  return o;
}

/// Input slots of operators that hold parameters, never activations: weights, biases, scales,
/// zero points, shapes, axes, bounds.
bool parameter_slot(const std::string& op, int slot) {
  static const std::map<std::string, std::vector<int>> slots = {
      {"Conv", {1, 2}},
      {"Gemm", {1, 2}},
      {"QLinearConv", {1, 2, 3, 4, 5, 6, 7, 8}},
      {"QLinearMatMul", {1, 2, 4, 5, 6, 7}},
      {"ConvInteger", {1, 2, 3}},
      {"MatMulInteger", {2, 3}},
      {"QuantizeLinear", {1, 2}},
      {"DequantizeLinear", {1, 2}},
      {"Clip", {1, 2}},
      {"Reshape", {1}},
      {"Squeeze", {1}},
      {"Unsqueeze", {1}},
      {"Pad", {1, 2}},
      {"LayerNormalization", {1, 2}},
      {"BatchNormalization", {1, 2, 3, 4}}};
  auto it = slots.find(op);
  return it != slots.end() && std::count(it->second.begin(), it->second.end(), slot) > 0;
}

/// Graph inputs bound to a file that the graph reads only as parameters become initializers
/// with the file's values (so that the clean-up folds them and the quantizer sees constants);
/// returns the files of the other inputs, in order.
std::vector<HostTensor> bind_parameters(onnx::ModelProto& m, const std::vector<HostTensor>& bound,
                                        std::vector<bool>& folded) {
  onnx::GraphProto& g = *m.mutable_graph();
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<HostTensor> rest;
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
  size_t k = 0;
  for (auto& vi : *g.mutable_input()) {
    const bool is_input = !inits.count(vi.name());
    const bool has_file = is_input && k < bound.size();
    bool parameter = has_file;
    bool read = false;
    for (const auto& n : g.node())
      for (int s = 0; s < n.input_size(); ++s)
        if (n.input(s) == vi.name()) {
          read = true;
          parameter = parameter && parameter_slot(n.op_type(), s);
        }
    // A file of another type or shape stays an input: the importer reports the mismatch.
    bool fits = has_file && onnx_type_name(vi.type().tensor_type().elem_type()) == bound[k].type &&
                vi.type().tensor_type().shape().dim_size() == int(bound[k].shape.size());
    for (int d = 0; fits && d < vi.type().tensor_type().shape().dim_size(); ++d) {
      const auto& dim = vi.type().tensor_type().shape().dim(d);
      fits = !dim.has_dim_value() || dim.dim_value() == bound[k].shape[size_t(d)];
    }
    if (is_input) folded.push_back(fits && parameter && read);
    if (fits && parameter && read) {
      HostTensor h = bound[k];
      h.name = vi.name();
      host_tensor_to_proto(h, *g.add_initializer());
    } else {
      if (has_file) rest.push_back(bound[k]);
      inputs.Add()->Swap(&vi);
    }
    k += is_input;
  }
  for (size_t i = k; i < bound.size(); ++i) rest.push_back(bound[i]);  // too many: reported later
  g.mutable_input()->Swap(&inputs);
  return rest;
}

/// --calib files bind to the graph inputs like --input files (a model with several inputs: one
/// file per input per sample); the files of inputs bound as parameters are not calibration data.
std::vector<std::string> calibration_files(const std::string& path,
                                           const std::vector<std::string>& calib,
                                           const std::vector<bool>& folded) {
  const size_t k = folded.size();
  if (k <= 1 || calib.empty()) return calib;
  if (calib.size() % k != 0)
    throw sim::ConfigError(path, "--calib", std::to_string(calib.size()) + " files",
                           "a multiple of the model's " + std::to_string(k) +
                               " graph inputs (one file per input per sample, in input order)");
  std::vector<std::string> kept;
  for (size_t i = 0; i < calib.size(); ++i)
    if (!folded[i % k]) kept.push_back(calib[i]);
  return kept;
}

/// Gives the activation graph inputs the shapes of this run (a bound file's shape, else dim 0 =
/// batch, 1 if symbolic), so that shape inference during the clean-up sees concrete shapes.
/// Returns the inputs as declared, to restore after the clean-up (the importer checks the bound
/// files against the declared shapes).
google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> set_run_shapes(
    onnx::ModelProto& m, const std::vector<HostTensor>& bound, int64_t batch) {
  onnx::GraphProto& g = *m.mutable_graph();
  const auto declared = g.input();
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  size_t k = 0;
  for (auto& vi : *g.mutable_input()) {
    if (inits.count(vi.name()) || !vi.type().has_tensor_type()) continue;
    auto* shape = vi.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (k < bound.size()) {
      shape->clear_dim();
      for (int64_t d : bound[k].shape) shape->add_dim()->set_dim_value(d);
    } else if (shape->dim_size() > 0 && (batch > 0 || !shape->dim(0).has_dim_value())) {
      shape->mutable_dim(0)->set_dim_value(batch > 0 ? batch : 1);
    }
    ++k;
  }
  return declared;
}

/// The clean-up passes; an error in a node (found by the checked shape inference) names the file.
void clean_up(onnx::ModelProto& m, const std::string& path) {
  try {
    cleanup::clean_up(m);
  } catch (const sim::ConfigError& e) {
    throw sim::attribute_to(e, path);
  }
}

}  // namespace

OnnxModel load_onnx_model(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                          int64_t batch) {
  OnnxImportOptions o;
  o.batch = batch;
  return load_onnx_model(path, bound_inputs, o);
}

OnnxModel load_onnx_model(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                          const OnnxImportOptions& options) {
  const int64_t batch = options.batch;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw sim::ConfigError(path, "", "a missing or unreadable file", "a readable .onnx model");
  std::ostringstream ss;
  ss << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(ss.str()))
    throw sim::ConfigError(path, "", "bytes that do not parse as a protobuf message",
                           "an ONNX model (serialized onnx.ModelProto)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw sim::ConfigError(path, "graph", "no nodes", "an ONNX model with a graph of nodes");
  onnx_import::check_value_kinds(model, path);
  onnx_import::check_window_attributes(model.graph(), path);
  const std::map<std::string, int> origins = node_origins(model.graph());
  std::vector<bool> folded;  // per graph input: bound as a parameter (now an initializer)
  const std::vector<HostTensor> bound = bind_parameters(model, bound_inputs, folded);
  // Calibration runs at the model's own batch (1 if symbolic), whatever the run's batch: the
  // same model cleaned for that batch (its values have the same names).
  std::optional<onnx::ModelProto> calibration_model;
  if (options.quantize.mode == QuantizeOptions::Mode::kInt8) {
    calibration_model = model;
    set_run_shapes(*calibration_model, {}, 0);
    onnx_import::check_window_ranks(calibration_model->graph(), path);
    clean_up(*calibration_model, path);
  }
  const auto declared = set_run_shapes(model, bound, batch);
  // After the bound inputs set their shapes: ONNX's shape inference reads the ranks next.
  onnx_import::check_window_ranks(model.graph(), path);
  clean_up(model, path);
  QuantizeOptions q = options.quantize;
  q.calib = calibration_files(path, q.calib, folded);
  std::string summary;
  // --no-values on a model that is already quantized: a timing-only run of it as it is.
  if (q.mode == QuantizeOptions::Mode::kInt8 || (q.no_values && quantize::is_float_model(model))) {
    if (q.mode == QuantizeOptions::Mode::kInt8 && !quantize::is_float_model(model))
      throw sim::ConfigError(
          path, "--quantize int8", "a model that is already quantized (or has no float input)",
          "a float model (run quantized models with --quantize none and their values)");
    summary =
        quantize::quantize_model(model, path, q, calibration_model ? &*calibration_model : nullptr)
            .summary();
  }
  for (auto& vi : *model.mutable_graph()->mutable_input())  // those the clean-up kept
    for (const auto& d : declared)
      if (d.name() == vi.name()) vi = d;
  OnnxModel m = onnx_import::Importer(model, path, bound, batch, &origins).run();
  GraphLocator where;  // layers are named after their nodes, tensors after ONNX values
  where.layer = [&m](size_t i) { return "node '" + m.graph.layers.at(i).name + "'"; };
  where.tensor = [](const std::string& t) { return "value '" + t + "'"; };
  check_graph_sizes(m.graph, path, where);
  m.quantize_summary = summary;
  if (options.keep_quantized && !summary.empty()) m.quantized_model = model.SerializeAsString();
  return m;
}

Graph load_graph_onnx(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                      int64_t batch) {
  return load_onnx_model(path, bound_inputs, batch).graph;
}

std::vector<HostTensor> output_tensors(const Graph& g,
                                       const std::map<std::string, Int8Buffer>& values,
                                       const std::map<std::string, Int32Buffer>& wide_values) {
  std::vector<BoundaryTensor> outs = g.output_boundary;
  if (outs.empty())
    for (const std::string& o : g.graph_outputs) {
      const TensorInfo& t = g.tensor(o);
      outs.push_back({o, o, t.wide() ? kTypeInt32 : (t.is_signed ? kTypeInt8 : kTypeUint8), false});
    }
  std::vector<HostTensor> result;
  for (const BoundaryTensor& b : outs) {
    const TensorInfo& t = g.tensor(b.tensor);
    HostTensor h;
    if (t.wide()) {
      auto it = wide_values.find(b.tensor);
      if (it == wide_values.end())
        throw sim::ModelError("output_tensors: no values for '" + b.tensor + "'");
      if (it->second.elements() != t.elements())
        throw sim::ModelError("output_tensors: '" + b.tensor + "' has the wrong element count");
      Int32Buffer v = it->second;
      v.shape = t.shape;
      h = b.convert ? dequantize_linear(v, t, b.external_name)
                    : from_int32_buffer(v, b.external_name);
    } else {
      auto it = values.find(b.tensor);
      if (it == values.end())
        throw sim::ModelError("output_tensors: no values for '" + b.tensor + "'");
      h = b.convert ? dequantize_linear(it->second, t, b.external_name)
                    : from_int8_storage(it->second, t, b.external_name);
    }
    if (h.type != b.external_type)
      throw sim::ModelError("output_tensors: '" + b.tensor + "' gives " + h.type + ", not " +
                            b.external_type);
    result.push_back(std::move(h));
  }
  return result;
}

IntegerInputs integer_input_values(const Graph& g, const std::vector<HostTensor>& bound_inputs) {
  if (bound_inputs.size() > g.graph_inputs.size())
    throw sim::ConfigError(
        bound_inputs[g.graph_inputs.size()].label(), "--input",
        std::to_string(bound_inputs.size()) + " input files",
        "at most " + std::to_string(g.graph_inputs.size()) + " (the graph's inputs)");
  IntegerInputs out;
  for (size_t i = 0; i < bound_inputs.size(); ++i) {
    const TensorInfo& t = g.tensor(g.graph_inputs[i]);
    if (t.wide())
      out.wide[t.name] = to_wide_values(bound_inputs[i], t);
    else
      out.values[t.name] = to_int8_storage(bound_inputs[i], t);
  }
  return out;
}

}  // namespace adasim::workloads
