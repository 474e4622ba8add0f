// SPDX-License-Identifier: Apache-2.0
// Internal to the float evaluator: the float32 kernels of the windowed and matrix operators
// (convolution, pooling, Gemm, batched MatMul) with their attributes already resolved.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "workloads/onnx/quantize/float_eval.hpp"

namespace adasim::workloads::quantize {

/// A 2-D window over NCHW: kernel, strides, dilations, pads [t, l, b, r], output extent.
struct Window2d {
  std::array<int64_t, 2> kernel{1, 1}, stride{1, 1}, dilation{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};
  std::array<int64_t, 2> out{1, 1};
};

/// x [N][C][H][W], w [K][C/g][R][S], optional bias [K] (empty = none).
FloatTensor conv2d(const FloatTensor& x, const FloatTensor& w, const std::vector<float>& bias,
                   int64_t groups, const Window2d& win);
/// Max or average (count_include_pad: padded positions count in the divisor).
FloatTensor pool2d(const FloatTensor& x, const Window2d& win, bool max, bool count_include_pad);
/// numpy matmul with broadcast leading dims; a / b of rank 1 are promoted as numpy does.
FloatTensor matmul(const FloatTensor& a, const FloatTensor& b);
/// ONNX Gemm: alpha * A' B' + beta * C (C broadcast to [M][N]).
FloatTensor gemm(const FloatTensor& a, const FloatTensor& b, const FloatTensor* c, float alpha,
                 float beta, bool trans_a, bool trans_b);

}  // namespace adasim::workloads::quantize
