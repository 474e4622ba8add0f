// SPDX-License-Identifier: Apache-2.0
// Constant folding: the ONNX operators of shape and constant subgraphs evaluated on ConstTensors
// (see const_tensor.hpp). Semantics as the ONNX operator specification states them (opset 13-17,
// plus the attribute forms of older opsets for Squeeze / Unsqueeze / Slice); an operand outside
// what an operator accepts makes fold_node return nullopt, so the node stays and the importer
// reports it.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "workloads/onnx/cleanup/const_tensor.hpp"
#include "workloads/onnx/cleanup/graph_edit.hpp"

namespace adasim::workloads::cleanup {
namespace {

using TP = onnx::TensorProto;
using Dims = std::vector<int64_t>;
using Opt = std::optional<ConstTensor>;

/// Larger results are not folded (an Expand or ConstantOfShape to a huge activation-sized
/// tensor would bloat the model; such a node stays).
constexpr int64_t kMaxFoldedElements = int64_t(1) << 24;

int64_t attr_int(const onnx::NodeProto& n, const char* name, int64_t dflt) {
  return node_attr_int(n, name, dflt);
}

std::optional<Dims> attr_ints(const onnx::NodeProto& n, const char* name) {
  if (!node_attr(n, name)) return std::nullopt;
  return node_attr_ints(n, name);
}

/// Integer contents of a 1-D / scalar tensor (shapes, axes, indices).
std::optional<Dims> int_list(const ConstTensor* t) {
  if (!t || t->is_real() || t->dims.size() > 1) return std::nullopt;
  return t->ints;
}

int64_t product(const Dims& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;
  return n;
}

bool normalize_axis(int64_t& axis, int64_t rank) {
  if (axis < 0) axis += rank;
  return axis >= 0 && axis < rank;
}

ConstTensor like(const ConstTensor& src, Dims dims) {
  ConstTensor c;
  c.type = src.type;
  c.dims = std::move(dims);
  return c;
}

void push(ConstTensor& c, const ConstTensor& src, size_t i) {
  if (src.is_real())
    c.reals.push_back(src.reals[i]);
  else
    c.ints.push_back(src.ints[i]);
}

/// Row-major strides of dims.
Dims strides_of(const Dims& d) {
  Dims s(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

// ---- shape-only operators -------------------------------------------------------------------

Opt reshaped(const ConstTensor& x, Dims dims) {
  if (product(dims) != x.size()) return std::nullopt;
  ConstTensor c = x;
  c.dims = std::move(dims);
  return c;
}

Opt fold_reshape(const onnx::NodeProto& n, const ConstTensor& x, const ConstTensor* shape) {
  const auto spec = int_list(shape);
  if (!spec) return std::nullopt;
  Dims d = *spec;
  const bool allow_zero = attr_int(n, "allowzero", 0) != 0;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] == 0 && !allow_zero) {
      if (i >= x.dims.size()) return std::nullopt;
      d[i] = x.dims[i];
    }
    if (d[i] == -1) {
      if (infer >= 0) return std::nullopt;
      infer = int(i);
    } else if (d[i] < 0) {
      return std::nullopt;
    } else {
      known *= d[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.size() % known != 0) return std::nullopt;
    d[size_t(infer)] = x.size() / known;
  }
  return reshaped(x, d);
}

Opt fold_flatten(const onnx::NodeProto& n, const ConstTensor& x) {
  int64_t axis = attr_int(n, "axis", 1);
  const int64_t rank = int64_t(x.dims.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return std::nullopt;
  Dims d = {1, 1};
  for (int64_t i = 0; i < rank; ++i) d[i < axis ? 0 : 1] *= x.dims[size_t(i)];
  return reshaped(x, d);
}

Opt fold_unsqueeze(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  auto axes = in.size() > 1 && in[1] ? int_list(in[1]) : attr_ints(n, "axes");
  if (!axes) return std::nullopt;
  const int64_t rank = int64_t(in[0]->dims.size() + axes->size());
  Dims out(size_t(rank), -1);
  for (int64_t a : *axes) {
    if (!normalize_axis(a, rank) || out[size_t(a)] == 1) return std::nullopt;
    out[size_t(a)] = 1;
  }
  size_t k = 0;
  for (int64_t& d : out)
    if (d == -1) d = in[0]->dims.at(k++);
  return reshaped(*in[0], out);
}

Opt fold_squeeze(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  auto axes = in.size() > 1 && in[1] ? int_list(in[1]) : attr_ints(n, "axes");
  const Dims& d = in[0]->dims;
  std::vector<bool> drop(d.size(), false);
  if (!axes) {
    for (size_t i = 0; i < d.size(); ++i) drop[i] = d[i] == 1;
  } else {
    for (int64_t a : *axes) {
      if (!normalize_axis(a, int64_t(d.size())) || d[size_t(a)] != 1) return std::nullopt;
      drop[size_t(a)] = true;
    }
  }
  Dims out;
  for (size_t i = 0; i < d.size(); ++i)
    if (!drop[i]) out.push_back(d[i]);
  return reshaped(*in[0], out);
}

Opt fold_transpose(const onnx::NodeProto& n, const ConstTensor& x) {
  const size_t rank = x.dims.size();
  Dims perm(rank);
  for (size_t i = 0; i < rank; ++i) perm[i] = int64_t(rank - 1 - i);
  if (auto p = attr_ints(n, "perm")) perm = *p;
  if (perm.size() != rank) return std::nullopt;
  Dims out(rank);
  std::vector<bool> seen(rank, false);
  for (size_t i = 0; i < rank; ++i) {
    if (perm[i] < 0 || perm[i] >= int64_t(rank) || seen[size_t(perm[i])]) return std::nullopt;
    seen[size_t(perm[i])] = true;
    out[i] = x.dims[size_t(perm[i])];
  }
  const Dims in_strides = strides_of(x.dims);
  ConstTensor c = like(x, out);
  Dims idx(rank, 0);
  for (int64_t flat = 0; flat < x.size(); ++flat) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += idx[i] * in_strides[size_t(perm[i])];
    push(c, x, size_t(src));
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < out[i]) break;
      idx[i] = 0;
    }
  }
  return c;
}

Opt fold_concat(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& first = *in.at(0);
  int64_t axis = attr_int(n, "axis", 0);
  if (!normalize_axis(axis, int64_t(first.dims.size()))) return std::nullopt;
  Dims out = first.dims;
  out[size_t(axis)] = 0;
  for (const ConstTensor* t : in) {
    if (!t || t->type != first.type || t->dims.size() != first.dims.size()) return std::nullopt;
    for (size_t i = 0; i < out.size(); ++i)
      if (int64_t(i) != axis && t->dims[i] != first.dims[i]) return std::nullopt;
    out[size_t(axis)] += t->dims[size_t(axis)];
  }
  const int64_t outer = product(Dims(first.dims.begin(), first.dims.begin() + axis));
  const int64_t inner = product(Dims(first.dims.begin() + axis + 1, first.dims.end()));
  ConstTensor c = like(first, out);
  for (int64_t o = 0; o < outer; ++o)
    for (const ConstTensor* t : in) {
      const int64_t block = t->dims[size_t(axis)] * inner;
      for (int64_t i = 0; i < block; ++i) push(c, *t, size_t(o * block + i));
    }
  return c;
}

Opt fold_gather(const onnx::NodeProto& n, const ConstTensor& data, const ConstTensor* idx) {
  if (!idx || idx->is_real()) return std::nullopt;
  int64_t axis = attr_int(n, "axis", 0);
  if (!normalize_axis(axis, int64_t(data.dims.size()))) return std::nullopt;
  const int64_t extent = data.dims[size_t(axis)];
  Dims out(data.dims.begin(), data.dims.begin() + axis);
  out.insert(out.end(), idx->dims.begin(), idx->dims.end());
  out.insert(out.end(), data.dims.begin() + axis + 1, data.dims.end());
  const int64_t outer = product(Dims(data.dims.begin(), data.dims.begin() + axis));
  const int64_t inner = product(Dims(data.dims.begin() + axis + 1, data.dims.end()));
  ConstTensor c = like(data, out);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx->ints) {
      if (j < 0) j += extent;
      if (j < 0 || j >= extent) return std::nullopt;
      for (int64_t i = 0; i < inner; ++i) push(c, data, size_t((o * extent + j) * inner + i));
    }
  return c;
}

Opt fold_slice(const onnx::NodeProto& n, const std::vector<const ConstTensor*>& in) {
  const ConstTensor& x = *in[0];
  const bool attrs = in.size() < 3;  // opset 1: starts / ends / axes attributes
  auto starts = attrs ? attr_ints(n, "starts") : int_list(in[1]);
  auto ends = attrs ? attr_ints(n, "ends") : int_list(in[2]);
  auto axes =
      attrs ? attr_ints(n, "axes") : (in.size() > 3 && in[3] ? int_list(in[3]) : std::nullopt);
  auto steps = !attrs && in.size() > 4 && in[4] ? int_list(in[4]) : std::nullopt;
  if (!starts || !ends || starts->size() != ends->size()) return std::nullopt;
  const size_t rank = x.dims.size();
  Dims lo(rank, 0), step(rank, 1), count = x.dims;
  for (size_t k = 0; k < starts->size(); ++k) {
    int64_t a = axes ? axes->at(k) : int64_t(k);
    if (!normalize_axis(a, int64_t(rank))) return std::nullopt;
    const int64_t dim = x.dims[size_t(a)];
    const int64_t st = steps ? steps->at(k) : 1;
    if (st == 0) return std::nullopt;
    auto clampi = [&](int64_t v, int64_t l, int64_t h) { return std::min(std::max(v, l), h); };
    int64_t s = (*starts)[k], e = (*ends)[k];
    if (s < 0) s += dim;
    if (e < 0 && e > std::numeric_limits<int64_t>::min() / 2) e += dim;
    s = st > 0 ? clampi(s, 0, dim) : clampi(s, 0, dim - 1);
    e = st > 0 ? clampi(e, 0, dim) : clampi(e, -1, dim - 1);
    const int64_t len =
        st > 0 ? (e > s ? (e - s + st - 1) / st : 0) : (s > e ? (s - e - st - 1) / -st : 0);
    lo[size_t(a)] = s;
    step[size_t(a)] = st;
    count[size_t(a)] = len;
  }
  const Dims in_strides = strides_of(x.dims);
  ConstTensor c = like(x, count);
  Dims idx(rank, 0);
  for (int64_t flat = 0; flat < product(count); ++flat) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += (lo[i] + idx[i] * step[i]) * in_strides[i];
    push(c, x, size_t(src));
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < count[i]) break;
      idx[i] = 0;
    }
  }
  return c;
}

// ---- elementwise operators (numpy broadcasting) ---------------------------------------------

std::optional<Dims> broadcast_dims(const std::vector<const ConstTensor*>& in) {
  size_t rank = 0;
  for (const ConstTensor* t : in) rank = std::max(rank, t->dims.size());
  Dims out(rank, 1);
  for (const ConstTensor* t : in)
    for (size_t i = 0; i < t->dims.size(); ++i) {
      int64_t& o = out[rank - t->dims.size() + i];
      const int64_t d = t->dims[i];
      if (d != 1 && o != 1 && d != o) return std::nullopt;
      if (d != 1) o = d;
    }
  return out;
}

/// Flat index into t of output element `flat` of dims `out` (t broadcast to out).
int64_t broadcast_index(const ConstTensor& t, const Dims& out, const Dims& out_strides,
                        int64_t flat) {
  int64_t src = 0, stride = 1;
  for (size_t k = t.dims.size(); k-- > 0;) {
    const size_t o = out.size() - t.dims.size() + k;
    const int64_t coord = (flat / out_strides[o]) % out[o];
    if (t.dims[k] != 1) src += coord * stride;
    stride *= t.dims[k];
  }
  return src;
}

using Elementwise = std::function<double(const std::vector<double>&, bool real)>;

Opt fold_elementwise(const std::vector<const ConstTensor*>& in, int32_t out_type,
                     const Elementwise& f) {
  const auto out = broadcast_dims(in);
  if (!out || product(*out) > kMaxFoldedElements) return std::nullopt;
  const Dims st = strides_of(*out);
  ConstTensor c;
  c.type = out_type;
  c.dims = *out;
  const bool real = in[0]->is_real();
  std::vector<double> args(in.size());
  for (int64_t flat = 0; flat < product(*out); ++flat) {
    for (size_t k = 0; k < in.size(); ++k)
      args[k] = in[k]->at(size_t(broadcast_index(*in[k], *out, st, flat)));
    const double v = convert_element(f(args, real), out_type);
    if (c.is_real())
      c.reals.push_back(v);
    else
      c.ints.push_back(int64_t(v));
  }
  return c;
}

/// Integer division as ONNX Div on integer tensors (truncation, as C and ONNX Runtime).
double int_div(double a, double b) { return b == 0 ? 0 : std::trunc(a / b); }

const std::map<std::string, std::function<double(double, double, bool)>>& binary_ops() {
  static const std::map<std::string, std::function<double(double, double, bool)>> ops = {
      {"Add", [](double a, double b, bool) { return a + b; }},
      {"Sub", [](double a, double b, bool) { return a - b; }},
      {"Mul", [](double a, double b, bool) { return a * b; }},
      {"Div", [](double a, double b, bool r) { return r ? a / b : int_div(a, b); }},
      {"Pow", [](double a, double b, bool) { return std::pow(a, b); }},
      {"Equal", [](double a, double b, bool) { return double(a == b); }},
      {"Less", [](double a, double b, bool) { return double(a < b); }},
      {"Greater", [](double a, double b, bool) { return double(a > b); }},
      {"LessOrEqual", [](double a, double b, bool) { return double(a <= b); }},
      {"GreaterOrEqual", [](double a, double b, bool) { return double(a >= b); }},
      {"And", [](double a, double b, bool) { return double(a != 0 && b != 0); }},
      {"Or", [](double a, double b, bool) { return double(a != 0 || b != 0); }},
  };
  return ops;
}

const std::map<std::string, std::function<double(double)>>& unary_ops() {
  static const std::map<std::string, std::function<double(double)>> ops = {
      {"Neg", [](double a) { return -a; }},
      {"Abs", [](double a) { return std::fabs(a); }},
      {"Floor", [](double a) { return std::floor(a); }},
      {"Ceil", [](double a) { return std::ceil(a); }},
      {"Sqrt", [](double a) { return std::sqrt(a); }},
      {"Reciprocal", [](double a) { return 1.0 / a; }},
      {"Not", [](double a) { return double(a == 0); }},
  };
  return ops;
}

bool is_comparison(const std::string& op) {
  return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" ||
         op == "GreaterOrEqual" || op == "And" || op == "Or" || op == "Not";
}

// ---- generators -----------------------------------------------------------------------------

Opt fold_constant_of_shape(const onnx::NodeProto& n, const ConstTensor* shape) {
  const auto dims = int_list(shape);
  if (!dims) return std::nullopt;
  for (int64_t d : *dims)
    if (d < 0) return std::nullopt;
  if (product(*dims) > kMaxFoldedElements) return std::nullopt;
  ConstTensor value = ConstTensor::filled(TP::FLOAT, {}, 0.0);
  if (const auto* a = node_attr(n, "value")) {
    auto v = const_from_proto(a->t());
    if (!v || v->size() != 1) return std::nullopt;
    value = *v;
  }
  return ConstTensor::filled(value.type, *dims, value.at(0));
}

Opt fold_range(const std::vector<const ConstTensor*>& in) {
  for (const ConstTensor* t : in)
    if (!t || t->size() != 1) return std::nullopt;
  const double start = in[0]->at(0), limit = in[1]->at(0), delta = in[2]->at(0);
  if (delta == 0) return std::nullopt;
  const double count = std::max(0.0, std::ceil((limit - start) / delta));
  if (count > double(kMaxFoldedElements)) return std::nullopt;
  ConstTensor c = like(*in[0], {int64_t(count)});
  for (int64_t i = 0; i < int64_t(count); ++i) {
    const double v = convert_element(start + double(i) * delta, c.type);
    if (c.is_real())
      c.reals.push_back(v);
    else
      c.ints.push_back(int64_t(v));
  }
  return c;
}

Opt fold_expand(const ConstTensor& x, const ConstTensor* shape) {
  const auto dims = int_list(shape);
  if (!dims) return std::nullopt;
  const ConstTensor target = ConstTensor::filled(x.type, *dims, 0.0);
  return fold_elementwise({&x, &target}, x.type,
                          [](const std::vector<double>& a, bool) { return a[0]; });
}

Opt fold_shape(const onnx::NodeProto& n, const std::optional<Dims>& shape) {
  if (!shape) return std::nullopt;
  const int64_t rank = int64_t(shape->size());
  int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::min(std::max<int64_t>(start, 0), rank);
  end = std::min(std::max<int64_t>(end, 0), rank);
  ConstTensor c;
  c.type = TP::INT64;
  for (int64_t i = start; i < end; ++i) c.ints.push_back((*shape)[size_t(i)]);
  c.dims = {int64_t(c.ints.size())};
  return c;
}

Opt fold_cast(const onnx::NodeProto& n, const ConstTensor& x) {
  const int32_t to = int32_t(attr_int(n, "to", 0));
  if (!const_type_supported(to)) return std::nullopt;
  ConstTensor c;
  c.type = to;
  c.dims = x.dims;
  for (size_t i = 0; i < size_t(x.size()); ++i) {
    if (c.is_real())
      c.reals.push_back(convert_element(x.at(i), to));
    else if (x.is_real())
      c.ints.push_back(int64_t(convert_element(x.reals[i], to)));
    else
      c.ints.push_back(convert_integer(x.ints[i], to));
  }
  return c;
}

}  // namespace

bool is_foldable_op(const std::string& op) {
  static const std::vector<std::string> shape_ops = {
      "Identity", "Cast",      "Shape",           "Size",  "Gather", "Unsqueeze",
      "Squeeze",  "Concat",    "ConstantOfShape", "Range", "Slice",  "Reshape",
      "Flatten",  "Transpose", "Expand",          "Where", "Min",    "Max"};
  return std::find(shape_ops.begin(), shape_ops.end(), op) != shape_ops.end() ||
         binary_ops().count(op) || unary_ops().count(op);
}

std::optional<ConstTensor> fold_node(const onnx::NodeProto& node,
                                     const std::vector<const ConstTensor*>& in,
                                     const std::optional<std::vector<int64_t>>& input_shape) {
  const std::string& op = node.op_type();
  if (node.output_size() != 1) return std::nullopt;
  if (op == "Shape") return fold_shape(node, input_shape);
  if (op == "Size") {
    if (!input_shape) return std::nullopt;
    return ConstTensor::filled(TP::INT64, {}, double(product(*input_shape)));
  }
  if (in.empty() || !in[0]) return std::nullopt;
  if (op == "ConstantOfShape") return fold_constant_of_shape(node, in[0]);
  if (op == "Range") return in.size() == 3 ? fold_range(in) : std::nullopt;
  if (op == "Concat") return fold_concat(node, in);
  const ConstTensor& x = *in[0];
  if (op == "Identity") return x;
  if (op == "Cast") return fold_cast(node, x);
  if (op == "Gather") return fold_gather(node, x, in.size() > 1 ? in[1] : nullptr);
  if (op == "Unsqueeze") return fold_unsqueeze(node, in);
  if (op == "Squeeze") return fold_squeeze(node, in);
  if (op == "Slice") return fold_slice(node, in);
  if (op == "Reshape") return fold_reshape(node, x, in.size() > 1 ? in[1] : nullptr);
  if (op == "Flatten") return fold_flatten(node, x);
  if (op == "Transpose") return fold_transpose(node, x);
  if (op == "Expand") return fold_expand(x, in.size() > 1 ? in[1] : nullptr);
  for (const ConstTensor* t : in)
    if (!t) return std::nullopt;
  if (op == "Where") {
    if (in.size() != 3 || in[1]->type != in[2]->type) return std::nullopt;
    return fold_elementwise(in, in[1]->type, [](const std::vector<double>& a, bool) {
      return a[0] != 0 ? a[1] : a[2];
    });
  }
  if (op == "Min" || op == "Max") {
    const bool mx = op == "Max";
    return fold_elementwise(in, x.type, [mx](const std::vector<double>& a, bool) {
      double r = a[0];
      for (double v : a) r = mx ? std::max(r, v) : std::min(r, v);
      return r;
    });
  }
  const int32_t out_type = is_comparison(op) ? int32_t(TP::BOOL) : x.type;
  if (auto it = unary_ops().find(op); it != unary_ops().end() && in.size() == 1) {
    const auto& f = it->second;
    return fold_elementwise(in, out_type,
                            [&f](const std::vector<double>& a, bool) { return f(a[0]); });
  }
  if (auto it = binary_ops().find(op); it != binary_ops().end() && in.size() == 2) {
    if (op != "Pow" && in[1]->type != x.type) return std::nullopt;
    const auto& f = it->second;
    return fold_elementwise(in, out_type, [&f](const std::vector<double>& a, bool real) {
      return f(a[0], a[1], real);
    });
  }
  return std::nullopt;
}

}  // namespace adasim::workloads::cleanup
