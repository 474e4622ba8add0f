// SPDX-License-Identifier: Apache-2.0
// The quantisation parameters of one layer's program: the zero points the feeders subtract from
// the operands (the array multiplies q - zp) and the output stage's scaling, clamping and ReLU.
// The mapper derives them from the graph's tensors (quant_params); the datapath (operand decode,
// requantizer) uses only these.
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/ir/graph.hpp"

namespace adasim::arch {

/// The output channel of element i of layer l's accumulators (conv [N][K][P][Q]: K; FC [N][K]:
/// K; matmul [..][M][N]: N). Used for per-channel scales, zero points and biases.
struct OutputChannels {
  int64_t inner = 1;     ///< elements per channel step (P*Q for conv, 1 otherwise)
  int64_t channels = 1;  ///< K (conv, FC) or N (matmul)
  int64_t of(int64_t i) const { return (i / inner) % channels; }
};
OutputChannels output_channels(const workloads::Layer& l, const workloads::ConvShape& s);

/// How a MAC operand is stored: one zero point per tensor, or per output channel (weights).
struct OperandQuant {
  std::string tensor;  ///< graph tensor the values come from
  int bits = 8;
  bool is_signed = true;
  int32_t zero_point = 0;
  std::vector<int32_t> channel_zero_points;  ///< non-empty: per output channel (weights only)
  /// Per-channel weights of a matmul are stored [Kd][N] (channel = column); conv / FC store each
  /// channel's values contiguously.
  bool channel_by_column = false;
};

/// The output stage: q = clamp(round(acc * multiplier[k]) + zero_point, lo, hi), then
/// max(q, zero_point) with a fused ReLU; wide outputs keep the int32 accumulators.
struct OutputQuant {
  OutputChannels channels;
  std::vector<double> multiplier;  ///< in_scale * w_scale[k] / out_scale, per output channel
  int32_t zero_point = 0;
  int64_t lo = -128, hi = 127;  ///< the output tensor's integer range (up to 16 bits), narrowed
                                ///< by a fused Clip (Layer::act_min / act_max)
  bool is_signed = true;
  bool relu = false;
  double negative_slope = 1.0;  ///< fused LeakyRelu: multiplier scale of negative accumulators
  bool wide = false;            ///< int32 outputs (ConvInteger / MatMulInteger, exact float)
  workloads::Rounding rounding = workloads::Rounding::kHalfAwayFromZero;
};

struct QuantParams {
  OperandQuant ifmap, weight;  ///< weight: the weight tensor, or a matmul's activation B
  OutputQuant output;
};

/// The quantisation parameters of layer l with shape s, from the graph's tensors. Vector-path
/// layers (pool, add) only fill `ifmap` and the output's storage (they do not requantize).
QuantParams quant_params(const workloads::Graph& g, const workloads::Layer& l,
                         const workloads::ConvShape& s);

}  // namespace adasim::arch
