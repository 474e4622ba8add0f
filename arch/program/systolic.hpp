// SPDX-License-Identifier: Apache-2.0
// The program of a systolic (spine) array for one conv / FC / matmul layer: the layer is a GEMM
// per group (M pixels x Kred x N filters); groups are packed block-diagonally, the pack GEMM is
// laid onto the array's rows, columns and time, cut into folds (spatial tiles of the array), and
// each fold streams its temporal extent chunk by chunk (the chunks are the transfer plan's).
// The array supports three layouts: the reduction down the rows with the weights (cols = N) or
// the inputs (cols = M) held in the PEs, or the reduction in time with the outputs held in the
// PEs (rows = M, cols = N). Which mapper dataflow chose the layout is the mapper's business.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/program/nm_slots.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// Which GEMM dimension of the pack lies along array rows, array columns and time.
enum class GemmDim { kM, kKred, kN };
const char* to_string(GemmDim d);

/// The array's layouts: the reduction down the rows with the weights or the inputs held in the
/// PEs, or the reduction in time with the outputs held in the PEs.
enum class ArrayLayout { kWeightsHeld, kInputsHeld, kOutputsHeld };

/// One fold: a spatial tile [row0, row0+rows) x [col0, col0+cols) of the pack GEMM on the array.
struct SystolicFold {
  int64_t pack = 0;
  int64_t row_fold = 0, col_fold = 0;
  int64_t row0 = 0, rows = 0;
  int64_t col0 = 0, cols = 0;
  int64_t t0 = 0;                     ///< first temporal index of this fold (chunk-outer order)
  int64_t t_len = 0;                  ///< temporal extent streamed by this fold
  int64_t stationary_tile_bytes = 0;  ///< bytes the stationary tile occupies in the PEs
  bool first_accum = true;            ///< psums start from zero (first fold over Kred)
  bool last_accum = true;             ///< outputs final after this fold
  int64_t macs = 0;                   ///< useful MACs (off-diagonal group blocks excluded)
};

struct SystolicProgram {
  // GEMM view (per group) and packing.
  int64_t gemm_m = 0, gemm_kred = 0, gemm_n = 0;
  int64_t groups = 1, group_pack = 1, packs = 1;
  GemmDim rows_dim = GemmDim::kKred, cols_dim = GemmDim::kN, time_dim = GemmDim::kM;
  int64_t dim_rows = 0, dim_cols = 0, dim_time = 0;  ///< pack extents on rows / cols / time
  int64_t row_folds = 0, col_folds = 0, chunk_len = 0;
  bool psum_spill = false;   ///< psums go to DRAM between row folds
  bool chunk_outer = false;  ///< temporal chunks outside the Kred folds
  /// MAC lanes per PE (precision-scalable PEs, arch::mac_lanes): a fold's rows count reduction
  /// indices, `mac_lanes` of them per physical PE row.
  int mac_lanes = 1;
  /// N:M structured-sparse datapath (weights held, nm_slots.hpp): a fold's rows are weight
  /// slots, one per physical row, and each row carries its N:M group's nm_m activations.
  int nm_n = 0, nm_m = 0;
  std::vector<SystolicFold> folds;  ///< parallel to the transfer plan's folds

  /// The reduction runs in time and the outputs stay in the PEs (rows M, cols N).
  bool outputs_stationary() const { return time_dim == GemmDim::kKred; }
  /// The operand held in the PEs when the reduction runs down the rows: the weights when the
  /// columns are filters (N), the inputs when they are pixels (M).
  Operand stationary_operand() const {
    return cols_dim == GemmDim::kN ? Operand::kWeight : Operand::kIfmap;
  }
  /// The operand streamed along the rows when the reduction runs down the rows.
  Operand streamed_operand() const {
    return stationary_operand() == Operand::kWeight ? Operand::kIfmap : Operand::kWeight;
  }
  /// The layout of rows / cols / time; throws sim::ModelError for an assignment the array does
  /// not support (see the file comment).
  ArrayLayout layout() const;

  NmSlots nm() const { return NmSlots{nm_n, nm_m, gemm_kred}; }
  /// Physical PE rows a fold of `rows` rows occupies.
  int64_t physical_rows(int64_t rows) const {
    return nm_m > 0 ? rows : (rows + mac_lanes - 1) / mac_lanes;
  }
  /// Operand sub-rows per physical row: MAC lanes, or the N:M group's activations.
  int sub_per_row() const { return nm_m > 0 ? nm_m : mac_lanes; }
  /// Sub-rows of a fold's tiles (FoldTiles lay stream and stationary values out per sub-row).
  int64_t sub_rows(int64_t rows) const { return nm_m > 0 ? rows * nm_m : rows; }
  /// Distinct stream values one step of fold f reads (reduction down the rows): its rows, or
  /// with the N:M datapath the reduction indices its slots' groups span (a group's activations
  /// are read once and shared by its n rows).
  int64_t feed_values(const SystolicFold& f) const {
    if (nm_m == 0 || f.rows == 0) return f.rows;
    const NmSlots s = nm();
    return s.kk_hi(f.row0 + f.rows) - s.kk_lo(f.row0);
  }
  int64_t macs() const;  ///< sum of fold MACs
};

}  // namespace adasim::arch
