// SPDX-License-Identifier: Apache-2.0
// The figures of one pass of a spatial mapping (spatial_refills.cpp): the register-file refills
// of a kept input between two passes, per operand axis, and one flush of kept psums. pass_terms
// (spatial_pass_classes.cpp) sums them over the passes by class; the tests keep a plain per-pass
// walk over the same figures (tests/support/spatial_pass_walk.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"
#include "workloads/mapper/spatial/noc_clock.hpp"

namespace adasim::workloads::spatial {

/// Refills of the kept inputs between passes, per operand axis (spatial_refills.cpp).
class RefillCounter {
 public:
  using Idx = std::array<int64_t, kNumDims>;
  struct AxisFigures {
    int64_t u = 0;     ///< |U_a|: values of the axis some PE holds after the refill
    int64_t d = 0;     ///< |D_a|: values of the axis some PE fetches
    int64_t n = 0;     ///< sum over the axis' offsets of |N|
    int64_t keep = 0;  ///< sum over the axis' offsets of |N and O|
  };
  RefillCounter(const Problem& p, const Mapping& m);

  /// Per-axis figures of operand o (0 ifmap, 1 weight) at temporal position `now`, after `prev`
  /// (nullptr: the first fill, nothing held). Reads only the axis' dims of now and prev.
  AxisFigures axis(int o, int a, const Idx& now, const Idx* prev);

  /// PEs that hold the same tile of operand o (offsets in the dims o ignores).
  int64_t sharing(int o) const;

 private:
  std::pair<int64_t, int64_t> interval(int o, int a, int d1, int d2, const Idx& base, int64_t x1,
                                       int64_t x2) const;

  const Problem& p_;
  Idx rf_span_{};
  std::array<std::vector<int64_t>, kNumDims> offsets_;
  std::map<std::array<int64_t, 6>, AxisFigures> cache_;
  // axis()'s scratch: the PEs' new intervals and the pieces they fetch.
  std::vector<std::pair<int64_t, int64_t>> news_, fetched_;
};

/// Whether reduction dim d (C, R or S) lets a PE at coordinate x run its MACs: a PE ran iff this
/// holds on every reduction dim, its coordinates on them lying inside the layer. The one statement
/// of who sends psums, for FlushCounter::at (per PE) and the exact bound's count of them
/// (reducers(), spatial_exact_bound.cpp, per array loop).
inline bool reduction_in_layer(const Problem& p, int d, int64_t x) {
  return x < p.bound[size_t(d)];
}

/// One flush of the kept psums (spatial_refills.cpp), by the first pass of the psum tile's run.
class FlushCounter {
 public:
  using Idx = std::array<int64_t, kNumDims>;
  FlushCounter(const Problem& p, const Mapping& m, const arch::NocSpec& noc, int bits,
               arch::NocClock clock);

  struct Flush {
    double cycles = 0, sent = 0, writes = 0, link_hops = 0;
  };
  /// The flush of the run whose first pass sits at `base`.
  const Flush& at(const Idx& base);
  /// Whether dim d of a pass at coordinate x lies inside the layer for every PE (the flush's
  /// figures do not depend on the coordinate of such dims).
  bool inside(int d, int64_t x) const { return x + arr_span_[size_t(d)] <= p_.bound[size_t(d)]; }

 private:
  const Problem& p_;
  int bits_;
  const arch::NocSpec& noc_;
  arch::NocClock clock_;
  Idx rf_span_{}, arr_span_{};
  std::vector<std::pair<Idx, int64_t>> pe_;  // offsets and column of every PE
  std::map<Idx, Flush> cache_;
};

}  // namespace adasim::workloads::spatial
