// SPDX-License-Identifier: Apache-2.0
// The transfer plan of one layer's program: which data moves between DRAM and the SRAM levels,
// hop by hop, and when. Every operand has a route through the memory hierarchy, a list of hops
// from DRAM down to the level that feeds the array (one hop when that level is filled from
// DRAM; an L1 chained under a global buffer adds a level -> level hop). The layer runs as folds
// (runs of steps over one set of stationary / output tiles) of chunks (the steps whose stream
// tiles are staged together); each chunk says how many bytes cross every hop of every route
// before it is fed, and what its outputs store. The DMA executes the plan (arch/memory); engines
// follow its fold / chunk structure.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::arch {

/// A level index of AcceleratorSpec::sram, or DRAM.
constexpr int kDram = -1;
/// Longest route supported (DRAM -> three chained SRAM levels).
constexpr int kMaxHops = 3;

/// One hop of a route: data moves from level `from` into level `to` (loads; stores go back).
struct Hop {
  int from = kDram;
  int to = kDram;
  bool operator==(const Hop& o) const { return from == o.from && to == o.to; }
};

/// Bytes moved on each hop of a route, DRAM side first (index i = route hop i).
using HopBytes = std::array<int64_t, kMaxHops>;
int64_t sum(const HopBytes& b);

/// How an operand is held in one level of its route.
struct Staging {
  bool resident = false;   ///< the layer's share is loaded once and kept
  int slots = 2;           ///< buffers for streaming (2 = double buffered)
  int64_t tile_bytes = 0;  ///< footprint of one slot
};

/// One operand's route and residency.
struct OperandPlan {
  std::vector<Hop> route;  ///< DRAM side first; route.back().to is the level feeding the array
  bool resident = false;   ///< at the array-side level: whole layer's share loaded once and kept
  int slots = 2;           ///< there: buffers for streaming (2 = double buffered)
  int64_t tile_bytes = 0;  ///< there: footprint of one slot
  std::vector<Staging> outer;  ///< the levels above it: outer[i] is route[i].to, i < size - 1
  int64_t dram_bytes = 0;      ///< total DRAM traffic planned for the operand (loads or stores)
  int array_level() const { return route.empty() ? kDram : route.back().to; }
};

/// One chunk: the stream tiles for temporal indices [t0, t0 + t_len) of its fold are staged.
struct ChunkPlan {
  int64_t t0 = 0;
  int64_t t_len = 0;
  /// Per operand (index = Operand), per hop of its route: bytes moved before the chunk is fed.
  /// The ofmap entry holds partial sums reloaded with the chunk's tiles (spatial arrays).
  std::array<HopBytes, kNumOperands> load_bytes{};
  HopBytes
      psum_load_bytes{};   ///< int32 partial sums re-read (spilled by a prior fold), ofmap route
  HopBytes store_bytes{};  ///< written back after the chunk's outputs are complete, ofmap route
  bool store_is_psum = false;  ///< the store is an int32 psum spill (not the final output)
  int64_t out_elems = 0;       ///< output elements produced by this chunk
};

/// One fold: its stationary tile (loaded before it streams) and its chunks.
struct FoldPlan {
  HopBytes stationary_load_bytes{};  ///< route of TransferPlan::stationary; zero = resident / none
  std::vector<ChunkPlan> chunks;
};

struct TransferPlan {
  std::array<OperandPlan, kNumOperands> operands{};
  Operand stationary = Operand::kWeight;  ///< operand the folds' stationary loads carry
  std::vector<FoldPlan> folds;

  /// Bytes that cross the DRAM boundary: loads (hop 0 of every route) and stores.
  int64_t dram_load_bytes() const;
  int64_t dram_store_bytes() const;
  size_t chunk_count() const;
};

/// Every operand's route through the hierarchy of `spec`: from DRAM through the levels a level
/// is filled from (SramLevelSpec::parent) down to the level holding the operand for the array.
/// Throws sim::ModelError on a route longer than kMaxHops or a cycle of parents.
std::array<std::vector<Hop>, kNumOperands> operand_routes(const AcceleratorSpec& spec);

}  // namespace adasim::arch
