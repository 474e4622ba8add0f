// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/psum_rule.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "sim/core/errors.hpp"

namespace adasim::arch {

PsumRule::PsumRule(PsumOverflow overflow, int accum_bits) : overflow_(overflow), bits_(accum_bits) {
  if (overflow != PsumOverflow::kExact && (accum_bits < 2 || accum_bits > 32))
    throw sim::ModelError(std::string("psum rule ") + to_string(overflow) + " with accum_bits " +
                          std::to_string(accum_bits) + " (the config allows 2..32)");
  lo_ = -(int64_t(1) << (std::min(bits_, 32) - 1));
  hi_ = -lo_ - 1;
  active_ = overflow == PsumOverflow::kSaturate || (overflow == PsumOverflow::kWrap && bits_ < 32);
}

int32_t PsumRule::operator()(int32_t acc) const {
  if (!active_) return acc;
  if (overflow_ == PsumOverflow::kSaturate) return int32_t(std::clamp<int64_t>(acc, lo_, hi_));
  // Keep the low bits_ bits and sign-extend bit bits_ - 1 (two's complement of bits_ bits).
  const uint32_t mask = (uint32_t(1) << bits_) - 1;
  const uint32_t low = uint32_t(acc) & mask;
  const uint32_t sign = uint32_t(1) << (bits_ - 1);
  return int32_t(int64_t(low ^ sign) - int64_t(sign));
}

void PsumRule::apply(workloads::Int32Buffer& acc) const {
  if (!active_) return;
  for (int32_t& v : acc.data) v = (*this)(v);
}

namespace {
int64_t largest_magnitude(const workloads::Int16Buffer& b) {
  int64_t m = 0;
  for (int16_t v : b.data) m = std::max<int64_t>(m, std::abs(int32_t(v)));
  return m;
}
}  // namespace

void check_psum_range(const PsumRule& rule, bool wide_operands, const std::string& layer,
                      int64_t reduction, const workloads::Int16Buffer& a,
                      const workloads::Int16Buffer& b) {
  if (!rule.needs_exact_sum()) return;
  const bool saturates = rule.active();
  if (!wide_operands && !saturates) return;
  const int64_t ma = largest_magnitude(a), mb = largest_magnitude(b);
  // |operand| <= 2^15 and reduction < 2^32: the bound fits int64.
  const int64_t bound = reduction * ma * mb;
  if (bound <= std::numeric_limits<int32_t>::max()) return;
  throw sim::ConfigError(
      "", "layer '" + layer + "'",
      "sums of up to " + std::to_string(bound) + " (" + std::to_string(reduction) +
          " products of operands up to " + std::to_string(ma) + " and " + std::to_string(mb) + ")",
      std::string("sums within the model's 32-bit accumulators for psum_overflow \"") +
          (saturates ? "saturate" : "exact") +
          "\"; set /pe_array/psum_overflow to \"wrap\" (accum_bits two's complement)");
}

}  // namespace adasim::arch
