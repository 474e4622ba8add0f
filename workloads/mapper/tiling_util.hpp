// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the array and vector planners: tensor bit widths, SRAM slots per
// operand, and the per-level capacity check of a tiling.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::workloads::tiling {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Storage bits of a tensor (`dflt` if the graph does not declare it).
inline int bits_of(const Graph& g, const std::string& tensor, int dflt) {
  auto it = g.tensors.find(tensor);
  return it == g.tensors.end() ? dflt : it->second.bits;
}

/// Buffers an operand streams through in its SRAM level: 2 when double buffered.
inline int slots_of(const arch::AcceleratorSpec& spec, arch::Operand op) {
  return spec.level_of(op).double_buffered ? 2 : 1;
}

/// Per-level byte demand of a tiling, checked against capacity.
struct Footprint {
  std::map<int, int64_t> by_level;
  void add(const arch::AcceleratorSpec& spec, arch::Operand op, int64_t bytes) {
    by_level[spec.level_index_of(op)] += bytes;
  }
  bool fits(const arch::AcceleratorSpec& spec) const {
    for (const auto& [lvl, bytes] : by_level)
      if (bytes > spec.sram[size_t(lvl)].size_bytes) return false;
    return true;
  }
};

}  // namespace adasim::workloads::tiling
