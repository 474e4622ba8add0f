// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the array and vector planners: tensor bit widths, SRAM slots per
// operand, and the per-level capacity check of a tiling.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

/// Levels above the array-side one on `op`'s route (an L2 that the L1 feeding the array is
/// filled from), DRAM side first; empty when the array-side level is filled from DRAM.
inline std::vector<int> outer_levels(
    const std::array<std::vector<arch::Hop>, arch::kNumOperands>& r, arch::Operand op) {
  std::vector<int> out;
  const std::vector<arch::Hop>& route = r[size_t(op)];
  for (size_t h = 0; h + 1 < route.size(); ++h) out.push_back(route[h].to);
  return out;
}

/// Per-level byte demand of a tiling, checked against capacity.
struct Footprint {
  std::map<int, int64_t> by_level;
  void add(const arch::AcceleratorSpec& spec, arch::Operand op, int64_t bytes) {
    by_level[spec.level_index_of(op)] += bytes;
  }
  /// Adds `bytes` to every level above the array-side one on `op`'s route (routes `r`).
  void add_outer(const std::array<std::vector<arch::Hop>, arch::kNumOperands>& r, arch::Operand op,
                 int64_t bytes) {
    for (int lvl : outer_levels(r, op)) by_level[lvl] += bytes;
  }
  bool fits(const arch::AcceleratorSpec& spec) const {
    for (const auto& [lvl, bytes] : by_level)
      if (bytes > spec.sram[size_t(lvl)].size_bytes) return false;
    return true;
  }
};

/// Whether some operand's route crosses more than one level (an L1 chained under an L2).
inline bool chained(const std::array<std::vector<arch::Hop>, arch::kNumOperands>& r) {
  for (const auto& route : r)
    if (route.size() > 1) return true;
  return false;
}

/// `bytes` on every hop of a route of `hops` hops: what pass-through staging moves (every byte
/// loaded into the array-side level crosses each level above it on its way; a store leaves
/// through each of them).
inline arch::HopBytes every_hop(size_t hops, int64_t bytes) {
  arch::HopBytes b{};
  for (size_t h = 0; h < hops && h < b.size(); ++h) b[h] = bytes;
  return b;
}

/// Sets every operand's route through the spec's hierarchy (arch::operand_routes). The planners
/// tile the level that feeds the array; the levels above it on a route (SramLevelSpec::parent)
/// follow the fixed staging rule of docs/extending.md (c) (resident or pass-through).
inline void set_routes(arch::TransferPlan& plan, const arch::AcceleratorSpec& spec) {
  const auto routes = arch::operand_routes(spec);
  for (int o = 0; o < arch::kNumOperands; ++o) plan.operands[size_t(o)].route = routes[size_t(o)];
}

/// Refuses a chained hierarchy for a planner that tiles one level per operand (spatial arrays:
/// sim::ConfigError at the chained level's `parent` key).
inline void require_one_hop(const arch::TransferPlan& plan, const arch::AcceleratorSpec& spec,
                            const std::string& why) {
  for (const arch::OperandPlan& p : plan.operands) {
    const std::vector<arch::Hop>& r = p.route;
    if (r.size() != 1)
      throw sim::ConfigError("", "/memory/sram/" + std::to_string(r.back().to) + "/parent",
                             "\"" + spec.sram[size_t(r.back().to)].parent + "\"", why);
  }
}

}  // namespace adasim::workloads::tiling
