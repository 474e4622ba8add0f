// SPDX-License-Identifier: Apache-2.0
#include "arch/program/transfers.hpp"

#include <algorithm>

#include "sim/core/errors.hpp"

namespace adasim::arch {

int64_t sum(const HopBytes& b) {
  int64_t s = 0;
  for (int64_t v : b) s += v;
  return s;
}

int64_t TransferPlan::dram_load_bytes() const {
  int64_t total = 0;
  for (const FoldPlan& f : folds) {
    total += f.stationary_load_bytes[0];
    for (const ChunkPlan& c : f.chunks) {
      for (const HopBytes& b : c.load_bytes) total += b[0];
      total += c.psum_load_bytes[0];
    }
  }
  return total;
}

int64_t TransferPlan::dram_store_bytes() const {
  int64_t total = 0;
  for (const FoldPlan& f : folds)
    for (const ChunkPlan& c : f.chunks) total += c.store_bytes[0];
  return total;
}

size_t TransferPlan::chunk_count() const {
  size_t n = 0;
  for (const FoldPlan& f : folds) n += f.chunks.size();
  return n;
}

std::array<std::vector<Hop>, kNumOperands> operand_routes(const AcceleratorSpec& spec) {
  std::array<std::vector<Hop>, kNumOperands> routes;
  auto index_of = [&](const std::string& name) {
    for (size_t i = 0; i < spec.sram.size(); ++i)
      if (spec.sram[i].name == name) return int(i);
    throw sim::ModelError("memory hierarchy: no SRAM level named '" + name + "'");
  };
  for (int o = 0; o < kNumOperands; ++o) {
    std::vector<Hop>& r = routes[size_t(o)];
    int level = spec.level_index_of(Operand(o));
    while (true) {
      const std::string& parent = spec.sram[size_t(level)].parent;
      const int from = parent.empty() ? kDram : index_of(parent);
      r.push_back(Hop{from, level});
      if (from == kDram) break;
      if (int(r.size()) >= kMaxHops)
        throw sim::ModelError("memory hierarchy: the route of operand " +
                              std::string(to_string(Operand(o))) + " has more than " +
                              std::to_string(kMaxHops) + " hops (or its levels form a cycle)");
      level = from;
    }
    std::reverse(r.begin(), r.end());
  }
  return routes;
}

}  // namespace adasim::arch
