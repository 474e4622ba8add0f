// SPDX-License-Identifier: Apache-2.0
// A tile of one operand held in a storage level (a PE register file or the global buffer): the
// values of a box of the operand's coordinates, laid out densely over the unclipped box so that
// an element's offset is the same linear function of its coordinates wherever the tile sits.
// Positions outside the tensor (padding, ragged factors) hold zero and are never moved.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "arch/program/loop_nest.hpp"

namespace adasim::arch::spatial {

using Coord = std::array<int64_t, kAxes>;

template <class T>
struct TileBuffer {
  Box held;         ///< in-tensor elements currently present (empty: nothing)
  Box frame;        ///< unclipped box the dense layout spans
  Coord lstride{};  ///< layout strides over `frame`
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
  int64_t refill(const Box& new_frame, const Box& new_held, Fetch&& fetch,
                 std::vector<T>& scratch) {
    Coord st{};
    int64_t n = 1;
    for (size_t a = size_t(kAxes); a-- > 0;) {
      st[a] = n;
      n *= std::max<int64_t>(0, new_frame.hi[a] - new_frame.lo[a]);
    }
    scratch.assign(size_t(n), T{});
    int64_t fetched = 0;
    const bool had = !held.empty();
    for_each_in(new_held, [&](const Coord& x) {
      int64_t j = 0;
      for (size_t a = 0; a < size_t(kAxes); ++a) j += (x[a] - new_frame.lo[a]) * st[a];
      if (had && held.contains(x)) {
        scratch[size_t(j)] = data[size_t(index(x))];
      } else {
        scratch[size_t(j)] = fetch(x);
        ++fetched;
      }
    });
    data.swap(scratch);
    held = new_held;
    frame = new_frame;
    lstride = st;
    return fetched;
  }
};

}  // namespace adasim::arch::spatial
