// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/operand_decode.hpp"

#include <algorithm>
#include <limits>

#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::Int16Buffer;
using workloads::Int32Buffer;
using workloads::Int8Buffer;

namespace {

constexpr int kMaxOperandBits = 16;

// The integer of element v: int8 storage (bit-for-bit for unsigned) or the int32 value itself.
int32_t value_of(int8_t v, bool is_signed) { return stored_value(v, is_signed); }
int32_t value_of(int32_t v, bool) { return v; }

// Refuses a tensor whose q - zp can leave the 16-bit signed operand registers.
void check_operand_range(const OperandQuant& t) {
  if (t.bits < 1 || t.bits > kMaxOperandBits)
    throw sim::ConfigError("", "tensor '" + t.tensor + "'", std::to_string(t.bits) + " bits",
                           "MAC operands of 1.." + std::to_string(kMaxOperandBits) + " bits");
  const int64_t lo = t.is_signed ? -(int64_t(1) << (t.bits - 1)) : 0;
  const int64_t hi = t.is_signed ? (int64_t(1) << (t.bits - 1)) - 1 : (int64_t(1) << t.bits) - 1;
  std::vector<int32_t> zps = t.channel_zero_points;
  zps.push_back(t.zero_point);
  for (int32_t zp : zps)
    if (lo - zp < std::numeric_limits<int16_t>::min() ||
        hi - zp > std::numeric_limits<int16_t>::max())
      throw sim::ConfigError(
          "", "tensor '" + t.tensor + "'",
          std::string(t.is_signed ? "signed " : "unsigned ") + std::to_string(t.bits) +
              "-bit values with zero point " + std::to_string(zp),
          "values q - zero_point within the PEs' 16-bit signed operands [-32768, 32767] (a "
          "signed 16-bit tensor needs zero point 0, an unsigned one 32768)");
}

template <class B>
Int16Buffer decode_one_zero_point(const B& q, const OperandQuant& t) {
  check_operand_range(t);
  Int16Buffer out;
  out.shape = q.shape;
  out.data.resize(q.data.size());
  const int32_t zp = t.zero_point;
  const bool s = t.is_signed;
  for (size_t i = 0; i < q.data.size(); ++i) out.data[i] = int16_t(value_of(q.data[i], s) - zp);
  return out;
}

template <class B>
Int16Buffer decode_per_channel(const B& q, const OperandQuant& t, int64_t channels) {
  if (t.channel_zero_points.empty()) return decode_one_zero_point(q, t);
  check_operand_range(t);
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
    out.data[i] = int16_t(value_of(q.data[i], t.is_signed) - t.channel_zero_points[size_t(ch)]);
  }
  return out;
}

void require_narrow(const OperandQuant& t) {
  if (t.bits > 8)
    throw sim::ModelError("tensor '" + t.tensor + "' holds " + std::to_string(t.bits) +
                          "-bit values: they are held as int32 values, not int8 storage");
}

}  // namespace

Int16Buffer decode_activation(const Int8Buffer& q, const OperandQuant& t) {
  require_narrow(t);
  return decode_one_zero_point(q, t);
}

Int16Buffer decode_activation(const Int32Buffer& q, const OperandQuant& t) {
  return decode_one_zero_point(q, t);
}

Int16Buffer decode_weight(const Int8Buffer& q, const OperandQuant& t, int64_t channels) {
  require_narrow(t);
  return decode_per_channel(q, t, channels);
}

Int16Buffer decode_weight(const Int32Buffer& q, const OperandQuant& t, int64_t channels) {
  return decode_per_channel(q, t, channels);
}

}  // namespace adasim::arch
