// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/operand_access.hpp"

#include <algorithm>
#include <string>

#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::OpType;

OperandAccess::OperandAccess(const LayerProgram& prog, const workloads::Int16Buffer& a,
                             const workloads::Int16Buffer& b)
    : s_(prog.shape),
      a_(a),
      b_(b),
      matmul_(prog.op == OpType::kMatMul),
      gk_(prog.systolic().gemm_kred),
      gn_(prog.systolic().gemm_n),
      gp_(prog.systolic().group_pack) {
  const int64_t m_total = s_.gemm_m();
  m_part_.resize(size_t(m_total));
  if (!matmul_) {
    const int64_t pq = s_.p * s_.q;
    moff_.resize(size_t(m_total));
    for (int64_t m = 0; m < m_total; ++m) {
      const int64_t n = m / pq, rem = m % pq, p = rem / s_.q, q = rem % s_.q;
      moff_[size_t(m)] = {n, p * s_.stride_h - s_.pad_t, q * s_.stride_w - s_.pad_l};
      m_part_[size_t(m)] = n * s_.k * pq + rem;
    }
    const int64_t rs = s_.r * s_.s;
    koff_.resize(size_t(gk_));
    for (int64_t kl = 0; kl < gk_; ++kl)
      koff_[size_t(kl)] = {kl / rs, ((kl % rs) / s_.s) * s_.dil_h, (kl % s_.s) * s_.dil_w};
  } else {
    for (int64_t m = 0; m < m_total; ++m) m_part_[size_t(m)] = m * gn_;
  }
}

int64_t OperandAccess::n_part(int64_t pack, int64_t nn) const {
  const int64_t g = pack * gp_ + nn / gn_;
  const int64_t nl = nn % gn_;
  if (matmul_) return s_.groups > 1 ? g * s_.p * gn_ + nl : nl;
  return (g * gn_ + nl) * s_.p * s_.q;
}

void OperandAccess::gather_a_row(int64_t pack, int64_t m, int64_t kk0, int64_t rows,
                                 int16_t* dst) const {
  if (matmul_) {
    for (int64_t i = 0; i < rows; ++i) dst[i] = a(pack, m, kk0 + i);
    return;
  }
  const MOff mo = moff_[size_t(m)];
  const int64_t cg = s_.c_per_group();
  const int16_t* base = a_.data.data() + size_t(mo.n * s_.c * s_.h * s_.w);
  int64_t g = pack * gp_ + kk0 / gk_, kl = kk0 % gk_;
  for (int64_t i = 0; i < rows; ++i) {
    const KOff& ko = koff_[size_t(kl)];
    const int64_t h = mo.h0 + ko.dr, w = mo.w0 + ko.ds;
    dst[i] = (h < 0 || h >= s_.h || w < 0 || w >= s_.w)
                 ? int16_t{0}
                 : base[size_t(((g * cg + ko.c) * s_.h + h) * s_.w + w)];
    if (++kl == gk_) {
      kl = 0;
      ++g;
    }
  }
}

int16_t OperandAccess::a(int64_t pack, int64_t m, int64_t kk) const {
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

int16_t OperandAccess::w(int64_t pack, int64_t kk, int64_t nn) const {
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
  // matmul: [b][M][N] with b = group when B is per batch, else [b*M][N]; conv/FC: NCHW ([N][K]).
  return m_part(m) + n_part(pack, nn);
}

int64_t OperandAccess::out_elements() const { return s_.n * s_.k * s_.p * s_.q; }

std::vector<int64_t> accumulator_shape(OpType op, const workloads::ConvShape& s) {
  if (op == OpType::kMatMul) {
    if (s.groups > 1) return {s.groups, s.p, s.gemm_n()};
    return {s.n, s.p, s.k};
  }
  if (op == OpType::kFullyConnected) return {s.n, s.k};
  return {s.n, s.k, s.p, s.q};
}

namespace {

// WS on the N:M datapath: physical row i holds weight slot row0 + i; its m lanes carry the
// slot's N:M group (stationary: the slot's value on the lane of its position, 0 elsewhere, so
// the lanes' multiply-add computes exactly the m:1 multiplexer's product; stream: the fold's
// groups' activations once per step, row i feeding its group's, 0 past a short tail group).
FoldTiles build_nm_tiles(const LayerProgram& prog, const SystolicFold& f,
                         const OperandAccess& acc) {
  const SystolicProgram& sch = prog.systolic();
  FoldTiles t;
  const NmSlots nm = sch.nm();
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len, p = f.pack, m = nm.m;
  const int64_t sub = rows * m;
  t.stationary.assign(size_t(sub * cols), 0);
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t s = f.row0 + i, kk0 = nm.group_first(s), g = nm.group_size(s), rank = nm.rank(s);
    for (int64_t j = 0; j < cols; ++j) {
      int64_t seen = 0;
      for (int64_t q = 0; q < g; ++q) {
        const int16_t v = acc.w(p, kk0 + q, f.col0 + j);
        if (v == 0) continue;
        if (seen == nm.n)
          throw sim::ConfigError("", "/sparsity/structured", "layer \"" + prog.layer + "\"",
                                 "weights with at most " + std::to_string(nm.n) +
                                     " nonzeros in every " + "group of " + std::to_string(m) +
                                     " reduction indices: filter " + std::to_string(f.col0 + j) +
                                     " of pack " + std::to_string(p) +
                                     " has more in the group from index " + std::to_string(kk0));
        if (seen++ == rank) t.stationary[size_t((i * m + q) * cols + j)] = v;
      }
    }
  }
  // The stream carries the span of the fold's groups once per step; row i feeds its group.
  const int64_t lo = nm.kk_lo(f.row0), span = nm.kk_hi(f.row0 + rows) - lo;
  t.stream_width = span;
  t.row_at.resize(size_t(rows));
  t.row_len.resize(size_t(rows));
  for (int64_t i = 0; i < rows; ++i) {
    t.row_at[size_t(i)] = nm.group_first(f.row0 + i) - lo;
    t.row_len[size_t(i)] = nm.group_size(f.row0 + i);
  }
  t.stream.resize(size_t(T * span));
  for (int64_t x = 0; x < T; ++x)
    acc.gather_a_row(p, f.t0 + x, lo, span, &t.stream[size_t(x * span)]);
  return t;
}

}  // namespace

FoldTiles build_fold_tiles(const LayerProgram& prog, const SystolicFold& f,
                           const OperandAccess& acc) {
  const SystolicProgram& sch = prog.systolic();
  const ArrayLayout layout = sch.layout();
  if (sch.nm_m > 0 && layout == ArrayLayout::kWeightsHeld) return build_nm_tiles(prog, f, acc);
  FoldTiles t;
  const int64_t rows = f.rows, cols = f.cols, T = f.t_len, p = f.pack, t0 = f.t0;
  if (layout != ArrayLayout::kOutputsHeld) {
    // One value per sub-row; physical row r holds sub-rows r * L .. r * L + L - 1.
    const int64_t L = std::max(1, sch.sub_per_row()), phys = sch.physical_rows(rows);
    t.stream_width = rows;
    t.row_at.resize(size_t(phys));
    t.row_len.resize(size_t(phys));
    for (int64_t r = 0; r < phys; ++r) {
      t.row_at[size_t(r)] = r * L;
      t.row_len[size_t(r)] = std::min(L, rows - r * L);
    }
  }
  switch (layout) {
    case ArrayLayout::kWeightsHeld:
      // rows: Kred, cols: N, time: M.
      t.stationary.resize(size_t(rows * cols));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          t.stationary[size_t(i * cols + j)] = acc.w(p, f.row0 + i, f.col0 + j);
      t.stream.resize(size_t(T * rows));
      for (int64_t m = 0; m < T; ++m)
        acc.gather_a_row(p, t0 + m, f.row0, rows, &t.stream[size_t(m * rows)]);
      break;
    case ArrayLayout::kInputsHeld:
      // rows: Kred, cols: M, time: N. Column j holds pixel col0 + j's reduction window.
      t.stationary.resize(size_t(rows * cols));
      {
        std::vector<int16_t> column(static_cast<size_t>(rows));
        for (int64_t j = 0; j < cols; ++j) {
          acc.gather_a_row(p, f.col0 + j, f.row0, rows, column.data());
          for (int64_t i = 0; i < rows; ++i) t.stationary[size_t(i * cols + j)] = column[size_t(i)];
        }
      }
      t.stream.resize(size_t(T * rows));
      for (int64_t n = 0; n < T; ++n)
        for (int64_t i = 0; i < rows; ++i)
          t.stream[size_t(n * rows + i)] = acc.w(p, f.row0 + i, t0 + n);
      break;
    case ArrayLayout::kOutputsHeld:
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

ChunkOutputs chunk_outputs(const LayerProgram& prog, const SystolicFold& f, const ChunkPlan& c) {
  const SystolicProgram& sch = prog.systolic();
  struct Span {
    GemmDim dim;
    int64_t lo, len;
  };
  const Span spans[3] = {{sch.rows_dim, f.row0, f.rows},
                         {sch.cols_dim, f.col0, f.cols},
                         {sch.time_dim, f.t0 + c.t0, c.t_len}};
  ChunkOutputs out;
  out.pack = f.pack;
  bool have_m = false, have_n = false;
  for (const Span& s : spans) {
    if (s.dim == GemmDim::kM) {
      out.m0 = s.lo;
      out.m_len = s.len;
      have_m = true;
    } else if (s.dim == GemmDim::kN) {
      out.n0 = s.lo;
      out.n_len = s.len;
      have_n = true;
    }
  }
  if (!have_m || !have_n || out.m_len * out.n_len != c.out_elems)
    throw sim::ModelError("chunk outputs: layer " + prog.layer + " has a chunk of " +
                          std::to_string(c.out_elems) + " outputs that its fold's M x N range (" +
                          std::to_string(out.m_len) + " x " + std::to_string(out.n_len) +
                          ") does not cover");
  return out;
}

}  // namespace adasim::arch
