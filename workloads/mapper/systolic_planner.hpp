// SPDX-License-Identifier: Apache-2.0
// Builds the schedule of one conv / FC / matmul layer for one mapping candidate: block-diagonal
// group packs, folds (array-sized spatial tiles), temporal chunks, and the DMA transfer plan that
// follows from the loop order and residency. Rejects candidates whose tiles do not fit the SRAM
// levels with their double buffering.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/candidate.hpp"
#include "workloads/mapper/gemm_view.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

class SystolicPlanner {
 public:
  SystolicPlanner(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec);

  /// Largest useful group pack for the dataflow (1 for dense layers).
  int64_t max_group_pack(arch::Dataflow df) const;
  /// The layer's temporal extent for a dataflow and pack (the range of a chunk length).
  int64_t time_extent(arch::Dataflow df, int64_t group_pack) const;
  /// Chunk lengths are legal in steps of this many temporal indices (or the whole extent): WS
  /// streams whole output rows (Q pixels), OS whole input channels (R*S reduction steps), since
  /// the DMA moves whole input rows / channels anyway.
  int64_t chunk_step(arch::Dataflow df) const;
  /// Whether the Kred dimension is split over several row folds (WS/IS psum accumulation).
  bool kred_split(arch::Dataflow df, int64_t group_pack) const;
  /// A lower bound on the array cycles of any candidate with this dataflow and packing (folds with
  /// the whole temporal extent, no drain): lets the search skip packings that cannot win.
  double compute_lower_bound(arch::Dataflow df, int64_t group_pack) const;
  /// MACs the array issues for the layer on this dataflow: the layer's MACs, or with the N:M
  /// datapath one per weight slot and output.
  int64_t array_macs(arch::Dataflow df) const;
  /// The dataflows the layer may run on out of `offered` (the N:M datapath needs WS).
  std::vector<arch::Dataflow> allowed(const std::vector<arch::Dataflow>& offered) const;
  /// Whether the candidate's tiles fit every SRAM level.
  bool fits(const Candidate& c) const;
  /// The schedule of a candidate, or nullopt if it does not fit.
  std::optional<LayerSchedule> build(const Candidate& c) const;

 private:
  struct Dims;
  Dims dims(arch::Dataflow df, int64_t gp) const;
  int64_t stream_tile_bytes(const Dims& d, int op, int64_t t) const;
  int64_t stationary_tile_bytes(const Dims& d) const;
  int64_t output_tile_bytes(const Dims& d, int64_t t) const;
  // Block-diagonal (row, col) pairs of a tile whose rows are reduction indices or, with the N:M
  // datapath, weight slots (a conv group then spans slots_per_group rows).
  int64_t row_diag_pairs(const Dims& d, Range rows, Range cols) const;
  // Stationary weight bytes of a WS tile: its block-diagonal values (N:M: its slots' values; the
  // position fields are the "nm" storage format's metadata, arch/sparse/storage_plan.hpp).
  int64_t weight_tile_bytes(const Dims& d, Range rows, Range cols) const;

  // Worst-case tile sizes are needed by every capacity check; they depend only on
  // (dataflow, packing, operand, chunk), so they are computed once per planner.
  mutable std::map<std::tuple<int, int64_t, int, int64_t>, int64_t> tile_cache_;

  const Graph& graph_;
  const Layer& layer_;
  const arch::AcceleratorSpec& spec_;
  ConvShape shape_;
  int in_bits_ = 8, w_bits_ = 8, out_bits_ = 8;
  int64_t ifmap_tensor_bytes_ = 0, weight_tensor_bytes_ = 0;
  NmSlots nm_;  // active: the layer runs on the N:M datapath (sparsity.structured), WS only
};

}  // namespace adasim::workloads
