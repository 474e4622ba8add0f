// SPDX-License-Identifier: Apache-2.0
// Output stage between the accumulators and the output buffer: scales int32 accumulators to the
// output tensor's integer range, q = clamp(round_half_away(acc * multiplier) + zero_point), with
// an optional fused ReLU (q >= zero_point).
#pragma once

#include <cstdint>

#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

workloads::Int8Buffer requantize_outputs(const workloads::Int32Buffer& acc, double multiplier,
                                         int32_t zero_point, int bits, bool is_signed, bool relu);

}  // namespace adasim::arch
