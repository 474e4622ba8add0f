// SPDX-License-Identifier: Apache-2.0
// The accumulators' adder: 32-bit two's complement, modulo 2^32, as the datapath's adders are.
// pe_array.psum_overflow "wrap" keeps the low accum_bits bits of these sums (psum_rule.hpp), which
// equals wrapping after every add only if the adds themselves wrap. Signed overflow is undefined
// behaviour in C++, so the adds are done on uint32_t (modular by definition); the conversion back
// is modular too (C++20 defines it; GCC and Clang document it for C++17). A product of two 16-bit
// operands needs no wrapping: |a * b| <= 2^30.
#pragma once

#include <cstdint>

namespace adasim::arch {

/// a + b modulo 2^32.
constexpr int32_t wrap_add(int32_t a, int32_t b) { return int32_t(uint32_t(a) + uint32_t(b)); }

}  // namespace adasim::arch
