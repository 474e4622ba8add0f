// SPDX-License-Identifier: Apache-2.0
#include "sim/core/rounding.hpp"

#include <cmath>
#include <limits>

namespace adasim::sim {

int64_t round_half_away(double x) {
  const double r = std::round(x);  // std::round rounds halfway cases away from zero
  if (!(r > -9.2e18)) return std::numeric_limits<int64_t>::min();
  if (!(r < 9.2e18)) return std::numeric_limits<int64_t>::max();
  return int64_t(r);
}

double round_half_to_even(double x) {
  const double f = std::floor(x);
  const double diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1.0;
  return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

}  // namespace adasim::sim
