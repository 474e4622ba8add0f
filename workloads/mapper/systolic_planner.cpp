// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/systolic_planner.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "sim/core/errors.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads {

using arch::Dataflow;
using arch::Operand;

namespace {
constexpr int kIf = int(Operand::kIfmap), kW = int(Operand::kWeight), kOf = int(Operand::kOfmap);
constexpr int kPsumBytes = 4;  // int32 partial sums

using tiling::bits_of;
using tiling::ceil_div;
using tiling::Footprint;
using tiling::slots_of;

}  // namespace

std::string Candidate::describe() const {
  std::ostringstream os;
  os << arch::to_string(dataflow) << " pack=" << group_pack << " "
     << (chunk_outer ? "chunk-outer" : "stream-outer") << " chunk=" << chunk_len;
  std::string res;
  if (ifmap_resident) res += "ifmap,";
  if (weight_resident) res += "weight,";
  if (psums_on_chip) res += "psums,";
  if (!res.empty()) os << " resident=" << res.substr(0, res.size() - 1);
  return os.str();
}

struct SystolicPlanner::Dims {
  Dataflow df;
  int64_t gp;
  std::shared_ptr<GemmView> view;
  GemmDim rows_dim, cols_dim, time_dim;
  int64_t dim_rows, dim_cols, dim_time;  // pack 0 (the widest)
  int64_t row_folds, col_folds;
  int64_t lanes = 1;     // MAC lanes per PE (precision-scalable PEs, WS / IS)
  int64_t cap_rows = 1;  // reduction indices (WS / IS), weight slots (N:M) or pixels (OS)
  NmSlots nm;            // N:M datapath: the rows dimension counts weight slots
  /// Pack reduction indices the rows of a fold span (the identity without N:M).
  Range kk_of(Range rows) const {
    if (!nm.active() || rows.len <= 0) return rows;
    const int64_t lo = nm.kk_lo(rows.lo);
    return Range{lo, nm.kk_hi(rows.hi()) - lo};
  }
  bool stationary[3] = {false, false, false};
  bool stream[3] = {false, false, false};
  int64_t extent(GemmDim d, int64_t pack) const {
    switch (d) {
      case GemmDim::kM: return view->m();
      case GemmDim::kKred:
        return nm.active() ? view->groups_in_pack(pack) * nm.slots_per_group()
                           : view->kred_of_pack(pack);
      case GemmDim::kN: return view->n_of_pack(pack);
    }
    return 0;
  }
};

SystolicPlanner::SystolicPlanner(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec)
    : graph_(g), layer_(l), spec_(spec), shape_(g.shape(l)) {
  in_bits_ = bits_of(g, l.inputs.at(0), 8);
  const std::string& b = l.weight.empty() ? l.inputs.at(1) : l.weight;
  w_bits_ = bits_of(g, b, 8);
  out_bits_ = bits_of(g, l.output, 8);
  ifmap_tensor_bytes_ = g.tensor(l.inputs.at(0)).bytes();
  weight_tensor_bytes_ = g.tensor(b).bytes();
  if (spec.sparsity.structured.covers(l.name, !l.weight.empty()))
    nm_ = NmSlots{spec.sparsity.structured.n, spec.sparsity.structured.m, shape_.gemm_kred()};
}

int64_t SystolicPlanner::array_macs(Dataflow df) const {
  if (!nm_.active() || df != Dataflow::kWeightStationary) return shape_.macs();
  return shape_.gemm_m() * shape_.gemm_n() * shape_.groups * nm_.slots_per_group();
}

std::vector<Dataflow> SystolicPlanner::allowed(const std::vector<Dataflow>& offered) const {
  if (!nm_.active()) return offered;
  std::vector<Dataflow> out;
  for (Dataflow df : offered)
    if (df == Dataflow::kWeightStationary) out.push_back(df);
  if (out.empty())  // the config check requires WS; this guards library callers
    throw sim::ConfigError("", "/sparsity/structured", "layer \"" + layer_.name + "\"",
                           "an array offering the ws dataflow (the N:M datapath holds weights stationary)");
  return out;
}

int64_t SystolicPlanner::max_group_pack(Dataflow df) const {
  const int64_t g = shape_.groups;
  if (g == 1) return 1;
  const int64_t gk = std::max<int64_t>(shape_.gemm_kred(), 1), gn = std::max<int64_t>(shape_.gemm_n(), 1);
  const int64_t rows = spec_.pe_array.rows * arch::mac_lanes(spec_.pe_array, df, in_bits_, w_bits_);
  const int64_t cols = spec_.pe_array.cols;
  // N:M: a group's reduction takes slots_per_group rows.
  const int64_t gk_rows =
      nm_.active() && df == Dataflow::kWeightStationary ? nm_.slots_per_group() : gk;
  int64_t gp = 1;
  switch (df) {
    case Dataflow::kWeightStationary: gp = std::min(rows / gk_rows, cols / gn); break;  // rows Kred, cols N
    case Dataflow::kInputStationary: gp = rows / gk; break;                        // rows Kred, time N
    case Dataflow::kOutputStationary: gp = cols / gn; break;                       // cols N, time Kred
  }
  return std::clamp<int64_t>(gp, 1, g);
}

SystolicPlanner::Dims SystolicPlanner::dims(Dataflow df, int64_t gp) const {
  Dims d;
  d.df = df;
  d.gp = gp;
  d.view = std::make_shared<GemmView>(shape_, gp, in_bits_, w_bits_);
  if (df == Dataflow::kWeightStationary) d.nm = nm_;
  switch (df) {
    case Dataflow::kWeightStationary:
      d.rows_dim = GemmDim::kKred; d.cols_dim = GemmDim::kN; d.time_dim = GemmDim::kM;
      d.stationary[kW] = true; d.stream[kIf] = true;
      break;
    case Dataflow::kInputStationary:
      d.rows_dim = GemmDim::kKred; d.cols_dim = GemmDim::kM; d.time_dim = GemmDim::kN;
      d.stationary[kIf] = true; d.stream[kW] = true;
      break;
    case Dataflow::kOutputStationary:
      d.rows_dim = GemmDim::kM; d.cols_dim = GemmDim::kN; d.time_dim = GemmDim::kKred;
      d.stream[kIf] = true; d.stream[kW] = true;
      break;
  }
  d.dim_rows = d.extent(d.rows_dim, 0);
  d.dim_cols = d.extent(d.cols_dim, 0);
  d.dim_time = d.extent(d.time_dim, 0);
  d.lanes = arch::mac_lanes(spec_.pe_array, df, in_bits_, w_bits_);
  d.cap_rows = spec_.pe_array.rows * d.lanes;
  d.row_folds = ceil_div(d.dim_rows, d.cap_rows);
  d.col_folds = ceil_div(d.dim_cols, spec_.pe_array.cols);
  return d;
}

int64_t SystolicPlanner::row_diag_pairs(const Dims& d, Range rows, Range cols) const {
  if (!d.nm.active()) return d.view->diag_pairs(rows, cols);
  return block_diag_pairs(rows, d.nm.slots_per_group(), cols, d.view->gn());
}

int64_t SystolicPlanner::weight_tile_bytes(const Dims& d, Range rows, Range cols) const {
  if (!d.nm.active()) return d.view->weight_bytes(rows, cols);
  return (row_diag_pairs(d, rows, cols) * w_bits_ + 7) / 8;
}

int64_t SystolicPlanner::time_extent(Dataflow df, int64_t gp) const { return dims(df, gp).dim_time; }

int64_t SystolicPlanner::chunk_step(Dataflow df) const {
  switch (df) {
    case Dataflow::kWeightStationary: return layer_.op == OpType::kMatMul ? 1 : shape_.q;
    case Dataflow::kOutputStationary: return shape_.r * shape_.s;
    case Dataflow::kInputStationary: return 1;
  }
  return 1;
}

double SystolicPlanner::compute_lower_bound(Dataflow df, int64_t gp) const {
  const Dims d = dims(df, gp);
  const auto& pe = spec_.pe_array;
  const bool scalesim = pe.convention == arch::TimingConvention::kScaleSim;
  const int64_t ar = pe.rows, ac = pe.cols, lat = scalesim ? 0 : spec_.noc.latency_cycles;
  const int64_t packs = d.view->packs();
  double total = 0;
  // Packs 0 .. packs-2 share one shape; the last may be narrower.
  for (int64_t pack : {int64_t{0}, packs - 1}) {
    const double repeat = packs == 1 ? 1.0 : (pack == 0 ? double(packs - 1) : 1.0);
    const int64_t dr = d.extent(d.rows_dim, pack), dc = d.extent(d.cols_dim, pack);
    const int64_t dt = d.extent(d.time_dim, pack);
    double one = 0;
    for (int64_t r0 = 0; r0 < dr; r0 += d.cap_rows)
      for (int64_t c0 = 0; c0 < dc; c0 += ac) {
        const int64_t r = std::min(d.cap_rows, dr - r0), c = std::min(ac, dc - c0);
        if (scalesim)
          one += double(df == Dataflow::kOutputStationary ? dt + ar + ac - 2 : 2 * ar + ac + dt - 2);
        else if (df == Dataflow::kOutputStationary)
          one += double(dt + lat + r + c - 2);
        else
          one += double(dt + lat + ar + c - 2);
      }
    total += repeat * one;
    if (packs == 1) break;
  }
  return total;
}

bool SystolicPlanner::kred_split(Dataflow df, int64_t gp) const {
  return df != Dataflow::kOutputStationary && dims(df, gp).row_folds > 1;
}

namespace {
// The largest value of `bytes` over every fold and chunk position (a chunk that starts mid-row or
// a Kred range that straddles channels touches more input than the first one).
template <class F>
int64_t max_over(int64_t dim_a, int64_t step_a, int64_t dim_b, int64_t step_b, F bytes) {
  int64_t best = 0;
  for (int64_t a = 0; a < dim_a; a += step_a)
    for (int64_t b = 0; b < dim_b; b += step_b)
      best = std::max(best, bytes(Range{a, std::min(step_a, dim_a - a)},
                                  Range{b, std::min(step_b, dim_b - b)}));
  return best;
}
}  // namespace

int64_t SystolicPlanner::stream_tile_bytes(const Dims& d, int op, int64_t t) const {
  const auto key = std::make_tuple(int(d.df), d.gp, op, t);
  if (auto it = tile_cache_.find(key); it != tile_cache_.end()) return it->second;
  const int64_t bytes = [&] {
  const int64_t ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
  const GemmView& v = *d.view;
  switch (d.df) {
    case Dataflow::kWeightStationary:  // ifmap: M chunk x Kred rows
      return max_over(d.dim_time, t, d.dim_rows, d.cap_rows, [&](Range m, Range k) { return v.ifmap_bytes(0, m, d.kk_of(k)); });
    case Dataflow::kInputStationary:  // weight: Kred rows x N chunk
      return max_over(d.dim_rows, d.cap_rows, d.dim_time, t, [&](Range k, Range n) { return v.weight_bytes(k, n); });
    case Dataflow::kOutputStationary:
      return op == kIf
                 ? max_over(d.dim_rows, ar, d.dim_time, t, [&](Range m, Range k) { return v.ifmap_bytes(0, m, k); })
                 : max_over(d.dim_time, t, d.dim_cols, ac, [&](Range k, Range n) { return v.weight_bytes(k, n); });
  }
  return int64_t{0};
  }();
  tile_cache_.emplace(key, bytes);
  return bytes;
}

int64_t SystolicPlanner::stationary_tile_bytes(const Dims& d) const {
  const auto key = std::make_tuple(int(d.df), d.gp, -1, int64_t{0});
  if (auto it = tile_cache_.find(key); it != tile_cache_.end()) return it->second;
  const int64_t ac = spec_.pe_array.cols;
  const GemmView& v = *d.view;
  int64_t bytes = 0;
  if (d.df == Dataflow::kWeightStationary)
    bytes = max_over(d.dim_rows, d.cap_rows, d.dim_cols, ac, [&](Range k, Range n) { return weight_tile_bytes(d, k, n); });
  if (d.df == Dataflow::kInputStationary)
    bytes = max_over(d.dim_rows, d.cap_rows, d.dim_cols, ac, [&](Range k, Range m) { return v.ifmap_bytes(0, m, k); });
  tile_cache_.emplace(key, bytes);
  return bytes;
}

int64_t SystolicPlanner::output_tile_bytes(const Dims& d, int64_t t) const {
  const int64_t r = std::min<int64_t>(d.dim_rows, d.cap_rows);
  const int64_t c = std::min<int64_t>(d.dim_cols, spec_.pe_array.cols);
  if (d.df == Dataflow::kOutputStationary) return r * c * kPsumBytes;
  return t * c * kPsumBytes;  // WS: M chunk x N cols, IS: N chunk x M cols
}

bool SystolicPlanner::fits(const Candidate& c) const {
  const Dims d = dims(c.dataflow, c.group_pack);
  const int64_t t = std::clamp<int64_t>(c.chunk_len, 1, d.dim_time);
  Footprint fp;
  const bool resident[2] = {c.ifmap_resident, c.weight_resident};
  for (int op : {kIf, kW}) {
    const Operand o = Operand(op);
    const int64_t whole = op == kIf ? ifmap_tensor_bytes_ : weight_tensor_bytes_;
    if (d.stationary[op]) fp.add(spec_, o, resident[op] ? whole : 2 * stationary_tile_bytes(d));
    if (d.stream[op]) fp.add(spec_, o, resident[op] ? whole : slots_of(spec_, o) * stream_tile_bytes(d, op, t));
  }
  if (c.psums_on_chip)
    fp.add(spec_, Operand::kOfmap,
           d.dim_time * std::min<int64_t>(d.dim_cols, spec_.pe_array.cols) * kPsumBytes);
  else
    fp.add(spec_, Operand::kOfmap, slots_of(spec_, Operand::kOfmap) * output_tile_bytes(d, t));
  return fp.fits(spec_);
}

namespace {
using TileKey = std::tuple<int, int64_t, int64_t, int64_t>;

/// Tracks which tiles are in SRAM: resident operands load each tile once; streamed ones reload
/// whenever the tile differs from the one in their slot.
class TileLoader {
 public:
  explicit TileLoader(LayerSchedule& sch) : sch_(sch) {}
  int64_t load(int op, TileKey key, int64_t bytes) {
    if (sch_.operands[size_t(op)].resident) {
      if (!loaded_.insert(key).second) return 0;
    } else if (have_last_[op] && last_key_[op] == key) {
      return 0;  // the same tile is still in its slot
    }
    last_key_[op] = key;
    have_last_[op] = true;
    sch_.operands[size_t(op)].dram_bytes += bytes;
    return bytes;
  }

 private:
  LayerSchedule& sch_;
  std::set<TileKey> loaded_;
  TileKey last_key_[3];
  bool have_last_[3] = {false, false, false};
};
}  // namespace

std::optional<LayerSchedule> SystolicPlanner::build(const Candidate& cand) const {
  if (!fits(cand)) return std::nullopt;
  const Dims d = dims(cand.dataflow, cand.group_pack);
  const GemmView& v = *d.view;
  const int ac = spec_.pe_array.cols;
  const bool os = d.df == Dataflow::kOutputStationary;
  LayerSchedule sch;
  sch.layer = layer_.name;
  sch.op = layer_.op;
  sch.dataflow = d.df;
  sch.shape = shape_;
  sch.in_bits = in_bits_;
  sch.w_bits = w_bits_;
  sch.out_bits = out_bits_;
  sch.gemm_m = shape_.gemm_m();
  sch.gemm_kred = shape_.gemm_kred();
  sch.gemm_n = shape_.gemm_n();
  sch.groups = shape_.groups;
  sch.group_pack = d.gp;
  sch.mac_lanes = int(d.lanes);
  if (d.nm.active()) {
    sch.nm_n = int(d.nm.n);
    sch.nm_m = int(d.nm.m);
  }
  sch.packs = v.packs();
  sch.rows_dim = d.rows_dim;
  sch.cols_dim = d.cols_dim;
  sch.time_dim = d.time_dim;
  sch.dim_rows = d.dim_rows;
  sch.dim_cols = d.dim_cols;
  sch.dim_time = d.dim_time;
  sch.row_folds = d.row_folds;
  sch.col_folds = d.col_folds;
  sch.chunk_len = std::clamp<int64_t>(cand.chunk_len, 1, d.dim_time);
  sch.chunk_outer = !os && cand.chunk_outer;
  const bool split = !os && d.row_folds > 1;
  sch.psum_spill = split && !sch.chunk_outer && !cand.psums_on_chip;
  const char* m = to_string(d.time_dim);
  const std::string inner = std::string("row_fold(") + to_string(d.rows_dim) + ")";
  const std::string outer = std::string("col_fold(") + to_string(d.cols_dim) + ")";
  const std::string chunk = std::string("chunk(") + m + ")";
  sch.loop_order = os ? "pack > row_fold(M) > col_fold(N) > chunk(Kred)"
                   : sch.chunk_outer ? "pack > " + outer + " > " + chunk + " > " + inner
                                     : "pack > " + outer + " > " + inner + " > " + chunk;
  const bool resident[2] = {cand.ifmap_resident, cand.weight_resident};
  for (int op : {kIf, kW, kOf}) {
    OperandPlan& p = sch.operands[size_t(op)];
    p.resident = op == kOf ? (split && !sch.chunk_outer && cand.psums_on_chip) : resident[op];
    p.slots = slots_of(spec_, Operand(op));
    p.tile_bytes = d.stationary[op] ? stationary_tile_bytes(d)
                   : op == kOf      ? output_tile_bytes(d, sch.chunk_len)
                                    : stream_tile_bytes(d, op, sch.chunk_len);
  }

  // Byte and MAC counts of a fold depend only on its geometry, which is the same for every pack
  // but the last (narrower) one: compute them once per geometry.
  struct FoldGeom {
    int64_t macs = 0, stationary_bytes = 0;
    std::vector<std::array<int64_t, 3>> chunk_bytes;
  };
  std::map<std::tuple<bool, int64_t, int64_t, int64_t, int64_t>, FoldGeom> geom_memo;
  auto geometry = [&](int64_t pack, const FoldPlan& f, Range span) -> const FoldGeom& {
    const auto key = std::make_tuple(pack + 1 == sch.packs, f.row_fold, f.col_fold, span.lo, span.len);
    auto it = geom_memo.find(key);
    if (it != geom_memo.end()) return it->second;
    FoldGeom geo;
    const Range rows{f.row0, f.rows}, cols{f.col0, f.cols};
    switch (d.df) {
      case Dataflow::kWeightStationary:
        geo.macs = span.len * row_diag_pairs(d, rows, cols);
        geo.stationary_bytes = weight_tile_bytes(d, rows, cols);
        break;
      case Dataflow::kInputStationary:
        geo.macs = f.cols * v.diag_pairs(rows, span);
        geo.stationary_bytes = v.ifmap_bytes(pack, cols, rows);
        break;
      case Dataflow::kOutputStationary:
        geo.macs = f.rows * v.diag_pairs(span, cols);
        break;
    }
    for (int64_t rel = 0; rel < span.len; rel += sch.chunk_len) {
      const Range tr{span.lo + rel, std::min(sch.chunk_len, span.len - rel)};
      std::array<int64_t, 3> b{0, 0, 0};
      switch (d.df) {
        case Dataflow::kWeightStationary: b[kIf] = v.ifmap_bytes(pack, tr, d.kk_of(rows)); break;
        case Dataflow::kInputStationary: b[kW] = v.weight_bytes(rows, tr); break;
        case Dataflow::kOutputStationary:
          b[kIf] = v.ifmap_bytes(pack, rows, tr);
          b[kW] = v.weight_bytes(tr, cols);
          break;
      }
      geo.chunk_bytes.push_back(b);
    }
    return geom_memo.emplace(key, std::move(geo)).first->second;
  };

  TileLoader loader(sch);
  auto add_fold = [&](int64_t pack, int64_t row_fold, int64_t col_fold, int64_t rf_n, Range span) {
    const int64_t dr = d.extent(d.rows_dim, pack), dc = d.extent(d.cols_dim, pack);
    FoldPlan f;
    f.pack = pack;
    f.row_fold = row_fold;
    f.col_fold = col_fold;
    f.row0 = row_fold * d.cap_rows;
    f.rows = std::min<int64_t>(d.cap_rows, dr - f.row0);
    f.col0 = col_fold * ac;
    f.cols = std::min<int64_t>(ac, dc - f.col0);
    f.t0 = span.lo;
    f.t_len = span.len;
    f.first_accum = os || row_fold == 0;
    f.last_accum = os || row_fold == rf_n - 1;
    const FoldGeom& geo = geometry(pack, f, span);
    f.macs = geo.macs;
    f.stationary_tile_bytes = geo.stationary_bytes;
    if (d.df == Dataflow::kWeightStationary)
      f.stationary_load_bytes = loader.load(kW, TileKey{kW, pack, f.row_fold, f.col_fold}, geo.stationary_bytes);
    if (d.df == Dataflow::kInputStationary)
      f.stationary_load_bytes = loader.load(kIf, TileKey{kIf, pack, f.row_fold, f.col_fold}, geo.stationary_bytes);
    // Chunks are relative to the fold; chunk ids in tile keys are absolute temporal chunks.
    size_t k = 0;
    for (int64_t rel = 0; rel < span.len; rel += sch.chunk_len, ++k) {
      ChunkPlan c;
      c.t0 = rel;
      c.t_len = std::min(sch.chunk_len, span.len - rel);
      const int64_t ci = (span.lo + rel) / sch.chunk_len;
      const auto& b = geo.chunk_bytes[k];
      switch (d.df) {
        case Dataflow::kWeightStationary:
          c.load_bytes[kIf] = loader.load(kIf, TileKey{kIf, pack, ci, f.row_fold}, b[kIf]);
          c.out_elems = c.t_len * f.cols;
          break;
        case Dataflow::kInputStationary:
          c.load_bytes[kW] = loader.load(kW, TileKey{kW, pack, ci, f.row_fold}, b[kW]);
          c.out_elems = c.t_len * f.cols;
          break;
        case Dataflow::kOutputStationary:
          c.load_bytes[kIf] = loader.load(kIf, TileKey{kIf, pack, f.row_fold, ci}, b[kIf]);
          c.load_bytes[kW] = loader.load(kW, TileKey{kW, pack, ci, f.col_fold}, b[kW]);
          c.out_elems = (c.t0 + c.t_len == span.len) ? f.rows * f.cols : 0;
          break;
      }
      if (c.out_elems > 0) {
        if (f.last_accum) {
          c.store_bytes = (c.out_elems * sch.out_bits + 7) / 8;
        } else if (sch.psum_spill) {
          c.store_bytes = c.out_elems * kPsumBytes;
          c.store_is_psum = true;
        }
        if (!f.first_accum && sch.psum_spill) c.psum_load_bytes = c.out_elems * kPsumBytes;
        sch.operands[size_t(kOf)].dram_bytes += c.store_bytes + c.psum_load_bytes;
      }
      f.chunks.push_back(c);
    }
    sch.folds.push_back(std::move(f));
  };

  for (int64_t pack = 0; pack < sch.packs; ++pack) {
    const int64_t dr = d.extent(d.rows_dim, pack), dc = d.extent(d.cols_dim, pack);
    const int64_t dt = d.extent(d.time_dim, pack);
    const int64_t rf_n = ceil_div(dr, d.cap_rows), cf_n = ceil_div(dc, ac);
    if (os) {
      for (int64_t rf = 0; rf < rf_n; ++rf)
        for (int64_t cf = 0; cf < cf_n; ++cf) add_fold(pack, rf, cf, rf_n, Range{0, dt});
    } else if (!sch.chunk_outer) {
      for (int64_t cf = 0; cf < cf_n; ++cf)
        for (int64_t rf = 0; rf < rf_n; ++rf) add_fold(pack, rf, cf, rf_n, Range{0, dt});
    } else {
      for (int64_t cf = 0; cf < cf_n; ++cf)
        for (int64_t t0 = 0; t0 < dt; t0 += sch.chunk_len)
          for (int64_t rf = 0; rf < rf_n; ++rf)
            add_fold(pack, rf, cf, rf_n, Range{t0, std::min(sch.chunk_len, dt - t0)});
    }
  }
  return sch;
}

}  // namespace adasim::workloads
