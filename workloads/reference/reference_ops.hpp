// SPDX-License-Identifier: Apache-2.0
// Reference kernels: plain, obviously-correct loops over int8 operands (or operands of up to 16
// bits held as int32 values) and int32 accumulators. They are the independent oracle the SystemC
// datapath is checked against (bit-exact), plus the seeded operand generator the simulator uses
// for weights and inputs. No timing, no tiling.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/rounding.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::workloads {

// All kernels throw sim::ModelError when operand shapes do not match each other or the ConvShape
// (the caller, not the user, is at fault then).

/// int8 x int8 -> int32 convolution. input NCHW [n][c][h][w], weight [k][c/groups][r][s];
/// zero padding, stride, dilation and groups from s (depthwise: groups == c == k).
/// Output [n][k][p][q].
Int32Buffer reference_conv2d(const Int8Buffer& input, const Int8Buffer& weight, const ConvShape& s);

/// Fully connected: input [N][C] (or [N][...] flattened per sample), weight [K][C] -> [N][K].
Int32Buffer reference_fc(const Int8Buffer& input, const Int8Buffer& weight);

/// a: [B..][M][Kd]; b: [Kd][N] (shared by all batch entries) or [B..][Kd][N] (same leading dims
/// as a). Output [B..][M][N].
Int32Buffer reference_matmul(const Int8Buffer& a, const Int8Buffer& b);

/// How an accumulator of width `bits` holds a sum of products: the reference's own statement of
/// a PE's partial-sum rule. kWrap keeps the sum modulo 2^bits as a two's-complement number (the
/// kernels apply it after every addition), kSaturate clamps the exact sum to
/// [-2^(bits-1), 2^(bits-1) - 1] once at the end, and kExact keeps it. With kExact and
/// kSaturate the exact sum must fit int32, otherwise sim::ModelError.
struct AccumulatorRule {
  enum class Overflow { kExact, kWrap, kSaturate };
  Overflow overflow = Overflow::kExact;
  int bits = 32;  ///< 2..32
};

/// The same kernels on operands held as int32 values (the integers the MACs multiply: q - zp
/// of tensors of up to 16 bits), accumulated per `rule`.
Int32Buffer reference_conv2d(const Int32Buffer& input, const Int32Buffer& weight,
                             const ConvShape& s, const AccumulatorRule& rule);
Int32Buffer reference_fc(const Int32Buffer& input, const Int32Buffer& weight,
                         const AccumulatorRule& rule);
Int32Buffer reference_matmul(const Int32Buffer& a, const Int32Buffer& b,
                             const AccumulatorRule& rule);

/// Max over the valid (non-padded) elements of each window; shape from s (r, s = kernel).
Int8Buffer reference_maxpool(const Int8Buffer& input, const ConvShape& s);

/// Sum of the valid (non-padded) elements / their count, rounded half away from zero.
Int8Buffer reference_avgpool(const Int8Buffer& input, const ConvShape& s);

/// Element-wise a + b saturated to [-128, 127].
Int8Buffer reference_add(const Int8Buffer& a, const Int8Buffer& b);

/// Inclusive integer range of a tensor with this storage: signed [-2^(bits-1), 2^(bits-1)-1],
/// unsigned [0, 2^bits-1].
struct IntRange {
  int32_t lo;
  int32_t hi;
};
IntRange int_range(int bits, bool is_signed);

/// Rounding of real values (sim/core/rounding.hpp, shared with the datapath's output stage).
using sim::round_half_away;
using sim::round_half_to_even;

/// q = clamp(round_half_away(acc * multiplier) + zero_point, lo, hi), then ReLU as
/// q = max(q, zero_point) if relu. The product is computed in double precision. lo/hi from
/// int_range(bits, is_signed); the range must fit int8 storage (signed bits <= 8, unsigned
/// bits <= 7), otherwise ModelError.
Int8Buffer requantize(const Int32Buffer& acc, double multiplier, int32_t zero_point, int bits,
                      bool is_signed, bool relu);
/// The same into a tensor of up to 16 bits held as int32 values (bits 1..16).
Int32Buffer requantize_wide(const Int32Buffer& acc, double multiplier, int32_t zero_point, int bits,
                            bool is_signed, bool relu);

/// One step of the splitmix64 generator (Steele, Lea, Flood 2014; Vigna's reference code):
/// state += 0x9E3779B97F4A7C15, then the output mix of the new state.
uint64_t splitmix64_next(uint64_t& state);

/// Stream key of a tensor: FNV-1a 64 of its name, mixed with the seed.
uint64_t value_stream_key(uint64_t seed, const std::string& tensor_name);

/// Deterministic operand values for (seed, t.name), uniform over int_range(t.bits, t.is_signed).
/// Element i (row-major) depends only on (seed, name, i): a larger batch extends, never reshuffles.
/// shape_override, when non-empty, replaces t.shape. Needs t.bits <= 8; unsigned values are stored
/// bit-for-bit in the int8 container (uint8 200 as int8 -56).
Int8Buffer generate_values(const TensorInfo& t, uint64_t seed,
                           std::vector<int64_t> shape_override = {});
/// The same for a tensor of 1..16 bits held as int32 values (the integers themselves: uint16
/// 60000 is 60000). For t.bits <= 8 the values equal generate_values' integers.
Int32Buffer generate_wide_values(const TensorInfo& t, uint64_t seed,
                                 std::vector<int64_t> shape_override = {});

}  // namespace adasim::workloads
