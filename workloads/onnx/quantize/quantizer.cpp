// SPDX-License-Identifier: Apache-2.0
// Post-training quantization into QDQ form (see quantizer.hpp): the placement analysis (which
// values are fused into a layer's output stage, which are functions of one quantized tensor,
// which get a QuantizeLinear / DequantizeLinear pair and which readers read it), calibration,
// and the rewrite of the graph.
#include "workloads/onnx/quantize/quantizer.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "sim/core/errors.hpp"
#include "workloads/onnx/cleanup/const_tensor.hpp"
#include "workloads/onnx/cleanup/graph_edit.hpp"
#include "workloads/onnx/elementwise.hpp"
#include "workloads/onnx/quantize/calibration.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads::quantize {
namespace {

using TP = onnx::TensorProto;

bool is_mac(const std::string& op) { return op == "Conv" || op == "Gemm" || op == "MatMul"; }
bool is_layout(const std::string& op) {
  return op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
         op == "Transpose" || op == "Identity" || op == "Dropout";
}
bool is_activation(const std::string& op) {
  return op == "Relu" || op == "Clip" || op == "LeakyRelu";
}
bool is_elementwise(const std::string& op) {
  return onnx_import::is_unary_op(op) || op == "Sum" ||
         onnx_import::binary_function(op).has_value();
}

/// Where the QuantizeLinear / DequantizeLinear pairs go.
class Placement {
 public:
  explicit Placement(const onnx::GraphProto& g) : g_(g) {
    for (const auto& t : g.initializer()) consts_[t.name()] = t.dims().empty() ? 1 : elements(t);
    for (int i = 0; i < g.node_size(); ++i)
      for (const std::string& in : g.node(i).input())
        if (!in.empty()) readers_[in].push_back(i);
    for (const auto& o : g.output()) outputs_.insert(o.name());
    fuse();
    sources();
    choose();
  }
  const std::set<std::string>& quantized() const { return quantized_; }
  /// Whether reader node i of v reads its DequantizeLinear output.
  bool rewired(const std::string& v, int i) const {
    auto it = rewire_.find(v);
    return it != rewire_.end() && it->second.count(i);
  }
  /// The value whose calibrated range gives v's parameters (views and MaxPool: their input's).
  std::string param_source(const std::string& v) const {
    auto it = param_of_.find(v);
    return it == param_of_.end() ? v : param_source(it->second);
  }

 private:
  static int64_t elements(const TP& t) {
    int64_t n = 1;
    for (int64_t d : t.dims()) n *= d;
    return n;
  }
  bool constant(const std::string& v) const { return consts_.count(v) != 0; }
  bool scalar(const std::string& v) const { return constant(v) && consts_.at(v) == 1; }
  const std::vector<int>& readers(const std::string& v) const {
    static const std::vector<int> none;
    auto it = readers_.find(v);
    return it == readers_.end() ? none : it->second;
  }
  /// The single reader of v (not a graph output), or -1.
  int sole_reader(const std::string& v) const {
    return readers(v).size() == 1 && !outputs_.count(v) ? readers(v)[0] : -1;
  }

  /// MAC -> [bias Add] -> [activation] and Add / Mul -> [Relu / Clip]: the values between are
  /// internal to the layer's output stage.
  void fuse() {
    for (int i = 0; i < g_.node_size(); ++i) {
      const onnx::NodeProto& n = g_.node(i);
      const bool mac = is_mac(n.op_type());
      const bool eltwise_layer =
          n.op_type() == "Add" || n.op_type() == "Mul" || n.op_type() == "Sum";
      if (!mac && !eltwise_layer) continue;
      if (eltwise_layer && std::count_if(n.input().begin(), n.input().end(),
                                         [&](const std::string& v) { return !constant(v); }) < 2)
        continue;  // a function of one tensor, or a bias Add: not a layer of its own
      std::string v = n.output(0);
      int r = sole_reader(v);
      if (mac && r >= 0 && g_.node(r).op_type() == "Add") {
        const onnx::NodeProto& a = g_.node(r);
        const std::string other = a.input(0) == v ? a.input(1) : a.input(0);
        if (constant(other)) {
          internal_.insert(v);
          stage_.insert(r);
          v = a.output(0);
          r = sole_reader(v);
        }
      }
      if (r >= 0 && is_activation(g_.node(r).op_type()) && g_.node(r).input(0) == v &&
          (mac || g_.node(r).op_type() != "LeakyRelu")) {
        internal_.insert(v);
        stage_.insert(r);
      }
    }
  }

  /// src_[v]: the quantized value v is an elementwise function of (itself for a layer result).
  void sources() {
    for (const auto& in : g_.input())
      if (!constant(in.name())) src_[in.name()] = in.name();
    for (int i = 0; i < g_.node_size(); ++i) {
      const onnx::NodeProto& n = g_.node(i);
      const std::string& out = n.output(0);
      src_[out] = out;
      if (stage_.count(i)) continue;
      if (is_layout(n.op_type()) && src_.count(n.input(0))) {
        src_[out] = src_[n.input(0)];
        param_of_[out] = n.input(0);
        continue;
      }
      if (n.op_type() == "MaxPool") param_of_[out] = n.input(0);
      if (!is_elementwise(n.op_type())) continue;
      std::set<std::string> srcs;
      bool ok = true;
      for (int k = 0; k < n.input_size(); ++k) {
        const std::string& in = n.input(k);
        if (in.empty() || (k > 0 && n.op_type() == "Clip")) continue;  // Clip bounds
        if (scalar(in)) continue;
        if (constant(in) || !src_.count(in))
          ok = false;
        else
          srcs.insert(src_[in]);
      }
      if (ok && srcs.size() == 1) src_[out] = *srcs.begin();
    }
  }

  /// Reader i of v continues v's elementwise run (a view, or a function of the same tensor).
  bool continues(const std::string& v, int i) const {
    const onnx::NodeProto& n = g_.node(i);
    if (stage_.count(i)) return false;
    if (is_layout(n.op_type())) return true;
    return is_elementwise(n.op_type()) && src_.at(n.output(0)) == src_.at(v);
  }

  /// Whether a reader of v (or, through views, of the views of v) leaves v's elementwise run.
  bool needed_by(const std::string& v, int i) const {
    const onnx::NodeProto& n = g_.node(i);
    if (is_layout(n.op_type()) && !stage_.count(i)) {
      const std::string& view = n.output(0);
      if (outputs_.count(view)) return true;
      for (int r : readers(view))
        if (needed_by(view, r)) return true;
      return false;
    }
    return !continues(v, i);
  }

  void choose() {
    for (const auto& [v, s] : src_) {
      if (internal_.count(v)) continue;
      const bool view = param_of_.count(v) && src_.at(v) != v;  // Reshape, Transpose, ... output
      std::set<int> need;
      if (!view)
        for (int i : readers(v))
          if (s == v || needed_by(v, i)) need.insert(i);
      if (!need.empty() || outputs_.count(v)) {
        quantized_.insert(v);
        rewire_[v] = need;
      }
    }
  }

  const onnx::GraphProto& g_;
  std::map<std::string, int64_t> consts_;
  std::map<std::string, std::vector<int>> readers_;
  std::set<std::string> outputs_;
  std::set<std::string> internal_;
  std::set<int> stage_;  ///< bias Adds and activations fused into the layer before them
  std::map<std::string, std::string> src_, param_of_;
  std::set<std::string> quantized_;
  std::map<std::string, std::set<int>> rewire_;
};

/// uint8 asymmetric parameters of a range (lo <= 0 <= hi).
struct QParams {
  float scale = 1.0f;
  int64_t zero_point = 0;
};
QParams activation_params(const Range& r) {
  QParams q;
  const double span = r.hi - r.lo;
  if (!(span > 0) || !std::isfinite(span)) return q;  // a constant 0 (or unseen) value
  q.scale = float(span / 255.0);
  q.zero_point =
      int64_t(std::min(255.0, std::max(0.0, round_half_to_even(-r.lo / double(q.scale)))));
  return q;
}

/// The graph being rewritten: fresh value names and new initializers.
class Rewriter {
 public:
  explicit Rewriter(onnx::GraphProto& g) : g_(g) {
    for (const auto& t : g.initializer()) names_.insert(t.name());
    for (const auto& v : g.input()) names_.insert(v.name());
    for (const auto& n : g.node())
      for (const std::string& o : n.output()) names_.insert(o);
  }
  std::string fresh(const std::string& base) {
    std::string name = base;
    for (int k = 2; names_.count(name); ++k) name = base + "_" + std::to_string(k);
    names_.insert(name);
    return name;
  }
  std::string constant(const std::string& base, const cleanup::ConstTensor& c) {
    const std::string name = fresh(base);
    cleanup::const_to_proto(c, name, *g_.add_initializer());
    return name;
  }
  onnx::NodeProto node(const std::string& op, std::vector<std::string> in, const std::string& out,
                       int64_t axis = -1) {
    onnx::NodeProto n;
    n.set_op_type(op);
    n.set_name(out);
    for (const std::string& i : in) n.add_input(i);
    n.add_output(out);
    if (axis >= 0) {
      auto* a = n.add_attribute();
      a->set_name("axis");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(axis);
    }
    return n;
  }

 private:
  onnx::GraphProto& g_;
  std::set<std::string> names_;
};

cleanup::ConstTensor scalar_const(int32_t type, double v) {
  return cleanup::ConstTensor::filled(type, {}, v);
}

/// The weight input `slot` of MAC node n, quantized per output channel along `axis` (or per
/// tensor): its DequantizeLinear node goes to `out`; returns false if it is not a float constant.
bool quantize_weight(const onnx::GraphProto& g, onnx::NodeProto& n, int slot, int64_t axis,
                     bool per_channel, const QuantizeOptions& o, Rewriter& rw,
                     std::map<std::string, std::string>& done, std::vector<onnx::NodeProto>& out) {
  if (slot >= n.input_size()) return false;
  const std::string w = n.input(slot);
  if (auto it = done.find(w); it != done.end()) {
    n.set_input(slot, it->second);
    return true;
  }
  const onnx::TensorProto* t = nullptr;
  for (const auto& init : g.initializer())
    if (init.name() == w) t = &init;
  const auto c = t ? cleanup::const_from_proto(*t) : std::nullopt;
  if (!c || c->type != TP::FLOAT || c->dims.size() < 2) return false;
  const int64_t k = c->dims[size_t(axis)];
  int64_t inner = 1;
  for (size_t d = size_t(axis) + 1; d < c->dims.size(); ++d) inner *= c->dims[d];
  const int64_t fan_in = c->size() / k;
  // Element (o, c, j) of the weight viewed as [outer][k][inner]; its channel is c.
  const int64_t outer = c->size() / (k * inner);
  auto for_each = [&](const std::function<void(size_t, size_t)>& f) {
    for (int64_t o2 = 0; o2 < outer; ++o2)
      for (int64_t ch = 0; ch < k; ++ch)
        for (int64_t j = 0; j < inner; ++j)
          f(size_t((o2 * k + ch) * inner + j), per_channel ? size_t(ch) : 0);
  };
  std::vector<double> scales(size_t(per_channel ? k : 1), 0.0);
  for_each([&](size_t i, size_t ch) {
    scales[ch] = std::max(scales[ch], std::fabs(c->reals[i]) / 127.0);
  });
  for (double& s : scales) s = double(float(s > 0 ? s : 1.0));
  cleanup::ConstTensor q;
  q.type = TP::INT8;
  q.dims = c->dims;
  if (o.no_values) {  // timing only: seeded weights, a scale near 1 / (127 sqrt(fan-in))
    TensorInfo info;
    info.name = w;
    info.shape = c->dims;
    const Int8Buffer g = generate_values(info, o.seed);
    q.ints.assign(g.data.begin(), g.data.end());
    for (double& s : scales) s = double(float(1.0 / (127.0 * std::sqrt(double(fan_in)))));
  } else {
    q.ints.resize(c->reals.size());
    for_each([&](size_t i, size_t ch) {
      q.ints[i] =
          int64_t(std::max(-127.0, std::min(127.0, round_half_to_even(c->reals[i] / scales[ch]))));
    });
  }
  cleanup::ConstTensor sc;
  sc.type = TP::FLOAT;
  sc.reals = scales;
  if (per_channel) sc.dims = {k};
  const cleanup::ConstTensor zp = cleanup::ConstTensor::filled(
      TP::INT8, per_channel ? std::vector<int64_t>{k} : std::vector<int64_t>{}, 0);
  const std::string qn = rw.constant(w + "_quantized", q);
  const std::string sn = rw.constant(w + "_scale", sc), zn = rw.constant(w + "_zero_point", zp);
  const std::string dq = rw.fresh(w + "_dequantized");
  out.push_back(rw.node("DequantizeLinear", {qn, sn, zn}, dq, per_channel ? axis : -1));
  done[w] = dq;
  n.set_input(slot, dq);
  return true;
}

/// The calibration range of every float value of `cm`, from the calibration samples of `o`
/// (their count goes into rep.samples).
std::map<std::string, Range> calibration_ranges(const onnx::ModelProto& cm, const std::string& file,
                                                const QuantizeOptions& o, QuantizeReport& rep) {
  FloatEvaluator eval(cm, file);
  std::vector<InputSpec> specs;
  for (const std::string& name : eval.inputs())
    for (const auto& vi : cm.graph().input())
      if (vi.name() == name) {
        InputSpec s{name, {}};
        for (const auto& d : vi.type().tensor_type().shape().dim())
          s.shape.push_back(d.dim_value());
        specs.push_back(s);
      }
  const std::vector<Sample> samples = calibration_samples(o.calib, specs, o.samples, o.seed);
  rep.samples = int(samples.size());
  return calibrate(eval, samples, o);
}

/// Removes the float weights the DequantizeLinear nodes replaced (if nothing else reads them).
void drop_unread_initializers(onnx::GraphProto& g, const std::set<std::string>& outputs) {
  std::set<std::string> read;
  for (const auto& n : g.node()) read.insert(n.input().begin(), n.input().end());
  google::protobuf::RepeatedPtrField<TP> kept;
  for (TP& t : *g.mutable_initializer())
    if (read.count(t.name()) || outputs.count(t.name())) kept.Add()->Swap(&t);
  g.mutable_initializer()->Swap(&kept);
}

}  // namespace

bool is_float_model(const onnx::ModelProto& m) {
  for (const auto& n : m.graph().node()) {
    const std::string& op = n.op_type();
    if (op == "QuantizeLinear" || op == "DequantizeLinear" || op.rfind("QLinear", 0) == 0 ||
        op == "ConvInteger" || op == "MatMulInteger")
      return false;
  }
  std::set<std::string> inits;
  for (const auto& t : m.graph().initializer()) inits.insert(t.name());
  for (const auto& in : m.graph().input())
    if (!inits.count(in.name()) && in.type().tensor_type().elem_type() == TP::FLOAT) return true;
  return false;
}

std::string QuantizeReport::summary() const {
  return std::to_string(activations) + " activation tensors, " + std::to_string(weights) +
         " weights, " + std::to_string(samples) + " calibration samples";
}

QuantizeReport quantize_model(onnx::ModelProto& m, const std::string& file,
                              const QuantizeOptions& o, const onnx::ModelProto* calibration_model) {
  onnx::GraphProto& g = *m.mutable_graph();
  QuantizeReport rep;
  // Calibration ranges of every float value (fixed [-1, 1] for timing-only runs).
  std::map<std::string, Range> ranges =
      o.no_values ? std::map<std::string, Range>{}
                  : calibration_ranges(calibration_model ? *calibration_model : m, file, o, rep);
  const Placement plan(g);
  int64_t opset = 1;
  for (const auto& op : m.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") opset = op.version();
  const bool per_channel = opset >= 13;  // DequantizeLinear's axis (per-channel) needs opset 13

  Rewriter rw(g);
  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, std::string> dq_of;  // value -> the DequantizeLinear output readers use
  std::set<std::string> outputs;
  for (const auto& out : g.output()) outputs.insert(out.name());
  auto add_qdq = [&](const std::string& v) {
    const QParams q = o.no_values ? activation_params({-1.0, 1.0})
                                  : activation_params(ranges[plan.param_source(v)]);
    const std::string s = rw.constant(v + "_scale", scalar_const(TP::FLOAT, q.scale));
    const std::string z =
        rw.constant(v + "_zero_point", scalar_const(TP::UINT8, double(q.zero_point)));
    const std::string qv = rw.fresh(v + "_quantized");
    // A graph output keeps its name on the DequantizeLinear; the float value is renamed.
    const std::string src = outputs.count(v) ? v + "_float" : v;
    const std::string dq = outputs.count(v) ? v : rw.fresh(v + "_dequantized");
    nodes.push_back(rw.node("QuantizeLinear", {src, s, z}, qv));
    nodes.push_back(rw.node("DequantizeLinear", {qv, s, z}, dq));
    dq_of[v] = dq;
    ++rep.activations;
  };
  for (const auto& in : g.input())
    if (plan.quantized().count(in.name())) add_qdq(in.name());
  std::map<std::string, std::string> weights;
  for (int i = 0; i < g.node_size(); ++i) {
    onnx::NodeProto n = g.node(i);
    for (int k = 0; k < n.input_size(); ++k) {
      const std::string v = n.input(k);
      if (dq_of.count(v) && plan.rewired(v, i))
        n.set_input(k, dq_of[v]);
      else if (outputs.count(v) && plan.quantized().count(v))
        n.set_input(k, v + "_float");
    }
    const std::string& op = n.op_type();
    if (op == "Conv")
      rep.weights += quantize_weight(g, n, 1, 0, per_channel, o, rw, weights, nodes);
    if (op == "MatMul")
      rep.weights += quantize_weight(g, n, 1, 1, per_channel, o, rw, weights, nodes);
    if (op == "Gemm")
      rep.weights += quantize_weight(g, n, 1, cleanup::node_attr_int(n, "transB", 0) ? 0 : 1,
                                     per_channel, o, rw, weights, nodes);
    for (int k = 0; k < n.output_size(); ++k)
      if (outputs.count(n.output(k)) && plan.quantized().count(n.output(k)))
        n.set_output(k, n.output(k) + "_float");
    nodes.push_back(n);
    const std::string out = g.node(i).output(0);
    if (plan.quantized().count(out)) add_qdq(out);
  }
  g.clear_node();
  for (onnx::NodeProto& n : nodes) g.add_node()->Swap(&n);
  g.clear_value_info();
  drop_unread_initializers(g, outputs);
  return rep;
}

}  // namespace adasim::workloads::quantize
