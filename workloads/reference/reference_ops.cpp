// SPDX-License-Identifier: Apache-2.0
// Reference kernels (see reference_ops.hpp): direct loop nests, no cleverness, by design.
#include "workloads/reference/reference_ops.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

void expect_shape(const char* what, const std::vector<int64_t>& got,
                  const std::vector<int64_t>& want) {
  if (got != want)
    throw sim::ModelError(std::string(what) + ": shape " + shape_text(got) + ", expected " +
                          shape_text(want));
}

void check_window_shape(const char* what, const std::vector<int64_t>& shape, const ConvShape& s) {
  expect_shape(what, shape, {s.n, s.c, s.h, s.w});
  if (s.groups < 1 || s.c % s.groups != 0 || s.k % s.groups != 0)
    throw sim::ModelError(std::string(what) + ": groups must divide c and k");
  if (s.stride_h < 1 || s.stride_w < 1 || s.dil_h < 1 || s.dil_w < 1)
    throw sim::ModelError(std::string(what) + ": stride and dilation must be >= 1");
}

IntRange checked_int8_range(int bits, bool is_signed) {
  const IntRange r = int_range(bits, is_signed);
  if (r.lo < -128 || r.hi > 127)
    throw sim::ModelError("range [" + std::to_string(r.lo) + ", " + std::to_string(r.hi) +
                          "] does not fit int8 storage");
  return r;
}

// Visits the valid (inside the unpadded input) elements of pool window (n, c, p, q).
template <class F>
void for_window(const Int8Buffer& in, const ConvShape& s, int64_t n, int64_t c, int64_t p,
                int64_t q, F&& f) {
  for (int64_t r = 0; r < s.r; ++r) {
    const int64_t y = p * s.stride_h - s.pad_t + r * s.dil_h;
    if (y < 0 || y >= s.h) continue;
    for (int64_t t = 0; t < s.s; ++t) {
      const int64_t x = q * s.stride_w - s.pad_l + t * s.dil_w;
      if (x < 0 || x >= s.w) continue;
      f(in.data[size_t(((n * s.c + c) * s.h + y) * s.w + x)]);
    }
  }
}

}  // namespace

IntRange int_range(int bits, bool is_signed) {
  if (bits < 1 || bits > 31) throw sim::ModelError("int_range: bits " + std::to_string(bits));
  if (is_signed) return {-(int32_t(1) << (bits - 1)), (int32_t(1) << (bits - 1)) - 1};
  return {0, int32_t((int64_t(1) << bits) - 1)};
}

namespace {

// The two's-complement number of `bits` bits congruent to v modulo 2^bits.
int64_t wrap_to(int64_t v, int bits) {
  const int64_t m = int64_t(1) << bits;
  const int64_t r = ((v % m) + m) % m;
  return r >= m / 2 ? r - m : r;
}

// One output's running sum under an AccumulatorRule (see reference_ops.hpp).
class Accumulator {
 public:
  explicit Accumulator(const AccumulatorRule& r) : r_(r) {
    if (r.bits < 2 || r.bits > 32)
      throw sim::ModelError("reference kernels: accumulator of " + std::to_string(r.bits) +
                            " bits, expected 2..32");
  }
  void add(int64_t a, int64_t b) {
    sum_ += a * b;
    if (r_.overflow == AccumulatorRule::Overflow::kWrap) sum_ = wrap_to(sum_, r_.bits);
  }
  int32_t result() const {
    int64_t v = sum_;
    if (r_.overflow == AccumulatorRule::Overflow::kSaturate) {
      const int64_t hi = (int64_t(1) << (r_.bits - 1)) - 1;
      v = std::clamp(v, -hi - 1, hi);
    }
    if (sum_ < std::numeric_limits<int32_t>::min() || sum_ > std::numeric_limits<int32_t>::max())
      throw sim::ModelError("reference kernels: exact sum " + std::to_string(sum_) +
                            " does not fit int32");
    return int32_t(v);
  }

 private:
  AccumulatorRule r_;
  int64_t sum_ = 0;
};

template <class B>
Int32Buffer conv2d(const B& input, const B& weight, const ConvShape& s,
                   const AccumulatorRule& rule) {
  check_window_shape("reference_conv2d input", input.shape, s);
  const int64_t cg = s.c / s.groups, kg = s.k / s.groups;
  expect_shape("reference_conv2d weight", weight.shape, {s.k, cg, s.r, s.s});
  Int32Buffer out({s.n, s.k, s.p, s.q});
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t k = 0; k < s.k; ++k) {
      const int64_t g = k / kg;
      for (int64_t p = 0; p < s.p; ++p)
        for (int64_t q = 0; q < s.q; ++q) {
          Accumulator acc(rule);
          for (int64_t ci = 0; ci < cg; ++ci) {
            const int64_t c = g * cg + ci;
            for (int64_t r = 0; r < s.r; ++r) {
              const int64_t y = p * s.stride_h - s.pad_t + r * s.dil_h;
              if (y < 0 || y >= s.h) continue;  // zero padding
              for (int64_t t = 0; t < s.s; ++t) {
                const int64_t x = q * s.stride_w - s.pad_l + t * s.dil_w;
                if (x < 0 || x >= s.w) continue;
                acc.add(input.data[size_t(((n * s.c + c) * s.h + y) * s.w + x)],
                        weight.data[size_t(((k * cg + ci) * s.r + r) * s.s + t)]);
              }
            }
          }
          out.data[size_t(((n * s.k + k) * s.p + p) * s.q + q)] = acc.result();
        }
    }
  return out;
}

template <class B>
Int32Buffer fc(const B& input, const B& weight, const AccumulatorRule& rule) {
  if (input.shape.size() < 2 || weight.shape.size() != 2)
    throw sim::ModelError("reference_fc: input must be [N][..], weight [K][C]");
  const int64_t n = input.shape[0], c = input.elements() / n, k = weight.shape[0];
  expect_shape("reference_fc weight", weight.shape, {k, c});
  Int32Buffer out({n, k});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j) {
      Accumulator acc(rule);
      for (int64_t x = 0; x < c; ++x)
        acc.add(input.data[size_t(i * c + x)], weight.data[size_t(j * c + x)]);
      out.data[size_t(i * k + j)] = acc.result();
    }
  return out;
}

template <class B>
Int32Buffer matmul(const B& a, const B& b, const AccumulatorRule& rule) {
  if (a.shape.size() < 2 || b.shape.size() < 2)
    throw sim::ModelError("reference_matmul: operands must have rank >= 2");
  const int64_t m = a.shape[a.shape.size() - 2], kd = a.shape.back();
  const int64_t batches = a.elements() / (m * kd);
  const bool shared = b.shape.size() == 2;
  const int64_t n = b.shape.back();
  std::vector<int64_t> want_b(a.shape.begin(), a.shape.end() - 2);
  if (shared) want_b.clear();
  want_b.push_back(kd);
  want_b.push_back(n);
  expect_shape("reference_matmul b", b.shape, want_b);
  std::vector<int64_t> out_shape = a.shape;  // [B..][M][N]
  out_shape.back() = n;
  Int32Buffer out(out_shape);
  for (int64_t bt = 0; bt < batches; ++bt) {
    const int64_t b_off = shared ? 0 : bt * kd * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        Accumulator acc(rule);
        for (int64_t x = 0; x < kd; ++x)
          acc.add(a.data[size_t((bt * m + i) * kd + x)], b.data[size_t(b_off + x * n + j)]);
        out.data[size_t((bt * m + i) * n + j)] = acc.result();
      }
  }
  return out;
}

}  // namespace

Int32Buffer reference_conv2d(const Int8Buffer& input, const Int8Buffer& weight,
                             const ConvShape& s) {
  return conv2d(input, weight, s, AccumulatorRule{});
}

Int32Buffer reference_fc(const Int8Buffer& input, const Int8Buffer& weight) {
  return fc(input, weight, AccumulatorRule{});
}

Int32Buffer reference_matmul(const Int8Buffer& a, const Int8Buffer& b) {
  return matmul(a, b, AccumulatorRule{});
}

Int32Buffer reference_conv2d(const Int32Buffer& input, const Int32Buffer& weight,
                             const ConvShape& s, const AccumulatorRule& rule) {
  return conv2d(input, weight, s, rule);
}

Int32Buffer reference_fc(const Int32Buffer& input, const Int32Buffer& weight,
                         const AccumulatorRule& rule) {
  return fc(input, weight, rule);
}

Int32Buffer reference_matmul(const Int32Buffer& a, const Int32Buffer& b,
                             const AccumulatorRule& rule) {
  return matmul(a, b, rule);
}

Int8Buffer reference_maxpool(const Int8Buffer& input, const ConvShape& s) {
  check_window_shape("reference_maxpool input", input.shape, s);
  Int8Buffer out({s.n, s.c, s.p, s.q});
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t p = 0; p < s.p; ++p)
        for (int64_t q = 0; q < s.q; ++q) {
          int best = std::numeric_limits<int>::min();
          for_window(input, s, n, c, p, q, [&](int8_t v) { best = std::max(best, int(v)); });
          if (best == std::numeric_limits<int>::min())
            throw sim::ModelError("reference_maxpool: a window holds only padding");
          out.data[size_t(((n * s.c + c) * s.p + p) * s.q + q)] = int8_t(best);
        }
  return out;
}

Int8Buffer reference_avgpool(const Int8Buffer& input, const ConvShape& s) {
  check_window_shape("reference_avgpool input", input.shape, s);
  Int8Buffer out({s.n, s.c, s.p, s.q});
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t p = 0; p < s.p; ++p)
        for (int64_t q = 0; q < s.q; ++q) {
          int64_t sum = 0, count = 0;
          for_window(input, s, n, c, p, q, [&](int8_t v) {
            sum += v;
            ++count;
          });
          if (count == 0) throw sim::ModelError("reference_avgpool: a window holds only padding");
          // Half-away rounding in integers: round(|sum| / count) = floor((2|sum| + count) /
          // (2 count)), then the sign is put back.
          const int64_t mag = (2 * std::abs(sum) + count) / (2 * count);
          out.data[size_t(((n * s.c + c) * s.p + p) * s.q + q)] = int8_t(sum < 0 ? -mag : mag);
        }
  return out;
}

Int8Buffer reference_add(const Int8Buffer& a, const Int8Buffer& b) {
  expect_shape("reference_add b", b.shape, a.shape);
  Int8Buffer out(a.shape);
  for (size_t i = 0; i < a.data.size(); ++i)
    out.data[i] = int8_t(std::clamp(int(a.data[i]) + int(b.data[i]), -128, 127));
  return out;
}

namespace {
template <class Out>
Out requantize_into(const Int32Buffer& acc, double multiplier, int32_t zero_point,
                    const IntRange& r, bool relu) {
  Out out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i) {
    const int64_t scaled = round_half_away(double(acc.data[i]) * multiplier);
    // |scaled| < 9.2e18 (round_half_away saturates there), so adding zero_point cannot overflow.
    int64_t q = std::clamp<int64_t>(scaled + zero_point, r.lo, r.hi);
    if (relu) q = std::max<int64_t>(q, zero_point);
    out.data[i] = typename decltype(out.data)::value_type(q);
  }
  return out;
}
}  // namespace

Int8Buffer requantize(const Int32Buffer& acc, double multiplier, int32_t zero_point, int bits,
                      bool is_signed, bool relu) {
  return requantize_into<Int8Buffer>(acc, multiplier, zero_point,
                                     checked_int8_range(bits, is_signed), relu);
}

Int32Buffer requantize_wide(const Int32Buffer& acc, double multiplier, int32_t zero_point, int bits,
                            bool is_signed, bool relu) {
  if (bits < 1 || bits > 16)
    throw sim::ModelError("requantize_wide: " + std::to_string(bits) + " bits, expected 1..16");
  return requantize_into<Int32Buffer>(acc, multiplier, zero_point, int_range(bits, is_signed),
                                      relu);
}

uint64_t splitmix64_next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t value_stream_key(uint64_t seed, const std::string& tensor_name) {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : tensor_name) {
    h ^= c;
    h *= 0x100000001B3ULL;  // FNV-1a 64 prime
  }
  uint64_t st = seed ^ h;
  return splitmix64_next(st);
}

namespace {
// Element i of the value stream of (seed, t.name), uniform over int_range(t.bits, t.is_signed).
class ValueStream {
 public:
  ValueStream(const TensorInfo& t, uint64_t seed, int max_bits) : bits_(t.bits) {
    if (t.bits < 1 || t.bits > max_bits)
      throw sim::ModelError("tensor '" + t.name + "': only tensors of 1.." +
                            std::to_string(max_bits) + " bits are generated here, not " +
                            std::to_string(t.bits));
    lo_ = int_range(t.bits, t.is_signed).lo;
    key_ = value_stream_key(seed, t.name);
  }
  int64_t at(size_t i) const {
    // Counter-based: the state for element i is key + i * gamma, so element i does not depend
    // on how many elements precede it in this call.
    uint64_t st = key_ + uint64_t(i) * 0x9E3779B97F4A7C15ULL;
    const uint64_t x = splitmix64_next(st);
    // The range holds exactly 2^bits values: the top bits of x are uniform over it.
    return lo_ + int64_t(x >> (64 - bits_));
  }

 private:
  int bits_;
  int64_t lo_ = 0;
  uint64_t key_ = 0;
};
}  // namespace

Int8Buffer generate_values(const TensorInfo& t, uint64_t seed,
                           std::vector<int64_t> shape_override) {
  const ValueStream vs(t, seed, 8);
  Int8Buffer out(shape_override.empty() ? t.shape : std::move(shape_override));
  // Unsigned values are stored bit-for-bit (uint8 200 as int8 -56).
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = int8_t(uint8_t(vs.at(i)));
  return out;
}

Int32Buffer generate_wide_values(const TensorInfo& t, uint64_t seed,
                                 std::vector<int64_t> shape_override) {
  const ValueStream vs(t, seed, 16);
  Int32Buffer out(shape_override.empty() ? t.shape : std::move(shape_override));
  for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = int32_t(vs.at(i));
  return out;
}

}  // namespace adasim::workloads
