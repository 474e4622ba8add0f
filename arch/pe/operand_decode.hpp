// SPDX-License-Identifier: Apache-2.0
// The feeders' zero-point stage: the array multiplies zero-point-corrected operands (q - zp), so
// that a MAC of an asymmetric uint8 activation and a weight is exact and a real zero (q == zp) is
// an operand of value 0 (which the sparse datapath gates or skips). Unsigned tensors are stored
// bit-for-bit in int8 containers and read back as unsigned here. Padding, outside the tensor,
// contributes 0: ONNX pads quantized convolutions with the zero point.
#pragma once

#include "arch/program/quant.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// The integer value of stored element v of a tensor with this signedness.
inline int32_t stored_value(int8_t v, bool is_signed) {
  return is_signed ? int32_t(v) : int32_t(uint8_t(v));
}

/// q - zero_point of every element of an activation (one zero point per tensor). Throws
/// sim::ModelError for values wider than 8 bits (the PEs take operands of at most 8 bits).
workloads::Int16Buffer decode_activation(const workloads::Int8Buffer& q, const OperandQuant& t);

/// q - zero_point[channel] of every element of a weight tensor with `channels` output channels,
/// where the channel is the output channel the element contributes to (conv KCRS: K; FC [K][C]:
/// K; matmul [Kd][N]: N); one zero point per tensor when it has no per-channel ones.
workloads::Int16Buffer decode_weight(const workloads::Int8Buffer& q, const OperandQuant& t,
                                     int64_t channels);

}  // namespace adasim::arch
