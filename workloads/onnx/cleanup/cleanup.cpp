// SPDX-License-Identifier: Apache-2.0
// Clean-up passes that remove or precompute nodes: Constant -> initializer, constant folding,
// Identity / no-op Cast removal, dead-node removal, and the pass driver (see cleanup.hpp).
#include "workloads/onnx/cleanup/cleanup.hpp"

#include <map>
#include <set>

#include "workloads/onnx/cleanup/graph_edit.hpp"

namespace adasim::workloads::cleanup {
namespace {

using TP = onnx::TensorProto;

/// Element type and static shape of every value shape inference (or the model) knows.
class ValueTypes {
 public:
  explicit ValueTypes(const onnx::ModelProto& m) {
    const onnx::GraphProto& g = m.graph();
    for (const auto& v : g.value_info()) add(v);
    for (const auto& v : g.input()) add(v);
    for (const auto& v : g.output()) add(v);
    for (const auto& t : g.initializer()) {
      types_[t.name()] = t.data_type();
      shapes_[t.name()] = std::vector<int64_t>(t.dims().begin(), t.dims().end());
    }
  }
  int32_t type(const std::string& v) const {
    auto it = types_.find(v);
    return it == types_.end() ? 0 : it->second;
  }
  std::optional<std::vector<int64_t>> shape(const std::string& v) const {
    auto it = shapes_.find(v);
    if (it == shapes_.end()) return std::nullopt;
    return it->second;
  }

 private:
  void add(const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type()) return;
    const auto& tt = v.type().tensor_type();
    if (tt.elem_type() != 0) types_[v.name()] = tt.elem_type();
    if (!tt.has_shape()) return;
    std::vector<int64_t> s;
    for (const auto& d : tt.shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0) return;
      s.push_back(d.dim_value());
    }
    shapes_[v.name()] = s;
  }
  std::map<std::string, int32_t> types_;
  std::map<std::string, std::vector<int64_t>> shapes_;
};

/// The TensorProto a Constant node holds (value_float(s) / value_int(s) built), or false.
bool constant_value(onnx::NodeProto& n, TP& out) {
  if (n.output_size() != 1 || n.attribute_size() != 1) return false;
  onnx::AttributeProto& a = *n.mutable_attribute(0);
  if (a.name() == "value" && a.has_t()) {
    out.Swap(a.mutable_t());
  } else if (a.name() == "value_float") {
    out.set_data_type(TP::FLOAT);
    out.add_float_data(a.f());
  } else if (a.name() == "value_floats") {
    out.set_data_type(TP::FLOAT);
    out.add_dims(a.floats_size());
    for (float f : a.floats()) out.add_float_data(f);
  } else if (a.name() == "value_int") {
    out.set_data_type(TP::INT64);
    out.add_int64_data(a.i());
  } else if (a.name() == "value_ints") {
    out.set_data_type(TP::INT64);
    out.add_dims(a.ints_size());
    for (int64_t i : a.ints()) out.add_int64_data(i);
  } else {
    return false;  // sparse_value, strings: left to the importer
  }
  out.set_name(n.output(0));
  return true;
}

/// Makes the consumers of `node`'s output 0 read its input 0 and removes it; a graph output
/// keeps its name (the input's producer is renamed), unless the input is itself a graph input
/// or output or a constant (then the node stays).
bool bypass(GraphEdit& e, int i) {
  const onnx::NodeProto& n = e.node(i);
  const std::string in = n.input(0), out = n.output(0);
  if (!e.is_graph_output(out)) {
    e.remove(i);
    e.redirect(out, in);
    return true;
  }
  if (e.producer(in) < 0 || e.is_graph_output(in)) return false;
  e.remove(i);
  e.rename(in, out);
  return true;
}

}  // namespace

bool static_shape(const onnx::ModelProto& m, const std::string& value,
                  std::vector<int64_t>& shape) {
  const auto s = ValueTypes(m).shape(value);
  if (!s) return false;
  shape = *s;
  return true;
}

int32_t value_type(const onnx::ModelProto& m, const std::string& value) {
  return ValueTypes(m).type(value);
}

int constants_to_initializers(onnx::GraphProto& g) {
  GraphEdit e(g);
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i) {
    onnx::NodeProto& node = e.node(i);
    if (node.op_type() != "Constant" || !(node.domain().empty() || node.domain() == "ai.onnx"))
      continue;
    TP t;
    if (!constant_value(node, t)) continue;
    g.add_initializer()->Swap(&t);
    e.remove(i);
    ++n;
  }
  e.commit();
  return n;
}

int fold_constants(onnx::ModelProto& m) {
  infer_shapes(m);
  const ValueTypes types(m);
  GraphEdit e(*m.mutable_graph());
  int folded = 0;
  for (int i = 0; i < e.nodes(); ++i) {
    const onnx::NodeProto& n = e.node(i);
    if (!(n.domain().empty() || n.domain() == "ai.onnx") || !is_foldable_op(n.op_type()) ||
        n.output_size() != 1)
      continue;
    const std::string out = n.output(0);
    // An alias of an initializer (torch writes one Identity per shared weight): no copy.
    if (n.op_type() == "Identity" && e.initializer(n.input(0)) && !e.is_graph_output(out)) {
      e.remove(i);
      e.redirect(out, n.input(0));
      ++folded;
      continue;
    }
    const bool of_shape = n.op_type() == "Shape" || n.op_type() == "Size";
    std::vector<std::optional<ConstTensor>> held(size_t(n.input_size()));
    std::vector<const ConstTensor*> in;
    bool constant = true;
    for (int k = 0; k < n.input_size() && constant; ++k) {
      if (n.input(k).empty()) {
        in.push_back(nullptr);
      } else if (of_shape && k == 0) {
        in.push_back(nullptr);
      } else if (const TP* t = e.initializer(n.input(k));
                 t && !e.is_graph_input(n.input(k)) && t->raw_data().size() < (size_t(1) << 27)) {
        held[size_t(k)] = const_from_proto(*t);
        constant = held[size_t(k)].has_value();
        in.push_back(constant ? &*held[size_t(k)] : nullptr);
      } else {
        constant = false;
      }
    }
    if (!constant) continue;
    const auto shape = of_shape ? types.shape(n.input(0)) : std::nullopt;
    const std::optional<ConstTensor> r = fold_node(n, in, shape);
    if (!r) continue;
    e.remove(i);
    e.set_initializer(out, *r);
    ++folded;
  }
  e.commit();
  return folded;
}

int remove_identities(onnx::GraphProto& g) {
  GraphEdit e(g);
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i) {
    const onnx::NodeProto& node = e.node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx") continue;
    // Dropout at inference is the identity (its optional mask output must be unused).
    const bool dropout =
        node.op_type() == "Dropout" && (node.output_size() == 1 || e.uses(node.output(1)) == 0);
    if ((node.op_type() == "Identity" || dropout) && node.input_size() >= 1 && bypass(e, i)) ++n;
  }
  e.commit();
  return n;
}

int remove_noop_casts(onnx::ModelProto& m) {
  infer_shapes(m);
  const ValueTypes types(m);
  GraphEdit e(*m.mutable_graph());
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i) {
    const onnx::NodeProto& node = e.node(i);
    if (node.op_type() != "Cast" || node.input_size() != 1) continue;
    const int32_t from = types.type(node.input(0));
    if (from != 0 && from == node_attr_int(node, "to", -1) && bypass(e, i)) ++n;
  }
  e.commit();
  return n;
}

int remove_dead_nodes(onnx::GraphProto& g) {
  GraphEdit e(g);
  std::set<std::string> live;
  for (const auto& o : g.output()) live.insert(o.name());
  int n = 0;
  for (int i = e.nodes(); i-- > 0;) {
    const onnx::NodeProto& node = e.node(i);
    bool used = false;
    for (const std::string& o : node.output()) used = used || live.count(o);
    if (!used) {
      e.remove(i);
      ++n;
      continue;
    }
    for (const std::string& in : node.input()) live.insert(in);
  }
  e.commit();
  return n;
}

std::string CleanupReport::summary() const {
  return std::to_string(nodes_before) + " -> " + std::to_string(nodes_after) +
         " nodes (constants " + std::to_string(constants) + ", folded " + std::to_string(folded) +
         ", identities " + std::to_string(identities) + ", casts " + std::to_string(casts) +
         ", batchnorms " + std::to_string(batchnorms) + ", pads " + std::to_string(pads) +
         ", activations " + std::to_string(activations) + ", dead " + std::to_string(dead) + ")";
}

CleanupReport clean_up(onnx::ModelProto& m) {
  onnx::GraphProto& g = *m.mutable_graph();
  CleanupReport r;
  r.nodes_before = g.node_size();
  r.constants = constants_to_initializers(g);
  r.identities = remove_identities(g);
  for (;;) {
    const int f = fold_constants(m), d = remove_dead_nodes(g);
    r.folded += f;
    r.dead += d;
    if (f == 0 && d == 0) break;
  }
  r.casts = remove_noop_casts(m);
  r.batchnorms = fold_batchnorm(g);
  r.pads = fold_pads(g);
  r.activations = fuse_activations(g);
  r.dead += remove_dead_nodes(g);
  r.nodes_after = g.node_size();
  return r;
}

}  // namespace adasim::workloads::cleanup
