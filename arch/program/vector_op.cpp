// SPDX-License-Identifier: Apache-2.0
#include "arch/program/vector_op.hpp"

#include <algorithm>

namespace adasim::arch {

const char* to_string(VectorKind k) {
  switch (k) {
    case VectorKind::kMaxPool:
      return "maxpool";
    case VectorKind::kAvgPool:
      return "avgpool";
    case VectorKind::kAdd:
      return "add";
    case VectorKind::kMul:
      return "mul";
    case VectorKind::kConcat:
      return "concat";
    case VectorKind::kLut:
      return "lut";
    case VectorKind::kSoftmax:
      return "softmax";
    case VectorKind::kLayerNorm:
      return "layernorm";
    case VectorKind::kTranspose:
      return "transpose";
    case VectorKind::kView:
      return "view";
  }
  return "?";
}

int64_t VectorOp::ops_per_output() const {
  switch (kind) {
    case VectorKind::kMaxPool:
    case VectorKind::kAvgPool:
      return window.r * window.s;  // a compare / add per element
    case VectorKind::kAdd:
      return std::max<int64_t>(1, int64_t(inputs.size()) - 1);
    case VectorKind::kSoftmax:
    case VectorKind::kLayerNorm:
      return 3;  // three passes over each row
    case VectorKind::kView:
      return 0;
    default:
      return 1;
  }
}

}  // namespace adasim::arch
