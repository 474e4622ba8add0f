// SPDX-License-Identifier: Apache-2.0
// The Eyeriss chip's parts (configs/eyeriss_chip.json) scaled to a small test array, shared by
// the spatial estimate tests (exact counts in tests/unit/mapper, simulated in tests/systemc).
#pragma once

#include <array>

#include "arch/spec.hpp"

namespace adasim::test {

/// Per-operand spads of 8-bit words (a 32-bit psum takes four), per-operand buses of
/// 16 / 64 / 32 bits, 16-bit psum links, and the buffer split into an ifmap/psum level and a
/// quarter-size filter one.
inline void eyeriss_parts(arch::AcceleratorSpec& spec) {
  std::array<arch::SpadSpec, 3> sp;
  sp[0].entries = 24;
  sp[1].entries = 48;
  sp[2].entries = 64;
  for (arch::SpadSpec& x : sp) x.word_bits = 8;
  spec.pe_array.spads = sp;
  spec.noc.bus_bits = {16, 64, 32};
  spec.noc.psum_link_bits = 16;
  arch::SramLevelSpec w = spec.sram[0];
  w.name = "gbuf_filter";
  w.size_bytes = spec.sram[0].size_bytes / 4;
  w.holds = {arch::Operand::kWeight};
  spec.sram[0].holds = {arch::Operand::kIfmap, arch::Operand::kOfmap};
  spec.sram.push_back(w);
}

}  // namespace adasim::test
