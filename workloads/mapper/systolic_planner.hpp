// SPDX-License-Identifier: Apache-2.0
// Builds the schedule of one conv / FC / matmul layer for one mapping candidate: block-diagonal
// group packs, folds (array-sized spatial tiles), temporal chunks, and the DMA transfer plan that
// follows from the loop order and residency. Everything follows from the candidate dataflow's
// layout (arch/program/dataflow/systolic_dataflow.hpp): which GEMM dimension lies on the rows,
// the columns and time. Rejects candidates whose tiles do not fit the SRAM levels with their double
// buffering.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/candidate.hpp"
#include "workloads/mapper/gemm_view.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/search_guard.hpp"

namespace adasim::workloads {

class SystolicPlanner {
 public:
  /// Plans with the dataflows of `dataflows` (default: every registered one).
  SystolicPlanner(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                  const arch::SystolicDataflowRegistry& dataflows = arch::systolic_dataflows());

  /// Largest useful group pack for the dataflow (1 for dense layers).
  int64_t max_group_pack(const std::string& df) const;
  /// The layer's temporal extent for a dataflow and pack (the range of a chunk length).
  int64_t time_extent(const std::string& df, int64_t group_pack) const;
  /// Chunk lengths are legal in steps of this many temporal indices (or the whole extent).
  int64_t chunk_step(const std::string& df) const;
  /// Whether the Kred dimension is split over several row folds (psum accumulation).
  bool kred_split(const std::string& df, int64_t group_pack) const;
  /// A lower bound on the array cycles of any candidate with this dataflow and packing (folds with
  /// the whole temporal extent, no drain, plus the last outputs' return crossing into a memory
  /// domain): lets the search skip packings that cannot win.
  double compute_lower_bound(const std::string& df, int64_t group_pack) const;
  /// MACs the array issues for the layer on this dataflow: the layer's MACs, or with the N:M
  /// datapath one per weight slot and output.
  int64_t array_macs(const std::string& df) const;
  /// The dataflows the layer may run on out of `offered` (the N:M datapath holds the weights).
  std::vector<std::string> allowed(const std::vector<std::string>& offered) const;
  /// The layout of a registered dataflow.
  arch::SystolicLayout layout(const std::string& df) const { return dataflow(df).layout(); }
  /// Whether the candidate's tiles fit every SRAM level.
  bool fits(const Candidate& c) const { return staging(c).fits; }
  /// Chunks the candidate's transfer plan would hold (an upper bound: every pack as wide as the
  /// first), without building it: the search's memory budget (mapper.max_plan_chunks).
  /// Saturates at INT64_MAX.
  int64_t plan_chunks(const Candidate& c) const;
  /// The schedule of a candidate, or nullopt if it does not fit. `guard` (optional) is checked
  /// every kFoldsPerCheck folds: one candidate of a large layer on a small array has millions.
  std::optional<LayerSchedule> build(const Candidate& c, ISearchGuard* guard = nullptr) const;
  /// The schedule of a candidate whether its tiles fit the SRAM levels or not (SCALE-Sim's
  /// convention: its SRAM sizes never refuse a layer).
  LayerSchedule build_overcommitted(const Candidate& c, ISearchGuard* guard = nullptr) const;
  static constexpr int64_t kFoldsPerCheck = kFoldsPerGuardCheck;

 private:
  struct Dims;
  struct FoldGeom;
  struct BuildState;
  /// How a candidate uses the levels: whether every level holds what it puts there, and whether
  /// the levels above the array-side one on an input operand's route (a chained L1's parent)
  /// keep its whole tensor resident or pass its tiles through (the fixed rule of
  /// docs/extending.md, "An L1 chained under the global buffer").
  struct Staging {
    bool fits = true;
    bool outer_resident[2] = {false, false};  // ifmap, weight
  };
  Staging staging(const Candidate& c) const;
  LayerSchedule build_staged(const Candidate& c, const Staging& stg, ISearchGuard* guard) const;
  const arch::ISystolicDataflow& dataflow(const std::string& name) const;
  Dims dims(const std::string& df, int64_t gp) const;
  int64_t pack_limit(const Dims& d) const;
  int64_t stream_tile_bytes(const Dims& d, int op, int64_t t) const;
  int64_t stationary_tile_bytes(const Dims& d) const;
  int64_t output_tile_bytes(const Dims& d, int64_t t) const;
  // Block-diagonal (row, col) pairs of a tile whose rows are reduction indices or, with the N:M
  // datapath, weight slots (a conv group then spans slots_per_group rows).
  int64_t row_diag_pairs(const Dims& d, Range rows, Range cols) const;
  // Stationary weight bytes of a tile of held weights: its block-diagonal values (N:M: its
  // slots' values; the position fields are the "nm" storage format's metadata).
  int64_t weight_tile_bytes(const Dims& d, Range rows, Range cols) const;
  // build(): the schedule's description and program fields, then its folds one by one.
  SystolicProgram& describe(LayerSchedule& out, const Dims& d, const Candidate& cand,
                            const Staging& stg) const;
  const FoldGeom& geometry(BuildState& st, const SystolicFold& f, Range span) const;
  void add_fold(BuildState& st, int64_t pack, int64_t row_fold, int64_t col_fold, int64_t rf_n,
                Range span) const;
  // Bytes of operand `op` (ifmap or weight) over the tile whose GEMM ranges are `by_dim`.
  int64_t operand_bytes(const Dims& d, int op, int64_t pack, const Range (&by_dim)[3]) const;

  // Worst-case tile sizes are needed by every capacity check; they depend only on
  // (dataflow, packing, operand, chunk), so they are computed once per planner.
  mutable std::map<std::tuple<std::string, int64_t, int, int64_t>, int64_t> tile_cache_;

  const Graph& graph_;
  const Layer& layer_;
  const arch::AcceleratorSpec& spec_;
  std::array<std::vector<arch::Hop>, arch::kNumOperands> routes_;  // arch::operand_routes(spec_)
  std::map<std::string, std::unique_ptr<arch::ISystolicDataflow>> dataflows_;
  ConvShape shape_;
  int in_bits_ = 8, w_bits_ = 8, out_bits_ = 8;
  int64_t ifmap_tensor_bytes_ = 0, weight_tensor_bytes_ = 0;
  arch::QuantParams quant_;
  NmSlots nm_;  // active: the layer runs on the N:M datapath (sparsity.structured), weights held
};

}  // namespace adasim::workloads
