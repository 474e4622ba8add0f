// SPDX-License-Identifier: Apache-2.0
// The GEMM view of a conv-like layer with block-diagonal group packing, and the reuse arithmetic
// the mapper needs: useful MACs of a tile, and the unique DRAM bytes of an ifmap / weight tile.
#pragma once

#include <cstdint>
#include <vector>

#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// Half-open index range [lo, lo + len).
struct Range {
  int64_t lo = 0;
  int64_t len = 0;
  int64_t hi() const { return lo + len; }
};

int64_t overlap(Range a, Range b);
/// Pairs (i, j) in a x b with i / ga == j / gb: the entries of a block-diagonal matrix whose
/// blocks are ga x gb.
int64_t block_diag_pairs(Range a, int64_t ga, Range b, int64_t gb);

class GemmView {
 public:
  /// group_pack: groups placed block-diagonally in one pack GEMM.
  GemmView(const ConvShape& s, int64_t group_pack, int in_bits, int w_bits);

  const ConvShape& shape() const { return s_; }
  int64_t m() const { return s_.gemm_m(); }
  int64_t gk() const { return s_.gemm_kred(); }   ///< Kred per group
  int64_t gn() const { return s_.gemm_n(); }      ///< filters per group
  int64_t packs() const { return (s_.groups + gp_ - 1) / gp_; }
  int64_t group_pack() const { return gp_; }
  int64_t groups_in_pack(int64_t pack) const;
  int64_t kred_of_pack(int64_t pack) const { return groups_in_pack(pack) * gk(); }
  int64_t n_of_pack(int64_t pack) const { return groups_in_pack(pack) * gn(); }
  int64_t first_group(int64_t pack) const { return pack * gp_; }

  /// Useful (kk, nn) pairs of the block-diagonal pack weight matrix inside the two ranges.
  int64_t diag_pairs(Range kk, Range nn) const;
  /// Distinct input channels touched by pack Kred range kk.
  int64_t channels_touched(int64_t pack, Range kk) const;
  /// Unique ifmap bytes a tile (GEMM rows m x pack Kred kk) needs from DRAM: whole input rows of
  /// the touched images, only the columns any output column uses, only touched channels.
  int64_t ifmap_bytes(int64_t pack, Range m, Range kk) const;
  /// Weight bytes of the tile (only the block-diagonal entries exist in memory).
  int64_t weight_bytes(Range kk, Range nn) const;

 private:
  int64_t input_rows_touched(int64_t p_lo, int64_t p_hi) const;  // inclusive output rows

  ConvShape s_;
  int64_t gp_;
  int in_bits_, w_bits_;
  int64_t cols_touched_ = 0;  // input columns used by all output columns
};

}  // namespace adasim::workloads
