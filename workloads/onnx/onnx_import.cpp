// SPDX-License-Identifier: Apache-2.0
// The ONNX import driver: reads the model, binds --input files to graph inputs, checks every
// node against the supported operators, visits the nodes in order, and turns the graph inputs and
// outputs into Graph::input_boundary / output_boundary.
#include "workloads/onnx/onnx_import.hpp"

#include <cmath>
#include <filesystem>

#include "sim/core/checked_math.hpp"
#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/onnx/tensor_proto.hpp"

namespace adasim::workloads::onnx_import {

std::string render_shape(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t product(const Shape& s) {
  // Past the limit (or with a symbolic -1) no tensor has this many elements: a value above every
  // real count makes comparisons fail instead of wrapping.
  return sim::checked_product(s).value_or(sim::kMaxSizeProduct + 1);
}

bool QuantParams::same_as(const QuantParams& o) const {
  return scales == o.scales && zero_points == o.zero_points && type == o.type;
}

std::string QuantParams::render() const {
  auto list = [](const auto& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 4; ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.9g", double(v[i]));
      s += (i ? "," : "") + std::string(buf);
    }
    if (v.size() > 4) s += ",...";
    return v.size() == 1 ? s : "[" + s + "]";
  };
  return "scale " + list(scales) + ", zero point " + list(zero_points) + " (" + type + ")";
}

Importer::Importer(const onnx::ModelProto& model, std::string file,
                   const std::vector<HostTensor>& bound, int64_t batch,
                   const std::map<std::string, int>* origins)
    : model_(model), file_(std::move(file)), batch_(batch), origins_(origins) {
  g_.source_file = file_;
  g_.name = model_.graph().name().empty() ? std::filesystem::path(file_).stem().string()
                                          : model_.graph().name();
  if (batch_ > 0 && !bound.empty())
    fail("--batch", std::to_string(batch_),
         "no --batch together with --input files (the files give the batch)");
  read_initializers();
  read_inputs(bound);
}

namespace {
/// Index in the file of the node at position `pos` (origins: by name or first output).
size_t file_index(const onnx::NodeProto& n, size_t pos, const std::map<std::string, int>* origins) {
  if (!origins) return pos;
  auto it = origins->find(n.name().empty() ? (n.output_size() ? n.output(0) : "") : n.name());
  return it == origins->end() ? pos : size_t(it->second);
}
}  // namespace

std::string Importer::node_label(size_t pos) const {
  const onnx::NodeProto& n = model_.graph().node(int(pos));
  const std::string name = n.name().empty() ? "" : " '" + n.name() + "'";
  return "node " + std::to_string(file_index(n, pos, origins_)) + name + " (" + n.op_type() + ")";
}

std::string Importer::where() const { return node_label(node_pos_); }

int64_t Importer::opset() const {
  for (const auto& o : model_.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  return 1;
}

std::string Importer::slot_where(size_t slot) const {
  const OpInfo* op = find_op(node_->op_type());
  std::string slot_name = !op || op->inputs.empty()  ? "?"
                          : slot < op->inputs.size() ? op->inputs[slot]
                          : op->variadic             ? op->inputs.back()
                                                     : "?";
  const std::string value = slot < size_t(node_->input_size()) ? node_->input(int(slot)) : "";
  return where() + " input " + std::to_string(slot) + " (" + slot_name +
         (value.empty() ? "" : " '" + value + "'") + ")";
}

void Importer::fail(const std::string& where, const std::string& value,
                    const std::string& expected) const {
  throw sim::ConfigError(file_, where, value, expected);
}

bool Importer::has(size_t slot) const {
  return slot < size_t(node_->input_size()) && !node_->input(int(slot)).empty();
}

Value Importer::value(size_t slot) {
  if (!has(slot)) fail(slot_where(slot), "no value", "this input (it is required here)");
  auto it = values_.find(node_->input(int(slot)));
  if (it == values_.end())
    fail(slot_where(slot), "a value not defined before this node",
         "an initializer, graph input or output of an earlier node (nodes in topological order)");
  const Value& v = it->second;
  const bool of_input = v.input >= 0 && (v.kind == Kind::kInput || v.kind == Kind::kDeqConst);
  if (!of_input) return v;
  const InputDecl& d = inputs_.at(size_t(v.input));
  if (d.role != InputDecl::Role::kActivation || (v.kind == Kind::kInput && d.quantized)) return v;
  // The graph input already became an activation: its value is that integer tensor.
  Value a;
  a.kind = v.kind == Kind::kInput ? Kind::kInt : Kind::kDeq;
  a.tensor = d.tensor;
  a.shape = v.shape;
  a.exact = d.exact;
  if (v.kind == Kind::kDeqConst) {
    const TensorInfo& t = g_.tensor(d.tensor);
    if (!v.quant.per_tensor() || float(t.scale) != v.quant.scales[0] ||
        t.zero_point != v.quant.zero_points[0])
      fail(slot_where(slot), "DequantizeLinear " + v.quant.render(),
           "the quantization graph input '" + d.name + "' has elsewhere");
  }
  return a;
}

void Importer::define(size_t out_slot, Value v) {
  if (out_slot >= size_t(node_->output_size()) || node_->output(int(out_slot)).empty())
    throw sim::ModelError("onnx import: node without output " + std::to_string(out_slot));
  const std::string& name = node_->output(int(out_slot));
  if (values_.count(name))
    fail(where() + " output " + std::to_string(out_slot), "'" + name + "', defined before",
         "a value name defined once (SSA form)");
  values_[name] = std::move(v);
}

std::string Importer::layer_name() const {
  return node_->name().empty() ? node_->op_type() + "_" + std::to_string(node_index_)
                               : node_->name();
}

const onnx::AttributeProto* Importer::attr(const char* name) const {
  for (const auto& a : node_->attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t Importer::attr_int(const char* name, int64_t dflt) const {
  const auto* a = attr(name);
  if (!a) return dflt;
  if (a->type() != onnx::AttributeProto::INT)
    fail(where() + " attribute " + name, "a non-integer attribute", "an integer");
  return a->i();
}

float Importer::attr_float(const char* name, float dflt) const {
  const auto* a = attr(name);
  if (!a) return dflt;
  if (a->type() != onnx::AttributeProto::FLOAT)
    fail(where() + " attribute " + name, "a non-float attribute", "a float");
  return a->f();
}

std::vector<int64_t> Importer::attr_ints(const char* name) const {
  const auto* a = attr(name);
  if (!a) return {};
  if (a->type() != onnx::AttributeProto::INTS)
    fail(where() + " attribute " + name, "not a list of integers", "a list of integers");
  return {a->ints().begin(), a->ints().end()};
}

std::string Importer::attr_string(const char* name, const char* dflt) const {
  const auto* a = attr(name);
  if (!a) return dflt;
  if (a->type() != onnx::AttributeProto::STRING)
    fail(where() + " attribute " + name, "not a string", "a string");
  return a->s();
}

void Importer::read_initializers() {
  const onnx::GraphProto& gp = model_.graph();
  if (gp.sparse_initializer_size() > 0)
    fail("graph sparse_initializer", "'" + gp.sparse_initializer(0).values().name() + "'",
         "dense initializers only");
  for (const onnx::TensorProto& t : gp.initializer()) {
    Value v;
    v.kind = Kind::kConst;
    auto h = std::make_shared<HostTensor>(
        host_tensor_from_proto(t, file_, "initializer '" + t.name() + "'"));
    h->source = file_;
    v.shape = h->shape;
    v.type = h->type;
    v.const_name = t.name();
    v.values = std::move(h);
    values_[t.name()] = std::move(v);
  }
}

void Importer::read_inputs(const std::vector<HostTensor>& bound) {
  const onnx::GraphProto& gp = model_.graph();
  for (const onnx::ValueInfoProto& vi : gp.input()) {
    if (values_.count(vi.name())) continue;  // an initializer (older IR versions list them)
    const std::string at = "graph input '" + vi.name() + "'";
    if (!vi.type().has_tensor_type())
      fail(at, "a non-tensor type", "a tensor input");
    const auto& tt = vi.type().tensor_type();
    if (!supported_onnx_type(tt.elem_type()))
      fail(at, onnx_type_name(tt.elem_type()), "element type float32, uint8, int8, int32 or int64");
    InputDecl d;
    d.name = vi.name();
    d.type = onnx_type_name(tt.elem_type());
    for (const auto& dim : tt.shape().dim()) {
      if (dim.has_dim_value() && (dim.dim_value() < 1 || dim.dim_value() > kMaxTensorDim))
        fail(at, "declared dimension " + std::to_string(dim.dim_value()),
             "dimensions in [1, " + std::to_string(kMaxTensorDim) + "] or symbolic");
      d.declared.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    }
    d.shape = d.declared;
    if (!d.shape.empty() && batch_ > 0) d.shape[0] = batch_;
    if (!d.shape.empty() && d.shape[0] < 0) d.shape[0] = 1;
    const size_t i = inputs_.size();
    if (i < bound.size()) {
      const HostTensor& b = bound[i];
      d.bound = &b;
      const std::string role = "(ONNX graph input " + std::to_string(i) + " '" + d.name + "')";
      if (b.type != d.type) throw sim::ConfigError(b.label(), "element type", b.type, d.type + " " + role);
      bool ok = b.shape.size() == d.declared.size();
      for (size_t k = 0; ok && k < b.shape.size(); ++k)
        ok = d.declared[k] < 0 || d.declared[k] == b.shape[k];
      if (!ok)
        throw sim::ConfigError(b.label(), "shape", render_shape(b.shape),
                               "a shape matching " + render_shape(d.declared) + " (-1 = any) " + role);
      d.shape = b.shape;
    }
    Value v;
    v.kind = Kind::kInput;
    v.input = int(i);
    v.shape = d.shape;
    v.type = d.type;
    v.const_name = d.name;
    values_[d.name] = v;
    inputs_.push_back(std::move(d));
  }
  if (bound.size() > inputs_.size())
    throw sim::ConfigError(bound[inputs_.size()].label(), "--input " + std::to_string(inputs_.size()),
                           std::to_string(bound.size()) + " input files",
                           "at most " + std::to_string(inputs_.size()) +
                               " (the model's graph inputs that are not initializers)");
}

Value Importer::activate_input(int input, const std::string& tensor_name, const std::string& type,
                               const QuantParams& q, Entry entry) {
  InputDecl& d = inputs_.at(size_t(input));
  if (d.role == InputDecl::Role::kConstant)
    fail(where(), "graph input '" + d.name + "' used as an activation here",
         "a graph input used either as a constant (scale, zero point, weight, bias) or as an "
         "activation, not both");
  if (d.role == InputDecl::Role::kActivation)
    fail(where(), "graph input '" + d.name + "' entering the graph a second way",
         "a float input either quantized (QuantizeLinear) or used exactly (float exact mode)");
  if (!q.per_tensor())
    fail(where(), "per-channel quantization (" + q.render() + ") of activation '" + d.name + "'",
         "per-tensor scale and zero point for activations");
  for (size_t k = 0; k < d.shape.size(); ++k)
    if (d.shape[k] < 0)
      fail("graph input '" + d.name + "'", "symbolic dimension " + std::to_string(k),
           "fixed dimensions other than dim 0, or an --input file for this input");
  TensorInfo t;
  t.name = tensor_name;
  t.shape = d.shape;
  t.bits = 8;
  t.is_signed = type == kTypeInt8;
  t.scale = q.scales[0];
  t.zero_point = q.zero_points[0];
  if (d.bound) {
    const std::string what = "graph input '" + d.name + "'";
    if (entry == Entry::kExact) input_values_[tensor_name] = exact_int8_storage(*d.bound, t, what);
    else if (entry == Entry::kQuantized) input_values_[tensor_name] = quantize_linear(*d.bound, t);
    else input_values_[tensor_name] = to_int8_storage(*d.bound, t);
  }
  add_tensor(t);
  d.role = InputDecl::Role::kActivation;
  d.tensor = tensor_name;
  d.quantized = entry == Entry::kQuantized;
  d.exact = entry == Entry::kExact;
  Value v;
  v.kind = Kind::kInt;
  v.tensor = tensor_name;
  v.shape = t.shape;
  v.exact = d.exact;
  return v;
}

std::shared_ptr<const HostTensor> Importer::fold_input(int input) {
  InputDecl& d = inputs_.at(size_t(input));
  if (d.role == InputDecl::Role::kActivation)
    fail(where(), "graph input '" + d.name + "' used as a constant here",
         "a graph input used either as a constant or as an activation, not both");
  d.role = InputDecl::Role::kConstant;
  if (!d.bound && batch_ > 0 && d.shape != d.declared)
    fail(where(), "--batch " + std::to_string(batch_) + " applied to graph input '" + d.name +
                      "', a constant (weight / bias / parameter) of the model",
         "no --batch, or the constant as an initializer");
  if (!d.bound) return nullptr;
  auto h = std::make_shared<HostTensor>(*d.bound);
  h->name = d.name;
  return h;
}

std::shared_ptr<const HostTensor> Importer::known_constant(size_t slot) {
  Value v = value(slot);
  std::shared_ptr<const HostTensor> h;
  if (v.kind == Kind::kConst) h = v.values;
  else if (v.kind == Kind::kInput) h = fold_input(v.input);
  else fail(slot_where(slot), "a value computed by the graph", "an initializer or an --input file");
  if (!h) fail(slot_where(slot), "a graph input without a bound file", "an initializer or an --input file");
  if (v.kind == Kind::kConst && h->shape != v.shape) {  // a reshaped constant
    auto r = std::make_shared<HostTensor>(*h);
    r->shape = v.shape;
    h = std::move(r);
  }
  return h;
}

void Importer::add_tensor(TensorInfo info) {
  if (!sim::checked_product(info.shape))
    fail(where(), "tensor '" + info.name + "' of shape " + render_shape(info.shape),
         size_limit_text("an element count"));
  if (g_.tensors.count(info.name))
    fail(where(), "tensor name '" + info.name + "' defined twice", "unique value names");
  g_.tensors.emplace(info.name, std::move(info));
}

std::string Importer::add_constant(TensorInfo info, const Int8Buffer* values, const Int32Buffer* wide) {
  info.is_constant = true;
  const std::string base = info.name;
  for (int n = 2;; ++n) {
    auto it = g_.tensors.find(info.name);
    if (it == g_.tensors.end()) break;
    const TensorInfo& o = it->second;
    const bool same_info = o.is_constant && o.shape == info.shape && o.bits == info.bits &&
                           o.is_signed == info.is_signed && o.scale == info.scale &&
                           o.zero_point == info.zero_point && o.channel_scales == info.channel_scales &&
                           o.channel_zero_points == info.channel_zero_points;
    const auto v8 = g_.constant_values.find(info.name);
    const auto v32 = g_.constant_values_wide.find(info.name);
    const bool same_values =
        (values ? v8 != g_.constant_values.end() && v8->second.data == values->data
                : v8 == g_.constant_values.end()) &&
        (wide ? v32 != g_.constant_values_wide.end() && v32->second.data == wide->data
              : v32 == g_.constant_values_wide.end());
    if (same_info && same_values) return info.name;
    info.name = base + "#" + std::to_string(n);
  }
  if (values) g_.constant_values[info.name] = *values;
  if (wide) g_.constant_values_wide[info.name] = *wide;
  const std::string name = info.name;
  g_.tensors.emplace(name, std::move(info));
  return name;
}

void Importer::check_nodes() const {
  std::vector<sim::InputIssue> issues;
  const auto& nodes = model_.graph().node();
  // Unsupported operators: one issue per operator type (count and first nodes), not per node.
  std::map<std::string, std::vector<std::string>> unsupported;
  std::vector<std::string> unsupported_order;
  for (int i = 0; i < nodes.size(); ++i) {
    const onnx::NodeProto& n = nodes[i];
    const std::string at = "node " + std::to_string(file_index(n, size_t(i), origins_)) +
                           (n.name().empty() ? "" : " '" + n.name() + "'");
    const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
    const OpInfo* op = default_domain ? find_op(n.op_type()) : nullptr;
    if (!op) {
      const std::string key = default_domain ? n.op_type() : n.domain() + "::" + n.op_type();
      auto& list = unsupported[key];
      if (list.empty()) unsupported_order.push_back(key);
      list.push_back(at);
      continue;
    }
    const size_t given = size_t(n.input_size());
    if ((given > op->inputs.size() && !op->variadic) || given < op->min_inputs)
      issues.push_back({file_, at + " (" + n.op_type() + ")", std::to_string(given) + " inputs",
                        std::to_string(op->min_inputs) + " to " + std::to_string(op->inputs.size()) + " inputs"});
    for (const auto& a : n.attribute()) {
      bool known = false;
      for (const char* name : op->attributes) known |= a.name() == name;
      if (!known) {
        std::string list;
        for (const char* name : op->attributes) list += (list.empty() ? "" : ", ") + std::string(name);
        issues.push_back({file_, at + " (" + n.op_type() + ") attribute " + a.name(), "'" + a.name() + "'",
                          list.empty() ? "no attributes" : "one of the attributes " + list});
      }
    }
    const int outputs = n.op_type() == "MaxPool" ? 1 : n.output_size();
    for (int k = outputs; k < n.output_size(); ++k)
      if (!n.output(k).empty())
        issues.push_back({file_, at + " (" + n.op_type() + ") output " + std::to_string(k),
                          "'" + n.output(k) + "'", "no Indices output (MaxPool values only)"});
    if (n.output_size() < 1 || n.output(0).empty())
      issues.push_back({file_, at + " (" + n.op_type() + ")", "no output", "one output"});
  }
  std::vector<sim::InputIssue> summary;
  for (const std::string& key : unsupported_order) {
    const std::vector<std::string>& at = unsupported.at(key);
    std::string first;
    for (size_t k = 0; k < at.size() && k < 3; ++k) first += (k ? ", " : "") + at[k];
    const bool other_domain = key.find("::") != std::string::npos;
    summary.push_back({file_,
                       std::to_string(at.size()) + (at.size() == 1 ? " node" : " nodes") +
                           " (first: " + first + (at.size() > 3 ? ", ..." : "") + ")",
                       "op_type " + key,
                       other_domain ? "an operator of the default ONNX domain (\"\" / ai.onnx)"
                                    : "one of the supported operators: " + supported_op_list()});
  }
  issues.insert(issues.begin(), summary.begin(), summary.end());
  if (!issues.empty()) throw sim::ConfigError(std::move(issues));
}

void Importer::import_node() {
  const OpInfo* op = find_op(node_->op_type());
  if (!op) throw sim::ModelError("onnx import: unchecked op " + node_->op_type());
  op->import(*this);
}

OnnxModel Importer::run() {
  check_nodes();
  const auto& nodes = model_.graph().node();
  for (int i = 0; i < nodes.size(); ++i) {
    node_ = &nodes[i];
    node_pos_ = size_t(i);
    node_index_ = file_index(nodes[i], size_t(i), origins_);
    import_node();
  }
  node_ = nullptr;
  finish_inputs();
  finish_outputs();
  for (const PendingOp& p : pending_)
    if (!p.used)
      fail(node_label(p.node), "a float result that no QuantizeLinear quantizes",
           "QDQ form: DequantizeLinear operands -> " + nodes[int(p.node)].op_type() +
               " [-> Relu] -> QuantizeLinear");
  if (g_.layers.empty()) fail("graph", "no layers", "at least one Conv / Gemm / MatMul / MaxPool");
  OnnxModel m;
  m.graph = std::move(g_);
  m.input_values = std::move(input_values_);
  return m;
}

void Importer::finish_inputs() {
  for (const InputDecl& d : inputs_) {
    if (d.role != InputDecl::Role::kActivation) continue;
    g_.graph_inputs.push_back(d.tensor);
    g_.input_boundary.push_back({d.tensor, d.name, d.type, d.quantized || d.exact});
  }
  if (!g_.graph_inputs.empty()) {
    const TensorInfo& first = g_.tensor(g_.graph_inputs.front());
    g_.batch = first.shape.empty() ? 1 : first.shape[0];
  }
}

}  // namespace adasim::workloads::onnx_import
