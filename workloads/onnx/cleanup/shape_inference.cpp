// SPDX-License-Identifier: Apache-2.0
// ONNX's shape inference, one stretch of nodes at a time, with the window ranks checked between
// the stretches. onnx 1.12's convPoolShapeInference reads out of bounds when a conv's input and
// weight ranks disagree, and an intermediate value's rank is known only once the nodes before it
// are inferred: each stretch ends just before a conv / pool node whose ranks are not yet known,
// that node is checked (workloads/onnx/window_checks.hpp), and the next stretch starts with it.
// A stretch is inferred as a model of its own (its inputs typed from what is known so far, small
// initializers copied with their values for the operators that read them), so each node is
// inferred once: linear in the graph, unlike inferring ever longer prefixes.
#include <onnx/shape_inference/implementation.h>

#include <map>
#include <set>
#include <string>

#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/window_checks.hpp"

namespace adasim::workloads::cleanup {
namespace {

// Initializers of up to this many elements enter a stretch with their values (shape tensors and
// constants that Reshape, Expand, Slice, ... read); larger ones (weights) by type and shape only.
constexpr int64_t kValuedInitializer = 4096;

int64_t elements(const onnx::TensorProto& t) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > kValuedInitializer / d)) return kValuedInitializer + 1;
    n *= d;
  }
  return n;
}

onnx::TypeProto type_of(const onnx::TensorProto& t) {
  onnx::TypeProto type;
  onnx::TypeProto::Tensor& tt = *type.mutable_tensor_type();
  tt.set_elem_type(t.data_type());
  for (int64_t d : t.dims()) tt.mutable_shape()->add_dim()->set_dim_value(d);
  return type;
}

int rank_of(const onnx::TypeProto& t) {
  return t.has_tensor_type() && t.tensor_type().has_shape() ? t.tensor_type().shape().dim_size()
                                                            : -1;
}

/// What is known of the graph's values so far: their types (and so ranks), and the initializers.
struct Known {
  std::map<std::string, const onnx::TensorProto*> initializers;
  std::map<std::string, onnx::TypeProto> types;
  std::map<std::string, int> ranks;

  explicit Known(const onnx::GraphProto& g) {
    for (const onnx::ValueInfoProto& v : g.input())
      if (v.has_type()) learn(v.name(), v.type());
    for (const onnx::TensorProto& t : g.initializer()) {
      initializers[t.name()] = &t;
      learn(t.name(), type_of(t));
    }
  }
  void learn(const std::string& name, const onnx::TypeProto& type) {
    types[name] = type;
    const int r = rank_of(type);
    if (r >= 0) ranks[name] = r;
  }
  bool ranks_known(const onnx::NodeProto& n) const {
    const int w = onnx_import::window_weight_input(n.op_type());
    auto known = [&](int k) { return k >= n.input_size() || ranks.count(n.input(k)) > 0; };
    return known(0) && (w < 0 || known(w));
  }
};

// The nodes [begin, end) of m as a model of their own: values from before the stretch become
// typed graph inputs (small initializers also with their values).
onnx::ModelProto stretch_model(const onnx::ModelProto& m, int begin, int end, const Known& known) {
  onnx::ModelProto sub;
  sub.set_ir_version(m.ir_version());
  *sub.mutable_opset_import() = m.opset_import();
  *sub.mutable_functions() = m.functions();
  onnx::GraphProto& sg = *sub.mutable_graph();
  std::set<std::string> produced, bound;
  for (int i = begin; i < end; ++i) {
    const onnx::NodeProto& n = m.graph().node(i);
    for (const std::string& in : n.input()) {
      if (in.empty() || produced.count(in) || !bound.insert(in).second) continue;
      const auto type = known.types.find(in);
      if (type == known.types.end()) continue;  // unknown: ONNX infers what it can without it
      onnx::ValueInfoProto& vi = *sg.add_input();
      vi.set_name(in);
      *vi.mutable_type() = type->second;
      const auto init = known.initializers.find(in);
      if (init != known.initializers.end() && elements(*init->second) <= kValuedInitializer)
        *sg.add_initializer() = *init->second;
    }
    *sg.add_node() = n;
    for (const std::string& out : n.output()) produced.insert(out);
  }
  return sub;
}

// Infers the stretch and records the types it found, in `known` and in m's value_info (or, for a
// graph output declared without a shape, in the output itself).
void infer_stretch(onnx::ModelProto& m, int begin, int end, Known& known) {
  onnx::ModelProto sub = stretch_model(m, begin, end, known);
  try {
    onnx::shape_inference::InferShapes(sub);
  } catch (const std::exception&) {
    // What it cannot infer stays without a shape; the importer reports what it cannot map.
  }
  onnx::GraphProto& g = *m.mutable_graph();
  std::map<std::string, onnx::ValueInfoProto*> outputs;
  for (onnx::ValueInfoProto& o : *g.mutable_output()) outputs[o.name()] = &o;
  for (const onnx::ValueInfoProto& v : sub.graph().value_info()) {
    known.learn(v.name(), v.type());
    const auto out = outputs.find(v.name());
    if (out == outputs.end()) {
      *g.add_value_info() = v;
    } else if (rank_of(out->second->type()) < 0) {
      *out->second->mutable_type() = v.type();
    }
  }
}

}  // namespace

void infer_shapes(onnx::ModelProto& m) {
  onnx::GraphProto& g = *m.mutable_graph();
  g.clear_value_info();  // stale after the inputs got their run's shapes
  Known known(g);
  int begin = 0;  // the nodes before `begin` have been inferred
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    if (!onnx_import::is_window_op(n.op_type())) continue;
    if (!known.ranks_known(n) && begin < i) {
      infer_stretch(m, begin, i, known);
      begin = i;
    }
    onnx_import::check_window_node(n, i, known.ranks, "");
  }
  if (begin < g.node_size()) infer_stretch(m, begin, g.node_size(), known);
}

}  // namespace adasim::workloads::cleanup
