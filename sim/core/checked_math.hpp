// SPDX-License-Identifier: Apache-2.0
// Overflow-checked integer arithmetic for sizes computed from user input (tensor shapes, MAC
// counts, file headers): a result that leaves int64 is nullopt, never a wrapped value, so the
// caller can turn it into a sim::ConfigError naming the input.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace adasim::sim {

/// The largest element count or byte size a loader accepts for one tensor or layer product: 2^62,
/// so that a few further additions or a doubling (double buffers, int32 widening) cannot wrap.
inline constexpr int64_t kMaxSizeProduct = int64_t(1) << 62;

/// a * b, or nullopt when the exact result is outside int64.
inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// a + b, or nullopt when the exact result is outside int64.
inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// Product of the non-negative `dims` (1 for none), or nullopt when it, or any partial product
/// taken left to right, exceeds `limit`: code that multiplies the same dims in order (with a zero
/// only at the end, [2^40, 2^40, 0]) cannot overflow either.
inline std::optional<int64_t> checked_product(const std::vector<int64_t>& dims,
                                              int64_t limit = kMaxSizeProduct) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    auto next = checked_mul(p, d);
    if (!next || *next > limit) return std::nullopt;
    p = *next;
  }
  return p;
}

}  // namespace adasim::sim
