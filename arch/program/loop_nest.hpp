// SPDX-License-Identifier: Apache-2.0
// The mapping of one layer onto a spatial (NoC-fed) PE array, as a loop nest over the seven
// convolution dimensions plus groups: temporal loops at DRAM and global-buffer level, spatial
// loops over the array's Y (rows) and X (columns), and temporal loops inside each PE's register
// file. A tile of an operand at a level is the box of its coordinates the loops inside that level
// cover; the engine (arch/spatial) moves exactly these boxes, the mapper's estimate counts them.
// Part of the program contract (arch/program): the mapper searches loop nests, the engine runs
// them; JSON rendering stays with the mapper.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch::spatial {

/// Loop dimensions: groups, batch, output channels (per group), input channels (per group),
/// output rows, output columns, filter rows, filter columns.
enum Dim : int { kG = 0, kN, kM, kC, kP, kQ, kR, kS };
constexpr int kNumDims = 8;
const char* dim_name(int d);

enum class Level { kDram = 0, kGbuf, kArrayY, kArrayX, kRf };
const char* to_string(Level l);

struct Loop {
  int dim = kN;
  int64_t bound = 1;
  Level level = Level::kDram;
};

/// Axes of an operand's coordinate box (5 each): ifmap (g, n, c, h, w), weight (g, m, c, r, s),
/// ofmap (g, n, m, p, q).
constexpr int kAxes = 5;
/// Dims that move axis a of operand o's box: the ifmap's rows move with P and R, its columns
/// with Q and S, every other axis with one dim (the second entry -1). The one statement of how
/// axes and dims correspond, for the engine's boxes and the mapper's closed forms alike.
inline constexpr int kAxisDims[kNumOperands][kAxes][2] = {
    {{kG, -1}, {kN, -1}, {kC, -1}, {kP, kR}, {kQ, kS}},
    {{kG, -1}, {kM, -1}, {kC, -1}, {kR, -1}, {kS, -1}},
    {{kG, -1}, {kN, -1}, {kM, -1}, {kP, -1}, {kQ, -1}}};
/// kAxisDims inverted: per operand and dim, the axis the dim moves, or -1.
inline constexpr std::array<std::array<int, kNumDims>, kNumOperands> kDimAxis = [] {
  std::array<std::array<int, kNumDims>, kNumOperands> t{};
  for (auto& row : t)
    for (int& a : row) a = -1;
  for (int o = 0; o < kNumOperands; ++o)
    for (int a = 0; a < kAxes; ++a)
      for (int d : kAxisDims[o][a])
        if (d >= 0) t[size_t(o)][size_t(d)] = a;
  return t;
}();
/// The axis of operand o's box that dim d moves, or -1 when d does not index o.
constexpr int axis_of(int o, int d) { return kDimAxis[size_t(o)][size_t(d)]; }

struct Box {
  std::array<int64_t, kAxes> lo{}, hi{};
  bool empty() const;
  int64_t size() const;
  bool contains(const std::array<int64_t, kAxes>& x) const;
  /// Elements of this box that lie in `other` (0 when disjoint).
  int64_t overlap(const Box& other) const;
  bool operator==(const Box& o) const { return lo == o.lo && hi == o.hi; }
};

/// The layer as the loop nest sees it: dimension bounds, window geometry and the element strides
/// of the three tensors (so conv NCHW/KCRS/NKPQ and matmul row-major layouts share one engine).
struct Problem {
  std::array<int64_t, kNumDims> bound{};
  int64_t h = 1, w = 1;  ///< ifmap height / width
  int stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1, pad_t = 0, pad_l = 0;
  std::array<int64_t, kAxes> ifmap_stride{}, weight_stride{}, ofmap_stride{};
  int64_t ifmap_elems = 0, weight_elems = 0, ofmap_elems = 0;

  static Problem from_shape(const workloads::ConvShape& s, workloads::OpType op);
  int64_t macs() const;
};

/// Elements of operand `operand` touched where every dim d spans [lo[d], lo[d] + span[d]): the
/// unclipped box (below) cut to the tensor.
Box operand_box(int operand, const Problem& p, const std::array<int64_t, kNumDims>& lo,
                const std::array<int64_t, kNumDims>& span);
/// The intersection of two boxes.
Box intersect(const Box& a, const Box& b);

/// Calls f(coord) for every element of a box, row-major.
template <class F>
void for_each_in(const Box& b, F&& f) {
  if (b.empty()) return;
  std::array<int64_t, kAxes> x = b.lo;
  for (;;) {
    f(x);
    size_t a = size_t(kAxes);
    while (a-- > 0) {
      if (++x[a] < b.hi[a]) break;
      x[a] = b.lo[a];
    }
    if (a == size_t(-1)) return;
  }
}

/// The same box before clipping to the tensor (window rows/cols may start before 0 or end past
/// the edge, dims may run past their bound when factors do not divide): the dense layout of tile
/// buffers, so that an element's offset inside a tile does not depend on where the tile sits.
Box unclipped_box(int operand, const Problem& p, const std::array<int64_t, kNumDims>& lo,
                  const std::array<int64_t, kNumDims>& span);
/// Axis `axis` of the unclipped box: [first, end) of its coordinates (what unclipped_box holds
/// there; reads only the dims that move that axis).
std::pair<int64_t, int64_t> unclipped_axis(int operand, int axis, const Problem& p,
                                           const std::array<int64_t, kNumDims>& lo,
                                           const std::array<int64_t, kNumDims>& span);
/// The same interval cut to the tensor, [0, axis_extent): an interval wholly outside it comes
/// out empty at the edge it lies beyond. The in-tensor coordinates a tile moves along one axis.
std::pair<int64_t, int64_t> clipped_axis(int operand, int axis, const Problem& p,
                                         const std::array<int64_t, kNumDims>& lo,
                                         const std::array<int64_t, kNumDims>& span);
/// Coordinates along axis `axis` of the operand's tensor (tensor_box's upper end there).
int64_t axis_extent(int operand, int axis, const Problem& p);
/// Rows (vertical: P and R) or columns (Q and S) of the ifmap window a span covers, before
/// clipping: (P - 1) * stride + (R - 1) * dilation + 1.
int64_t window_extent(const Problem& p, const std::array<int64_t, kNumDims>& span, bool vertical);
/// Ifmap rows / columns one step of a loop over window dim d (P, Q, R or S) moves: its stride
/// or its dilation.
int64_t window_step(const Problem& p, int d);
/// Elements of the largest tile of `span`: each axis cut to the tensor's extent (a window tile
/// away from the padded border; the tile at the origin can lie partly, or wholly, in padding).
/// What the capacity checks and the estimate count a tile as.
int64_t tile_elems(int operand, const Problem& p, const std::array<int64_t, kNumDims>& span);
/// Extents of an operand's coordinate axes (the box of the whole tensor).
Box tensor_box(int operand, const Problem& p);
/// Element offset of coordinate x of an operand in its tensor.
int64_t tensor_offset(int operand, const Problem& p, const std::array<int64_t, kAxes>& x);

/// Whether dim d indexes operand o (ifmap: all but M; weight: all but N, P, Q; ofmap: all but
/// C, R, S).
bool relevant(int operand, int dim);

struct Mapping {
  std::string dataflow = "rs";               ///< a registered spatial dataflow's name
  std::vector<Loop> loops;                   ///< outermost first; levels in non-decreasing order
  std::array<bool, kNumOperands> rf_keep{};  ///< operand held in the PE register files

  /// Index of the first loop at `level` or deeper (== loops.size() when none).
  size_t first_at(Level level) const;
  /// PEs spanned by the spatial loops (rows = product of Y bounds, cols = of X bounds).
  int64_t rows() const;
  int64_t cols() const;
  /// Product of the bounds of the loops in [from, to).
  int64_t product(size_t from, size_t to) const;
  /// Multiplier of each loop's index in its dim's coordinate (product of the bounds of the loops
  /// inside it on the same dim).
  std::vector<int64_t> inner_strides() const;
  /// Per-dim product of the bounds of loops [from, end): the span of a tile below `from`.
  std::array<int64_t, kNumDims> spans_from(size_t from) const;
  /// RF bytes one PE needs for its kept tiles.
  int64_t rf_footprint_bytes(const Problem& p, int in_bytes, int w_bytes, int psum_bytes) const;
  /// Global-buffer bytes of the tiles below the DRAM loops (one copy each).
  int64_t gbuf_tile_bytes(const Problem& p, int in_bytes, int w_bytes, int psum_bytes) const;

  /// Loop nest as text, one level per line ("DRAM: for C/4 for M/2 ...").
  std::string describe() const;
};

}  // namespace adasim::arch::spatial
