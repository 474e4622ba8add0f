// SPDX-License-Identifier: Apache-2.0
// The functional result of one systolic fold computed at once (fast mode): the sums the PE array
// forms cycle by cycle, from the same tiles, added to the accumulators where the collectors (or
// the OS drain chain) would add them. Integer sums in int32 wrap-around arithmetic, so the order
// of the additions does not change the result.
#pragma once

#include "arch/pe/operand_access.hpp"
#include "arch/program/program.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// Adds fold `f`'s outputs (tiles `t`, built by build_fold_tiles) to `out`.
void add_fold_outputs(const SystolicProgram& sch, const SystolicFold& f, const FoldTiles& t,
                      const OperandAccess& acc, workloads::Int32Buffer& out);

}  // namespace adasim::arch
