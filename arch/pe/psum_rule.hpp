// SPDX-License-Identifier: Apache-2.0
// The accumulators' overflow rule (config pe_array.psum_overflow with accum_bits; see
// PsumOverflow in arch/spec.hpp), applied where a final sum leaves the array for the output
// stage. The datapath adds in 32-bit two's complement (modulo 2^32, wrapping_add.hpp), so a
// wrap to accum_bits <= 32 at the end equals a wrap after every add; saturation clamps the exact
// sum, which the model holds only when it fits 32 bits: check_psum_range refuses layers whose
// operands could leave that range.
#pragma once

#include <cstdint>
#include <string>

#include "arch/spec.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class PsumRule {
 public:
  PsumRule(PsumOverflow overflow, int accum_bits);
  explicit PsumRule(const PeArraySpec& pe) : PsumRule(pe.psum_overflow, pe.accum_bits) {}

  /// The value the accumulator of width accum_bits holds for the 32-bit sum `acc`.
  int32_t operator()(int32_t acc) const;
  /// Applies the rule to every element (a no-op for "exact").
  void apply(workloads::Int32Buffer& acc) const;
  /// Whether the rule changes anything (not "exact", and not "wrap" at 32 bits).
  bool active() const { return active_; }
  /// Whether the rule needs the exact sum (exact and saturate; wrap is modular).
  bool needs_exact_sum() const { return overflow_ != PsumOverflow::kWrap; }

 private:
  PsumOverflow overflow_;
  int bits_;
  int64_t lo_, hi_;
  bool active_;
};

/// Refuses (sim::ConfigError naming the layer) a layer whose exact sums could leave the model's
/// 32-bit accumulators: `reduction` products of operands of magnitude at most max_a and max_b.
/// Checked when the rule needs exact sums and the operands are wider than 8 bits (8-bit layers
/// would need reductions of more than 33 000 operands) or the rule saturates.
void check_psum_range(const PsumRule& rule, bool wide_operands, const std::string& layer,
                      int64_t reduction, const workloads::Int16Buffer& a,
                      const workloads::Int16Buffer& b);

}  // namespace adasim::arch
