// SPDX-License-Identifier: Apache-2.0
// Compiles a vector layer of the graph into the vector unit's operation (arch::VectorOp): the
// operands' shapes and zero points, the multipliers of workloads/reference/vector_reference.hpp
// formed once (in the same double operations the reference uses per element), the output clamp, and
// the tables (lookup bytes, softmax exponentials, layernorm's per-element affine).
#pragma once

#include "arch/program/vector_op.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// ModelError for a MAC layer, or a lut / layernorm layer whose table / gamma / beta values are
/// not in the graph's constants.
arch::VectorOp compile_vector_layer(const Graph& g, const Layer& l);

}  // namespace adasim::workloads
