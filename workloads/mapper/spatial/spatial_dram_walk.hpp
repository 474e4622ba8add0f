// SPDX-License-Identifier: Apache-2.0
// DRAM traffic of a spatial mapping, as the engine's walk over the DRAM iterations moves it
// (arch/spatial, arch/program/spatial_folds): each iteration fetches the in-tensor part of its
// ifmap and weight tiles it did not already hold from the previous iteration; an output tile
// is written back when the next iteration works on another one, and is reloaded when a later
// run returns to it. Summed by classes of iterations instead of walking them (see the .cpp), so
// it costs about the loops' bounds, not their product: the exact stage of the search prices it
// for every mapping it keeps (ExactBound::of) and the estimate for every mapping it ranks.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "workloads/mapper/spatial/loop_nest.hpp"

namespace adasim::workloads::spatial {

struct DramTraffic {
  std::array<double, 2> reads{};  ///< ifmap, weight elements read from DRAM
  double psum_writes = 0;         ///< output elements written back (partial or final)
  double psum_reloads = 0;        ///< of those, read back when a later run returns to a tile
};

DramTraffic dram_traffic(const Problem& p, const Mapping& m);

/// dram_traffic of one layer's mappings, kept by what it reads (the DRAM loops and the span of
/// the buffer tiles), for a search that prices many mappings: different cores and splits often
/// give the same DRAM nest. Emptied when it holds `capacity` nests.
class DramTrafficCache {
 public:
  explicit DramTrafficCache(const Problem& p, size_t capacity = size_t(1) << 16)
      : p_(p), capacity_(capacity) {}
  DramTraffic of(const Mapping& m);

 private:
  struct Hash {
    size_t operator()(const std::vector<int64_t>& k) const;
  };
  const Problem& p_;
  size_t capacity_;
  std::vector<int64_t> key_;  ///< scratch
  std::unordered_map<std::vector<int64_t>, DramTraffic, Hash> cache_;
};

}  // namespace adasim::workloads::spatial
