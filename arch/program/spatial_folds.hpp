// SPDX-License-Identifier: Apache-2.0
// The folds of a spatial loop nest: runs of consecutive DRAM iterations over one output box (the
// psum tile stays in the global buffer while the run lasts). An output is final in the last fold
// that touches it; there it leaves as the output value, elsewhere as a spilled partial sum. The
// mapper plans one store per fold from this (workloads/mapper/spatial), and the output encoder of
// a spatial array sizes that store from the final outputs it carries.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/program/loop_nest.hpp"

namespace adasim::arch::spatial {

struct SpatialFold {
  int64_t first = 0, last = 0;  ///< DRAM iterations [first, last]
  Box out;                      ///< the output box of its iterations
  /// Flat offsets (tensor_offset of the ofmap) of the outputs that are final in this fold, in the
  /// box's row-major order.
  std::vector<int64_t> final_outputs;
};

/// The folds of mapping m on problem p, in execution order. Every output is final in exactly
/// one fold.
std::vector<SpatialFold> spatial_folds(const Problem& p, const Mapping& m);

/// The DRAM-level origin (per-dim coordinate of the tile's first element) of every DRAM
/// iteration of m, in execution order.
std::vector<std::array<int64_t, kNumDims>> dram_origins(const Mapping& m);

}  // namespace adasim::arch::spatial
