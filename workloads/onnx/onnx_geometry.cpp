// SPDX-License-Identifier: Apache-2.0
// IR layers of ONNX nodes: conv / pool windows (kernel_shape, strides, dilations, pads, auto_pad,
// ceil_mode), FC and matmul operand shapes, output tensors, and emitting a layer into the graph.
#include <cmath>
#include <optional>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/onnx/onnx_layers.hpp"

namespace adasim::workloads::onnx_import {
namespace {

std::vector<int64_t> pair_attr(Importer& im, const char* name, int64_t dflt, int64_t min) {
  std::vector<int64_t> v = im.attr_ints(name);
  if (v.empty()) return {dflt, dflt};
  if (v.size() != 2)
    im.fail(im.where() + " attribute " + name, render_shape(v), "2 values (2-D windows only)");
  for (int64_t x : v)
    if (x < min || x > kMaxWindowAttr)
      im.fail(im.where() + " attribute " + name, render_shape(v),
              "values in [" + std::to_string(min) + ", " + std::to_string(kMaxWindowAttr) + "]");
  return v;
}

int64_t extent(int64_t in, int64_t pad0, int64_t pad1, int64_t dil, int64_t k, int64_t stride) {
  return (in + pad0 + pad1 - dil * (k - 1) - 1) / stride + 1;
}

/// Sets kernel, strides, dilations and pads of l for input x [N][C][H][W] and a kH x kW kernel;
/// returns the output extent {P, Q}.
std::vector<int64_t> set_window(Importer& im, Layer& l, const Shape& x, int64_t kh, int64_t kw,
                                bool pool) {
  if (kh > kMaxWindowAttr || kw > kMaxWindowAttr)  // window values are ints in the IR
    im.fail(im.where(), "a " + std::to_string(kh) + "x" + std::to_string(kw) + " kernel",
            "kernel dimensions of at most " + std::to_string(kMaxWindowAttr));
  const std::vector<int64_t> st = pair_attr(im, "strides", 1, 1);
  const std::vector<int64_t> dil = pair_attr(im, "dilations", 1, 1);
  std::vector<int64_t> pads = im.attr_ints("pads");
  if (pads.empty()) pads = {0, 0, 0, 0};
  if (pads.size() != 4)
    im.fail(im.where() + " attribute pads", render_shape(pads), "4 values [top, left, bottom, right]");
  for (int64_t p : pads)
    if (p < 0 || p > kMaxWindowAttr)
      im.fail(im.where() + " attribute pads", render_shape(pads),
              "values in [0, " + std::to_string(kMaxWindowAttr) + "]");
  const std::string auto_pad = im.attr_string("auto_pad", "NOTSET");
  const int64_t k[2] = {kh, kw}, in[2] = {x[2], x[3]};
  if (auto_pad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {  // output = ceil(in / stride); the odd pad at the end (UPPER)
      const int64_t out = (in[d] + st[d] - 1) / st[d];
      const int64_t total = std::max<int64_t>(0, (out - 1) * st[d] + (k[d] - 1) * dil[d] + 1 - in[d]);
      const int64_t small = total / 2;
      pads[size_t(d)] = auto_pad == "SAME_UPPER" ? small : total - small;
      pads[size_t(d + 2)] = total - pads[size_t(d)];
    }
  } else if (auto_pad != "NOTSET") {
    im.fail(im.where() + " attribute auto_pad", "'" + auto_pad + "'", "NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  }
  std::vector<int64_t> out(2);
  for (int d = 0; d < 2; ++d) {
    const int64_t p0 = pads[size_t(d)], p1 = pads[size_t(d + 2)];
    const int64_t span = dil[d] * (k[d] - 1) + 1;
    if (in[d] + p0 + p1 < span)
      im.fail(im.where(), "a window of " + std::to_string(span) + " over an input of " +
                              std::to_string(in[d]) + " with pads " + render_shape(pads),
              "a window that fits the padded input");
    out[size_t(d)] = extent(in[d], p0, p1, dil[d], k[d], st[d]);
    if (pool && (p0 >= span || p1 >= span))
      im.fail(im.where() + " attribute pads", render_shape(pads), "pads smaller than the window (" + std::to_string(span) + ")");
    if (pool && im.attr_int("ceil_mode", 0) != 0) {
      // ONNX: output = ceil((in + pads - span) / stride) + 1; the extra window must still start
      // inside the input (a window of padding only has no value).
      out[size_t(d)] = (in[d] + p0 + p1 - span + st[d] - 1) / st[d] + 1;
      if ((out[size_t(d)] - 1) * st[d] - p0 >= in[d])
        im.fail(im.where() + " attribute ceil_mode",
                "1 (its last window along dim " + std::to_string(d + 2) + " holds only padding)",
                "ceil_mode 0, or shapes where every window holds an input element");
      l.ceil_mode = true;
    }
  }
  l.kernel_h = int(kh); l.kernel_w = int(kw);
  l.stride_h = int(st[0]); l.stride_w = int(st[1]);
  l.dil_h = int(dil[0]); l.dil_w = int(dil[1]);
  l.pad_t = int(pads[0]); l.pad_l = int(pads[1]); l.pad_b = int(pads[2]); l.pad_r = int(pads[3]);
  return out;
}

}  // namespace

Act materialize(Importer& im, const Act& a) {
  const TensorInfo& t = im.graph().tensor(a.tensor);
  if (a.shape == t.shape) return a;
  if (product(a.shape) != t.elements())
    throw sim::ModelError("onnx import: a view of another size");
  Act v = a;
  v.tensor = a.view.empty() ? a.tensor + "#" + render_shape(a.shape) : a.view;
  v.view.clear();
  if (im.graph().tensors.count(v.tensor)) {
    if (im.graph().tensor(v.tensor).shape != a.shape)
      throw sim::ModelError("onnx import: view '" + v.tensor + "' with two shapes");
    return v;  // made by an earlier reader
  }
  TensorInfo out = t;
  out.name = v.tensor;
  out.shape = a.shape;
  out.is_constant = false;
  Layer l;
  l.name = v.tensor;
  l.op = OpType::kReshape;
  l.inputs = {a.tensor};
  l.output = v.tensor;
  l.rounding = Rounding::kHalfToEven;
  im.add_tensor(out);
  im.graph().layers.push_back(std::move(l));
  return v;
}

namespace {}  // namespace

Layer conv_layer(Importer& im, const Act& x_in, const std::string& weight, Shape& out) {
  const Act x = materialize(im, x_in);
  const Shape& xs = x.shape;
  const Shape& ws = im.graph().tensor(weight).shape;
  if (xs.size() != 4 || ws.size() != 4)
    im.fail(im.where(), "input " + render_shape(xs) + " and weight " + render_shape(ws),
            "2-D convolution: NCHW input and [K, C/group, kH, kW] weight (4-D tensors)");
  const int64_t groups = im.attr_int("group", 1);
  if (groups < 1 || xs[1] % groups != 0 || ws[0] % groups != 0 || ws[1] != xs[1] / groups)
    im.fail(im.where(), "group " + std::to_string(groups) + " with input channels " +
                            std::to_string(xs[1]) + " and weight " + render_shape(ws),
            "a group count dividing C and K, with weight dim 1 = C / group");
  const std::vector<int64_t> ks = im.attr_ints("kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != ws[2] || ks[1] != ws[3]))
    im.fail(im.where() + " attribute kernel_shape", render_shape(ks),
            "the weight's kernel [" + std::to_string(ws[2]) + "," + std::to_string(ws[3]) + "]");
  Layer l;
  l.name = im.layer_name();
  l.op = OpType::kConv2d;
  l.inputs = {x.tensor};
  l.weight = weight;
  l.groups = groups;
  const std::vector<int64_t> pq = set_window(im, l, xs, ws[2], ws[3], false);
  out = {xs[0], ws[0], pq[0], pq[1]};
  return l;
}

Layer pool_layer(Importer& im, const Act& x_in, OpType op, bool global, Shape& out) {
  const Act x = materialize(im, x_in);
  const Shape& xs = x.shape;
  if (xs.size() != 4) im.fail(im.slot_where(0), "shape " + render_shape(xs), "an NCHW tensor (2-D pooling only)");
  std::vector<int64_t> ks =
      global ? std::vector<int64_t>{xs[2], xs[3]} : im.attr_ints("kernel_shape");
  if (ks.size() != 2 || ks[0] < 1 || ks[1] < 1)
    im.fail(im.where() + " attribute kernel_shape", render_shape(ks), "2 values >= 1 (2-D pooling only)");
  Layer l;
  l.name = im.layer_name();
  l.op = op;
  l.inputs = {x.tensor};
  const std::vector<int64_t> pq = set_window(im, l, xs, ks[0], ks[1], true);
  l.groups = xs[1];
  l.count_include_pad = op == OpType::kAvgPool && im.attr_int("count_include_pad", 0) != 0;
  out = {xs[0], xs[1], pq[0], pq[1]};
  return l;
}

Layer maxpool_layer(Importer& im, const Act& x, Shape& out) {
  return pool_layer(im, x, OpType::kMaxPool, false, out);
}

bool matmul_as_fc(Importer& im, const Act& a) {
  const Shape& t = im.graph().tensor(a.tensor).shape;
  return a.shape != t && a.shape.size() == 2 && !t.empty() && a.shape[0] == t[0];
}

Layer fc_layer(Importer& im, const Act& x, const std::string& weight, Shape& out) {
  const Shape& t = im.graph().tensor(x.tensor).shape;
  const Shape& ws = im.graph().tensor(weight).shape;
  if (x.shape.size() != 2 || t.empty() || x.shape[0] != t[0])
    im.fail(im.slot_where(0), "shape " + render_shape(x.shape) + " of tensor '" + x.tensor + "' " + render_shape(t),
            "a 2-D [N, C] operand (a Reshape / Flatten in front must keep dim 0)");
  if (ws.size() != 2 || ws[1] != x.shape[1])
    im.fail(im.where(), "operand " + render_shape(x.shape) + " and weight " + render_shape(ws) + " ([K][C])",
            "matching inner dimensions");
  Layer l;
  l.name = im.layer_name();
  l.op = OpType::kFullyConnected;
  l.inputs = {x.tensor};
  l.weight = weight;
  out = {x.shape[0], ws[0]};
  return l;
}

Layer matmul_layer(Importer& im, const Act& a_in, const std::string& weight, const Act* b_in,
                   Shape& out) {
  const Act a = materialize(im, a_in);
  std::optional<Act> b_act;
  if (b_in) b_act = materialize(im, *b_in);
  const Shape& as = a.shape;
  if (as.size() < 2) im.fail(im.slot_where(0), "shape " + render_shape(as), "rank >= 2");
  Layer l;
  l.name = im.layer_name();
  l.op = OpType::kMatMul;
  l.inputs = {a.tensor};
  out = as;
  if (!b_act) {
    const Shape& ws = im.graph().tensor(weight).shape;
    if (ws.size() != 2 || ws[0] != as.back())
      im.fail(im.where(), "A " + render_shape(as) + " and B " + render_shape(ws), "B [Kd][N] with Kd = A's last dimension");
    l.weight = weight;
    out.back() = ws[1];
    return l;
  }
  const Shape& bs = b_act->shape;
  bool ok = bs.size() == as.size() && as.size() >= 3 && bs[bs.size() - 2] == as.back();
  for (size_t i = 0; ok && i + 2 < as.size(); ++i) ok = as[i] == bs[i];
  if (!ok)
    im.fail(im.where(), "A " + render_shape(as) + " and B " + render_shape(bs),
            "an activation B [..][Kd][N] with A's leading dims (rank >= 3, no broadcasting), or a "
            "constant 2-D B");
  l.inputs.push_back(b_act->tensor);
  out.back() = bs.back();
  return l;
}

TensorInfo quantized_tensor(const std::string& name, const Shape& shape, const QuantParams& q) {
  if (!q.per_tensor()) throw sim::ModelError("quantized_tensor: per-channel output " + name);
  TensorInfo t;
  t.name = name;
  t.shape = shape;
  t.bits = 8;
  t.is_signed = q.type == kTypeInt8;
  t.scale = q.scales[0];
  t.zero_point = q.zero_points[0];
  return t;
}

TensorInfo wide_tensor(const std::string& name, const Shape& shape, double scale) {
  TensorInfo t;
  t.name = name;
  t.shape = shape;
  t.bits = 32;
  t.is_signed = true;
  t.scale = scale;
  return t;
}

void emit_layer(Importer& im, Layer l, const TensorInfo& out, bool exact,
                const Shape* value_shape) {
  Graph& g = im.graph();
  const std::string base = l.name;
  for (int n = 2;; ++n) {
    bool taken = false;
    for (const Layer& o : g.layers) taken |= o.name == l.name;
    if (!taken) break;
    l.name = base + "_" + std::to_string(n);
  }
  im.add_tensor(out);
  l.output = out.name;
  l.rounding = Rounding::kHalfToEven;
  g.layers.push_back(std::move(l));
  Value v;
  v.kind = out.wide() ? Kind::kWide : Kind::kInt;
  v.tensor = out.name;
  v.shape = out.shape;
  v.exact = exact;
  if (value_shape && *value_shape != out.shape) {
    v.shape = *value_shape;
    v.view = out.name + "#view";
  }
  im.define(0, v);
}

}  // namespace adasim::workloads::onnx_import
