// SPDX-License-Identifier: Apache-2.0
// Address generation of the buffers feeding the array: maps pack-GEMM coordinates (pixel m,
// reduction index kk, filter nn) to elements of the layer's real tensors (im2col on the fly, zero
// padding, block-diagonal groups) and builds the per-fold operand tiles the edge feeders stream.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/program/program.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class OperandAccess {
 public:
  /// `b` is the weight tensor (conv/fc/matmul with weight) or the second activation (matmul).
  OperandAccess(const LayerProgram& prog, const workloads::Int16Buffer& a,
                const workloads::Int16Buffer& b);

  /// Ifmap operand of GEMM row m and pack reduction index kk (0 for padding).
  int16_t a(int64_t pack, int64_t m, int64_t kk) const;
  /// Weight operand (0 off the block diagonal: different groups).
  int16_t w(int64_t pack, int64_t kk, int64_t nn) const;
  /// Flat index of output (m, nn) of a pack in the layer's output tensor.
  int64_t out_index(int64_t pack, int64_t m, int64_t nn) const;
  int64_t out_elements() const;
  /// out_index(pack, m, nn) == m_part(m) + n_part(pack, nn): the layouts are separable, which
  /// lets the collectors precompute both halves.
  int64_t m_part(int64_t m) const { return m_part_[size_t(m)]; }
  int64_t n_part(int64_t pack, int64_t nn) const;
  /// Gathers a(pack, m, kk0 + i) for i < rows into dst[i] (one stream vector, no divisions).
  void gather_a_row(int64_t pack, int64_t m, int64_t kk0, int64_t rows, int16_t* dst) const;

 private:
  struct KOff {
    int64_t c, dr, ds;
  };  // channel, r*dil_h, s*dil_w of a reduction index
  struct MOff {
    int64_t n, h0, w0;
  };                        // image, top-left input row/col of an output pixel
  std::vector<KOff> koff_;  // per pack Kred index (group-local part)
  std::vector<MOff> moff_;
  std::vector<int64_t> m_part_;
  const workloads::ConvShape& s_;
  const workloads::Int16Buffer& a_;
  const workloads::Int16Buffer& b_;
  bool matmul_ = false;
  int64_t gk_, gn_, gp_;
};

/// The outputs one chunk stores: pack-GEMM pixels [m0, m0 + m_len) x filters [n0, n0 + n_len)
/// of pack `pack` (out_index maps them to the output tensor). The M and N ranges come from the
/// fold's spatial tile (rows [row0, row0 + rows), cols [col0, col0 + cols)) and the chunk's
/// temporal range [f.t0 + c.t0, + c.t_len), on whichever of them the schedule puts M and N
/// (WS: time M, cols N; IS: cols M, time N; OS: rows M, cols N). Throws sim::ModelError when
/// the range does not hold c.out_elems elements.
struct ChunkOutputs {
  int64_t pack = 0, m0 = 0, m_len = 0, n0 = 0, n_len = 0;
};
ChunkOutputs chunk_outputs(const LayerProgram& prog, const SystolicFold& f, const ChunkPlan& c);

/// Operand tiles of one fold, laid out for the edge feeders: `top[t * cols + j]` (OS only) is
/// what enters column j at stream time t; `stationary[i * cols + j]` (WS/IS) the tile loaded
/// into PE (i, j), where rows i are sub-rows: sub_rows(f.rows) of them (precision lanes
/// count one each; with the N:M datapath physical row r has the m sub-rows r * m + q, one per
/// position q of its group). The stream holds `stream_width` values per stream time t:
/// - OS: stream[t * rows + i] enters row i;
/// - WS/IS: physical row r takes the row_len[r] values from stream[t * stream_width +
///   row_at[r]] into its first lanes (the rest are 0). Dense and precision lanes: one value per
///   sub-row. N:M: the activations of the fold's groups, each once; a row's group is its span.
struct FoldTiles {
  std::vector<int16_t> stream;
  std::vector<int16_t> top;
  std::vector<int16_t> stationary;
  int64_t stream_width = 0;
  std::vector<int64_t> row_at, row_len;
};

FoldTiles build_fold_tiles(const LayerProgram& prog, const SystolicFold& f,
                           const OperandAccess& acc);

/// Shape of the int32 accumulators of an array layer: conv [N][K][P][Q], FC [N][K], matmul
/// [N][P][K] (or [groups][P][K/groups] with a per-batch B).
std::vector<int64_t> accumulator_shape(workloads::OpType op, const workloads::ConvShape& s);

}  // namespace adasim::arch
