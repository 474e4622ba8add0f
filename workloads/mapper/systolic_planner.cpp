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
#include "workloads/mapper/systolic_planner_detail.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads {

using arch::Operand;

using namespace planner_detail;  // NOLINT: the planner's own private helpers

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
  // With a memory domain the last outputs leave the array in its last cycle and are in SRAM
  // `ret` core cycles after that cycle starts; the layer ends no earlier. Charged once, as the
  // estimate (fold_cycles' landed()) and the timeline (landed_) do: earlier folds' outputs cross
  // while the array goes on, so a term per fold would exceed what any candidate costs.
  const double ret = scalesim ? 0.0 : double(arch::nominal_return_latency(spec_));
  return total > 0 ? std::max(total, total - 1 + ret) : total;
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

}  // namespace adasim::workloads
