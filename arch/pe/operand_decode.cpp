// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/operand_decode.hpp"

#include <algorithm>

#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::Int16Buffer;
using workloads::Int8Buffer;

Int16Buffer decode_activation(const Int8Buffer& q, const OperandQuant& t) {
  if (t.bits > 8)
    throw sim::ModelError("tensor '" + t.tensor + "' holds " + std::to_string(t.bits) +
                          "-bit values; the PEs take operands of at most 8 bits");
  Int16Buffer out;
  out.shape = q.shape;
  out.data.resize(q.data.size());
  const int32_t zp = t.zero_point;
  if (t.is_signed) {
    for (size_t i = 0; i < q.data.size(); ++i) out.data[i] = int16_t(int32_t(q.data[i]) - zp);
  } else {
    for (size_t i = 0; i < q.data.size(); ++i)
      out.data[i] = int16_t(int32_t(uint8_t(q.data[i])) - zp);
  }
  return out;
}

Int16Buffer decode_weight(const Int8Buffer& q, const OperandQuant& t, int64_t channels) {
  if (t.channel_zero_points.empty()) return decode_activation(q, t);
  Int16Buffer out;
  out.shape = q.shape;
  out.data.resize(q.data.size());
  // Conv KCRS and FC [K][C]: a channel is a contiguous run; matmul [Kd][N]: channel = column.
  const bool by_column = t.channel_by_column;
  const int64_t run = by_column ? 1 : int64_t(q.data.size()) / std::max<int64_t>(1, channels);
  if (int64_t(t.channel_zero_points.size()) != channels)
    throw sim::ModelError("weight '" + t.tensor + "' has " +
                          std::to_string(t.channel_zero_points.size()) + " zero points for " +
                          std::to_string(channels) + " output channels");
  for (size_t i = 0; i < q.data.size(); ++i) {
    const int64_t ch = by_column ? int64_t(i) % channels : int64_t(i) / run;
    out.data[i] = int16_t(stored_value(q.data[i], t.is_signed) - t.channel_zero_points[size_t(ch)]);
  }
  return out;
}

}  // namespace adasim::arch
