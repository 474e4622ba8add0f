// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the array and vector planners: tensor bit widths, SRAM slots per
// operand, and the per-level capacity check of a tiling.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "arch/program/transfers.hpp"
#include "arch/spec.hpp"
#include "sim/core/errors.hpp"
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

/// Sets every operand's route through the spec's hierarchy. The planners tile one SRAM level
/// per operand: a level chained under another (SramLevelSpec::parent) needs tiles for both,
/// which they do not plan yet, so such a spec is refused (sim::ConfigError).
inline void set_routes(arch::TransferPlan& plan, const arch::AcceleratorSpec& spec) {
  const auto routes = arch::operand_routes(spec);
  for (int o = 0; o < arch::kNumOperands; ++o) {
    const std::vector<arch::Hop>& r = routes[size_t(o)];
    if (r.size() != 1)
      throw sim::ConfigError(
          "", "/memory/sram/" + std::to_string(r.back().to) + "/parent",
          "\"" + spec.sram[size_t(r.back().to)].parent + "\"",
          "a level filled from DRAM: the mapper tiles one SRAM level per operand");
    plan.operands[size_t(o)].route = r;
  }
}

}  // namespace adasim::workloads::tiling
