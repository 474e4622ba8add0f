// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/requantizer.hpp"

#include <algorithm>
#include <cmath>

namespace adasim::arch {

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, double multiplier,
                                         int32_t zero_point, int bits, bool is_signed, bool relu) {
  const int b = std::clamp(bits, 1, 8);
  const int64_t lo = is_signed ? -(int64_t{1} << (b - 1)) : 0;
  const int64_t hi = is_signed ? (int64_t{1} << (b - 1)) - 1 : (int64_t{1} << b) - 1;
  workloads::Int8Buffer out(acc.shape);
  for (size_t i = 0; i < acc.data.size(); ++i) {
    const double scaled = double(acc.data[i]) * multiplier;
    int64_t q = int64_t(std::round(scaled)) + zero_point;  // std::round: half away from zero
    if (relu) q = std::max<int64_t>(q, zero_point);
    // Unsigned 8-bit values are stored in the int8 container bit-for-bit.
    out.data[i] = int8_t(uint8_t(std::clamp(q, lo, hi)));
  }
  return out;
}

}  // namespace adasim::arch
