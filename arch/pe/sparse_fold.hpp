// SPDX-License-Identifier: Apache-2.0
// Zero detection of the systolic array's sparse datapath, per fold, from the real operand tiles
// that enter the array. Every MAC of the fold with a zero operand (of the operands the config
// checks) is either gated (no multiply, no register read: energy only) or, in skip mode, part of a
// skipped stream step. A systolic array moves its lanes in lockstep, so the feeder can only leave
// out a whole stream vector: a step is skipped when every one of its MACs has a zero operand (a
// zero vector on the streamed operand, or rows/columns whose stationary operand is all zero). The
// zeros it cannot skip are gated. The last step of each stream chunk is never skipped (it carries
// the chunk's end to the controller), which costs at most one cycle per chunk.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/pe/operand_access.hpp"
#include "arch/program/program.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

struct FoldSparsity {
  int64_t macs_zero = 0;     ///< real MACs of the fold with a checked zero operand
  int64_t macs_gated = 0;    ///< of those, in issued steps (gated)
  int64_t macs_skipped = 0;  ///< MACs of skipped steps (all zero)
  int64_t steps_skipped = 0;
  int64_t ideal_steps = 0;    ///< ceil(nonzero MACs / MACs per step): perfectly balanced lanes
  std::vector<uint8_t> skip;  ///< per stream index: 1 = left out of the stream (skip mode)
};

/// Sparse datapath behaviour of one layer.
struct SparseConfig {
  SparsityMode mode = SparsityMode::kNone;
  bool ifmap = true, weight = true;
};

/// `f` is the fold's geometry, `fp` its transfers (chunk boundaries).
FoldSparsity analyse_fold(const SystolicProgram& sch, const SystolicFold& f, const FoldPlan& fp,
                          const FoldTiles& t, const SparseConfig& cfg);

}  // namespace adasim::arch
