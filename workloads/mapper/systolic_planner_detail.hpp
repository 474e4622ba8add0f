// SPDX-License-Identifier: Apache-2.0
// What the systolic planner's two halves share (systolic_planner.cpp: candidates, footprints and
// staging; systolic_plan_build.cpp: the fold-by-fold transfer plan of one candidate). Private to
// the mapper: include only from those two files.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "workloads/mapper/systolic_planner.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads {
namespace planner_detail {

using arch::Operand;
constexpr int kIf = int(Operand::kIfmap), kW = int(Operand::kWeight), kOf = int(Operand::kOfmap);
constexpr int kPsumBytes = 4;  // int32 partial sums

using tiling::bits_of;
using tiling::ceil_div;
using tiling::Footprint;
using tiling::slots_of;

/// SCALE-Sim's fold order (columns outside, rows inside, on every dataflow: the `for fc: for fr`
/// of its compute classes) under its timing convention; adasim's own puts OS rows outside.
inline bool scalesim_order(const arch::AcceleratorSpec& spec) {
  return spec.pe_array.convention == arch::TimingConvention::kScaleSim;
}

using arch::GemmDim;
// The GEMM dimensions an operand is indexed by: ifmap (M, Kred), weight (Kred, N).
inline std::pair<GemmDim, GemmDim> dims_of(int op) {
  return op == kIf ? std::make_pair(GemmDim::kM, GemmDim::kKred)
                   : std::make_pair(GemmDim::kKred, GemmDim::kN);
}
inline size_t at(GemmDim d) { return size_t(d); }

}  // namespace planner_detail

struct SystolicPlanner::Dims {
  std::string df;
  arch::SystolicLayout lay;
  int64_t gp;
  std::shared_ptr<GemmView> view;
  arch::GemmDim rows_dim, cols_dim, time_dim;
  int64_t dim_rows, dim_cols, dim_time;  // pack 0 (the widest)
  int64_t row_folds, col_folds;
  int64_t lanes = 1;     // MAC lanes per PE (precision-scalable PEs, reduction down the rows)
  int64_t cap_rows = 1;  // rows of a fold: reduction indices, weight slots (N:M) or pixels
  int64_t ac = 1;        // columns of a fold
  NmSlots nm;            // N:M datapath: the rows dimension counts weight slots
  /// Pack reduction indices the rows of a fold span (the identity without N:M).
  Range kk_of(Range rows) const {
    if (!nm.active() || rows.len <= 0) return rows;
    const int64_t lo = nm.kk_lo(rows.lo);
    return Range{lo, nm.kk_hi(rows.hi()) - lo};
  }
  bool stationary[3] = {false, false, false};
  bool stream[3] = {false, false, false};
  int held() const {
    return stationary[planner_detail::kW]    ? planner_detail::kW
           : stationary[planner_detail::kIf] ? planner_detail::kIf
                                             : -1;
  }
  int64_t extent(arch::GemmDim d, int64_t pack) const {
    switch (d) {
      case arch::GemmDim::kM:
        return view->m();
      case arch::GemmDim::kKred:
        return nm.active() ? view->groups_in_pack(pack) * nm.slots_per_group()
                           : view->kred_of_pack(pack);
      case arch::GemmDim::kN:
        return view->n_of_pack(pack);
    }
    return 0;
  }
  /// Extent and tile step of the axis a GEMM dimension lies on (time: chunks of t).
  std::pair<int64_t, int64_t> axis(arch::GemmDim d, int64_t t) const {
    if (d == rows_dim) return {dim_rows, cap_rows};
    if (d == cols_dim) return {dim_cols, ac};
    return {dim_time, t};
  }
};

}  // namespace adasim::workloads
