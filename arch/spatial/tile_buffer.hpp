// SPDX-License-Identifier: Apache-2.0
// A tile of one operand held in a storage level (a PE register file or the global buffer): the
// values of a box of the operand's coordinates, laid out densely over the unclipped box so that
// an element's offset is the same linear function of its coordinates wherever the tile sits.
// Positions outside the tensor (padding, ragged factors) hold zero and are never moved.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "workloads/mapper/spatial/loop_nest.hpp"

namespace adasim::arch::spatial {

using workloads::spatial::Box;
using workloads::spatial::kAxes;
using Coord = std::array<int64_t, kAxes>;

template <class T>
struct TileBuffer {
  Box held;              ///< in-tensor elements currently present (empty: nothing)
  Box frame;             ///< unclipped box the dense layout spans
  Coord lstride{};       ///< layout strides over `frame`
  std::vector<T> data;

  int64_t index(const Coord& x) const {
    int64_t i = 0;
    for (size_t a = 0; a < size_t(kAxes); ++a) i += (x[a] - frame.lo[a]) * lstride[a];
    return i;
  }

  /// Re-frames the tile onto `new_frame` holding `new_held`: elements in both the old and the
  /// new held box keep their values, the others are fetched with `fetch(coord)` (and counted).
  /// Returns the number of fetched elements.
  template <class Fetch>
  int64_t refill(const Box& new_frame, const Box& new_held, Fetch&& fetch, std::vector<T>& scratch) {
    Coord st{};
    int64_t n = 1;
    for (size_t a = size_t(kAxes); a-- > 0;) {
      st[a] = n;
      n *= std::max<int64_t>(0, new_frame.hi[a] - new_frame.lo[a]);
    }
    scratch.assign(size_t(n), T{});
    int64_t fetched = 0;
    if (!new_held.empty()) {
      const bool had = !held.empty();
      Coord x = new_held.lo;
      for (;;) {
        int64_t j = 0;
        for (size_t a = 0; a < size_t(kAxes); ++a) j += (x[a] - new_frame.lo[a]) * st[a];
        if (had && held.contains(x)) {
          scratch[size_t(j)] = data[size_t(index(x))];
        } else {
          scratch[size_t(j)] = fetch(x);
          ++fetched;
        }
        size_t a = size_t(kAxes);
        while (a-- > 0) {
          if (++x[a] < new_held.hi[a]) break;
          x[a] = new_held.lo[a];
        }
        if (a == size_t(-1)) break;
      }
    }
    data.swap(scratch);
    held = new_held;
    frame = new_frame;
    lstride = st;
    return fetched;
  }
};

/// Calls f(coord) for every element of a box (row-major).
template <class F>
void for_each_in(const Box& b, F&& f) {
  if (b.empty()) return;
  Coord x = b.lo;
  for (;;) {
    f(x);
    size_t a = size_t(kAxes);
    while (a-- > 0) {
      if (++x[a] < b.hi[a]) break;
      x[a] = b.lo[a];
    }
    if (a == size_t(-1)) return;
  }
}

/// The intersection of two boxes.
inline Box intersect(const Box& a, const Box& b) {
  Box r;
  for (size_t i = 0; i < size_t(kAxes); ++i) {
    r.lo[i] = std::max(a.lo[i], b.lo[i]);
    r.hi[i] = std::max(r.lo[i], std::min(a.hi[i], b.hi[i]));
  }
  return r;
}

}  // namespace adasim::arch::spatial
