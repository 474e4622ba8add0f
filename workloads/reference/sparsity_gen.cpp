// SPDX-License-Identifier: Apache-2.0
// Seeded sparsity generator (see sparsity_gen.hpp). Counter-based draws: every decision is a pure
// function of (seed, tensor name, element or channel index), never of the iteration order.
#include "workloads/reference/sparsity_gen.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads {
namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ULL;  // the splitmix64 increment
// Salts that separate the element and channel streams from each other and from generate_values.
constexpr uint64_t kElementSalt = 0x5350415253453031ULL;  // "SPARSE01"
constexpr uint64_t kChannelSalt = 0x5350415253453032ULL;  // "SPARSE02"

/// Draw number `index` of the stream keyed by (seed, name, salt).
class Stream {
 public:
  Stream(uint64_t seed, const std::string& name, uint64_t salt) {
    uint64_t st = value_stream_key(seed, name) ^ salt;
    key_ = splitmix64_next(st);
  }
  uint64_t at(int64_t index) const {
    uint64_t st = key_ + uint64_t(index) * kGamma;
    return splitmix64_next(st);
  }
  /// Uniform in [0, 1) with 53 bits.
  double unit(int64_t index) const { return double(at(index) >> 11) * 0x1.0p-53; }

 private:
  uint64_t key_ = 0;
};

std::string render(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

/// Keeps the `keep` indices in [first, first + count) whose draws are smallest (ties by index).
void pick_smallest(const Stream& s, int64_t first, int64_t count, int64_t keep,
                   std::vector<std::pair<uint64_t, int64_t>>& scratch, std::vector<char>& kept,
                   int64_t stride = 1) {
  scratch.clear();
  for (int64_t j = 0; j < count; ++j)
    scratch.emplace_back(s.at(first + j * stride), first + j * stride);
  keep = std::min(keep, count);
  std::nth_element(scratch.begin(), scratch.begin() + keep, scratch.end());
  for (int64_t j = 0; j < keep; ++j) kept[size_t(scratch[size_t(j)].second)] = 1;
}

}  // namespace

const char* to_string(SparsityPattern p) {
  static constexpr const char* kNames[] = {"uniform", "nm", "channel"};  // enum order
  const auto i = size_t(p);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::optional<SparsityPattern> sparsity_pattern_from_string(std::string_view name) {
  for (SparsityPattern p :
       {SparsityPattern::kUniform, SparsityPattern::kNm, SparsityPattern::kChannel})
    if (name == to_string(p)) return p;
  return std::nullopt;
}

void validate_sparsity_spec(const SparsitySpec& s) {
  std::vector<sim::InputIssue> issues;
  if (!(s.density > 0.0 && s.density <= 1.0))
    issues.push_back({"sparsity", "/density", render(s.density), "a number in (0, 1]"});
  if (s.pattern == SparsityPattern::kNm) {
    if (s.m < 1) issues.push_back({"sparsity", "/m", std::to_string(s.m), "an integer >= 1"});
    if (s.n < 1 || (s.m >= 1 && s.n > s.m))
      issues.push_back({"sparsity", "/n", std::to_string(s.n),
                        "an integer in [1, m] (m = " + std::to_string(s.m) + ")"});
  }
  if (!issues.empty()) throw sim::ConfigError(std::move(issues));
}

int sparsity_channel_axis(const TensorInfo& t, size_t rank) {
  return (!t.is_constant && rank >= 2) ? 1 : 0;
}

namespace {

/// Which elements of a buffer of tensor t with `shape` (row-major, `total` elements) the pattern
/// keeps; the draws depend on (seed, t.name) and the indices only (sparsity_gen.hpp).
std::vector<char> kept_elements(const std::vector<int64_t>& shape, int64_t total,
                                const TensorInfo& t, const SparsitySpec& s, uint64_t seed) {
  std::vector<char> kept(size_t(total), 0);
  switch (s.pattern) {
    case SparsityPattern::kUniform: {
      const Stream st(seed, t.name, kElementSalt);
      for (int64_t i = 0; i < total; ++i) kept[size_t(i)] = st.unit(i) < s.density;
      break;
    }
    case SparsityPattern::kNm: {
      const Stream st(seed, t.name, kElementSalt);
      // Weights (constants of rank >= 2): groups run along each output channel's flattened
      // reduction (C/g x R x S of KCRS, C of [K][C]), where an N:M datapath and the "nm" storage
      // format look for them; activations: along the last axis.
      std::vector<std::pair<uint64_t, int64_t>> scratch;
      if (s.columns && shape.size() >= 2) {
        // A matmul's B [..][Kd][N]: groups run down each column (its reduction Kd).
        const int64_t kd = shape[shape.size() - 2], n = shape.back();
        for (int64_t base = 0; kd * n > 0 && base < total; base += kd * n)
          for (int64_t c = 0; c < n; ++c)
            for (int64_t k = 0; k < kd; k += s.m)
              pick_smallest(st, base + k * n + c, std::min<int64_t>(s.m, kd - k), s.n, scratch,
                            kept, n);
        break;
      }
      const int64_t cols =
          (t.is_constant && shape.size() >= 2 && shape[0] > 0) ? total / shape[0] : shape.back();
      for (int64_t row = 0; row < total; row += cols)
        for (int64_t c = 0; c < cols; c += s.m)
          pick_smallest(st, row + c, std::min<int64_t>(s.m, cols - c), s.n, scratch, kept);
      break;
    }
    case SparsityPattern::kChannel: {
      const Stream st(seed, t.name, kChannelSalt);
      const size_t axis = size_t(sparsity_channel_axis(t, shape.size()));
      const int64_t channels = shape[axis];
      const int64_t inner = std::accumulate(shape.begin() + int64_t(axis) + 1, shape.end(),
                                            int64_t{1}, std::multiplies<int64_t>());
      std::vector<char> channel_kept(size_t(channels), 0);
      std::vector<std::pair<uint64_t, int64_t>> scratch;
      pick_smallest(st, 0, channels, round_half_away(s.density * double(channels)), scratch,
                    channel_kept);
      if (channels > 0)
        for (int64_t i = 0; i < total; ++i)
          kept[size_t(i)] = channel_kept[size_t((i / inner) % channels)];
      break;
    }
  }
  return kept;
}

/// apply_sparsity on a buffer whose elements hold values as `store` maps them (int8 storage:
/// the byte; int32: the integer). max_bits: the widest tensor that storage holds.
template <class B, class Store>
void apply_pattern(B& values, const TensorInfo& t, const SparsitySpec& s, uint64_t seed,
                   int max_bits, Store store) {
  validate_sparsity_spec(s);
  const std::string who = "apply_sparsity(" + t.name + "): ";
  if (t.bits < 1 || t.bits > max_bits)
    throw sim::ModelError(who + std::to_string(t.bits) + "-bit tensor in a buffer of values of " +
                          "up to " + std::to_string(max_bits) + " bits");
  const IntRange r = int_range(t.bits, t.is_signed);
  if (t.zero_point < r.lo || t.zero_point > r.hi)
    throw sim::ModelError(who + "zero point " + std::to_string(t.zero_point) + " outside [" +
                          std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]");
  for (int32_t zp : t.channel_zero_points)
    if (zp != t.zero_point)
      throw sim::ModelError(who + "per-channel zero points are not supported yet");
  std::vector<int64_t> shape = values.shape.empty() ? std::vector<int64_t>{1} : values.shape;
  const int64_t total =
      std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
  if (total != values.elements())
    throw sim::ModelError(who + "buffer holds " + std::to_string(values.elements()) +
                          " values, its shape " + std::to_string(total));
  const auto zero = store(t.zero_point);
  const auto nearest = store(t.zero_point + 1 <= r.hi ? t.zero_point + 1 : t.zero_point - 1);
  const std::vector<char> kept = kept_elements(shape, total, t, s, seed);
  for (int64_t i = 0; i < total; ++i) {
    auto& v = values.data[size_t(i)];
    if (!kept[size_t(i)])
      v = zero;
    else if (v == zero)
      v = nearest;
  }
}

}  // namespace

void apply_sparsity(Int8Buffer& values, const TensorInfo& t, const SparsitySpec& s, uint64_t seed) {
  apply_pattern(values, t, s, seed, 8, [](int32_t v) { return int8_t(uint8_t(v)); });
}

void apply_sparsity(Int32Buffer& values, const TensorInfo& t, const SparsitySpec& s,
                    uint64_t seed) {
  apply_pattern(values, t, s, seed, 16, [](int32_t v) { return v; });
}

namespace {
template <class B, class V>
double density_of(const B& values, V zero) {
  if (values.data.empty()) return 0.0;
  const auto nonzero =
      std::count_if(values.data.begin(), values.data.end(), [zero](V v) { return v != zero; });
  return double(nonzero) / double(values.data.size());
}
}  // namespace

double measured_density(const Int8Buffer& values, int8_t zero) { return density_of(values, zero); }

double measured_density(const Int32Buffer& values, int32_t zero) {
  return density_of(values, zero);
}

}  // namespace adasim::workloads
