// SPDX-License-Identifier: Apache-2.0
// The vector unit's operation for one layer (what each lane computes) with every constant the
// compiler (workloads/mapper/vector_compile.cpp) derived from the graph's quantization folded in
// (multipliers, output clamp, lookup and exponential tables, layernorm's per-element affine).
// Part of the program contract (VectorProgram::op): the mapper writes it, the vector unit's
// kernels (arch/vector/vector_kernels.hpp) execute it.
// The arithmetic is the one workloads/reference/vector_reference.hpp defines.
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/ir/graph.hpp"

namespace adasim::arch {

enum class VectorKind {
  kMaxPool,
  kAvgPool,  // windows
  kAdd,
  kMul,     // elementwise, numpy broadcasting
  kConcat,  // along an axis
  kLut,     // table lookup
  kSoftmax,
  kLayerNorm,
  kTranspose,
  kView,  // reshape: no data moves
};
const char* to_string(VectorKind k);

/// One operand: its shape, how its bytes read (signed or not), its zero point and the multiplier
/// taking (q - zero_point) to output units (add, concat).
struct VectorInput {
  std::vector<int64_t> shape;
  bool is_signed = true;
  int32_t zero_point = 0;
  double multiplier = 1.0;
};

struct VectorOp {
  VectorKind kind = VectorKind::kAdd;
  std::vector<VectorInput> inputs;  ///< operands in the layer's order (activations, constants)
  std::vector<int64_t> out_shape;
  int32_t out_zero_point = 0;
  int32_t out_lo = -128, out_hi = 127;  ///< output clamp: storage range, fused ReLU / Clip
  bool half_to_even = false;            ///< tie rounding (ONNX) or half away from zero (JSON)
  double multiplier = 1.0;              ///< mul: sa * sb / so; avgpool: si / so

  // Pools.
  workloads::ConvShape window;
  bool count_include_pad = false;
  // Lookup: the output byte of every input byte (2^bits entries).
  std::vector<int8_t> table;
  // Softmax / layernorm / concat: the tensor as [outer][axis_len][inner].
  int64_t outer = 1, axis_len = 1, inner = 1;
  std::vector<uint32_t> exp_table;  ///< softmax: E[d] for d = max - x
  double out_inv_scale = 1.0;       ///< softmax: 1 / out scale
  std::vector<double> gamma, beta;  ///< layernorm: G_j, B_j per element of the block
  int64_t epsilon_units = 0;        ///< layernorm: E = R(eps N^3 / s_in^2)
  std::vector<int64_t> perm;        ///< transpose

  /// Lane operations per output element (the cost model, see README "Vector path").
  int64_t ops_per_output() const;
};

}  // namespace adasim::arch
