// SPDX-License-Identifier: Apache-2.0
// The slot space of the N:M structured-sparse datapath (arch/spec.hpp StructuredSparsity).
// Along one filter's reduction of gk indices, every group of m consecutive indices (a tail of
// g < m indices is its own group) keeps min(n, group size) slots: slot j of a group holds the
// group's j-th nonzero weight (or an explicit zero when the group has fewer) and its position.
// A pack of gp block-diagonal conv groups has gp * slots_per_group() slots; slot s belongs to conv
// group s / slots_per_group() and to the N:M group (s % slots_per_group()) / n inside it. With
// the datapath on, a WS fold's rows are slots, not reduction indices.
#pragma once

#include <algorithm>
#include <cstdint>

namespace adasim::arch {

struct NmSlots {
  int64_t n = 0, m = 0;  ///< n == 0: dense (no slot space)
  int64_t gk = 0;        ///< reduction indices per conv group

  bool active() const { return n > 0; }
  /// Slots along one conv group's reduction.
  int64_t slots_per_group() const {
    if (!active()) return gk;
    return (gk / m) * n + std::min(n, gk % m);
  }
  /// Bits of a slot's position field: ceil(log2 m).
  int index_bits() const {
    int b = 0;
    while ((int64_t(1) << b) < m) ++b;
    return b;
  }
  /// The N:M group of pack slot s: its first pack reduction index and its size.
  int64_t group_first(int64_t s) const {
    const int64_t sg = slots_per_group();
    return (s / sg) * gk + ((s % sg) / n) * m;
  }
  int64_t group_size(int64_t s) const {
    const int64_t sg = slots_per_group();
    return std::min(m, gk - ((s % sg) / n) * m);
  }
  /// Slot s's rank inside its N:M group (which nonzero it holds).
  int64_t rank(int64_t s) const { return (s % slots_per_group()) % n; }
  /// The pack reduction indices [lo, hi) the N:M groups of slots [s0, s1) span (s0 < s1).
  int64_t kk_lo(int64_t s0) const { return group_first(s0); }
  int64_t kk_hi(int64_t s1) const { return group_first(s1 - 1) + group_size(s1 - 1); }
};

}  // namespace adasim::arch
