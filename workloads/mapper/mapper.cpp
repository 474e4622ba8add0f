// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/mapper.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "sim/core/errors.hpp"
#include "workloads/mapper/gemm_view.hpp"

namespace adasim::workloads {
namespace {

using arch::Dataflow;
using arch::Operand;
constexpr int kIf = int(Operand::kIfmap), kW = int(Operand::kWeight), kOf = int(Operand::kOfmap);
constexpr int kPsumBytes = 4;  // int32 partial sums

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int bits_of(const Graph& g, const std::string& tensor, int dflt) {
  auto it = g.tensors.find(tensor);
  return it == g.tensors.end() ? dflt : it->second.bits;
}

/// Group pack factor: how many groups sit block-diagonally in one pack so that the spatial
/// dimensions they widen still fit the array (never models a grouped layer as a dense one).
int64_t choose_group_pack(const ConvShape& s, Dataflow df, int rows, int cols) {
  const int64_t g = s.groups;
  if (g == 1) return 1;
  const int64_t gk = s.gemm_kred(), gn = s.gemm_n();
  int64_t gp = 1;
  switch (df) {
    case Dataflow::kWeightStationary:  // rows: Kred, cols: N
      gp = std::min(rows / std::max<int64_t>(gk, 1), cols / std::max<int64_t>(gn, 1));
      break;
    case Dataflow::kInputStationary:  // rows: Kred, time: N
      gp = rows / std::max<int64_t>(gk, 1);
      break;
    case Dataflow::kOutputStationary:  // cols: N, time: Kred
      gp = cols / std::max<int64_t>(gn, 1);
      break;
  }
  return std::clamp<int64_t>(gp, 1, g);
}

/// Per-level byte demand of a candidate tiling, checked against capacity.
struct Footprint {
  std::map<int, int64_t> by_level;
  void add(const arch::AcceleratorSpec& spec, Operand op, int64_t bytes) {
    by_level[spec.level_index_of(op)] += bytes;
  }
  bool fits(const arch::AcceleratorSpec& spec) const {
    for (const auto& [lvl, bytes] : by_level)
      if (bytes > spec.sram[size_t(lvl)].size_bytes) return false;
    return true;
  }
};

int slots_of(const arch::AcceleratorSpec& spec, Operand op) {
  return spec.level_of(op).double_buffered ? 2 : 1;
}

struct Roles {
  bool stationary[3] = {false, false, false};
  bool stream[3] = {false, false, false};
};

Roles roles_of(Dataflow df) {
  Roles r;
  switch (df) {
    case Dataflow::kWeightStationary: r.stationary[kW] = true; r.stream[kIf] = true; break;
    case Dataflow::kInputStationary: r.stationary[kIf] = true; r.stream[kW] = true; break;
    case Dataflow::kOutputStationary: r.stream[kIf] = true; r.stream[kW] = true; break;
  }
  return r;
}

class SystolicPlanner {
 public:
  SystolicPlanner(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec, Dataflow df)
      : spec_(spec), df_(df), roles_(roles_of(df)) {
    sch_.layer = l.name;
    sch_.op = l.op;
    sch_.dataflow = df;
    sch_.shape = g.shape(l);
    sch_.in_bits = bits_of(g, l.inputs.at(0), 8);
    sch_.w_bits = l.weight.empty() ? bits_of(g, l.inputs.size() > 1 ? l.inputs[1] : "", 8)
                                   : bits_of(g, l.weight, 8);
    sch_.out_bits = bits_of(g, l.output, 8);
    ifmap_tensor_bytes_ = g.tensor(l.inputs.at(0)).bytes();
    weight_tensor_bytes_ = l.weight.empty() ? (l.inputs.size() > 1 ? g.tensor(l.inputs[1]).bytes() : 0)
                                            : g.tensor(l.weight).bytes();
  }

  LayerSchedule plan() {
    const ConvShape& s = sch_.shape;
    const int ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
    const int64_t gp = choose_group_pack(s, df_, ar, ac);
    view_ = std::make_unique<GemmView>(s, gp, sch_.in_bits, sch_.w_bits);
    sch_.gemm_m = s.gemm_m();
    sch_.gemm_kred = s.gemm_kred();
    sch_.gemm_n = s.gemm_n();
    sch_.groups = s.groups;
    sch_.group_pack = gp;
    sch_.packs = view_->packs();
    switch (df_) {
      case Dataflow::kWeightStationary:
        sch_.rows_dim = GemmDim::kKred; sch_.cols_dim = GemmDim::kN; sch_.time_dim = GemmDim::kM;
        sch_.loop_order = "pack > col_fold(N) > row_fold(Kred) > chunk(M)";
        break;
      case Dataflow::kInputStationary:
        sch_.rows_dim = GemmDim::kKred; sch_.cols_dim = GemmDim::kM; sch_.time_dim = GemmDim::kN;
        sch_.loop_order = "pack > col_fold(M) > row_fold(Kred) > chunk(N)";
        break;
      case Dataflow::kOutputStationary:
        sch_.rows_dim = GemmDim::kM; sch_.cols_dim = GemmDim::kN; sch_.time_dim = GemmDim::kKred;
        sch_.loop_order = "pack > row_fold(M) > col_fold(N) > chunk(Kred)";
        break;
    }
    sch_.dim_rows = extent(sch_.rows_dim, 0);
    sch_.dim_cols = extent(sch_.cols_dim, 0);
    sch_.dim_time = extent(sch_.time_dim, 0);
    sch_.row_folds = ceil_div(sch_.dim_rows, ar);
    sch_.col_folds = ceil_div(sch_.dim_cols, ac);
    choose_tiling();
    const LayerSchedule base = sch_;
    build_folds();
    if (df_ != Dataflow::kOutputStationary && sch_.psum_spill) {
      // Alternative loop order: temporal chunks outside the Kred folds. Psums of a chunk stay in
      // their output slot; the (small) stationary tiles are reloaded per chunk instead, and each
      // chunk pays the array fill again. Keep whichever is estimated faster.
      LayerSchedule spill = std::move(sch_);
      sch_ = base;
      sch_.chunk_outer = true;
      sch_.psum_spill = false;
      sch_.operands[size_t(kOf)].resident = false;
      sch_.loop_order = df_ == Dataflow::kWeightStationary
                            ? "pack > col_fold(N) > chunk(M) > row_fold(Kred)"
                            : "pack > col_fold(M) > chunk(N) > row_fold(Kred)";
      bool res[3] = {sch_.operands[kIf].resident, sch_.operands[kW].resident, false};
      const int stat = df_ == Dataflow::kWeightStationary ? kW : kIf;
      stationary_resident_ = fits(sch_.chunk_len, false, res, true);
      sch_.operands[size_t(stat)].resident = stationary_resident_;
      build_folds();
      if (!better(sch_, spill)) sch_ = std::move(spill);
    }
    return std::move(sch_);
  }

 private:
  /// Analytical latency estimate of a schedule: its array cycles (stream + skew per fold) or its
  /// DRAM transfer time, whichever is larger (prefetching overlaps them).
  double estimated_cycles(const LayerSchedule& s) const {
    double compute = 0;
    for (const FoldPlan& f : s.folds) compute += double(f.t_len + spec_.pe_array.rows + f.cols);
    if (spec_.dram.ideal) return compute;
    const double bytes_per_cycle =
        spec_.dram.bandwidth_gb_per_s * 1000.0 / spec_.clock.nominal.freq_mhz;
    return std::max(compute, double(s.dram_load_bytes() + s.dram_store_bytes()) / bytes_per_cycle);
  }
  /// a is better than b: lower estimated latency, then fewer DRAM bytes.
  bool better(const LayerSchedule& a, const LayerSchedule& b) const {
    const double ea = estimated_cycles(a), eb = estimated_cycles(b);
    if (ea != eb) return ea < eb;
    return a.dram_load_bytes() + a.dram_store_bytes() < b.dram_load_bytes() + b.dram_store_bytes();
  }

  int64_t extent(GemmDim d, int64_t pack) const {
    switch (d) {
      case GemmDim::kM: return view_->m();
      case GemmDim::kKred: return view_->kred_of_pack(pack);
      case GemmDim::kN: return view_->n_of_pack(pack);
    }
    return 0;
  }

  // Byte size of the largest stream / stationary tiles for chunk length t: the maximum over every
  // fold and chunk position (a chunk that starts mid-row or a Kred range that straddles channels
  // touches more input than the first one).
  template <class F>
  int64_t max_over(int64_t dim_a, int64_t step_a, int64_t dim_b, int64_t step_b, F bytes) const {
    int64_t best = 0;
    for (int64_t a = 0; a < dim_a; a += step_a)
      for (int64_t b = 0; b < dim_b; b += step_b)
        best = std::max(best, bytes(Range{a, std::min(step_a, dim_a - a)},
                                    Range{b, std::min(step_b, dim_b - b)}));
    return best;
  }
  int64_t stream_tile_bytes(int op, int64_t t) const {
    const int64_t ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
    const int64_t dr = sch_.dim_rows, dc = sch_.dim_cols, dt = sch_.dim_time;
    switch (df_) {
      case Dataflow::kWeightStationary:  // ifmap: M chunk x Kred rows
        return max_over(dt, t, dr, ar, [&](Range m, Range k) { return view_->ifmap_bytes(0, m, k); });
      case Dataflow::kInputStationary:  // weight: Kred rows x N chunk
        return max_over(dr, ar, dt, t, [&](Range k, Range n) { return view_->weight_bytes(k, n); });
      case Dataflow::kOutputStationary:
        return op == kIf
                   ? max_over(dr, ar, dt, t, [&](Range m, Range k) { return view_->ifmap_bytes(0, m, k); })
                   : max_over(dt, t, dc, ac, [&](Range k, Range n) { return view_->weight_bytes(k, n); });
    }
    return 0;
  }
  int64_t stationary_tile_bytes() const {
    const int64_t ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
    const int64_t dr = sch_.dim_rows, dc = sch_.dim_cols;
    if (df_ == Dataflow::kWeightStationary)
      return max_over(dr, ar, dc, ac, [&](Range k, Range n) { return view_->weight_bytes(k, n); });
    if (df_ == Dataflow::kInputStationary)
      return max_over(dr, ar, dc, ac, [&](Range k, Range m) { return view_->ifmap_bytes(0, m, k); });
    return 0;
  }
  int64_t output_tile_bytes(int64_t t) const {
    const int64_t r = std::min<int64_t>(sch_.dim_rows, spec_.pe_array.rows);
    const int64_t c = std::min<int64_t>(sch_.dim_cols, spec_.pe_array.cols);
    if (df_ == Dataflow::kOutputStationary) return r * c * kPsumBytes;
    return t * c * kPsumBytes;  // WS: M chunk x N cols, IS: N chunk x M cols
  }

  bool fits(int64_t t, bool out_resident, bool stream_resident[3],
            bool stationary_resident = false) const {
    Footprint fp;
    for (int op : {kIf, kW}) {
      const Operand o = Operand(op);
      if (roles_.stationary[op])
        fp.add(spec_, o, stationary_resident ? (op == kIf ? ifmap_tensor_bytes_ : weight_tensor_bytes_)
                                             : 2 * stationary_tile_bytes());
      if (roles_.stream[op]) {
        if (stream_resident[op])
          fp.add(spec_, o, op == kIf ? ifmap_tensor_bytes_ : weight_tensor_bytes_);
        else
          fp.add(spec_, o, slots_of(spec_, o) * stream_tile_bytes(op, t));
      }
    }
    if (out_resident)
      fp.add(spec_, Operand::kOfmap, sch_.dim_time * std::min<int64_t>(sch_.dim_cols, spec_.pe_array.cols) * kPsumBytes);
    else
      fp.add(spec_, Operand::kOfmap, slots_of(spec_, Operand::kOfmap) * output_tile_bytes(t));
    return fp.fits(spec_);
  }

  void choose_tiling() {
    bool none[3] = {false, false, false};
    int64_t t = sch_.dim_time;
    while (!fits(t, false, none) && t > 1) t = ceil_div(t, 2);
    if (!fits(t, false, none)) {
      throw sim::ConfigError("", "/memory/sram", "too small for layer '" + sch_.layer + "'",
                             "SRAM levels large enough for one array fold with double buffering");
    }
    sch_.chunk_len = t;
    // Outputs stay on chip across row folds if the whole column tile of psums fits.
    const bool k_split = df_ != Dataflow::kOutputStationary && sch_.row_folds > 1;
    bool out_resident = k_split && fits(t, true, none);
    sch_.psum_spill = k_split && !out_resident;
    // A stream operand reused by later folds stays resident if the whole tensor fits too.
    bool res[3] = {false, false, false};
    for (int op : {kIf, kW}) {
      if (!roles_.stream[op]) continue;
      res[op] = true;
      if (!fits(t, out_resident, res)) res[op] = false;
    }
    for (int op : {kIf, kW, kOf}) {
      OperandPlan& p = sch_.operands[size_t(op)];
      p.resident = op == kOf ? out_resident : res[op];
      p.slots = slots_of(spec_, Operand(op));
      p.tile_bytes = roles_.stationary[op] ? stationary_tile_bytes()
                     : op == kOf          ? output_tile_bytes(t)
                                          : stream_tile_bytes(op, t);
    }
  }

  void build_folds() {
    std::set<std::tuple<int, int64_t, int64_t, int64_t>> loaded;  // resident tiles already in SRAM
    std::tuple<int, int64_t, int64_t, int64_t> last_key[3];
    bool have_last[3] = {false, false, false};
    auto load = [&](int op, std::tuple<int, int64_t, int64_t, int64_t> key, int64_t bytes) {
      if (sch_.operands[size_t(op)].resident) {
        if (!loaded.insert(key).second) return int64_t{0};
      } else if (have_last[op] && last_key[op] == key) {
        return int64_t{0};  // the same tile is still in its slot
      }
      last_key[op] = key;
      have_last[op] = true;
      sch_.operands[size_t(op)].dram_bytes += bytes;
      return bytes;
    };

    const int ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
    for (int64_t pack = 0; pack < sch_.packs; ++pack) {
      const int64_t dr = extent(sch_.rows_dim, pack), dc = extent(sch_.cols_dim, pack);
      const int64_t dt = extent(sch_.time_dim, pack);
      const int64_t rf_n = ceil_div(dr, ar), cf_n = ceil_div(dc, ac);
      const bool os = df_ == Dataflow::kOutputStationary;
      if (os) {
        for (int64_t rf = 0; rf < rf_n; ++rf)
          for (int64_t cf = 0; cf < cf_n; ++cf) add_fold(pack, rf, cf, rf_n, Range{0, dt}, load);
      } else if (!sch_.chunk_outer) {
        for (int64_t cf = 0; cf < cf_n; ++cf)
          for (int64_t rf = 0; rf < rf_n; ++rf) add_fold(pack, rf, cf, rf_n, Range{0, dt}, load);
      } else {
        for (int64_t cf = 0; cf < cf_n; ++cf)
          for (int64_t t0 = 0; t0 < dt; t0 += sch_.chunk_len)
            for (int64_t rf = 0; rf < rf_n; ++rf)
              add_fold(pack, rf, cf, rf_n, Range{t0, std::min(sch_.chunk_len, dt - t0)}, load);
      }
    }
  }

  using TileKey = std::tuple<int, int64_t, int64_t, int64_t>;
  template <class Load>
  void add_fold(int64_t pack, int64_t row_fold, int64_t col_fold, int64_t rf_n, Range span,
                Load& load) {
    const int ar = spec_.pe_array.rows, ac = spec_.pe_array.cols;
    const int64_t dr = extent(sch_.rows_dim, pack), dc = extent(sch_.cols_dim, pack);
    const bool os = df_ == Dataflow::kOutputStationary;
    FoldPlan f;
    f.pack = pack;
    f.row_fold = row_fold;
    f.col_fold = col_fold;
    f.row0 = row_fold * ar;
    f.rows = std::min<int64_t>(ar, dr - f.row0);
    f.col0 = col_fold * ac;
    f.cols = std::min<int64_t>(ac, dc - f.col0);
    f.t0 = span.lo;
    f.t_len = span.len;
    f.first_accum = os || row_fold == 0;
    f.last_accum = os || row_fold == rf_n - 1;
    const Range rows{f.row0, f.rows}, cols{f.col0, f.cols};
    switch (df_) {
      case Dataflow::kWeightStationary:
        f.macs = span.len * view_->diag_pairs(rows, cols);
        f.stationary_tile_bytes = view_->weight_bytes(rows, cols);
        f.stationary_load_bytes = load(kW, TileKey{kW, pack, f.row_fold, f.col_fold}, f.stationary_tile_bytes);
        break;
      case Dataflow::kInputStationary:
        f.macs = f.cols * view_->diag_pairs(rows, span);
        f.stationary_tile_bytes = view_->ifmap_bytes(pack, cols, rows);
        f.stationary_load_bytes = load(kIf, TileKey{kIf, pack, f.row_fold, f.col_fold}, f.stationary_tile_bytes);
        break;
      case Dataflow::kOutputStationary:
        f.macs = f.rows * view_->diag_pairs(span, cols);
        break;
    }
    // Chunks: relative to the fold; chunk ids are global (absolute temporal chunk index).
    for (int64_t rel = 0; rel < span.len; rel += sch_.chunk_len) {
      ChunkPlan c;
      c.t0 = rel;
      c.t_len = std::min(sch_.chunk_len, span.len - rel);
      const int64_t ci = (span.lo + rel) / sch_.chunk_len;
      const Range tr{span.lo + c.t0, c.t_len};
      switch (df_) {
        case Dataflow::kWeightStationary:
          c.load_bytes[kIf] = load(kIf, TileKey{kIf, pack, ci, f.row_fold}, view_->ifmap_bytes(pack, tr, rows));
          c.out_elems = c.t_len * f.cols;
          break;
        case Dataflow::kInputStationary:
          c.load_bytes[kW] = load(kW, TileKey{kW, pack, ci, f.row_fold}, view_->weight_bytes(rows, tr));
          c.out_elems = c.t_len * f.cols;
          break;
        case Dataflow::kOutputStationary:
          c.load_bytes[kIf] = load(kIf, TileKey{kIf, pack, f.row_fold, ci}, view_->ifmap_bytes(pack, rows, tr));
          c.load_bytes[kW] = load(kW, TileKey{kW, pack, ci, f.col_fold}, view_->weight_bytes(tr, cols));
          c.out_elems = (c.t0 + c.t_len == span.len) ? f.rows * f.cols : 0;
          break;
      }
      if (c.out_elems > 0) {
        if (f.last_accum) {
          c.store_bytes = (c.out_elems * sch_.out_bits + 7) / 8;
        } else if (sch_.psum_spill) {
          c.store_bytes = c.out_elems * kPsumBytes;
          c.store_is_psum = true;
        }
        if (!f.first_accum && sch_.psum_spill) c.psum_load_bytes = c.out_elems * kPsumBytes;
        sch_.operands[size_t(kOf)].dram_bytes += c.store_bytes + c.psum_load_bytes;
      }
      f.chunks.push_back(c);
    }
    sch_.folds.push_back(std::move(f));
  }

  const arch::AcceleratorSpec& spec_;
  Dataflow df_;
  Roles roles_;
  LayerSchedule sch_;
  std::unique_ptr<GemmView> view_;
  bool stationary_resident_ = false;
  int64_t ifmap_tensor_bytes_ = 0;
  int64_t weight_tensor_bytes_ = 0;
};

LayerSchedule plan_vector(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec) {
  LayerSchedule sch;
  sch.layer = l.name;
  sch.op = l.op;
  sch.vector_path = true;
  sch.shape = g.shape(l);
  const ConvShape& s = sch.shape;
  sch.in_bits = bits_of(g, l.inputs.at(0), 8);
  sch.out_bits = bits_of(g, l.output, 8);
  sch.vector_lanes = spec.pe_array.vector_lanes > 0 ? spec.pe_array.vector_lanes : spec.pe_array.cols;
  int64_t in_bytes = 0;
  for (const std::string& in : l.inputs) in_bytes += g.tensor(in).bytes();
  const int64_t out_elems = s.n * s.k * s.p * s.q;
  // One op per window element for pooling (compare or add), one per element for add.
  sch.vector_ops = l.op == OpType::kAdd ? out_elems : out_elems * s.r * s.s;
  sch.vector_in_bytes = in_bytes;
  sch.vector_out_bytes = g.tensor(l.output).bytes();
  // Chunks: slices of output elements whose inputs and outputs fit the levels, double buffered.
  int64_t chunks = 1;
  auto fits = [&](int64_t n) {
    Footprint fp;
    fp.add(spec, Operand::kIfmap, slots_of(spec, Operand::kIfmap) * ceil_div(in_bytes, n));
    fp.add(spec, Operand::kOfmap, slots_of(spec, Operand::kOfmap) * ceil_div(sch.vector_out_bytes, n));
    return fp.fits(spec);
  };
  while (!fits(chunks) && chunks < out_elems) chunks *= 2;
  chunks = std::min(chunks, out_elems);
  FoldPlan f;
  f.t_len = out_elems;
  f.macs = sch.vector_ops;
  const int64_t per = ceil_div(out_elems, chunks);
  sch.chunk_len = per;
  for (int64_t t0 = 0; t0 < out_elems; t0 += per) {
    ChunkPlan c;
    c.t0 = t0;
    c.t_len = std::min(per, out_elems - t0);
    // Proportional slices (pool windows overlap at chunk edges; the halo is neglected).
    c.load_bytes[kIf] = ceil_div(in_bytes * c.t_len, out_elems);
    c.store_bytes = ceil_div(sch.vector_out_bytes * c.t_len, out_elems);
    c.out_elems = c.t_len;
    sch.operands[kIf].dram_bytes += c.load_bytes[kIf];
    sch.operands[kOf].dram_bytes += c.store_bytes;
    f.chunks.push_back(c);
  }
  sch.folds.push_back(std::move(f));
  sch.loop_order = "chunk(output elements)";
  return sch;
}

}  // namespace

LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec,
                        Dataflow dataflow) {
  switch (layer.op) {
    case OpType::kMaxPool:
    case OpType::kAvgPool:
    case OpType::kAdd:
      return plan_vector(graph, layer, spec);
    default:
      return SystolicPlanner(graph, layer, spec, dataflow).plan();
  }
}

LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec) {
  return map_layer(graph, layer, spec, spec.pe_array.dataflow);
}

}  // namespace adasim::workloads
