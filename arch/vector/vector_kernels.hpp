// SPDX-License-Identifier: Apache-2.0
// The vector unit's arithmetic: executes a VectorOp on the layer's stored operands and
// returns the stored output bytes. Pure functions (no timing: VectorController plays out the
// cycles). The results equal workloads::reference_vector_layer bit for bit.
#pragma once

#include <vector>

#include "arch/program/vector_op.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// `in` holds the operation's operands in order (same count as p.inputs). ModelError if their
/// sizes do not match it.
workloads::Int8Buffer run_vector_op(const VectorOp& p,
                                    const std::vector<const workloads::Int8Buffer*>& in);

}  // namespace adasim::arch
