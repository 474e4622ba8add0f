// SPDX-License-Identifier: Apache-2.0
// The vector unit's kernels (see vector_kernels.hpp), written as the lanes stream the operands:
// incremental (odometer) addressing with per-operand broadcast strides, window ranges computed
// once per output, rows of softmax / layernorm processed in passes, transposes as scatters.
#include "arch/vector/vector_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "sim/core/rounding.hpp"

namespace adasim::arch {

using workloads::Int8Buffer;

namespace {

int64_t elements(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline int32_t lane_read(const Int8Buffer& b, bool is_signed, int64_t i) {
  const int8_t v = b.data[size_t(i)];
  return is_signed ? int32_t(v) : int32_t(uint8_t(v));
}

/// The requantizing output lane: zero point, tie rounding, clamp, stored byte.
struct OutputLane {
  int32_t zp, lo, hi;
  bool even;
  explicit OutputLane(const VectorOp& p)
      : zp(p.out_zero_point), lo(p.out_lo), hi(p.out_hi), even(p.half_to_even) {}
  int8_t operator()(double v) const {
    const double r = even ? sim::round_half_to_even(v) : double(sim::round_half_away(v));
    const double q = std::min<double>(hi, std::max<double>(lo, r + zp));
    return int8_t(uint8_t(int64_t(q) & 0xFF));
  }
};

/// Elementwise add / mul: one odometer over the output, each operand advancing by its own
/// stride per output dim (0 where it is broadcast).
Int8Buffer eltwise(const VectorOp& p, const std::vector<const Int8Buffer*>& in) {
  const size_t rank = p.out_shape.size(), ops = p.inputs.size();
  std::vector<std::vector<int64_t>> stride(ops, std::vector<int64_t>(rank, 0));
  for (size_t k = 0; k < ops; ++k) {
    const std::vector<int64_t>& s = p.inputs[k].shape;
    int64_t st = 1;
    for (size_t d = s.size(); d-- > 0;) {
      stride[k][rank - s.size() + d] = s[d] == 1 ? 0 : st;
      st *= s[d];
    }
  }
  const OutputLane lane(p);
  Int8Buffer out(p.out_shape);
  std::vector<int64_t> coord(rank, 0), offset(ops, 0);
  for (size_t i = 0; i < out.data.size(); ++i) {
    double v = 0.0;
    if (p.kind == VectorKind::kMul) {
      const int64_t a =
          lane_read(*in[0], p.inputs[0].is_signed, offset[0]) - p.inputs[0].zero_point;
      const int64_t b =
          lane_read(*in[1], p.inputs[1].is_signed, offset[1]) - p.inputs[1].zero_point;
      v = p.multiplier * double(a * b);
    } else {
      for (size_t k = 0; k < ops; ++k) {
        const VectorInput& vi = p.inputs[k];
        v += vi.multiplier * double(lane_read(*in[k], vi.is_signed, offset[k]) - vi.zero_point);
      }
    }
    out.data[i] = lane(v);
    for (size_t d = rank; d-- > 0;) {
      for (size_t k = 0; k < ops; ++k) offset[k] += stride[k][d];
      if (++coord[d] < p.out_shape[d]) break;
      for (size_t k = 0; k < ops; ++k) offset[k] -= stride[k][d] * p.out_shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

/// First and one-past-last kernel index whose position o * stride - pad + k * dil lies in
/// [lo, hi).
std::pair<int64_t, int64_t> kernel_range(int64_t o, int64_t stride, int64_t pad, int64_t dil,
                                         int64_t k, int64_t lo, int64_t hi) {
  const int64_t base = o * stride - pad;
  int64_t first = 0, last = k;
  while (first < k && base + first * dil < lo) ++first;
  while (last > first && base + (last - 1) * dil >= hi) --last;
  return {first, last};
}

Int8Buffer pool(const VectorOp& p, const Int8Buffer& x) {
  const workloads::ConvShape& s = p.window;
  const bool sgn = p.inputs.at(0).is_signed;
  const int32_t zin = p.inputs[0].zero_point;
  const OutputLane lane(p);
  Int8Buffer out({s.n, s.c, s.p, s.q});
  size_t o = 0;
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c) {
      const int64_t plane = (n * s.c + c) * s.h * s.w;
      for (int64_t pp = 0; pp < s.p; ++pp) {
        const auto rows = kernel_range(pp, s.stride_h, s.pad_t, s.dil_h, s.r, 0, s.h);
        const auto prow =
            kernel_range(pp, s.stride_h, s.pad_t, s.dil_h, s.r, -s.pad_t, s.h + s.pad_b);
        for (int64_t qq = 0; qq < s.q; ++qq, ++o) {
          const auto cols = kernel_range(qq, s.stride_w, s.pad_l, s.dil_w, s.s, 0, s.w);
          const auto pcol =
              kernel_range(qq, s.stride_w, s.pad_l, s.dil_w, s.s, -s.pad_l, s.w + s.pad_r);
          const int64_t count = (rows.second - rows.first) * (cols.second - cols.first);
          if (count <= 0) throw sim::ModelError("vector unit: a pooling window holds only padding");
          int64_t sum = 0;
          int32_t best = std::numeric_limits<int32_t>::min();
          for (int64_t r = rows.first; r < rows.second; ++r) {
            const int64_t row = plane + (pp * s.stride_h - s.pad_t + r * s.dil_h) * s.w;
            for (int64_t t = cols.first; t < cols.second; ++t) {
              const int32_t v = lane_read(x, sgn, row + qq * s.stride_w - s.pad_l + t * s.dil_w);
              best = std::max(best, v);
              sum += v - zin;
            }
          }
          if (p.kind == VectorKind::kMaxPool) {
            out.data[o] = int8_t(uint8_t(best & 0xFF));
            continue;
          }
          const int64_t divisor =
              p.count_include_pad ? (prow.second - prow.first) * (pcol.second - pcol.first) : count;
          out.data[o] = lane(double(sum) / double(divisor) * p.multiplier);
        }
      }
    }
  return out;
}

Int8Buffer concat(const VectorOp& p, const std::vector<const Int8Buffer*>& in) {
  const OutputLane lane(p);
  Int8Buffer out(p.out_shape);
  size_t o = 0;
  for (int64_t outer = 0; outer < p.outer; ++outer)
    for (size_t k = 0; k < p.inputs.size(); ++k) {
      const VectorInput& vi = p.inputs[k];
      const int64_t block = elements(vi.shape) / p.outer;
      for (int64_t i = outer * block; i < (outer + 1) * block; ++i, ++o)
        out.data[o] =
            lane(vi.multiplier * double(lane_read(*in[k], vi.is_signed, i) - vi.zero_point));
    }
  return out;
}

Int8Buffer softmax(const VectorOp& p, const Int8Buffer& x) {
  const bool sgn = p.inputs.at(0).is_signed;
  const OutputLane lane(p);
  Int8Buffer out(p.out_shape);
  std::vector<uint32_t> e(size_t(p.axis_len));
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t j = 0; j < p.inner; ++j) {
      const int64_t base = o * p.axis_len * p.inner + j;
      int32_t mx = std::numeric_limits<int32_t>::min();  // pass 1: the row's maximum
      for (int64_t a = 0; a < p.axis_len; ++a)
        mx = std::max(mx, lane_read(x, sgn, base + a * p.inner));
      uint64_t sum = 0;  // pass 2: exponentials from the table, and their sum
      for (int64_t a = 0; a < p.axis_len; ++a) {
        e[size_t(a)] = p.exp_table.at(size_t(mx - lane_read(x, sgn, base + a * p.inner)));
        sum += e[size_t(a)];
      }
      for (int64_t a = 0; a < p.axis_len; ++a)  // pass 3: normalise
        out.data[size_t(base + a * p.inner)] =
            lane(double(e[size_t(a)]) * p.out_inv_scale / double(sum));
    }
  return out;
}

Int8Buffer layernorm(const VectorOp& p, const Int8Buffer& x) {
  const bool sgn = p.inputs.at(0).is_signed;
  const int32_t zin = p.inputs[0].zero_point;
  const int64_t n = p.axis_len;
  const OutputLane lane(p);
  Int8Buffer out(p.out_shape);
  for (int64_t o = 0; o < p.outer; ++o) {
    const int64_t base = o * n;
    int64_t sum = 0;  // pass 1: the row's sum
    for (int64_t j = 0; j < n; ++j) sum += lane_read(x, sgn, base + j) - zin;
    int64_t sq = 0;  // pass 2: squared deviations, N x - S
    for (int64_t j = 0; j < n; ++j) {
      const int64_t d = n * (lane_read(x, sgn, base + j) - zin) - sum;
      sq += d * d;
    }
    const int64_t t = sq + p.epsilon_units;
    const double r = t > 0 ? 1.0 / std::sqrt(double(t)) : 0.0;
    for (int64_t j = 0; j < n; ++j) {  // pass 3: normalise and apply the affine
      const int64_t d = n * (lane_read(x, sgn, base + j) - zin) - sum;
      out.data[size_t(base + j)] = lane(p.gamma[size_t(j)] * (double(d) * r) + p.beta[size_t(j)]);
    }
  }
  return out;
}

Int8Buffer transpose(const VectorOp& p, const Int8Buffer& x) {
  const std::vector<int64_t>& in_shape = p.inputs.at(0).shape;
  const size_t rank = in_shape.size();
  // Output stride of every input dim: input dim perm[k] is output dim k.
  std::vector<int64_t> out_stride(rank, 0);
  int64_t st = 1;
  for (size_t k = rank; k-- > 0;) {
    out_stride[size_t(p.perm[k])] = st;
    st *= p.out_shape[k];
  }
  Int8Buffer out(p.out_shape);
  std::vector<int64_t> coord(rank, 0);
  int64_t dst = 0;
  for (size_t i = 0; i < x.data.size(); ++i) {
    out.data[size_t(dst)] = x.data[i];
    for (size_t d = rank; d-- > 0;) {
      dst += out_stride[d];
      if (++coord[d] < in_shape[d]) break;
      dst -= out_stride[d] * in_shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

}  // namespace

Int8Buffer run_vector_op(const VectorOp& p, const std::vector<const Int8Buffer*>& in) {
  if (in.size() != p.inputs.size())
    throw sim::ModelError("vector unit: " + std::to_string(in.size()) + " operands for a " +
                          to_string(p.kind) + " operation of " + std::to_string(p.inputs.size()));
  for (size_t k = 0; k < in.size(); ++k)
    if (in[k]->elements() != elements(p.inputs[k].shape))
      throw sim::ModelError(std::string("vector unit: operand ") + std::to_string(k) + " of a " +
                            to_string(p.kind) + " operation has the wrong size");
  switch (p.kind) {
    case VectorKind::kAdd:
    case VectorKind::kMul:
      return eltwise(p, in);
    case VectorKind::kMaxPool:
    case VectorKind::kAvgPool:
      return pool(p, *in[0]);
    case VectorKind::kConcat:
      return concat(p, in);
    case VectorKind::kLut: {
      Int8Buffer out(p.out_shape);
      for (size_t i = 0; i < out.data.size(); ++i)
        out.data[i] = p.table.at(uint8_t(in[0]->data[i]));
      return out;
    }
    case VectorKind::kSoftmax:
      return softmax(p, *in[0]);
    case VectorKind::kLayerNorm:
      return layernorm(p, *in[0]);
    case VectorKind::kTranspose:
      return transpose(p, *in[0]);
    case VectorKind::kView: {
      Int8Buffer out = *in[0];
      out.shape = p.out_shape;
      return out;
    }
  }
  throw sim::ModelError("vector unit: unknown operation kind");
}

}  // namespace adasim::arch
