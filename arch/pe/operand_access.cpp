// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/operand_access.hpp"

namespace adasim::arch {

using workloads::GemmDim;
using workloads::OpType;

OperandAccess::OperandAccess(const workloads::LayerSchedule& sch, const workloads::Int8Buffer& a,
                             const workloads::Int8Buffer& b)
    : sch_(sch), s_(sch.shape), a_(a), b_(b), matmul_(sch.op == OpType::kMatMul),
      gk_(sch.gemm_kred), gn_(sch.gemm_n), gp_(sch.group_pack) {}

int8_t OperandAccess::a(int64_t pack, int64_t m, int64_t kk) const {
  const int64_t g = pack * gp_ + kk / gk_;
  const int64_t kl = kk % gk_;
  if (matmul_) {
    // A is [b][M][Kd]: shared B -> m spans (b, row); per-batch B -> the group is the batch.
    const int64_t row_base = (s_.groups > 1) ? g * s_.p : 0;
    return a_.data[size_t((row_base + m) * gk_ + kl)];
  }
  const int64_t pq = s_.p * s_.q;
  const int64_t n = m / pq, rem = m % pq, p = rem / s_.q, q = rem % s_.q;
  const int64_t rs = s_.r * s_.s;
  const int64_t cl = kl / rs, r = (kl % rs) / s_.s, x = kl % s_.s;
  const int64_t c = g * s_.c_per_group() + cl;
  const int64_t h = p * s_.stride_h - s_.pad_t + r * s_.dil_h;
  const int64_t w = q * s_.stride_w - s_.pad_l + x * s_.dil_w;
  if (h < 0 || h >= s_.h || w < 0 || w >= s_.w) return 0;
  return a_.data[size_t(((n * s_.c + c) * s_.h + h) * s_.w + w)];
}

int8_t OperandAccess::w(int64_t pack, int64_t kk, int64_t nn) const {
  const int64_t gl = kk / gk_;
  if (gl != nn / gn_) return 0;  // off the block diagonal
  const int64_t g = pack * gp_ + gl;
  const int64_t kl = kk % gk_, nl = nn % gn_;
  if (matmul_) {
    // B is [Kd][N] (shared) or [b][Kd][N] (per batch, group g).
    const int64_t base = (s_.groups > 1) ? g * gk_ : 0;
    return b_.data[size_t((base + kl) * gn_ + nl)];
  }
  const int64_t k = g * gn_ + nl;
  return b_.data[size_t(k * gk_ + kl)];  // KCRS / [K][C]: the reduction index is contiguous
}

int64_t OperandAccess::out_index(int64_t pack, int64_t m, int64_t nn) const {
  const int64_t g = pack * gp_ + nn / gn_;
  const int64_t nl = nn % gn_;
  if (matmul_) {
    if (s_.groups > 1) return (g * s_.p + m) * gn_ + nl;  // [b][M][N], b = group
    return m * gn_ + nl;                                   // [b*M][N]
  }
  const int64_t pq = s_.p * s_.q;
  const int64_t n = m / pq, rem = m % pq;
  const int64_t k = g * gn_ + nl;
  return (n * s_.k + k) * pq + rem;  // NCHW ([N][K] for FC)
}

int64_t OperandAccess::out_elements() const { return s_.n * s_.k * s_.p * s_.q; }

std::vector<int64_t> OperandAccess::out_shape() const {
  if (matmul_) {
    if (s_.groups > 1) return {s_.groups, s_.p, gn_};
    return {s_.n, s_.p, s_.k};
  }
  if (sch_.op == OpType::kFullyConnected) return {s_.n, s_.k};
  return {s_.n, s_.k, s_.p, s_.q};
}

FoldTiles build_fold_tiles(const workloads::LayerSchedule& sch, const workloads::FoldPlan& f,
                           const OperandAccess& acc) {
  FoldTiles t;
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len, p = f.pack;
  switch (sch.dataflow) {
    case Dataflow::kWeightStationary:
      // rows: Kred, cols: N, time: M.
      t.stationary.resize(size_t(rows * cols));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          t.stationary[size_t(i * cols + j)] = acc.w(p, f.row0 + i, f.col0 + j);
      t.stream.resize(size_t(T * rows));
      for (int64_t m = 0; m < T; ++m)
        for (int64_t i = 0; i < rows; ++i) t.stream[size_t(m * rows + i)] = acc.a(p, m, f.row0 + i);
      break;
    case Dataflow::kInputStationary:
      // rows: Kred, cols: M, time: N.
      t.stationary.resize(size_t(rows * cols));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          t.stationary[size_t(i * cols + j)] = acc.a(p, f.col0 + j, f.row0 + i);
      t.stream.resize(size_t(T * rows));
      for (int64_t n = 0; n < T; ++n)
        for (int64_t i = 0; i < rows; ++i) t.stream[size_t(n * rows + i)] = acc.w(p, f.row0 + i, n);
      break;
    case Dataflow::kOutputStationary:
      // rows: M, cols: N, time: Kred.
      t.stream.resize(size_t(T * rows));
      for (int64_t k = 0; k < T; ++k)
        for (int64_t i = 0; i < rows; ++i) t.stream[size_t(k * rows + i)] = acc.a(p, f.row0 + i, k);
      t.top.resize(size_t(T * cols));
      for (int64_t k = 0; k < T; ++k)
        for (int64_t j = 0; j < cols; ++j) t.top[size_t(k * cols + j)] = acc.w(p, k, f.col0 + j);
      break;
  }
  return t;
}

}  // namespace adasim::arch
