// SPDX-License-Identifier: Apache-2.0
// Clean-up passes that merge a node into its neighbour: BatchNormalization into the preceding
// Conv's weights, a zero Pad into the following Conv's pads, and the requantization between a
// MAC and its Relu / Clip in QDQ graphs (see cleanup.hpp).
#include <cmath>

#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/cleanup/graph_edit.hpp"

namespace adasim::workloads::cleanup {
namespace {

using TP = onnx::TensorProto;

bool default_domain(const onnx::NodeProto& n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

/// A float32 initializer of `dims` elements along dim 0 (vectors: exactly [k]).
std::optional<ConstTensor> float_const(const GraphEdit& e, const std::string& name, size_t rank) {
  if (name.empty()) return std::nullopt;
  auto c = e.constant(name);
  if (!c || c->type != TP::FLOAT || c->dims.size() != rank) return std::nullopt;
  return c;
}

/// Unique initializer name derived from `base`.
std::string fresh_name(const GraphEdit& e, const std::string& base) {
  std::string name = base;
  for (int k = 2; e.initializer(name) || e.producer(name) >= 0; ++k)
    name = base + "_" + std::to_string(k);
  return name;
}

/// Folds BatchNormalization node b into the Conv producing its input; false if the pattern does
/// not hold (float Conv with constant weights whose only reader is b, per-channel BN constants).
bool fold_one_batchnorm(GraphEdit& e, int b) {
  onnx::NodeProto& bn = e.node(b);
  if (bn.input_size() != 5 || bn.output_size() != 1 || node_attr_int(bn, "training_mode", 0) != 0)
    return false;
  const int c = e.producer(bn.input(0));
  if (c < 0 || e.node(c).op_type() != "Conv" || !default_domain(e.node(c)) ||
      e.uses(bn.input(0)) != 1)
    return false;
  onnx::NodeProto& conv = e.node(c);
  auto w = float_const(e, conv.input(1), 4);
  if (!w) return false;
  const int64_t k = w->dims[0];
  std::optional<ConstTensor> bias = conv.input_size() > 2 && !conv.input(2).empty()
                                        ? float_const(e, conv.input(2), 1)
                                        : ConstTensor::filled(TP::FLOAT, {k}, 0.0);
  auto scale = float_const(e, bn.input(1), 1), beta = float_const(e, bn.input(2), 1);
  auto mean = float_const(e, bn.input(3), 1), var = float_const(e, bn.input(4), 1);
  for (const auto* v : {&bias, &scale, &beta, &mean, &var})
    if (!*v || (*v)->dims[0] != k) return false;
  const double eps = node_attr_float(bn, "epsilon", 1e-5f);
  const int64_t per_k = w->size() / k;
  for (int64_t ch = 0; ch < k; ++ch) {
    // y = (conv(x) + b - mean) * gamma / sqrt(var + eps) + beta: scale each filter and its bias.
    const double s = scale->reals[size_t(ch)] / std::sqrt(var->reals[size_t(ch)] + eps);
    for (int64_t i = 0; i < per_k; ++i) {
      double& v = w->reals[size_t(ch * per_k + i)];
      v = double(float(v * s));
    }
    double& bv = bias->reals[size_t(ch)];
    bv = double(float((bv - mean->reals[size_t(ch)]) * s + beta->reals[size_t(ch)]));
  }
  const std::string wname = fresh_name(e, conv.input(1) + "_bn_folded");
  e.set_initializer(wname, *w);
  const std::string bname = fresh_name(e, conv.input(1) + "_bn_folded_bias");
  e.set_initializer(bname, *bias);
  conv.set_input(1, wname);
  if (conv.input_size() > 2)
    conv.set_input(2, bname);
  else
    conv.add_input(bname);
  conv.set_output(0, bn.output(0));
  e.remove(b);
  return true;
}

/// [t, l, b, r] of a 4-D zero constant Pad (N and C unpadded), or empty.
std::vector<int64_t> spatial_pads(const GraphEdit& e, const onnx::NodeProto& pad) {
  if (node_attr_string(pad, "mode", "constant") != "constant" || pad.input_size() > 3) return {};
  std::vector<int64_t> p = node_attr_ints(pad, "pads");
  if (pad.input_size() >= 2 && !pad.input(1).empty()) {
    auto c = e.constant(pad.input(1));
    if (!c || c->is_real()) return {};
    p = c->ints;
  }
  if (pad.input_size() == 3 && !pad.input(2).empty()) {
    auto v = e.constant(pad.input(2));
    if (!v || v->size() != 1 || v->at(0) != 0.0) return {};
  } else if (node_attr_float(pad, "value", 0.0f) != 0.0f) {
    return {};
  }
  if (p.size() != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) return {};
  for (int64_t v : p)
    if (v < 0) return {};
  return {p[2], p[3], p[6], p[7]};
}

bool fold_one_pad(GraphEdit& e, int i) {
  const onnx::NodeProto& pad = e.node(i);
  if (pad.output_size() != 1 || e.is_graph_output(pad.output(0))) return false;
  const std::vector<int64_t> add = spatial_pads(e, pad);
  if (add.empty()) return false;
  const std::vector<int> readers = e.consumers(pad.output(0));
  if (readers.empty()) return false;
  for (int r : readers) {
    const onnx::NodeProto& conv = e.node(r);
    if (conv.op_type() != "Conv" || !default_domain(conv) || conv.input(0) != pad.output(0) ||
        node_attr_string(conv, "auto_pad", "NOTSET") != "NOTSET")
      return false;
    for (int k = 1; k < conv.input_size(); ++k)
      if (conv.input(k) == pad.output(0)) return false;
  }
  for (int r : readers) {
    onnx::NodeProto& conv = e.node(r);
    std::vector<int64_t> p = node_attr_ints(conv, "pads");
    if (p.empty()) p.assign(4, 0);
    if (p.size() != 4) return false;
    for (size_t k = 0; k < 4; ++k) p[k] += add[k];
    set_attr_ints(conv, "pads", p);
  }
  e.remove(i);
  e.redirect(pad.output(0), pad.input(0));
  return true;
}

/// Scale and zero point of a QuantizeLinear / DequantizeLinear node, as constants.
bool same_qparams(const GraphEdit& e, const onnx::NodeProto& a, const onnx::NodeProto& b) {
  if (a.input_size() < 2 || b.input_size() < 2) return false;
  for (int k = 1; k < 3; ++k) {
    const bool ha = a.input_size() > k && !a.input(k).empty();
    const bool hb = b.input_size() > k && !b.input(k).empty();
    if (ha != hb) return false;
    if (!ha) continue;
    auto ca = e.constant(a.input(k)), cb = e.constant(b.input(k));
    if (!ca || !cb || ca->type != cb->type || ca->size() != 1 || cb->size() != 1 ||
        ca->at(0) != cb->at(0))
      return false;
  }
  return node_attr_int(a, "axis", 1) == node_attr_int(b, "axis", 1);
}

bool is_mac(const std::string& op) { return op == "Conv" || op == "Gemm" || op == "MatMul"; }

/// act = Relu / Clip node: MAC -> Q -> DQ -> act -> Q2 with Q2's parameters equal to Q's
/// becomes MAC -> act -> Q2. Exact: quantization is monotone, so clamping before or after it
/// gives the same integers when the clamp bounds are quantized with the same parameters.
bool fuse_one_activation(GraphEdit& e, int a) {
  const onnx::NodeProto& act = e.node(a);
  const int d = e.producer(act.input(0));
  if (d < 0 || e.node(d).op_type() != "DequantizeLinear" || e.uses(act.input(0)) != 1) return false;
  const onnx::NodeProto& dq = e.node(d);
  const int q = e.producer(dq.input(0));
  if (q < 0 || e.node(q).op_type() != "QuantizeLinear" || e.uses(dq.input(0)) != 1) return false;
  const onnx::NodeProto& quant = e.node(q);
  const int mac = e.producer(quant.input(0));
  if (mac < 0 || !is_mac(e.node(mac).op_type()) || e.uses(quant.input(0)) != 1) return false;
  const std::vector<int> out = e.consumers(act.output(0));
  if (out.size() != 1 || e.is_graph_output(act.output(0))) return false;
  const onnx::NodeProto& q2 = e.node(out[0]);
  if (q2.op_type() != "QuantizeLinear" || !same_qparams(e, quant, q2) ||
      !same_qparams(e, quant, dq))
    return false;
  e.node(a).set_input(0, quant.input(0));
  e.remove(q);
  e.remove(d);
  return true;
}

}  // namespace

int fold_batchnorm(onnx::GraphProto& g) {
  GraphEdit e(g);
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i)
    if (e.node(i).op_type() == "BatchNormalization" && default_domain(e.node(i)) &&
        fold_one_batchnorm(e, i))
      ++n;
  e.commit();
  return n;
}

int fold_pads(onnx::GraphProto& g) {
  GraphEdit e(g);
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i)
    if (e.node(i).op_type() == "Pad" && default_domain(e.node(i)) && fold_one_pad(e, i)) ++n;
  e.commit();
  return n;
}

int fuse_activations(onnx::GraphProto& g) {
  GraphEdit e(g);
  int n = 0;
  for (int i = 0; i < e.nodes(); ++i) {
    const std::string& op = e.node(i).op_type();
    if ((op == "Relu" || op == "Clip") && default_domain(e.node(i)) && fuse_one_activation(e, i))
      ++n;
  }
  e.commit();
  return n;
}

}  // namespace adasim::workloads::cleanup
