// SPDX-License-Identifier: Apache-2.0
// SystolicPlanner's builder: one candidate's program and its fold-by-fold transfer plan (which
// tiles every fold and chunk loads, at which hop, and what it stores). The candidate space,
// footprints and staging are in systolic_planner.cpp.
#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <unordered_set>

#include "sim/core/errors.hpp"
#include "workloads/mapper/systolic_planner.hpp"
#include "workloads/mapper/systolic_planner_detail.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads {

using namespace planner_detail;  // NOLINT: the planner's own private helpers

using TileKey = std::tuple<int, int64_t, int64_t, int64_t>;

namespace planner_detail {

/// Tracks which tiles are in SRAM: resident operands load each tile once; streamed ones reload
/// whenever the tile differs from the one in their slot.
/// On a chained route, the levels above the array-side one move every load again (pass-through)
/// or, keeping the tensor resident, each tile once, when it is first loaded.
class TileLoader {
 public:
  TileLoader(arch::TransferPlan& plan, const bool (&outer_resident)[2])
      : plan_(plan), outer_resident_{outer_resident[0], outer_resident[1]} {}
  arch::HopBytes load(int op, TileKey key, int64_t bytes) {
    const size_t hops = plan_.operands[size_t(op)].route.size();
    arch::HopBytes b = tiling::every_hop(hops, array_side(op, key, bytes));
    if (hops > 1 && outer_resident_[op]) {
      const int64_t first = outer_loaded_.insert(key).second ? bytes : 0;
      for (size_t h = 0; h + 1 < hops; ++h) b[h] = first;
    }
    plan_.operands[size_t(op)].dram_bytes += b[0];
    return b;
  }

 private:
  // Bytes loaded into the level feeding the array.
  int64_t array_side(int op, const TileKey& key, int64_t bytes) {
    if (plan_.operands[size_t(op)].resident) {
      if (!loaded_.insert(key).second) return 0;
    } else if (have_last_[op] && last_key_[op] == key) {
      return 0;  // the same tile is still in its slot
    }
    last_key_[op] = key;
    have_last_[op] = true;
    return bytes;
  }

  arch::TransferPlan& plan_;
  bool outer_resident_[2];
  // Hashed: a build inserts one key per loaded tile, and the order is never read.
  struct KeyHash {
    size_t operator()(const TileKey& k) const {
      size_t h = size_t(std::get<0>(k));
      for (int64_t v : {std::get<1>(k), std::get<2>(k), std::get<3>(k)})
        h = h * 0x9E3779B97F4A7C15ull + size_t(v);
      return h;
    }
  };
  std::unordered_set<TileKey, KeyHash> loaded_, outer_loaded_;
  TileKey last_key_[3];
  bool have_last_[3] = {false, false, false};
};
}  // namespace planner_detail

using planner_detail::TileLoader;

struct SystolicPlanner::FoldGeom {
  int64_t macs = 0, stationary_bytes = 0;
  std::vector<std::array<int64_t, 3>> chunk_bytes;  // streamed bytes per operand, per chunk
};

struct SystolicPlanner::BuildState {
  const Dims& d;
  LayerSchedule& out;
  SystolicProgram& sch;
  TileLoader loader;
  // Byte and MAC counts of a fold depend only on its geometry, which is the same for every pack
  // but the last (narrower) one: computed once per geometry.
  std::map<std::tuple<bool, int64_t, int64_t, int64_t, int64_t>, FoldGeom> geom;
  FoldGeom scratch;  // a single pack's folds: computed in place, no memo (nothing repeats)
  ISearchGuard* guard = nullptr;  ///< the host budget, checked every kFoldsPerCheck folds
  int64_t unchecked = 0;          ///< folds added since its last check
};

int64_t SystolicPlanner::plan_chunks(const Candidate& c) const {
  const Dims d = dims(c.dataflow, c.group_pack);
  const int64_t len = std::clamp<int64_t>(c.chunk_len, 1, std::max<int64_t>(1, d.dim_time));
  const double n = double(d.view->packs()) * double(d.row_folds) * double(d.col_folds) *
                   double(ceil_div(d.dim_time, len));
  return n >= 9.2e18 ? INT64_MAX : int64_t(n);
}

std::optional<LayerSchedule> SystolicPlanner::build(const Candidate& cand,
                                                    ISearchGuard* guard) const {
  const Staging stg = staging(cand);
  if (!stg.fits) return std::nullopt;
  return build_staged(cand, stg, guard);
}

LayerSchedule SystolicPlanner::build_overcommitted(const Candidate& cand,
                                                   ISearchGuard* guard) const {
  return build_staged(cand, staging(cand), guard);
}

LayerSchedule SystolicPlanner::build_staged(const Candidate& cand, const Staging& stg,
                                            ISearchGuard* guard) const {
  const Dims d = dims(cand.dataflow, cand.group_pack);
  LayerSchedule out;
  SystolicProgram& sch = describe(out, d, cand, stg);
  BuildState st{d, out, sch, TileLoader(out.transfers, stg.outer_resident), {}, {}, guard};
  // Every fold of every pack (the last pack may have fewer): one allocation instead of ~log2(n).
  const int64_t per_pack =
      sch.row_folds * sch.col_folds * (sch.chunk_outer ? ceil_div(sch.dim_time, sch.chunk_len) : 1);
  sch.folds.reserve(size_t(sch.packs * per_pack));
  out.transfers.folds.reserve(size_t(sch.packs * per_pack));
  for (int64_t pack = 0; pack < sch.packs; ++pack) {
    const int64_t dr = d.extent(d.rows_dim, pack), dc = d.extent(d.cols_dim, pack);
    const int64_t dt = d.extent(d.time_dim, pack);
    const int64_t rf_n = ceil_div(dr, d.cap_rows), cf_n = ceil_div(dc, d.ac);
    if (d.lay.outputs_held() && !scalesim_order(spec_)) {
      for (int64_t rf = 0; rf < rf_n; ++rf)
        for (int64_t cf = 0; cf < cf_n; ++cf) add_fold(st, pack, rf, cf, rf_n, Range{0, dt});
    } else if (!sch.chunk_outer) {  // SCALE-Sim's order on every dataflow: columns outside
      for (int64_t cf = 0; cf < cf_n; ++cf)
        for (int64_t rf = 0; rf < rf_n; ++rf) add_fold(st, pack, rf, cf, rf_n, Range{0, dt});
    } else {
      for (int64_t cf = 0; cf < cf_n; ++cf)
        for (int64_t t0 = 0; t0 < dt; t0 += sch.chunk_len)
          for (int64_t rf = 0; rf < rf_n; ++rf)
            add_fold(st, pack, rf, cf, rf_n, Range{t0, std::min(sch.chunk_len, dt - t0)});
    }
  }
  return out;
}

SystolicProgram& SystolicPlanner::describe(LayerSchedule& out, const Dims& d, const Candidate& cand,
                                           const Staging& stg) const {
  const bool outputs_held = d.lay.outputs_held();
  out.layer = layer_.name;
  out.op = layer_.op;
  out.dataflow = d.df;
  out.shape = shape_;
  out.in_bits = in_bits_;
  out.w_bits = w_bits_;
  out.out_bits = out_bits_;
  out.quant = quant_;
  arch::TransferPlan& tp = out.transfers;
  tiling::set_routes(tp, spec_);
  tp.stationary = d.held() == kIf ? Operand::kIfmap : Operand::kWeight;
  SystolicProgram& sch = out.engine.emplace<SystolicProgram>();
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
  sch.packs = d.view->packs();
  d.lay.apply(sch);
  sch.dim_rows = d.dim_rows;
  sch.dim_cols = d.dim_cols;
  sch.dim_time = d.dim_time;
  sch.row_folds = d.row_folds;
  sch.col_folds = d.col_folds;
  sch.chunk_len = std::clamp<int64_t>(cand.chunk_len, 1, d.dim_time);
  sch.chunk_outer = !outputs_held && cand.chunk_outer;
  const bool split = d.rows_dim == GemmDim::kKred && d.row_folds > 1;
  sch.psum_spill = split && !sch.chunk_outer && !cand.psums_on_chip;
  const std::string inner = std::string("row_fold(") + to_string(d.rows_dim) + ")";
  const std::string outer = std::string("col_fold(") + to_string(d.cols_dim) + ")";
  const std::string chunk = std::string("chunk(") + to_string(d.time_dim) + ")";
  out.loop_order = outputs_held && !scalesim_order(spec_)
                       ? "pack > " + inner + " > " + outer + " > " + chunk
                   : sch.chunk_outer ? "pack > " + outer + " > " + chunk + " > " + inner
                                     : "pack > " + outer + " > " + inner + " > " + chunk;
  const bool resident[2] = {cand.ifmap_resident, cand.weight_resident};
  for (int op : {kIf, kW, kOf}) {
    OperandPlan& p = tp.operands[size_t(op)];
    p.resident = op == kOf ? (split && !sch.chunk_outer && cand.psums_on_chip) : resident[op];
    p.slots = slots_of(spec_, Operand(op));
    p.tile_bytes = d.stationary[op] ? stationary_tile_bytes(d)
                   : op == kOf      ? output_tile_bytes(d, sch.chunk_len)
                                    : stream_tile_bytes(d, op, sch.chunk_len);
    // The levels above the array-side one (a chained L1's parent): resident or pass-through.
    const bool keep = op != kOf && stg.outer_resident[op];
    const int64_t whole = op == kIf ? ifmap_tensor_bytes_ : weight_tensor_bytes_;
    for (size_t h = 0; h + 1 < p.route.size(); ++h)
      p.outer.push_back(keep ? arch::Staging{true, 1, whole}
                             : arch::Staging{p.resident, p.slots, p.tile_bytes});
  }
  return sch;
}

const SystolicPlanner::FoldGeom& SystolicPlanner::geometry(BuildState& st, const SystolicFold& f,
                                                           Range span) const {
  const Dims& d = st.d;
  const bool memo = st.sch.packs > 1;
  const auto key =
      std::make_tuple(f.pack + 1 == st.sch.packs, f.row_fold, f.col_fold, span.lo, span.len);
  if (memo) {
    auto it = st.geom.find(key);
    if (it != st.geom.end()) return it->second;
  }
  FoldGeom& geo = memo ? st.geom[key] : st.scratch;
  geo.macs = geo.stationary_bytes = 0;
  geo.chunk_bytes.clear();
  Range r[3];  // the fold's range of every GEMM dimension
  r[at(d.rows_dim)] = Range{f.row0, f.rows};
  r[at(d.cols_dim)] = Range{f.col0, f.cols};
  r[at(d.time_dim)] = span;
  // Every pixel of the fold meets every block-diagonal (reduction, filter) pair.
  geo.macs = r[at(GemmDim::kM)].len * row_diag_pairs(d, r[at(GemmDim::kKred)], r[at(GemmDim::kN)]);
  if (d.held() >= 0) geo.stationary_bytes = operand_bytes(d, d.held(), f.pack, r);
  geo.chunk_bytes.reserve(size_t(ceil_div(span.len, st.sch.chunk_len)));
  for (int64_t rel = 0; rel < span.len; rel += st.sch.chunk_len) {
    r[at(d.time_dim)] = Range{span.lo + rel, std::min(st.sch.chunk_len, span.len - rel)};
    std::array<int64_t, 3> b{0, 0, 0};
    for (int op : {kIf, kW})
      if (d.stream[op]) b[size_t(op)] = operand_bytes(d, op, f.pack, r);
    geo.chunk_bytes.push_back(b);
  }
  return geo;
}

void SystolicPlanner::add_fold(BuildState& st, int64_t pack, int64_t row_fold, int64_t col_fold,
                               int64_t rf_n, Range span) const {
  if (st.guard && ++st.unchecked >= kFoldsPerCheck) {
    st.unchecked = 0;
    st.guard->check(layer_.name);
  }
  const Dims& d = st.d;
  SystolicProgram& sch = st.sch;
  const bool reduce_rows = d.rows_dim == GemmDim::kKred;
  const int64_t dr = d.extent(d.rows_dim, pack), dc = d.extent(d.cols_dim, pack);
  SystolicFold f;
  FoldPlan fp;
  f.pack = pack;
  f.row_fold = row_fold;
  f.col_fold = col_fold;
  f.row0 = row_fold * d.cap_rows;
  f.rows = std::min<int64_t>(d.cap_rows, dr - f.row0);
  f.col0 = col_fold * d.ac;
  f.cols = std::min<int64_t>(d.ac, dc - f.col0);
  f.t0 = span.lo;
  f.t_len = span.len;
  f.first_accum = !reduce_rows || row_fold == 0;
  f.last_accum = !reduce_rows || row_fold == rf_n - 1;
  const FoldGeom& geo = geometry(st, f, span);
  f.macs = geo.macs;
  f.stationary_tile_bytes = geo.stationary_bytes;
  if (d.held() >= 0)
    fp.stationary_load_bytes = st.loader.load(
        d.held(), TileKey{d.held(), pack, f.row_fold, f.col_fold}, geo.stationary_bytes);
  // A tile is named by its fold or chunk index along each of its operand's dimensions.
  auto index_on = [&](GemmDim g, int64_t ci) {
    return g == d.rows_dim ? f.row_fold : g == d.cols_dim ? f.col_fold : ci;
  };
  // Chunks are relative to the fold; chunk ids in tile keys are absolute temporal chunks.
  fp.chunks.reserve(geo.chunk_bytes.size());
  size_t k = 0;
  for (int64_t rel = 0; rel < span.len; rel += sch.chunk_len, ++k) {
    ChunkPlan c;
    c.t0 = rel;
    c.t_len = std::min(sch.chunk_len, span.len - rel);
    const int64_t ci = (span.lo + rel) / sch.chunk_len;
    for (int op : {kIf, kW}) {
      if (!d.stream[op]) continue;
      const auto [first, second] = dims_of(op);
      const TileKey key{op, pack, index_on(first, ci), index_on(second, ci)};
      c.load_bytes[size_t(op)] = st.loader.load(op, key, geo.chunk_bytes[k][size_t(op)]);
    }
    // Outputs held: they leave with the fold's last chunk; else each chunk completes its own.
    c.out_elems = d.lay.outputs_held() ? (c.t0 + c.t_len == span.len ? f.rows * f.cols : 0)
                                       : c.t_len * f.cols;
    if (c.out_elems > 0) {
      // Outputs pass through every level of their route (stores and psum spills alike).
      const size_t hops = st.out.transfers.operands[size_t(kOf)].route.size();
      if (f.last_accum) {
        c.store_bytes = tiling::every_hop(hops, (c.out_elems * st.out.out_bits + 7) / 8);
      } else if (sch.psum_spill) {
        c.store_bytes = tiling::every_hop(hops, c.out_elems * kPsumBytes);
        c.store_is_psum = true;
      }
      if (!f.first_accum && sch.psum_spill)
        c.psum_load_bytes = tiling::every_hop(hops, c.out_elems * kPsumBytes);
      st.out.transfers.operands[size_t(kOf)].dram_bytes += c.store_bytes[0] + c.psum_load_bytes[0];
    }
    fp.chunks.push_back(c);
  }
  sch.folds.push_back(f);
  st.out.transfers.folds.push_back(std::move(fp));
}
}  // namespace adasim::workloads
