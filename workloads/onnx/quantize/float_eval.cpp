// SPDX-License-Identifier: Apache-2.0
// The float evaluator's driver (see float_eval.hpp): values by name, node dispatch, and the
// operators that are not windowed or matrix products (those are in float_kernels.cpp).
#include "workloads/onnx/quantize/float_eval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/onnx/cleanup/const_tensor.hpp"
#include "workloads/onnx/cleanup/graph_edit.hpp"
#include "workloads/onnx/elementwise.hpp"
#include "workloads/onnx/quantize/float_kernels.hpp"
#include "workloads/reference/reference_ops.hpp"
#include "workloads/reference/vector_reference.hpp"

namespace adasim::workloads::quantize {
namespace {

using cleanup::node_attr_float;
using cleanup::node_attr_int;
using cleanup::node_attr_ints;
using cleanup::node_attr_string;
using Shape = std::vector<int64_t>;

int64_t count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

/// Shape after numpy broadcasting, and element i of t broadcast to it.
float at_broadcast(const FloatTensor& t, const Shape& out, int64_t i) {
  int64_t src = 0, stride = 1;
  for (size_t k = t.shape.size(); k-- > 0;) {
    const size_t o = out.size() - t.shape.size() + k;
    int64_t st = 1;
    for (size_t j = o + 1; j < out.size(); ++j) st *= out[j];
    const int64_t coord = (i / st) % out[o];
    if (t.shape[k] != 1) src += coord * stride;
    stride *= t.shape[k];
  }
  return t.data[size_t(src)];
}

/// Evaluation of one node: operands, attributes, errors.
class NodeRun {
 public:
  NodeRun(const onnx::NodeProto& n, const std::string& where, const std::string& file,
          const std::function<const FloatTensor*(const std::string&)>& get,
          const std::function<const std::vector<int64_t>*(const std::string&)>& ints)
      : n_(n), where_(where), file_(file), get_(get), ints_(ints) {}

  [[noreturn]] void fail(const std::string& value, const std::string& expected) const {
    throw sim::ConfigError(file_, where_, value, expected);
  }
  bool has(int k) const { return k < n_.input_size() && !n_.input(k).empty(); }
  const FloatTensor& in(int k) const {
    const FloatTensor* t = has(k) ? get_(n_.input(k)) : nullptr;
    if (!t) fail("input " + std::to_string(k) + " without a float value", "a float tensor");
    return *t;
  }
  std::vector<int64_t> int_input(int k) const {
    const std::vector<int64_t>* v = has(k) ? ints_(n_.input(k)) : nullptr;
    if (!v)
      fail("input " + std::to_string(k) + " that is not an integer constant",
           "an integer constant");
    return *v;
  }
  int64_t axis(const char* name, int64_t dflt, int64_t rank) const {
    int64_t a = node_attr_int(n_, name, dflt);
    if (a < 0) a += rank;
    if (a < 0 || a >= rank)
      fail("axis " + std::to_string(node_attr_int(n_, name, dflt)), "an axis of the input");
    return a;
  }
  Window2d window(const Shape& x, int64_t kh, int64_t kw, bool ceil) const;
  const onnx::NodeProto& node() const { return n_; }
  /// The evaluator reads user models before the importer checks them: every shape it indexes
  /// with is checked here (ConfigError naming the node).
  void require(bool ok, const std::string& value, const std::string& expected) const {
    if (!ok) fail(value, expected);
  }
  Shape broadcast(const std::vector<Shape>& shapes) const {
    try {
      return broadcast_shapes(shapes);
    } catch (const sim::ModelError&) {
      fail("operand shapes that do not broadcast", "shapes that broadcast (numpy rules)");
    }
  }

 private:
  const onnx::NodeProto& n_;
  std::string where_, file_;
  const std::function<const FloatTensor*(const std::string&)>& get_;
  const std::function<const std::vector<int64_t>*(const std::string&)>& ints_;
};

Window2d NodeRun::window(const Shape& x, int64_t kh, int64_t kw, bool ceil) const {
  if (x.size() != 4)
    fail("input of rank " + std::to_string(x.size()), "an NCHW tensor (2-D windows)");
  Window2d w;
  w.kernel = {kh, kw};
  auto pair = [&](const char* name, std::array<int64_t, 2>& dst) {
    const Shape v = node_attr_ints(n_, name);
    if (v.size() == 2) dst = {v[0], v[1]};
  };
  pair("strides", w.stride);
  pair("dilations", w.dilation);
  const Shape pads = node_attr_ints(n_, "pads");
  if (pads.size() == 4) w.pads = {pads[0], pads[1], pads[2], pads[3]};
  for (int d = 0; d < 2; ++d)
    require(w.kernel[size_t(d)] >= 1 && w.stride[size_t(d)] >= 1 && w.dilation[size_t(d)] >= 1 &&
                w.kernel[size_t(d)] <= (1 << 20) && w.dilation[size_t(d)] <= (1 << 20),
            "a window with kernel / stride / dilation out of range", "values >= 1");
  for (int64_t p : w.pads) require(p >= 0 && p <= (1 << 20), "pads out of range", "pads >= 0");
  const std::string ap = node_attr_string(n_, "auto_pad", "NOTSET");
  for (int d = 0; d < 2; ++d) {
    const int64_t in = x[size_t(d + 2)],
                  span = w.dilation[size_t(d)] * (w.kernel[size_t(d)] - 1) + 1;
    const int64_t st = w.stride[size_t(d)];
    if (ap == "VALID") w.pads[size_t(d)] = w.pads[size_t(d + 2)] = 0;
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      const int64_t total = std::max<int64_t>(0, ((in + st - 1) / st - 1) * st + span - in);
      w.pads[size_t(d)] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pads[size_t(d + 2)] = total - w.pads[size_t(d)];
    }
    const int64_t room = in + w.pads[size_t(d)] + w.pads[size_t(d + 2)] - span;
    require(room >= 0, "a window larger than the padded input", "a window that fits the input");
    w.out[size_t(d)] = (ceil ? room + st - 1 : room) / st + 1;
  }
  return w;
}

FloatTensor eltwise(const NodeRun& r, const onnx_import::BinaryFn& f) {
  std::vector<Shape> shapes;
  for (int k = 0; k < r.node().input_size(); ++k) shapes.push_back(r.in(k).shape);
  const Shape out = r.broadcast(shapes);
  FloatTensor y{out, std::vector<float>(size_t(count(out)))};
  for (int64_t i = 0; i < count(out); ++i) {
    double acc = at_broadcast(r.in(0), out, i);
    for (int k = 1; k < r.node().input_size(); ++k) acc = f(acc, at_broadcast(r.in(k), out, i));
    y.data[size_t(i)] = float(acc);
  }
  return y;
}

FloatTensor reshape_to(const FloatTensor& x, Shape s) {
  FloatTensor y = x;
  y.shape = std::move(s);
  return y;
}

FloatTensor layout(const NodeRun& r) {
  const std::string& op = r.node().op_type();
  const FloatTensor& x = r.in(0);
  const int64_t rank = int64_t(x.shape.size());
  if (op == "Flatten") {
    const int64_t a = node_attr_int(r.node(), "axis", 1);
    const int64_t axis = a < 0 ? a + rank : a;
    r.require(axis >= 0 && axis <= rank, "axis " + std::to_string(a), "an axis in [-rank, rank]");
    Shape s = {1, 1};
    for (int64_t d = 0; d < rank; ++d) s[d < axis ? 0 : 1] *= x.shape[size_t(d)];
    return reshape_to(x, s);
  }
  if (op == "Reshape") {
    Shape s = r.int_input(1);
    int64_t known = 1, infer = -1;
    for (size_t d = 0; d < s.size(); ++d) {
      if (s[d] == 0 && node_attr_int(r.node(), "allowzero", 0) == 0) s[d] = x.shape.at(d);
      if (s[d] == -1)
        infer = int64_t(d);
      else
        known *= s[d];
    }
    if (infer >= 0) s[size_t(infer)] = known ? x.elements() / known : 0;
    r.require(count(s) == x.elements(), "a shape with another element count",
              "the input's element count");
    return reshape_to(x, s);
  }
  if (op == "Squeeze" || op == "Unsqueeze") {
    Shape axes = r.has(1) ? r.int_input(1) : node_attr_ints(r.node(), "axes");
    const int64_t out_rank = op == "Unsqueeze" ? rank + int64_t(axes.size()) : rank;
    for (int64_t& a : axes) {
      a = a < 0 ? a + out_rank : a;
      r.require(a >= 0 && a < out_rank, "axes out of range",
                "axes of the rank-" + std::to_string(out_rank) + " shape");
    }
    Shape s;
    if (op == "Unsqueeze") {
      size_t k = 0;
      for (int64_t d = 0; d < out_rank; ++d)
        s.push_back(std::count(axes.begin(), axes.end(), d) ? 1 : x.shape.at(k++));
    } else {
      for (int64_t d = 0; d < rank; ++d) {
        const bool drop =
            axes.empty() ? x.shape[size_t(d)] == 1 : std::count(axes.begin(), axes.end(), d) > 0;
        if (!drop) s.push_back(x.shape[size_t(d)]);
      }
    }
    r.require(count(s) == x.elements(), "axes of dims that are not 1", "axes of extent 1");
    return reshape_to(x, s);
  }
  // Transpose.
  Shape perm = node_attr_ints(r.node(), "perm");
  if (perm.empty())
    for (int64_t d = rank; d-- > 0;) perm.push_back(d);
  Shape sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t k = 0; k < sorted.size(); ++k)
    r.require(sorted.size() == x.shape.size() && sorted[k] == int64_t(k),
              "perm that is not a permutation", "a permutation of the input's dims");
  Shape out(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) out[k] = x.shape.at(size_t(perm[k]));
  FloatTensor y{out, std::vector<float>(x.data.size())};
  for (int64_t i = 0; i < x.elements(); ++i) {
    int64_t rem = i, src = 0;
    Shape c(out.size());
    for (size_t k = out.size(); k-- > 0;) {
      c[k] = rem % out[k];
      rem /= out[k];
    }
    for (size_t k = 0; k < out.size(); ++k) {
      int64_t st = 1;
      for (size_t j = size_t(perm[k]) + 1; j < x.shape.size(); ++j) st *= x.shape[j];
      src += c[k] * st;
    }
    y.data[size_t(i)] = x.data[size_t(src)];
  }
  return y;
}

FloatTensor concat(const NodeRun& r) {
  const FloatTensor& first = r.in(0);
  const int64_t axis = r.axis("axis", 0, int64_t(first.shape.size()));
  Shape out = first.shape;
  out[size_t(axis)] = 0;
  for (int k = 0; k < r.node().input_size(); ++k) {
    const Shape& s = r.in(k).shape;
    bool ok = s.size() == out.size();
    for (size_t d = 0; ok && d < s.size(); ++d) ok = int64_t(d) == axis || s[d] == first.shape[d];
    r.require(ok, "input " + std::to_string(k) + " of another shape", "equal dims off the axis");
    out[size_t(axis)] += s[size_t(axis)];
  }
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out[size_t(d)];
  FloatTensor y{out, {}};
  for (int64_t o = 0; o < outer; ++o)
    for (int k = 0; k < r.node().input_size(); ++k) {
      const FloatTensor& t = r.in(k);
      const int64_t block = t.elements() / outer;
      y.data.insert(y.data.end(), t.data.begin() + o * block, t.data.begin() + (o + 1) * block);
    }
  return y;
}

/// Softmax / LayerNormalization over [outer][len][inner] rows (layernorm and opset < 13
/// softmax: over every dim from `axis`, inner = 1).
FloatTensor normalise(const NodeRun& r, int64_t opset) {
  const FloatTensor& x = r.in(0);
  const int64_t rank = int64_t(x.shape.size());
  const bool ln = r.node().op_type() == "LayerNormalization";
  const int64_t axis = r.axis("axis", ln || opset >= 13 ? -1 : 1, rank);
  const bool to_end = ln || opset < 13;
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : d == axis || to_end ? len : inner) *= x.shape[size_t(d)];
  const Shape block(x.shape.begin() + axis, x.shape.end());
  for (int k = 1; ln && k < 3; ++k)
    if (r.has(k))
      r.require(r.broadcast({r.in(k).shape, block}) == block,
                "a scale / bias that does not broadcast",
                "a shape that broadcasts to the normalised dims");
  FloatTensor y{x.shape, std::vector<float>(x.data.size())};
  const double eps = node_attr_float(r.node(), "epsilon", 1e-5f);
  std::vector<double> v(static_cast<size_t>(len));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      auto idx = [&](int64_t a) { return size_t((o * len + a) * inner + j); };
      for (int64_t a = 0; a < len; ++a) v[size_t(a)] = x.data[idx(a)];
      if (ln) {
        double mean = 0, var = 0;
        for (double e : v) mean += e;
        mean /= double(len);
        for (double e : v) var += (e - mean) * (e - mean);
        const double inv = 1.0 / std::sqrt(var / double(len) + eps);
        for (int64_t a = 0; a < len; ++a) {
          const double b = r.has(2) ? at_broadcast(r.in(2), block, a) : 0.0;
          y.data[idx(a)] = float((v[size_t(a)] - mean) * inv * at_broadcast(r.in(1), block, a) + b);
        }
        continue;
      }
      const double m = *std::max_element(v.begin(), v.end());
      double sum = 0;
      for (double& e : v) sum += (e = std::exp(e - m));
      for (int64_t a = 0; a < len; ++a) y.data[idx(a)] = float(v[size_t(a)] / sum);
    }
  return y;
}

/// QuantizeLinear / DequantizeLinear, per tensor or along `axis`; integers are held as floats
/// (exact for 8-bit values). `ints`: the integer operand of a DequantizeLinear of a constant.
FloatTensor qdq(const NodeRun& r, const FloatTensor* x_float, const std::vector<int64_t>* x_ints,
                const Shape& x_shape, int32_t zp_type) {
  const bool quant = r.node().op_type() == "QuantizeLinear";
  const FloatTensor& scale = r.in(1);
  const std::vector<int64_t> zp = r.has(2) ? r.int_input(2) : std::vector<int64_t>{0};
  const int64_t rank = int64_t(x_shape.size());
  const int64_t axis = scale.elements() > 1 ? r.axis("axis", 1, rank) : 0;
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= x_shape[size_t(d)];
  const int64_t channels = rank ? x_shape[size_t(axis)] : 1;
  r.require((scale.elements() == 1 || scale.elements() == channels) &&
                (zp.size() == 1 || int64_t(zp.size()) == scale.elements()) &&
                (!x_ints || int64_t(x_ints->size()) == count(x_shape)),
            "scale / zero point sizes that do not match",
            "one per tensor or one per channel along axis");
  const double lo = zp_type == onnx::TensorProto::INT8 ? -128 : 0,
               hi = zp_type == onnx::TensorProto::INT8 ? 127 : 255;
  FloatTensor y{x_shape, std::vector<float>(size_t(count(x_shape)))};
  for (size_t i = 0; i < y.data.size(); ++i) {
    const size_t c = scale.elements() > 1 ? size_t((int64_t(i) / inner) % channels) : 0;
    const float s = scale.data[c];
    const int64_t z = zp[zp.size() > 1 ? c : 0];
    if (quant) {
      const double q = round_half_to_even(double(x_float->data[i] / s)) + double(z);
      y.data[i] = float(std::min(hi, std::max(lo, q)));
    } else {
      const double q = x_ints ? double((*x_ints)[i]) : double(x_float->data[i]);
      y.data[i] = float(q - double(z)) * s;
    }
  }
  return y;
}

FloatTensor batchnorm(const NodeRun& r) {
  const FloatTensor& x = r.in(0);
  r.require(x.shape.size() >= 2, "an input of rank < 2", "[N][C][...]");
  const int64_t c = x.shape.at(1);
  for (int k = 1; k < 5; ++k)
    r.require(r.in(k).elements() == c, "a parameter of another size", "C values");
  int64_t inner = 1;
  for (size_t d = 2; d < x.shape.size(); ++d) inner *= x.shape[d];
  const double eps = node_attr_float(r.node(), "epsilon", 1e-5f);
  FloatTensor y{x.shape, std::vector<float>(x.data.size())};
  for (size_t i = 0; i < y.data.size(); ++i) {
    const size_t k = size_t((int64_t(i) / inner) % c);
    const double s = r.in(1).data[k] / std::sqrt(double(r.in(4).data[k]) + eps);
    y.data[i] = float((x.data[i] - r.in(3).data[k]) * s + r.in(2).data[k]);
  }
  return y;
}

FloatTensor unary(const NodeRun& r) {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  if (r.node().op_type() == "Clip") {
    lo = node_attr_float(r.node(), "min", -std::numeric_limits<float>::infinity());
    hi = node_attr_float(r.node(), "max", std::numeric_limits<float>::infinity());
    if (r.has(1)) lo = r.in(1).data.at(0);
    if (r.has(2)) hi = r.in(2).data.at(0);
  }
  const auto f = onnx_import::unary_function(r.node(), lo, hi);
  FloatTensor y = r.in(0);
  for (float& v : y.data) v = float((*f)(v));
  return y;
}

FloatTensor pool(const NodeRun& r) {
  const FloatTensor& x = r.in(0);
  const std::string& op = r.node().op_type();
  if (op == "GlobalAveragePool") {
    Window2d w;
    if (x.shape.size() != 4)
      r.fail("input of rank " + std::to_string(x.shape.size()), "an NCHW tensor");
    w.kernel = {x.shape[2], x.shape[3]};
    return pool2d(x, w, false, false);
  }
  const Shape k = node_attr_ints(r.node(), "kernel_shape");
  if (k.size() != 2) r.fail("kernel_shape of " + std::to_string(k.size()) + " dims", "2-D pooling");
  const Window2d w = r.window(x.shape, k[0], k[1], node_attr_int(r.node(), "ceil_mode", 0) != 0);
  return pool2d(x, w, op == "MaxPool", node_attr_int(r.node(), "count_include_pad", 0) != 0);
}

FloatTensor conv(const NodeRun& r) {
  const FloatTensor& x = r.in(0);
  const FloatTensor& w = r.in(1);
  const int64_t g = node_attr_int(r.node(), "group", 1);
  r.require(w.shape.size() == 4 && x.shape.size() == 4 && g >= 1 && w.shape[0] % g == 0 &&
                w.shape[1] * g == x.shape[1] && (!r.has(2) || r.in(2).elements() == w.shape[0]),
            "input / weight / bias shapes that do not match (group " + std::to_string(g) + ")",
            "NCHW input, [K, C / group, kH, kW] weight, K biases");
  if (w.shape.size() != 4)
    r.fail("a weight of rank " + std::to_string(w.shape.size()), "2-D convolution");
  const Window2d win = r.window(x.shape, w.shape[2], w.shape[3], false);
  return conv2d(x, w, r.has(2) ? r.in(2).data : std::vector<float>{},
                node_attr_int(r.node(), "group", 1), win);
}

FloatTensor gemm_node(const NodeRun& r) {
  const FloatTensor &a = r.in(0), &b = r.in(1);
  const bool ta = node_attr_int(r.node(), "transA", 0) != 0,
             tb = node_attr_int(r.node(), "transB", 0) != 0;
  r.require(a.shape.size() == 2 && b.shape.size() == 2, "operands of rank other than 2",
            "2-D A and B");
  const int64_t m = ta ? a.shape[1] : a.shape[0], n = tb ? b.shape[0] : b.shape[1];
  r.require((ta ? a.shape[0] : a.shape[1]) == (tb ? b.shape[1] : b.shape[0]),
            "inner dims that differ", "A's columns = B's rows (after transA / transB)");
  if (r.has(2))
    r.require(r.in(2).shape.size() <= 2 && r.broadcast({r.in(2).shape, {m, n}}) == Shape{m, n},
              "a C that does not broadcast to [M, N]",
              "C of shape [], [N], [1, N], [M, 1] or [M, N]");
  return gemm(a, b, r.has(2) ? &r.in(2) : nullptr, node_attr_float(r.node(), "alpha", 1.0f),
              node_attr_float(r.node(), "beta", 1.0f), ta, tb);
}

FloatTensor matmul_node(const NodeRun& r) {
  const FloatTensor &a = r.in(0), &b = r.in(1);
  r.require(!a.shape.empty() && !b.shape.empty(), "a scalar operand", "operands of rank >= 1");
  const int64_t ka = a.shape.back(),
                kb = b.shape.size() == 1 ? b.shape[0] : b.shape[b.shape.size() - 2];
  r.require(ka == kb, "inner dims that differ", "A's last dim = B's second to last");
  if (a.shape.size() > 2 && b.shape.size() > 2)
    r.broadcast(
        {Shape(a.shape.begin(), a.shape.end() - 2), Shape(b.shape.begin(), b.shape.end() - 2)});
  return matmul(a, b);
}

/// One node's float output (r reads its operands; `int_types`: element types of the integer
/// initializers, for a QDQ zero point).
FloatTensor eval_node(const NodeRun& r, const onnx::NodeProto& n, int64_t opset,
                      const onnx::GraphProto& graph,
                      const std::map<std::string, int32_t>& int_types,
                      const std::function<const std::vector<int64_t>*(const std::string&)>& ints) {
  const std::string& op = n.op_type();
  if (op == "Conv") return conv(r);
  if (op == "Gemm") return gemm_node(r);
  if (op == "MatMul") return matmul_node(r);
  if (op == "BatchNormalization") return batchnorm(r);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return pool(r);
  if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
      op == "Transpose")
    return layout(r);
  if (op == "Concat") return concat(r);
  if (op == "Softmax" || op == "LayerNormalization") return normalise(r, opset);
  if (op == "Identity" || op == "Dropout") return r.in(0);
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    const std::vector<int64_t>* xi = op == "DequantizeLinear" ? ints(n.input(0)) : nullptr;
    const FloatTensor* xf = xi ? nullptr : &r.in(0);
    Shape shape = xf ? xf->shape : Shape{};
    if (xi)
      for (const auto& t : graph.initializer())
        if (t.name() == n.input(0)) shape.assign(t.dims().begin(), t.dims().end());
    const std::string zp = r.has(2) ? n.input(2) : "";
    const int32_t zt = int_types.count(zp) ? int_types.at(zp) : int32_t(onnx::TensorProto::UINT8);
    return qdq(r, xf, xi, shape, zt);
  }
  if (onnx_import::is_unary_op(op)) return unary(r);
  if (auto f = onnx_import::binary_function(op == "Sum" ? "Add" : op)) return eltwise(r, *f);
  r.fail("op_type " + op, "an operator the float evaluator knows (float model import)");
}

}  // namespace

FloatEvaluator::FloatEvaluator(const onnx::ModelProto& m, std::string file)
    : m_(m), file_(std::move(file)) {
  for (const onnx::TensorProto& t : m.graph().initializer()) {
    const auto c = cleanup::const_from_proto(t);
    if (!c) continue;
    if (c->is_real()) {
      constants_[t.name()] = {c->dims, std::vector<float>(c->reals.begin(), c->reals.end())};
    } else {
      ints_[t.name()] = c->ints;
      int_types_[t.name()] = c->type;
    }
  }
  for (const onnx::ValueInfoProto& vi : m.graph().input())
    if (!constants_.count(vi.name()) && !ints_.count(vi.name())) inputs_.push_back(vi.name());
}

std::vector<FloatTensor> FloatEvaluator::run(const std::vector<FloatTensor>& in,
                                             const Visitor& visit) {
  std::map<std::string, FloatTensor> values;
  if (in.size() != inputs_.size())
    throw sim::ModelError("FloatEvaluator::run: " + std::to_string(in.size()) + " inputs for " +
                          std::to_string(inputs_.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    values[inputs_[i]] = in[i];
    if (visit) visit(inputs_[i], in[i]);
  }
  // Values are dropped after their last reader (graph outputs are kept).
  std::map<std::string, int> last;
  const auto& nodes = m_.graph().node();
  for (int i = 0; i < nodes.size(); ++i)
    for (const std::string& v : nodes[i].input()) last[v] = i;
  for (const auto& o : m_.graph().output()) last[o.name()] = nodes.size();
  const std::function<const FloatTensor*(const std::string&)> get =
      [&](const std::string& name) -> const FloatTensor* {
    auto it = values.find(name);
    if (it != values.end()) return &it->second;
    auto c = constants_.find(name);
    return c == constants_.end() ? nullptr : &c->second;
  };
  const std::function<const std::vector<int64_t>*(const std::string&)> ints =
      [&](const std::string& name) -> const std::vector<int64_t>* {
    auto it = ints_.find(name);
    return it == ints_.end() ? nullptr : &it->second;
  };
  int64_t opset = 1;
  for (const auto& o : m_.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  for (int i = 0; i < nodes.size(); ++i) {
    const onnx::NodeProto& n = nodes[i];
    const std::string where = "node " + std::to_string(i) +
                              (n.name().empty() ? "" : " '" + n.name() + "'") + " (" + n.op_type() +
                              ")";
    const NodeRun r(n, where, file_, get, ints);
    const std::string& op = n.op_type();
    FloatTensor y = eval_node(r, n, opset, m_.graph(), int_types_, ints);
    for (int k = 1; k < n.output_size(); ++k)
      if (!n.output(k).empty() && last.count(n.output(k)))
        throw sim::ConfigError(
            file_, where + " output " + std::to_string(k),
            "'" + n.output(k) + "', which the graph reads",
            "only output 0 of " + op + " (the float evaluator computes no others)");
    if (visit) visit(n.output(0), y);
    values[n.output(0)] = std::move(y);
    for (const std::string& v : n.input())
      if (last.count(v) && last.at(v) == i) values.erase(v);
  }
  std::vector<FloatTensor> out;
  for (const auto& o : m_.graph().output()) {
    const FloatTensor* t = get(o.name());
    if (!t) throw sim::ModelError("FloatEvaluator: graph output '" + o.name() + "' not computed");
    out.push_back(*t);
  }
  return out;
}

}  // namespace adasim::workloads::quantize
