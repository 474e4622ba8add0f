// SPDX-License-Identifier: Apache-2.0
// Schedule: how one layer runs on the array. A conv/FC/matmul layer is a GEMM per group
// (M pixels x Kred x N filters); groups are packed block-diagonally, the pack GEMM is cut into
// folds (spatial tiles of the array) and each fold streams its temporal extent in chunks sized so
// that every SRAM level holds its tiles with double buffering. The transfer plan (bytes moved
// between DRAM and SRAM per fold/chunk) is part of the schedule; the DMA executes it.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "arch/vector/vector_op.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/nm_slots.hpp"
#include "workloads/mapper/spatial/loop_nest.hpp"

namespace adasim::workloads {

/// Which GEMM dimension of the pack lies along array rows, array columns and time.
enum class GemmDim { kM, kKred, kN };
const char* to_string(GemmDim d);

/// One temporal chunk of a fold: the stream operands for [t0, t0+t_len) are staged in SRAM.
struct ChunkPlan {
  int64_t t0 = 0;
  int64_t t_len = 0;
  std::array<int64_t, arch::kNumOperands> load_bytes{};  ///< DRAM->SRAM before the chunk is fed
  int64_t psum_load_bytes = 0;  ///< int32 partial sums re-read from DRAM (spilled by a prior fold)
  int64_t store_bytes = 0;      ///< SRAM->DRAM after the chunk's outputs are complete
  bool store_is_psum = false;   ///< store is an int32 psum spill (not the final output)
  int64_t out_elems = 0;        ///< output elements produced by this chunk
};

/// One fold: a spatial tile [row0, row0+rows) x [col0, col0+cols) of the pack GEMM on the array.
struct FoldPlan {
  int64_t pack = 0;
  int64_t row_fold = 0, col_fold = 0;
  int64_t row0 = 0, rows = 0;
  int64_t col0 = 0, cols = 0;
  int64_t t0 = 0;                        ///< first temporal index of this fold (chunk-outer order)
  int64_t t_len = 0;                     ///< temporal extent streamed by this fold
  int64_t stationary_load_bytes = 0;     ///< DRAM->SRAM for the stationary tile (0 = resident)
  int64_t stationary_tile_bytes = 0;     ///< bytes the stationary tile occupies in the PEs
  bool first_accum = true;               ///< psums start from zero (first fold over Kred)
  bool last_accum = true;                ///< outputs final after this fold
  int64_t macs = 0;                      ///< useful MACs (off-diagonal group blocks excluded)
  std::vector<ChunkPlan> chunks;
};

/// Per-operand residency decision for the layer.
struct OperandPlan {
  bool resident = false;     ///< whole layer's share loaded once and kept
  int slots = 2;             ///< SRAM buffers for streaming (2 = double buffered)
  int64_t tile_bytes = 0;    ///< footprint of one slot
  int64_t dram_bytes = 0;    ///< total DRAM traffic planned for the operand (loads or stores)
};

/// How the mapper chose this schedule (filled by the search).
struct SearchInfo {
  std::string objective;        ///< "latency", "energy" or "edp"
  std::string chosen;           ///< Candidate::describe() of the winner
  double est_cycles = 0, est_energy_pj = 0;
  bool has_runner_up = false;
  std::string runner_up;        ///< best candidate with another dataflow / packing / loop order
  double runner_cycles = 0, runner_energy_pj = 0;
  int64_t evaluated = 0;        ///< candidates scored
};

struct LayerSchedule {
  std::string layer;
  OpType op = OpType::kConv2d;
  bool vector_path = false;             ///< pooling / eltwise on the vector unit
  arch::Dataflow dataflow = arch::Dataflow::kWeightStationary;
  ConvShape shape;
  int in_bits = 8, w_bits = 8, out_bits = 8;

  // GEMM view (per group) and packing.
  int64_t gemm_m = 0, gemm_kred = 0, gemm_n = 0;
  int64_t groups = 1, group_pack = 1, packs = 1;
  GemmDim rows_dim = GemmDim::kKred, cols_dim = GemmDim::kN, time_dim = GemmDim::kM;
  int64_t dim_rows = 0, dim_cols = 0, dim_time = 0;  ///< pack extents on rows / cols / time
  int64_t row_folds = 0, col_folds = 0, chunk_len = 0;
  bool psum_spill = false;              ///< psums go to DRAM between row folds
  bool chunk_outer = false;             ///< WS/IS: temporal chunks outside the Kred folds
  std::string loop_order;
  std::array<OperandPlan, arch::kNumOperands> operands{};
  std::vector<FoldPlan> folds;
  SearchInfo search;
  /// Spatial arrays: the loop nest the engine runs. Each fold is a run of DRAM iterations over
  /// the same output tile, each chunk one DRAM iteration.
  std::optional<spatial::Mapping> spatial;

  // Vector path (pool, eltwise, concat, lookup, softmax, layernorm, layout): `vector_ops` lane
  // operations on `vector_lanes` lanes; `vector_op` is what the lanes compute.
  int64_t vector_ops = 0;
  int64_t vector_lanes = 0;
  arch::VectorOp vector_op;
  /// MAC lanes per PE (precision-scalable PEs, arch::mac_lanes): a fold's rows count reduction
  /// indices, `mac_lanes` of them per physical PE row.
  int mac_lanes = 1;
  /// N:M structured-sparse datapath (WS, nm_slots.hpp): a fold's rows are weight slots, one per
  /// physical row, and each row carries its N:M group's nm_m activations. 0 = dense.
  int nm_n = 0, nm_m = 0;
  NmSlots nm() const { return NmSlots{nm_n, nm_m, gemm_kred}; }
  /// Physical PE rows a fold of `rows` rows occupies.
  int64_t physical_rows(int64_t rows) const {
    return nm_m > 0 ? rows : (rows + mac_lanes - 1) / mac_lanes;
  }
  /// Operand sub-rows per physical row: MAC lanes, or the N:M group's activations.
  int sub_per_row() const { return nm_m > 0 ? nm_m : mac_lanes; }
  /// Sub-rows of a fold's tiles (FoldTiles lay stream and stationary values out per sub-row).
  int64_t sub_rows(int64_t rows) const { return nm_m > 0 ? rows * nm_m : rows; }
  /// Distinct stream values one step of fold f reads (WS / IS): its rows, or with the N:M
  /// datapath the reduction indices its slots' groups span (a group's activations are read once
  /// and shared by its n rows).
  int64_t feed_values(const FoldPlan& f) const {
    if (nm_m == 0 || f.rows == 0) return f.rows;
    const NmSlots s = nm();
    return s.kk_hi(f.row0 + f.rows) - s.kk_lo(f.row0);
  }
  int64_t vector_in_bytes = 0, vector_out_bytes = 0;

  int64_t macs() const;                 ///< sum of fold MACs (or vector ops)
  int64_t dram_load_bytes() const;
  int64_t dram_store_bytes() const;
  nlohmann::json to_json() const;       ///< compact description (no per-chunk arrays)
};

}  // namespace adasim::workloads
