// SPDX-License-Identifier: Apache-2.0
// Reference kernels of the vector layers (see vector_reference.hpp): direct loops over output
// elements, multipliers formed from the tensors where they are used.
#include "workloads/reference/vector_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "workloads/ir/axis_split.hpp"

namespace adasim::workloads {
namespace {

using Shape = std::vector<int64_t>;

double round_as(double v, Rounding r) {
  return r == Rounding::kHalfToEven ? round_half_to_even(v) : double(round_half_away(v));
}

int64_t count_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

/// Coordinates of flat index `flat` in shape `s`.
Shape coords_of(int64_t flat, const Shape& s) {
  Shape c(s.size());
  for (size_t k = s.size(); k-- > 0;) {
    c[k] = s[k] ? flat % s[k] : 0;
    flat = s[k] ? flat / s[k] : 0;
  }
  return c;
}

/// Flat index in shape `in` of output coordinates `c` (in broadcast to c's rank: size-1 dims
/// repeat, missing leading dims are dropped).
int64_t broadcast_flat(const Shape& c, const Shape& in) {
  int64_t flat = 0;
  const size_t off = c.size() - in.size();
  for (size_t k = 0; k < in.size(); ++k) flat = flat * in[k] + (in[k] == 1 ? 0 : c[off + k]);
  return flat;
}

int8_t store(int64_t v) { return int8_t(uint8_t(v & 0xFF)); }

/// zo + R(v) clamped to the layer's output range, as the stored byte.
int8_t finish(double v, const Layer& l, const TensorInfo& out, const IntRange& range) {
  const double q = round_as(v, l.rounding) + out.zero_point;
  return store(int64_t(std::min<double>(range.hi, std::max<double>(range.lo, q))));
}

double mult(const TensorInfo& in, const TensorInfo& out) {
  return double(in.scale) / double(out.scale);
}

Int8Buffer add_or_mul(const Graph& g, const Layer& l, const std::vector<const Int8Buffer*>& in) {
  const TensorInfo& out = g.tensor(l.output);
  std::vector<Shape> shapes;
  for (const std::string& n : l.inputs) shapes.push_back(g.tensor(n).shape);
  const Shape shape = broadcast_shapes(shapes);
  if (count_of(shape) != out.elements()) throw sim::ModelError("layer " + l.name + ": output size");
  const IntRange range = output_clamp(l, out);
  Int8Buffer y(out.shape);
  for (int64_t i = 0; i < out.elements(); ++i) {
    const Shape c = coords_of(i, shape);
    double v = 0.0;
    if (l.op == OpType::kMul) {
      const TensorInfo& a = g.tensor(l.inputs.at(0));
      const TensorInfo& b = g.tensor(l.inputs.at(1));
      const int64_t xa = stored_int(*in[0], a, broadcast_flat(c, a.shape)) - a.zero_point;
      const int64_t xb = stored_int(*in[1], b, broadcast_flat(c, b.shape)) - b.zero_point;
      v = double(a.scale) * double(b.scale) / double(out.scale) * double(xa * xb);
    } else {
      for (size_t k = 0; k < in.size(); ++k) {
        const TensorInfo& t = g.tensor(l.inputs[k]);
        const int64_t x = stored_int(*in[k], t, broadcast_flat(c, t.shape)) - t.zero_point;
        v += mult(t, out) * double(x);
      }
    }
    y.data[size_t(i)] = finish(v, l, out, range);
  }
  return y;
}

Int8Buffer concat(const Graph& g, const Layer& l, const std::vector<const Int8Buffer*>& in) {
  const TensorInfo& out = g.tensor(l.output);
  const IntRange range = output_clamp(l, out);
  Int8Buffer y(out.shape);
  for (int64_t i = 0; i < out.elements(); ++i) {
    Shape c = coords_of(i, out.shape);
    // The input holding position c[axis]: walk the inputs' extents along the axis.
    size_t k = 0;
    while (c[size_t(l.axis)] >= g.tensor(l.inputs[k]).shape[size_t(l.axis)]) {
      c[size_t(l.axis)] -= g.tensor(l.inputs[k]).shape[size_t(l.axis)];
      ++k;
    }
    const TensorInfo& t = g.tensor(l.inputs[k]);
    const int64_t x = stored_int(*in[k], t, broadcast_flat(c, t.shape)) - t.zero_point;
    y.data[size_t(i)] = finish(mult(t, out) * double(x), l, out, range);
  }
  return y;
}

Int8Buffer pool(const Graph& g, const Layer& l, const Int8Buffer& x) {
  const TensorInfo& in = g.tensor(l.inputs.at(0));
  const TensorInfo& out = g.tensor(l.output);
  const ConvShape s = g.shape(l);
  const IntRange range = output_clamp(l, out);
  Int8Buffer y(out.shape);
  for (int64_t i = 0; i < out.elements(); ++i) {
    const Shape c = coords_of(i, {s.n, s.c, s.p, s.q});  // n, c, p, q
    int64_t sum = 0, count = 0, padded = 0;
    int32_t best = std::numeric_limits<int32_t>::min();
    for (int64_t r = 0; r < s.r; ++r)
      for (int64_t t = 0; t < s.s; ++t) {
        const int64_t h = c[2] * s.stride_h - s.pad_t + r * s.dil_h;
        const int64_t w = c[3] * s.stride_w - s.pad_l + t * s.dil_w;
        if (h >= -s.pad_t && h < s.h + s.pad_b && w >= -s.pad_l && w < s.w + s.pad_r) ++padded;
        if (h < 0 || h >= s.h || w < 0 || w >= s.w) continue;
        const int32_t v = stored_int(x, in, ((c[0] * s.c + c[1]) * s.h + h) * s.w + w);
        best = std::max(best, v);
        sum += v - in.zero_point;
        ++count;
      }
    if (count == 0) throw sim::ModelError("layer " + l.name + ": a window holds only padding");
    if (l.op == OpType::kMaxPool) {
      y.data[size_t(i)] = store(best);
      continue;
    }
    const int64_t divisor = l.count_include_pad ? padded : count;
    y.data[size_t(i)] = finish(double(sum) / double(divisor) * mult(in, out), l, out, range);
  }
  return y;
}

Int8Buffer softmax(const Graph& g, const Layer& l, const Int8Buffer& x) {
  const TensorInfo& in = g.tensor(l.inputs.at(0));
  const TensorInfo& out = g.tensor(l.output);
  const std::vector<uint32_t> table = softmax_exp_table(in.scale, in.bits);
  const AxisSplit rw = split_at_axis(in.shape, l.axis, false);
  const IntRange range = output_clamp(l, out);
  Int8Buffer y(out.shape);
  for (int64_t o = 0; o < rw.outer; ++o)
    for (int64_t j = 0; j < rw.inner; ++j) {
      auto at = [&](int64_t a) { return (o * rw.len + a) * rw.inner + j; };
      int32_t mx = std::numeric_limits<int32_t>::min();
      for (int64_t a = 0; a < rw.len; ++a) mx = std::max(mx, stored_int(x, in, at(a)));
      uint64_t sum = 0;
      for (int64_t a = 0; a < rw.len; ++a) sum += table[size_t(mx - stored_int(x, in, at(a)))];
      for (int64_t a = 0; a < rw.len; ++a) {
        const uint32_t e = table[size_t(mx - stored_int(x, in, at(a)))];
        y.data[size_t(at(a))] =
            finish(double(e) * (1.0 / double(out.scale)) / double(sum), l, out, range);
      }
    }
  return y;
}

Int8Buffer layernorm(const Graph& g, const Layer& l, const Int8Buffer& x, const Int32Buffer& gamma,
                     const Int32Buffer& beta) {
  const TensorInfo& in = g.tensor(l.inputs.at(0));
  const TensorInfo& out = g.tensor(l.output);
  const TensorInfo& gt = g.tensor(l.weight);
  const TensorInfo& bt = g.tensor(l.bias);
  const AxisSplit rw = split_at_axis(in.shape, l.axis, true);
  const int64_t n = rw.len;
  if (n > 16384 || gamma.elements() != n || beta.elements() != n)
    throw sim::ModelError("layer " + l.name + ": layernorm block of " + std::to_string(n));
  const double e_real =
      l.epsilon * double(n) * double(n) * double(n) / (double(in.scale) * double(in.scale));
  const int64_t e = int64_t(std::min(4.6e18, round_as(e_real, Rounding::kHalfToEven)));
  const double gfac = double(gt.scale) * std::sqrt(double(n)) / double(out.scale);
  const double bfac = double(bt.scale) / double(out.scale);
  const IntRange range = output_clamp(l, out);
  Int8Buffer y(out.shape);
  for (int64_t o = 0; o < rw.outer; ++o) {
    int64_t s = 0;
    for (int64_t j = 0; j < n; ++j) s += stored_int(x, in, o * n + j) - in.zero_point;
    int64_t v = 0;
    for (int64_t j = 0; j < n; ++j) {
      const int64_t d = n * (stored_int(x, in, o * n + j) - in.zero_point) - s;
      v += d * d;
    }
    const double r = v + e > 0 ? 1.0 / std::sqrt(double(v + e)) : 0.0;
    for (int64_t j = 0; j < n; ++j) {
      const int64_t d = n * (stored_int(x, in, o * n + j) - in.zero_point) - s;
      const double val = double(gamma.data[size_t(j)]) * gfac * (double(d) * r) +
                         double(beta.data[size_t(j)]) * bfac;
      y.data[size_t(o * n + j)] = finish(val, l, out, range);
    }
  }
  return y;
}

Int8Buffer transpose(const Graph& g, const Layer& l, const Int8Buffer& x) {
  const TensorInfo& in = g.tensor(l.inputs.at(0));
  const TensorInfo& out = g.tensor(l.output);
  Int8Buffer y(out.shape);
  for (int64_t i = 0; i < out.elements(); ++i) {
    const Shape c = coords_of(i, out.shape);
    Shape src(c.size());
    for (size_t k = 0; k < c.size(); ++k) src[size_t(l.perm[k])] = c[k];
    int64_t flat = 0;
    for (size_t k = 0; k < src.size(); ++k) flat = flat * in.shape[k] + src[k];
    y.data[size_t(i)] = x.data[size_t(flat)];
  }
  return y;
}

}  // namespace

int32_t stored_int(const Int8Buffer& b, const TensorInfo& t, int64_t i) {
  const int8_t v = b.data.at(size_t(i));
  return t.is_signed ? int32_t(v) : int32_t(uint8_t(v));
}

IntRange output_clamp(const Layer& l, const TensorInfo& out) {
  IntRange r = int_range(std::min(out.bits, 8), out.is_signed);
  r.lo = std::max(r.lo, l.act_min);
  r.hi = std::min(r.hi, l.act_max);
  if (l.relu) r.lo = std::max(r.lo, out.zero_point);
  return r;
}

std::vector<int64_t> broadcast_shapes(const std::vector<std::vector<int64_t>>& shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes)
    for (size_t k = 0; k < s.size(); ++k) {
      int64_t& o = out[rank - s.size() + k];
      if (s[k] != 1 && o != 1 && s[k] != o)
        throw sim::ModelError("broadcast_shapes: dims " + std::to_string(s[k]) + " and " +
                              std::to_string(o) + " do not broadcast");
      if (s[k] != 1) o = s[k];
    }
  return out;
}

std::vector<uint32_t> softmax_exp_table(double in_scale, int bits) {
  std::vector<uint32_t> t(size_t(1) << std::min(bits, 8));
  for (size_t d = 0; d < t.size(); ++d)
    t[d] = uint32_t(round_half_to_even(1048576.0 * std::exp(-in_scale * double(d))));
  return t;
}

Int8Buffer reference_vector_layer(
    const Graph& g, const Layer& l, const std::function<const Int8Buffer&(const std::string&)>& get,
    const std::function<const Int32Buffer&(const std::string&)>& get_wide) {
  std::vector<const Int8Buffer*> in;
  for (const std::string& n : l.inputs) in.push_back(&get(n));
  switch (l.op) {
    case OpType::kAdd:
    case OpType::kMul:
      return add_or_mul(g, l, in);
    case OpType::kConcat:
      return concat(g, l, in);
    case OpType::kMaxPool:
    case OpType::kAvgPool:
      return pool(g, l, *in.at(0));
    case OpType::kLut: {
      const Int8Buffer& table = get(l.weight);
      Int8Buffer y(g.tensor(l.output).shape);
      for (size_t i = 0; i < y.data.size(); ++i) y.data[i] = table.data.at(uint8_t(in[0]->data[i]));
      return y;
    }
    case OpType::kSoftmax:
      return softmax(g, l, *in.at(0));
    case OpType::kLayerNorm:
      return layernorm(g, l, *in.at(0), get_wide(l.weight), get_wide(l.bias));
    case OpType::kTranspose:
      return transpose(g, l, *in.at(0));
    case OpType::kReshape: {
      Int8Buffer y = *in.at(0);
      y.shape = g.tensor(l.output).shape;
      return y;
    }
    default:
      break;
  }
  throw sim::ModelError("reference_vector_layer: " + l.name + " is a MAC layer");
}

}  // namespace adasim::workloads
