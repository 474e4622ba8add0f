// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/systolic_planner.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_set>

#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads {

using arch::Operand;

namespace {
constexpr int kIf = int(Operand::kIfmap), kW = int(Operand::kWeight), kOf = int(Operand::kOfmap);
constexpr int kPsumBytes = 4;  // int32 partial sums

using tiling::bits_of;
using tiling::ceil_div;
using tiling::Footprint;
using tiling::slots_of;

/// SCALE-Sim's fold order (columns outside, rows inside, on every dataflow: the `for fc: for fr`
/// of its compute classes) under its timing convention; adasim's own puts OS rows outside.
bool scalesim_order(const arch::AcceleratorSpec& spec) {
  return spec.pe_array.convention == arch::TimingConvention::kScaleSim;
}

}  // namespace

std::string Candidate::describe() const {
  std::ostringstream os;
  os << dataflow << " pack=" << group_pack << " " << (chunk_outer ? "chunk-outer" : "stream-outer")
     << " chunk=" << chunk_len;
  std::string res;
  if (ifmap_resident) res += "ifmap,";
  if (weight_resident) res += "weight,";
  if (psums_on_chip) res += "psums,";
  if (!res.empty()) os << " resident=" << res.substr(0, res.size() - 1);
  return os.str();
}

namespace {
using arch::GemmDim;
// The GEMM dimensions an operand is indexed by: ifmap (M, Kred), weight (Kred, N).
std::pair<GemmDim, GemmDim> dims_of(int op) {
  return op == kIf ? std::make_pair(GemmDim::kM, GemmDim::kKred)
                   : std::make_pair(GemmDim::kKred, GemmDim::kN);
}
size_t at(GemmDim d) { return size_t(d); }
}  // namespace

struct SystolicPlanner::Dims {
  std::string df;
  arch::SystolicLayout lay;
  int64_t gp;
  std::shared_ptr<GemmView> view;
  GemmDim rows_dim, cols_dim, time_dim;
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
  int held() const { return stationary[kW] ? kW : stationary[kIf] ? kIf : -1; }
  int64_t extent(GemmDim d, int64_t pack) const {
    switch (d) {
      case GemmDim::kM:
        return view->m();
      case GemmDim::kKred:
        return nm.active() ? view->groups_in_pack(pack) * nm.slots_per_group()
                           : view->kred_of_pack(pack);
      case GemmDim::kN:
        return view->n_of_pack(pack);
    }
    return 0;
  }
  /// Extent and tile step of the axis a GEMM dimension lies on (time: chunks of t).
  std::pair<int64_t, int64_t> axis(GemmDim d, int64_t t) const {
    if (d == rows_dim) return {dim_rows, cap_rows};
    if (d == cols_dim) return {dim_cols, ac};
    return {dim_time, t};
  }
};

SystolicPlanner::SystolicPlanner(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                                 const arch::SystolicDataflowRegistry& dataflows)
    : graph_(g), layer_(l), spec_(spec), routes_(arch::operand_routes(spec)), shape_(g.shape(l)) {
  for (const auto& e : dataflows.entries()) dataflows_[e.doc.name] = e.make();
  in_bits_ = bits_of(g, l.inputs.at(0), 8);
  const std::string& b = l.weight.empty() ? l.inputs.at(1) : l.weight;
  w_bits_ = bits_of(g, b, 8);
  out_bits_ = bits_of(g, l.output, 8);
  ifmap_tensor_bytes_ = g.tensor(l.inputs.at(0)).bytes();
  weight_tensor_bytes_ = g.tensor(b).bytes();
  quant_ = arch::quant_params(g, l, shape_);
  if (spec.sparsity.structured.covers(l.name, !l.weight.empty()))
    nm_ = NmSlots{spec.sparsity.structured.n, spec.sparsity.structured.m, shape_.gemm_kred()};
}

const arch::ISystolicDataflow& SystolicPlanner::dataflow(const std::string& name) const {
  const auto it = dataflows_.find(name);
  if (it == dataflows_.end())
    throw sim::ModelError("mapper: no systolic dataflow named '" + name + "'");
  return *it->second;
}

int64_t SystolicPlanner::array_macs(const std::string& df) const {
  if (!nm_.active() || !layout(df).holds(Operand::kWeight)) return shape_.macs();
  return shape_.gemm_m() * shape_.gemm_n() * shape_.groups * nm_.slots_per_group();
}

std::vector<std::string> SystolicPlanner::allowed(const std::vector<std::string>& offered) const {
  if (!nm_.active()) return offered;
  std::vector<std::string> out;
  for (const std::string& df : offered)
    if (layout(df).holds(Operand::kWeight)) out.push_back(df);
  if (out.empty())  // the config check requires WS; this guards library callers
    throw sim::ConfigError(
        "", "/sparsity/structured", "layer \"" + layer_.name + "\"",
        "an array offering the ws dataflow (the N:M datapath holds weights stationary)");
  return out;
}

int64_t SystolicPlanner::max_group_pack(const std::string& df) const {
  const int64_t g = shape_.groups;
  if (g == 1) return 1;
  return std::clamp<int64_t>(pack_limit(dims(df, 1)), 1, g);
}

int64_t SystolicPlanner::pack_limit(const Dims& d) const {
  // A pack's groups sit side by side along every axis that carries their reduction (gk rows
  // each; N:M: slots_per_group) or their filters (gn each); pixels are shared by all groups.
  const int64_t gk = std::max<int64_t>(shape_.gemm_kred(), 1),
                gn = std::max<int64_t>(shape_.gemm_n(), 1);
  const int64_t gk_rows = d.nm.active() ? d.nm.slots_per_group() : gk;
  int64_t gp = std::numeric_limits<int64_t>::max();
  const std::pair<GemmDim, int64_t> axes[2] = {{d.rows_dim, d.cap_rows}, {d.cols_dim, d.ac}};
  for (const auto& [dim, cap] : axes) {
    if (dim == GemmDim::kKred) gp = std::min(gp, cap / gk_rows);
    if (dim == GemmDim::kN) gp = std::min(gp, cap / gn);
  }
  return gp;
}

SystolicPlanner::Dims SystolicPlanner::dims(const std::string& df, int64_t gp) const {
  Dims d;
  d.df = df;
  d.lay = layout(df);
  d.gp = gp;
  d.view = std::make_shared<GemmView>(shape_, gp, in_bits_, w_bits_);
  if (d.lay.holds(Operand::kWeight)) d.nm = nm_;
  d.rows_dim = d.lay.rows;
  d.cols_dim = d.lay.cols;
  d.time_dim = d.lay.time;
  for (int op : {kIf, kW}) {
    d.stationary[op] = d.lay.holds(Operand(op));
    d.stream[op] = d.lay.streams(Operand(op));
  }
  d.dim_rows = d.extent(d.rows_dim, 0);
  d.dim_cols = d.extent(d.cols_dim, 0);
  d.dim_time = d.extent(d.time_dim, 0);
  d.lanes = arch::mac_lanes(spec_.pe_array, d.rows_dim == GemmDim::kKred, in_bits_, w_bits_);
  d.cap_rows = spec_.pe_array.rows * d.lanes;
  d.ac = spec_.pe_array.cols;
  d.row_folds = ceil_div(d.dim_rows, d.cap_rows);
  d.col_folds = ceil_div(d.dim_cols, d.ac);
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

int64_t SystolicPlanner::operand_bytes(const Dims& d, int op, int64_t pack,
                                       const Range (&r)[3]) const {
  const GemmView& v = *d.view;
  if (op == kIf) return v.ifmap_bytes(pack, r[at(GemmDim::kM)], d.kk_of(r[at(GemmDim::kKred)]));
  if (d.stationary[kW]) return weight_tile_bytes(d, r[at(GemmDim::kKred)], r[at(GemmDim::kN)]);
  return v.weight_bytes(r[at(GemmDim::kKred)], r[at(GemmDim::kN)]);
}

int64_t SystolicPlanner::time_extent(const std::string& df, int64_t gp) const {
  return dims(df, gp).dim_time;
}

int64_t SystolicPlanner::chunk_step(const std::string& df) const {
  return dataflow(df).chunk_step(layer_, shape_);
}

double SystolicPlanner::compute_lower_bound(const std::string& df, int64_t gp) const {
  const Dims d = dims(df, gp);
  const bool outputs_held = d.lay.outputs_held();
  const auto& pe = spec_.pe_array;
  const bool scalesim = pe.convention == arch::TimingConvention::kScaleSim;
  const int64_t ar = pe.rows, ac = pe.cols;
  const int64_t lat = scalesim ? 0 : arch::nominal_feed_latency(spec_);
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
          one += double(outputs_held ? dt + ar + ac - 2 : 2 * ar + ac + dt - 2);
        else if (outputs_held)
          one += double(dt + lat + r + c - 2);
        else
          one += double(dt + lat + ar + c - 2);
      }
    total += repeat * one;
    if (packs == 1) break;
  }
  return total;
}

bool SystolicPlanner::kred_split(const std::string& df, int64_t gp) const {
  const Dims d = dims(df, gp);
  return d.rows_dim == GemmDim::kKred && d.row_folds > 1;
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
  const auto key = std::make_tuple(d.df, d.gp, op, t);
  if (auto it = tile_cache_.find(key); it != tile_cache_.end()) return it->second;
  // The operand's tile: a fold's range on the axes its dimensions lie on, a chunk in time.
  // Named copies, not a structured binding: the lambda below captures them (C++17 forbids
  // capturing structured bindings; clang rejects it).
  const std::pair<GemmDim, GemmDim> dims = dims_of(op);
  const GemmDim first = dims.first, second = dims.second;
  const auto [ea, sa] = d.axis(first, t);
  const auto [eb, sb] = d.axis(second, t);
  const int64_t bytes = max_over(ea, sa, eb, sb, [&](Range a, Range b) {
    Range r[3];
    r[at(first)] = a;
    r[at(second)] = b;
    return operand_bytes(d, op, 0, r);
  });
  tile_cache_.emplace(key, bytes);
  return bytes;
}

int64_t SystolicPlanner::stationary_tile_bytes(const Dims& d) const {
  const auto key = std::make_tuple(d.df, d.gp, -1, int64_t{0});
  if (auto it = tile_cache_.find(key); it != tile_cache_.end()) return it->second;
  int64_t bytes = 0;
  if (d.held() >= 0)  // the held operand's rows x cols tile
    bytes = max_over(d.dim_rows, d.cap_rows, d.dim_cols, d.ac, [&](Range rows, Range cols) {
      Range r[3];
      r[at(d.rows_dim)] = rows;
      r[at(d.cols_dim)] = cols;
      return operand_bytes(d, d.held(), 0, r);
    });
  tile_cache_.emplace(key, bytes);
  return bytes;
}

int64_t SystolicPlanner::output_tile_bytes(const Dims& d, int64_t t) const {
  const int64_t r = std::min<int64_t>(d.dim_rows, d.cap_rows);
  const int64_t c = std::min<int64_t>(d.dim_cols, d.ac);
  if (d.lay.outputs_held()) return r * c * kPsumBytes;
  return t * c * kPsumBytes;  // a chunk of the time dimension x the fold's columns
}

SystolicPlanner::Staging SystolicPlanner::staging(const Candidate& c) const {
  const Dims d = dims(c.dataflow, c.group_pack);
  const int64_t t = std::clamp<int64_t>(c.chunk_len, 1, d.dim_time);
  Footprint fp;
  const bool resident[2] = {c.ifmap_resident, c.weight_resident};
  const int64_t whole[2] = {ifmap_tensor_bytes_, weight_tensor_bytes_};
  int64_t at_array[3] = {0, 0, 0};  // per operand: bytes in the level feeding the array
  for (int op : {kIf, kW}) {
    const Operand o = Operand(op);
    if (d.stationary[op]) at_array[op] = resident[op] ? whole[op] : 2 * stationary_tile_bytes(d);
    if (d.stream[op])
      at_array[op] = resident[op] ? whole[op] : slots_of(spec_, o) * stream_tile_bytes(d, op, t);
    if (d.stationary[op] || d.stream[op]) fp.add(spec_, o, at_array[op]);
  }
  at_array[kOf] = c.psums_on_chip
                      ? d.dim_time * std::min<int64_t>(d.dim_cols, spec_.pe_array.cols) * kPsumBytes
                      : slots_of(spec_, Operand::kOfmap) * output_tile_bytes(d, t);
  fp.add(spec_, Operand::kOfmap, at_array[kOf]);
  Staging st;
  if (tiling::chained(routes_)) {
    // An outer level keeps an input operand resident when its whole tensor fits there beside
    // the other operands' whole tensors (outputs pass through with their slots); else it
    // passes the operand's tiles through with the slots the array-side level gives them.
    Footprint all_resident = fp;
    for (int op : {kIf, kW, kOf})
      all_resident.add_outer(routes_, Operand(op), op == kOf ? at_array[kOf] : whole[op]);
    for (int op : {kIf, kW}) {
      bool ok = true;
      for (int lvl : tiling::outer_levels(routes_, Operand(op)))
        ok = ok && all_resident.by_level[lvl] <= spec_.sram[size_t(lvl)].size_bytes;
      st.outer_resident[op] = ok;
      fp.add_outer(routes_, Operand(op), ok ? whole[op] : at_array[op]);
    }
    fp.add_outer(routes_, Operand::kOfmap, at_array[kOf]);
  }
  st.fits = fp.fits(spec_);
  return st;
}

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
  BuildState st{d, out, sch, TileLoader(out.transfers, stg.outer_resident), {}, guard};
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
  const auto key =
      std::make_tuple(f.pack + 1 == st.sch.packs, f.row_fold, f.col_fold, span.lo, span.len);
  auto it = st.geom.find(key);
  if (it != st.geom.end()) return it->second;
  FoldGeom geo;
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
  return st.geom.emplace(key, std::move(geo)).first->second;
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
