// SPDX-License-Identifier: Apache-2.0
// Reference kernels of the vector layers: the integer semantics of pooling, elementwise add / mul,
// concat, table lookup, softmax, layer normalization and transpose, written as plain loops from
// the graph's tensors (their scales, zero points and storage). They are the oracle the vector
// unit's kernels (arch/vector/vector_kernels.hpp) are checked against, bit for bit.
//
// Conventions. Stored bytes are read as the tensor's integers (unsigned tensors bit for bit).
// R(v) rounds per the layer's rounding (ONNX models: half to even; JSON graphs: half away from
// zero). Every real-valued step is one IEEE double operation in the order written here, so the
// results are the same on every machine (no transcendental function is evaluated per element:
// softmax's exponentials come from a table, see softmax_exp_table). The output is clamped to
// output_clamp(l, out): the storage range, narrowed by a fused ReLU (q >= zero point) and a fused
// Clip (Layer::act_min / act_max). m_i = double(s_i) / double(s_out) is the multiplier that
// takes input i's integers (minus its zero point) to output units.
//
//   add (ONNX Add / Sum)  q = zo + R(sum_i m_i * (x_i - z_i)), numpy broadcasting, summed in
//                         input order (JSON graphs: scales 1, zero points 0: a saturating add)
//   mul                   q = zo + R(m * ((xa - za) * (xb - zb))), m = sa * sb / so
//   concat                each element q = zo + R(m_i * (x - z_i)) of its input i
//   avgpool               q = zo + R((sum / count) * m), sum of (x - zi) over the window's real
//                         elements; count = those elements, or with count_include_pad the window
//                         positions inside the padded input (ONNX); m = si / so
//   maxpool               the largest stored integer of the window (same quantization in / out)
//   lut                   q = table[byte of x] (the table holds output bytes, 2^bits entries)
//   softmax               d_i = max_j x_j - x_i; e_i = E[d_i] (softmax_exp_table); S = sum e_i;
//                         q = zo + R(e_i * (1 / so) / S)
//   layernorm             over N = product of the dims from `axis`: x_i = q_i - zi, S = sum x_i,
//                         D_i = N x_i - S, V = sum D_i^2 (exact int64), E = R(eps N^3 / si^2),
//                         r = 1 / sqrt(V + E); q = zo + R(G_j * (D_i * r) + B_j) with
//                         G_j = gamma_j * (sg sqrt(N) / so), B_j = beta_j * (sb / so) from the
//                         int32 gamma / beta tensors (scales sg, sb) at position j of the block
//   transpose             out[i] = x[perm(i)] (same quantization)
//   reshape               the same bytes in a new shape
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads {

/// The integer held by element i of buffer b of tensor t.
int32_t stored_int(const Int8Buffer& b, const TensorInfo& t, int64_t i);
/// The clamp range of layer l's output tensor `out` (see the conventions above).
IntRange output_clamp(const Layer& l, const TensorInfo& out);
/// numpy broadcasting of `shapes` (ModelError if they do not broadcast).
std::vector<int64_t> broadcast_shapes(const std::vector<std::vector<int64_t>>& shapes);

/// E[d] = R_even(2^20 * exp(-in_scale * d)) for d = 0 .. 2^bits - 1: softmax's exponentials,
/// computed once per layer (by the compiler, not per element). Entries below 2^-21 of the
/// largest become 0.
std::vector<uint32_t> softmax_exp_table(double in_scale, int bits);

/// The values of one vector layer: `get` returns the stored values of a tensor (inputs and int8
/// constants such as a lookup table), `get_wide` those of an int32 constant (layernorm's gamma /
/// beta). ModelError for MAC layers or inconsistent operands.
Int8Buffer reference_vector_layer(
    const Graph& g, const Layer& l, const std::function<const Int8Buffer&(const std::string&)>& get,
    const std::function<const Int32Buffer&(const std::string&)>& get_wide);

}  // namespace adasim::workloads
