// SPDX-License-Identifier: Apache-2.0
// FNV-1a run hashing, declared in report_writer.hpp.
#include <cstdio>

#include "sim/stats/report_writer.hpp"

namespace adasim::sim {

std::string fnv1a64_hex(std::string_view bytes) {
  constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ULL;
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  uint64_t h = kOffsetBasis;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kPrime;
  }
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace adasim::sim
