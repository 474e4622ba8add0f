// SPDX-License-Identifier: Apache-2.0
// Scaling of byte counts for compressed storage: the controllers and the transfer plan count the
// dense bytes of an operand; a ByteScale turns that running count into the bytes the compressed
// tensor occupies, with cumulative rounding so that whole copies of the tensor come out exact.
#pragma once

#include <cstdint>

namespace adasim::arch {

/// Maps a stream of dense byte counts onto compressed ones at the ratio num / den. Cumulative
/// rounding: after any prefix of calls the counts handed out total ceil(D * num / den), D being
/// the dense bytes seen so far. So k whole copies of a tensor of `den` dense bytes cost exactly
/// k * num bytes, however they were cut into chunks; a single call may return 0. The default
/// (den == 0) is the identity. Deterministic: only integer arithmetic.
class ByteScale {
 public:
  ByteScale() = default;
  /// num >= 0 compressed bytes for every den > 0 dense bytes.
  ByteScale(uint64_t num, uint64_t den) : num_(num), den_(den) {}

  bool identity() const { return den_ == 0; }
  /// The compressed bytes of the next `dense` bytes.
  uint64_t operator()(uint64_t dense) {
    dense_ += dense;
    if (identity()) return dense;
    using u128 = unsigned __int128;
    const uint64_t total = uint64_t((u128(dense_) * u128(num_) + u128(den_) - 1) / u128(den_));
    const uint64_t step = total - scaled_;
    scaled_ = total;
    return step;
  }
  /// Bounds of what one call with `dense` bytes returns (the cumulative rounding hands out
  /// floor or ceil of dense * num / den).
  uint64_t step_min(uint64_t dense) const {
    return identity() ? dense : uint64_t((unsigned __int128)(dense)*num_ / den_);
  }
  uint64_t step_max(uint64_t dense) const {
    return identity() ? dense : uint64_t(((unsigned __int128)(dense)*num_ + den_ - 1) / den_);
  }
  uint64_t dense_total() const { return dense_; }  ///< dense bytes seen so far
  uint64_t scaled_total() const { return identity() ? dense_ : scaled_; }  ///< bytes handed out

 private:
  uint64_t num_ = 0, den_ = 0;
  uint64_t dense_ = 0, scaled_ = 0;
};

}  // namespace adasim::arch
