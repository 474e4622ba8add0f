// SPDX-License-Identifier: Apache-2.0
// Public entry points of the ONNX import (onnx_loader.hpp), the table of supported operators,
// and the graph-output side of the host boundary: which tensor each ONNX graph output is, its
// external type and conversion, and a final Reshape / Flatten applied as a shape change.
#include "workloads/onnx/onnx_loader.hpp"

#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/onnx/onnx_import.hpp"
#include "workloads/onnx/tensor_proto.hpp"

namespace adasim::workloads {
namespace onnx_import {
namespace {
const std::vector<const char*> kConvAttrs = {"auto_pad", "dilations", "group", "kernel_shape",
                                             "pads", "strides"};
}  // namespace

const std::vector<OpInfo>& supported_ops() {
  static const std::vector<OpInfo> ops = {
      {"QLinearConv",
       {"x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point", "B"},
       8, kConvAttrs, import_qlinear_conv},
      {"QLinearMatMul",
       {"a", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point", "y_scale", "y_zero_point"},
       8, {}, import_qlinear_matmul},
      {"ConvInteger", {"x", "w", "x_zero_point", "w_zero_point"}, 2, kConvAttrs, import_conv_integer},
      {"MatMulInteger", {"A", "B", "a_zero_point", "b_zero_point"}, 2, {}, import_matmul_integer},
      {"QuantizeLinear", {"x", "y_scale", "y_zero_point"}, 2, {"axis"}, import_quantize_linear},
      {"DequantizeLinear", {"x", "x_scale", "x_zero_point"}, 2, {"axis"}, import_dequantize_linear},
      {"Conv", {"X", "W", "B"}, 2, kConvAttrs, import_conv},
      {"Gemm", {"A", "B", "C"}, 2, {"alpha", "beta", "transA", "transB"}, import_gemm},
      {"MatMul", {"A", "B"}, 2, {}, import_matmul},
      {"Relu", {"X"}, 1, {}, import_relu},
      {"MaxPool", {"X"}, 1,
       {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"},
       import_maxpool},
      {"Flatten", {"input"}, 1, {"axis"}, import_flatten},
      {"Reshape", {"data", "shape"}, 2, {"allowzero"}, import_reshape},
      {"Constant", {}, 0, {"value", "value_float", "value_floats", "value_int", "value_ints"},
       import_constant},
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
  for (const OpInfo& op : supported_ops()) out += (out.empty() ? "" : ", ") + std::string(op.op_type);
  return out;
}

void Importer::finish_outputs() {
  std::map<std::string, Shape> reshaped;  // tensor -> shape given to it by a graph output
  for (const onnx::ValueInfoProto& vi : model_.graph().output()) {
    const std::string at = "graph output '" + vi.name() + "'";
    auto it = values_.find(vi.name());
    if (it == values_.end()) fail(at, "a value no node computes", "the output of a node");
    const Value& v = it->second;
    BoundaryTensor b;
    b.external_name = vi.name();
    b.tensor = v.tensor;
    switch (v.kind) {
      case Kind::kInt:
        b.external_type = v.exact ? kTypeFloat32 : (g_.tensor(v.tensor).is_signed ? kTypeInt8 : kTypeUint8);
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
        fail(at, "a float result that no QuantizeLinear quantizes",
             "QDQ form: ... -> QuantizeLinear [-> DequantizeLinear] -> graph output");
      default:
        fail(at, "a constant or a graph input passed through", "the result of a layer");
    }
    for (const BoundaryTensor& in : g_.input_boundary)
      if (in.tensor == b.tensor)
        fail(at, "graph input '" + in.external_name + "' passed through without a layer",
             "the result of a layer");
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
        fail(at, "shape " + render_shape(v.shape), "the shape " + render_shape(prev->second) +
                                                      " another graph output gives tensor '" + b.tensor + "'");
      for (const Layer& l : g_.layers)
        for (const std::string& in : l.inputs)
          if (in == b.tensor && l.op != OpType::kFullyConnected)
            fail(at, "a Reshape / Flatten of '" + b.tensor + "', which layer '" + l.name + "' (" +
                         to_string(l.op) + ") reads in its shape " + render_shape(t.shape),
                 "a reshaped tensor that only fully connected layers read");
      reshaped[b.tensor] = v.shape;
      t.shape = v.shape;
    }
    const auto& dims = vi.type().tensor_type().shape().dim();
    if (vi.type().tensor_type().has_shape()) {
      bool ok = dims.size() == int(t.shape.size());
      for (int k = 0; ok && k < dims.size(); ++k)
        ok = !dims[k].has_dim_value() || (k == 0 && batch_ > 0) || dims[k].dim_value() == t.shape[size_t(k)];
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

OnnxModel load_onnx_model(const std::string& path, const std::vector<HostTensor>& bound_inputs,
                          int64_t batch) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::ConfigError(path, "", "a missing or unreadable file", "a readable .onnx model");
  std::ostringstream ss;
  ss << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(ss.str()))
    throw sim::ConfigError(path, "", "bytes that do not parse as a protobuf message",
                           "an ONNX model (serialized onnx.ModelProto)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw sim::ConfigError(path, "graph", "no nodes", "an ONNX model with a graph of nodes");
  OnnxModel m = onnx_import::Importer(model, path, bound_inputs, batch).run();
  GraphLocator where;  // layers are named after their nodes, tensors after ONNX values
  where.layer = [&m](size_t i) { return "node '" + m.graph.layers.at(i).name + "'"; };
  where.tensor = [](const std::string& t) { return "value '" + t + "'"; };
  check_graph_sizes(m.graph, path, where);
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
      if (it == wide_values.end()) throw sim::ModelError("output_tensors: no values for '" + b.tensor + "'");
      if (it->second.elements() != t.elements())
        throw sim::ModelError("output_tensors: '" + b.tensor + "' has the wrong element count");
      Int32Buffer v = it->second;
      v.shape = t.shape;
      h = b.convert ? dequantize_linear(v, t, b.external_name) : from_int32_buffer(v, b.external_name);
    } else {
      auto it = values.find(b.tensor);
      if (it == values.end()) throw sim::ModelError("output_tensors: no values for '" + b.tensor + "'");
      h = b.convert ? dequantize_linear(it->second, t, b.external_name)
                    : from_int8_storage(it->second, t, b.external_name);
    }
    if (h.type != b.external_type)
      throw sim::ModelError("output_tensors: '" + b.tensor + "' gives " + h.type + ", not " + b.external_type);
    result.push_back(std::move(h));
  }
  return result;
}

std::map<std::string, Int8Buffer> integer_input_values(const Graph& g,
                                                       const std::vector<HostTensor>& bound_inputs) {
  if (bound_inputs.size() > g.graph_inputs.size())
    throw sim::ConfigError(bound_inputs[g.graph_inputs.size()].label(), "--input",
                           std::to_string(bound_inputs.size()) + " input files",
                           "at most " + std::to_string(g.graph_inputs.size()) + " (the graph's inputs)");
  std::map<std::string, Int8Buffer> out;
  for (size_t i = 0; i < bound_inputs.size(); ++i) {
    const TensorInfo& t = g.tensor(g.graph_inputs[i]);
    out[t.name] = to_int8_storage(bound_inputs[i], t);
  }
  return out;
}

}  // namespace adasim::workloads
