// SPDX-License-Identifier: Apache-2.0
#include "arch/program/loop_nest.hpp"

#include <algorithm>
#include <tuple>

#include "sim/core/errors.hpp"

namespace adasim::arch::spatial {

using workloads::ConvShape;
using workloads::OpType;

const char* dim_name(int d) {
  static const char* kNames[kNumDims] = {"G", "N", "M", "C", "P", "Q", "R", "S"};
  return (d >= 0 && d < kNumDims) ? kNames[d] : "?";
}

const char* to_string(Level l) {
  switch (l) {
    case Level::kDram:
      return "dram";
    case Level::kGbuf:
      return "gbuf";
    case Level::kArrayY:
      return "array_y";
    case Level::kArrayX:
      return "array_x";
    case Level::kRf:
      return "rf";
  }
  return "?";
}

bool Box::empty() const {
  for (int a = 0; a < kAxes; ++a)
    if (hi[size_t(a)] <= lo[size_t(a)]) return true;
  return false;
}

int64_t Box::size() const {
  int64_t n = 1;
  for (int a = 0; a < kAxes; ++a) n *= std::max<int64_t>(0, hi[size_t(a)] - lo[size_t(a)]);
  return n;
}

bool Box::contains(const std::array<int64_t, kAxes>& x) const {
  for (int a = 0; a < kAxes; ++a)
    if (x[size_t(a)] < lo[size_t(a)] || x[size_t(a)] >= hi[size_t(a)]) return false;
  return true;
}

int64_t Box::overlap(const Box& o) const {
  int64_t n = 1;
  for (size_t a = 0; a < size_t(kAxes); ++a)
    n *= std::max<int64_t>(0, std::min(hi[a], o.hi[a]) - std::max(lo[a], o.lo[a]));
  return n;
}

Problem Problem::from_shape(const ConvShape& s, OpType op) {
  Problem p;
  const int64_t cg = s.c_per_group(), kg = s.k_per_group();
  p.bound = {s.groups, s.n, kg, cg, s.p, s.q, s.r, s.s};
  if (op == OpType::kMatMul) {
    // A [b][M][Kd] (per-batch B: the group is the batch), B [Kd][N] or [b][Kd][N], out [b][M][N].
    p.h = s.p;
    p.w = 1;
    p.ifmap_stride = {s.p * cg, s.p * cg, 1, cg, 0};
    p.weight_stride = {cg * kg, 1, kg, 0, 0};
    p.ofmap_stride = {s.p * kg, s.p * kg, 1, kg, 0};
  } else {
    p.h = s.h;
    p.w = s.w;
    p.stride_h = s.stride_h;
    p.stride_w = s.stride_w;
    p.dil_h = s.dil_h;
    p.dil_w = s.dil_w;
    p.pad_t = s.pad_t;
    p.pad_l = s.pad_l;
    // ifmap NCHW, weight KCRS (C per group), ofmap NKPQ.
    p.ifmap_stride = {cg * s.h * s.w, s.c * s.h * s.w, s.h * s.w, s.w, 1};
    p.weight_stride = {kg * cg * s.r * s.s, cg * s.r * s.s, s.r * s.s, s.s, 1};
    p.ofmap_stride = {kg * s.p * s.q, s.k * s.p * s.q, s.p * s.q, s.q, 1};
  }
  p.ifmap_elems = s.n * s.c * p.h * p.w;
  p.weight_elems = s.k * cg * s.r * s.s;
  p.ofmap_elems = s.n * s.k * s.p * s.q;
  return p;
}

int64_t Problem::macs() const {
  int64_t m = 1;
  for (int64_t b : bound) m *= b;
  return m;
}

using Idx = std::array<int64_t, kNumDims>;

Box intersect(const Box& a, const Box& b) {
  Box r;
  for (size_t i = 0; i < size_t(kAxes); ++i) {
    r.lo[i] = std::max(a.lo[i], b.lo[i]);
    r.hi[i] = std::max(r.lo[i], std::min(a.hi[i], b.hi[i]));
  }
  return r;
}

Box operand_box(int operand, const Problem& p, const Idx& lo, const Idx& span) {
  return intersect(unclipped_box(operand, p, lo, span), tensor_box(operand, p));
}

Box unclipped_box(int operand, const Problem& p, const Idx& lo, const Idx& span) {
  Box b;
  for (int a = 0; a < kAxes; ++a)
    std::tie(b.lo[size_t(a)], b.hi[size_t(a)]) = unclipped_axis(operand, a, p, lo, span);
  return b;
}

std::pair<int64_t, int64_t> unclipped_axis(int operand, int axis, const Problem& p, const Idx& lo,
                                           const Idx& span) {
  auto hi = [&](int d) { return lo[size_t(d)] + span[size_t(d)]; };
  if (operand == 0 && axis == 3)
    return {lo[kP] * p.stride_h + lo[kR] * p.dil_h - p.pad_t,
            (hi(kP) - 1) * p.stride_h + (hi(kR) - 1) * p.dil_h - p.pad_t + 1};
  if (operand == 0 && axis == 4)
    return {lo[kQ] * p.stride_w + lo[kS] * p.dil_w - p.pad_l,
            (hi(kQ) - 1) * p.stride_w + (hi(kS) - 1) * p.dil_w - p.pad_l + 1};
  const int d = kAxisDims[operand][axis][0];  // the ifmap's two-dim axes are handled above
  return {lo[size_t(d)], hi(d)};
}

std::pair<int64_t, int64_t> clipped_axis(int operand, int axis, const Problem& p, const Idx& lo,
                                         const Idx& span) {
  const auto [first, end] = unclipped_axis(operand, axis, p, lo, span);
  const int64_t extent = axis_extent(operand, axis, p);
  const int64_t c = std::clamp<int64_t>(first, 0, extent);
  return {c, std::max(c, std::min(end, extent))};
}

int64_t axis_extent(int operand, int axis, const Problem& p) {
  if (operand == 0 && axis == 3) return p.h;
  if (operand == 0 && axis == 4) return p.w;
  return p.bound[size_t(kAxisDims[operand][axis][0])];
}

int64_t window_extent(const Problem& p, const Idx& span, bool vertical) {
  return vertical ? (span[kP] - 1) * p.stride_h + (span[kR] - 1) * p.dil_h + 1
                  : (span[kQ] - 1) * p.stride_w + (span[kS] - 1) * p.dil_w + 1;
}

int64_t window_step(const Problem& p, int d) {
  return d == kP ? p.stride_h : d == kQ ? p.stride_w : d == kR ? p.dil_h : p.dil_w;
}

int64_t tile_elems(int operand, const Problem& p, const Idx& span) {
  auto m = [&](int d) { return std::min(span[size_t(d)], p.bound[size_t(d)]); };
  if (operand == 1) return m(kG) * m(kM) * m(kC) * m(kR) * m(kS);
  if (operand == 2) return m(kG) * m(kN) * m(kM) * m(kP) * m(kQ);
  const int64_t rows = std::min(p.h, window_extent(p, span, true));
  const int64_t cols = std::min(p.w, window_extent(p, span, false));
  return m(kG) * m(kN) * m(kC) * rows * cols;
}

Box tensor_box(int operand, const Problem& p) {
  Box b;
  for (int a = 0; a < kAxes; ++a) b.hi[size_t(a)] = axis_extent(operand, a, p);
  return b;
}

int64_t tensor_offset(int operand, const Problem& p, const std::array<int64_t, kAxes>& x) {
  const auto& st = operand == 0 ? p.ifmap_stride : operand == 1 ? p.weight_stride : p.ofmap_stride;
  int64_t off = 0;
  for (size_t a = 0; a < size_t(kAxes); ++a) off += x[a] * st[a];
  return off;
}

// Read from the axis table rather than restated, so the two cannot disagree.
bool relevant(int operand, int dim) { return axis_of(operand, dim) >= 0; }

size_t Mapping::first_at(Level level) const {
  for (size_t i = 0; i < loops.size(); ++i)
    if (int(loops[i].level) >= int(level)) return i;
  return loops.size();
}

int64_t Mapping::product(size_t from, size_t to) const {
  int64_t n = 1;
  for (size_t i = from; i < to && i < loops.size(); ++i) n *= loops[i].bound;
  return n;
}

int64_t Mapping::rows() const {
  return product(first_at(Level::kArrayY), first_at(Level::kArrayX));
}
int64_t Mapping::cols() const { return product(first_at(Level::kArrayX), first_at(Level::kRf)); }

std::vector<int64_t> Mapping::inner_strides() const {
  std::vector<int64_t> out(loops.size(), 1);
  Idx run;
  run.fill(1);
  for (size_t i = loops.size(); i-- > 0;) {
    out[i] = run[size_t(loops[i].dim)];
    run[size_t(loops[i].dim)] *= loops[i].bound;
  }
  return out;
}

Idx Mapping::spans_from(size_t from) const {
  Idx s;
  s.fill(1);
  for (size_t i = from; i < loops.size(); ++i) s[size_t(loops[i].dim)] *= loops[i].bound;
  return s;
}

namespace {
// Bytes of the operand tiles below loop `from` (one copy each), of the RF-kept operands only or
// of all three.
int64_t bytes_below(const Mapping& m, size_t from, const Problem& p, const int (&bytes)[3],
                    bool kept_only) {
  const Idx span = m.spans_from(from);
  int64_t total = 0;
  for (int o = 0; o < kNumOperands; ++o)
    if (!kept_only || m.rf_keep[size_t(o)]) total += tile_elems(o, p, span) * bytes[o];
  return total;
}
}  // namespace

int64_t Mapping::rf_footprint_bytes(const Problem& p, int in_bytes, int w_bytes,
                                    int psum_bytes) const {
  return bytes_below(*this, first_at(Level::kRf), p, {in_bytes, w_bytes, psum_bytes}, true);
}

int64_t Mapping::gbuf_tile_bytes(const Problem& p, int in_bytes, int w_bytes,
                                 int psum_bytes) const {
  return bytes_below(*this, first_at(Level::kGbuf), p, {in_bytes, w_bytes, psum_bytes}, false);
}

std::string Mapping::describe() const {
  std::string out;
  Level cur = Level::kDram;
  bool open = false;
  for (const Loop& l : loops) {
    if (!open || l.level != cur) {
      if (open) out += "\n";
      cur = l.level;
      out += std::string(to_string(cur)) + ":";
      open = true;
    }
    out += std::string(" ") +
           (l.level == Level::kArrayY || l.level == Level::kArrayX ? "par " : "for ") +
           dim_name(l.dim) + "/" + std::to_string(l.bound);
  }
  out += "\nrf keeps:";
  static const char* kOps[3] = {"ifmap", "weight", "psum"};
  bool any = false;
  for (int o = 0; o < 3; ++o)
    if (rf_keep[size_t(o)]) {
      out += std::string(" ") + kOps[o];
      any = true;
    }
  if (!any) out += " nothing";
  return out;
}

}  // namespace adasim::arch::spatial
