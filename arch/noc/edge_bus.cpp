// SPDX-License-Identifier: Apache-2.0
#include "arch/noc/edge_bus.hpp"

#include <algorithm>

namespace adasim::arch {

uint64_t EdgeBus::transfer(uint64_t to_array_bytes, uint64_t from_array_bytes, uint64_t repeat) {
  stats_.to_array_bytes += to_array_bytes * repeat;
  stats_.from_array_bytes += from_array_bytes * repeat;
  if (to_array_bytes == 0 && from_array_bytes == 0) return 1;
  stats_.busy_cycles += repeat;
  return cycles(to_array_bytes, from_array_bytes);
}

uint64_t EdgeBus::cycles(uint64_t to_array_bytes, uint64_t from_array_bytes) const {
  if (to_array_bytes == 0 && from_array_bytes == 0) return 1;
  const uint64_t width = uint64_t(spec_.link_width_bits / 8);
  const uint64_t a = (to_array_bytes + width - 1) / width;
  const uint64_t b = (from_array_bytes + width - 1) / width;
  return std::max<uint64_t>({a, b, 1});
}

}  // namespace adasim::arch
