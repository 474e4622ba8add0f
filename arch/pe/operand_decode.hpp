// SPDX-License-Identifier: Apache-2.0
// The feeders' zero-point stage: the array multiplies zero-point-corrected operands (q - zp), so
// that a MAC of an asymmetric uint8 activation and a weight is exact and a real zero (q == zp) is
// an operand of value 0 (which the sparse datapath gates or skips). Unsigned tensors of up to 8
// bits are stored bit-for-bit in int8 containers and read back as unsigned here; tensors of 9..16
// bits are held as int32 values (the integers themselves). The PEs' operand registers are 16-bit
// signed: q - zp must fit [-32768, 32767] for every q of the tensor's range (always so for tensors
// of up to 8 bits; a signed 16-bit tensor needs zero point 0, an unsigned one 32768). Padding,
// outside the tensor, contributes 0: ONNX pads quantized convolutions with the zero point.
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
/// sim::ModelError for an operand wider than 8 bits (use the Int32Buffer overload).
workloads::Int16Buffer decode_activation(const workloads::Int8Buffer& q, const OperandQuant& t);
/// The same for an operand of up to 16 bits held as int32 values. Throws sim::ConfigError, naming
/// the tensor, when q - zero_point can leave the 16-bit operand registers.
workloads::Int16Buffer decode_activation(const workloads::Int32Buffer& q, const OperandQuant& t);

/// q - zero_point[channel] of every element of a weight tensor with `channels` output channels,
/// where the channel is the output channel the element contributes to (conv KCRS: K; FC [K][C]:
/// K; matmul [Kd][N]: N); one zero point per tensor when it has no per-channel ones.
workloads::Int16Buffer decode_weight(const workloads::Int8Buffer& q, const OperandQuant& t,
                                     int64_t channels);
workloads::Int16Buffer decode_weight(const workloads::Int32Buffer& q, const OperandQuant& t,
                                     int64_t channels);

}  // namespace adasim::arch
