// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_mapper.hpp"

#include <algorithm>
#include <set>

#include "sim/core/errors.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

using arch::SpatialDataflow;
using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

// Factor choices for a dim of extent n under a cap: its divisors up to the cap, and the cap
// itself (a ragged last tile) when it does not divide.
std::vector<int64_t> factors(int64_t n, int64_t cap) {
  std::vector<int64_t> out;
  cap = std::max<int64_t>(1, std::min(cap, n));
  for (int64_t f = 1; f <= cap; ++f)
    if (n % f == 0) out.push_back(f);
  if (out.back() != cap) out.push_back(cap);
  return out;
}

// Keeps at most k choices, spread over the range and always including both ends.
std::vector<int64_t> thin(std::vector<int64_t> v, size_t k) {
  if (v.size() <= k) return v;
  std::vector<int64_t> out;
  for (size_t i = 0; i < k; ++i) out.push_back(v[i * (v.size() - 1) / (k - 1)]);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Partial {
  std::vector<Loop> spatial;  // Y loops then X loops
  std::vector<Loop> rf;       // outermost first
  std::array<bool, 3> keep{};
};

// Spatial unrollings and register-file loops of each dataflow (Chen et al., ISCA 2016, Sec. IV).
std::vector<Partial> shapes(const Problem& p, SpatialDataflow df, int64_t rows, int64_t cols,
                            int64_t rf_bytes, const LayerWidths& w) {
  const auto& b = p.bound;
  std::vector<Partial> out;
  auto add = [&](std::vector<Loop> sp, std::vector<Loop> rf, std::array<bool, 3> keep) {
    std::vector<Loop> s2, r2;
    for (const Loop& l : sp)
      if (l.bound > 1) s2.push_back(l);
    for (const Loop& l : rf)
      if (l.bound > 1) r2.push_back(l);
    out.push_back(Partial{s2, r2, keep});
  };
  const auto Y = Level::kArrayY, X = Level::kArrayX, RF = Level::kRf;
  switch (df) {
    case SpatialDataflow::kRs: {
      // PE set: filter rows down a column (psums accumulate vertically), output rows across;
      // sets replicated over channels (Y) and filters (X). RF: a filter row of S weights per
      // (filter, channel) pair, the matching ifmap row segment, and the psum row.
      if (b[kR] > rows) return out;
      for (int64_t cy : thin(factors(b[kC], rows / b[kR]), 6))
        for (int64_t px : thin(factors(b[kP], cols), 6))
          for (int64_t mx : thin(factors(b[kM], cols / px), 5))
            for (int64_t qr : thin(factors(b[kQ], b[kQ]), 6))
              for (int64_t mr : thin(factors(b[kM], 64), 6))
                for (int64_t cr : thin(factors(b[kC], 64), 6)) {
                  Mapping rf_only;  // the RF loops alone give the per-PE tiles
                  rf_only.loops = {{kQ, qr, RF}, {kM, mr, RF}, {kC, cr, RF}, {kS, b[kS], RF}};
                  rf_only.rf_keep = {true, true, true};
                  if (rf_only.rf_footprint_bytes(p, w.in_bytes, w.w_bytes, w.psum_bytes) > rf_bytes)
                    continue;
                  add({{kC, cy, Y}, {kR, b[kR], Y}, {kM, mx, X}, {kP, px, X}}, rf_only.loops,
                      rf_only.rf_keep);
                }
      break;
    }
    case SpatialDataflow::kWs: {
      // One weight per PE; ifmaps multicast along a row, psums reduced down the columns.
      if (rf_bytes < w.w_bytes) return out;
      for (int64_t sy : {int64_t(1), b[kS]})
        for (int64_t ry : {int64_t(1), b[kR]}) {
          if (ry * sy > rows) continue;
          for (int64_t cy : thin(factors(b[kC], rows / (ry * sy)), 6))
            for (int64_t mx : thin(factors(b[kM], cols), 6))
              add({{kC, cy, Y}, {kR, ry, Y}, {kS, sy, Y}, {kM, mx, X}}, {}, {false, true, false});
        }
      break;
    }
    case SpatialDataflow::kOsA:
      // One output channel, a 2-D patch of output pixels; one psum per PE.
      if (rf_bytes < w.psum_bytes) return out;
      for (int64_t py : thin(factors(b[kP], rows), 6))
        for (int64_t qx : thin(factors(b[kQ], cols), 6))
          add({{kP, py, Y}, {kQ, qx, X}}, {}, {false, false, true});
      break;
    case SpatialDataflow::kOsB:
      // Several output channels (X) times several output pixels (Y).
      if (rf_bytes < w.psum_bytes) return out;
      for (int64_t qy : thin(factors(b[kQ], rows), 5))
        for (int64_t py : thin(factors(b[kP], rows / qy), 5))
          for (int64_t mx : thin(factors(b[kM], cols), 6))
            add({{kP, py, Y}, {kQ, qy, Y}, {kM, mx, X}}, {}, {false, false, true});
      break;
    case SpatialDataflow::kOsC:
      // Many output channels of a single output pixel.
      if (rf_bytes < w.psum_bytes) return out;
      for (int64_t my : thin(factors(b[kM], rows), 6)) {
        const int64_t rest = ceil_div(b[kM], my);
        for (int64_t mx : thin(factors(rest, cols), 6))
          add({{kM, my, Y}, {kM, mx, X}}, {}, {false, false, true});
      }
      break;
    case SpatialDataflow::kNlr:
      // No register files: channels down the columns (psums reduced), filters across.
      for (int64_t cy : thin(factors(b[kC], rows), 6))
        for (int64_t mx : thin(factors(b[kM], cols), 6))
          add({{kC, cy, Y}, {kM, mx, X}}, {}, {false, false, false});
      break;
  }
  return out;
}

// Buffer-level loop order (outermost first) that keeps each dataflow's RF operand stationary.
std::vector<int> gbuf_order(SpatialDataflow df) {
  switch (df) {
    case SpatialDataflow::kRs: return {kG, kN, kC, kM, kR, kS, kP, kQ};
    case SpatialDataflow::kWs: return {kG, kM, kC, kR, kS, kN, kP, kQ};
    default: return {kG, kN, kM, kP, kQ, kC, kR, kS};
  }
}

const std::vector<std::vector<int>>& dram_orders() {
  static const std::vector<std::vector<int>> kOrders = {
      {kG, kN, kM, kP, kQ, kC, kR, kS},   // outputs outermost: psums stay in the buffer
      {kG, kM, kC, kR, kS, kN, kP, kQ},   // weights outermost: each weight tile read once
      {kG, kN, kC, kP, kQ, kR, kS, kM}};  // inputs outermost
  return kOrders;
}

Mapping assemble(SpatialDataflow df, const Partial& part, const Idx& gb, const Idx& dram,
                 const std::vector<int>& dorder) {
  Mapping m;
  m.dataflow = df;
  m.rf_keep = part.keep;
  for (int d : dorder)
    if (dram[size_t(d)] > 1) m.loops.push_back({d, dram[size_t(d)], Level::kDram});
  for (int d : gbuf_order(df))
    if (gb[size_t(d)] > 1) m.loops.push_back({d, gb[size_t(d)], Level::kGbuf});
  for (const Loop& l : part.spatial) m.loops.push_back(l);
  for (const Loop& l : part.rf) m.loops.push_back(l);
  return m;
}

std::string one_line(const Mapping& m) {
  std::string s = std::string(arch::to_string(m.dataflow)) + " " + m.describe();
  for (char& c : s)
    if (c == '\n') c = ';';
  return s;
}

}  // namespace

LayerWidths widths_of(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec) {
  LayerWidths w;
  w.in_bits = tiling::bits_of(g, l.inputs.at(0), 8);
  w.w_bits = tiling::bits_of(g, l.weight.empty() ? l.inputs.at(1) : l.weight, 8);
  w.in_bytes = (w.in_bits + 7) / 8;
  w.w_bytes = (w.w_bits + 7) / 8;
  w.out_bytes = (tiling::bits_of(g, l.output, 8) + 7) / 8;
  w.psum_bits = spec.pe_array.accum_bits;
  w.psum_bytes = (w.psum_bits + 7) / 8;
  return w;
}

std::vector<Mapping> enumerate_mappings(const Problem& p, SpatialDataflow df,
                                        const arch::AcceleratorSpec& spec, const LayerWidths& w) {
  std::vector<Mapping> out;
  const auto& pe = spec.pe_array;
  const int64_t gb_bytes = spec.sram.at(0).size_bytes;
  const int slots = spec.sram.at(0).double_buffered ? 2 : 1;
  for (const Partial& part : shapes(p, df, pe.rows, pe.cols, pe.rf_bytes, w)) {
    // Extent left for the temporal loops of each dim.
    Idx inner;
    inner.fill(1);
    for (const Loop& l : part.spatial) inner[size_t(l.dim)] *= l.bound;
    for (const Loop& l : part.rf) inner[size_t(l.dim)] *= l.bound;
    Idx rem;
    for (int d = 0; d < kNumDims; ++d) rem[size_t(d)] = ceil_div(p.bound[size_t(d)], inner[size_t(d)]);
    // Split each remainder between buffer (inner) and DRAM (outer). Groups share nothing, so
    // they always iterate at DRAM level; the batch is split over a spread of its divisors; of
    // the other dims at most two are tiled at DRAM level (more only multiplies refetches).
    std::vector<int> tiled;
    for (int d = kM; d < kNumDims; ++d)
      if (rem[size_t(d)] > 1) tiled.push_back(d);
    std::vector<Idx> others;
    Idx none;
    none.fill(1);
    // cur + every way of tiling up to `left` more of tiled[from..] at DRAM level.
    auto extend = [&](auto&& self, size_t from, int left, const Idx& cur) -> void {
      others.push_back(cur);
      if (left == 0) return;
      for (size_t i = from; i < tiled.size(); ++i) {
        const int d = tiled[i];
        for (int64_t f : thin(factors(rem[size_t(d)], rem[size_t(d)]), 7)) {
          if (f == 1) continue;
          Idx next = cur;
          next[size_t(d)] = f;
          self(self, i + 1, left - 1, next);
        }
      }
    };
    extend(extend, 0, 2, none);
    std::vector<Idx> drams;
    for (int64_t fn : thin(factors(rem[kN], rem[kN]), 5))
      for (Idx d : others) {
        d[kG] = rem[kG];
        d[kN] = fn;
        drams.push_back(d);
      }
    for (const Idx& dram : drams) {
      Idx gb;
      for (int d = 0; d < kNumDims; ++d) gb[size_t(d)] = ceil_div(rem[size_t(d)], dram[size_t(d)]);
      const bool any_dram = std::any_of(dram.begin(), dram.end(), [](int64_t f) { return f > 1; });
      for (const auto& order : dram_orders()) {
        Mapping m = assemble(df, part, gb, dram, order);
        if (slots * m.gbuf_tile_bytes(p, w.in_bytes, w.w_bytes, w.psum_bytes) > gb_bytes) break;
        out.push_back(std::move(m));
        if (!any_dram) break;  // the order of no loops is one order
      }
    }
  }
  return out;
}

void plan_transfers(LayerSchedule& sch, const Problem& p, const LayerWidths& w) {
  const Mapping& m = *sch.spatial;
  const size_t gb0 = m.first_at(Level::kGbuf);
  const Idx span = m.spans_from(gb0);
  const std::vector<int64_t> inner = m.inner_strides();
  std::vector<int64_t> it(gb0, 0);
  const int64_t iters = m.product(0, gb0);
  // First pass: the output box of every DRAM iteration and the boxes of the inputs.
  std::vector<std::array<Box, 3>> boxes;
  std::vector<Idx> origin;
  boxes.reserve(size_t(iters));
  origin.reserve(size_t(iters));
  for (int64_t k = 0; k < iters; ++k) {
    Idx lo{};
    for (size_t l = 0; l < gb0; ++l) lo[size_t(m.loops[l].dim)] += it[l] * inner[l];
    origin.push_back(lo);
    boxes.push_back({operand_box(0, p, lo, span), operand_box(1, p, lo, span), operand_box(2, p, lo, span)});
    for (size_t l = gb0; l-- > 0;) {
      if (++it[l] < m.loops[l].bound) break;
      it[l] = 0;
    }
  }
  // Runs of iterations over one output box are folds; an output leaves as final when no later
  // run touches it (scan backwards with a "touched later" mark per output).
  std::vector<uint8_t> later(size_t(p.ofmap_elems), 0), before(size_t(p.ofmap_elems), 0);
  std::vector<std::pair<int64_t, int64_t>> runs;  // [first, last] iteration
  for (int64_t k = 0; k < iters; ++k) {
    if (k == 0 || !(boxes[size_t(k)][2] == boxes[size_t(k - 1)][2])) runs.push_back({k, k});
    else runs.back().second = k;
  }
  auto for_outputs = [&](const Box& b, auto&& f) {
    for_each_in(b, [&](const std::array<int64_t, kAxes>& x) { f(size_t(tensor_offset(2, p, x))); });
  };
  std::vector<int64_t> final_elems(runs.size(), 0);
  for (size_t r = runs.size(); r-- > 0;) {
    for_outputs(boxes[size_t(runs[r].first)][2], [&](size_t o) {
      if (!later[o]) ++final_elems[r];
    });
    for_outputs(boxes[size_t(runs[r].first)][2], [&](size_t o) { later[o] = 1; });
  }
  sch.folds.clear();
  for (int o = 0; o < 3; ++o) sch.operands[size_t(o)] = OperandPlan{};
  const int bytes[2] = {w.in_bytes, w.w_bytes};
  std::array<Box, 3> prev{};
  for (size_t r = 0; r < runs.size(); ++r) {
    FoldPlan f;
    f.row_fold = int64_t(r);
    const Box& ob = boxes[size_t(runs[r].first)][2];
    int64_t reload = 0;
    for_outputs(ob, [&](size_t o) {
      if (before[o]) ++reload;
    });
    for (int64_t k = runs[r].first; k <= runs[r].second; ++k) {
      ChunkPlan c;
      c.t0 = k;
      c.t_len = 1;
      for (int o = 0; o < 2; ++o) {
        const Box& b = boxes[size_t(k)][size_t(o)];
        const int64_t fetched = b.size() - (k == 0 ? 0 : b.overlap(prev[size_t(o)]));
        c.load_bytes[size_t(o)] = fetched * bytes[o];
        sch.operands[size_t(o)].dram_bytes += c.load_bytes[size_t(o)];
      }
      if (k == runs[r].first) c.load_bytes[2] = reload * w.psum_bytes;  // psums back from DRAM
      // MACs of the iteration: the clipped extent of every dim.
      const Idx& lo = origin[size_t(k)];
      int64_t macs = 1;
      for (int d = 0; d < kNumDims; ++d)
        macs *= std::max<int64_t>(0, std::min(lo[size_t(d)] + span[size_t(d)], p.bound[size_t(d)]) - lo[size_t(d)]);
      f.macs += macs;
      if (k == runs[r].second) {
        const int64_t n = ob.size();
        const int64_t fin = final_elems[r];
        c.store_bytes = fin * w.out_bytes + (n - fin) * w.psum_bytes;
        c.store_is_psum = fin < n;
        c.out_elems = n;
      }
      prev = boxes[size_t(k)];
      f.chunks.push_back(c);
    }
    for_outputs(ob, [&](size_t o) { before[o] = 1; });
    for (const ChunkPlan& c : f.chunks) sch.operands[2].dram_bytes += c.store_bytes + c.load_bytes[2];
    sch.folds.push_back(std::move(f));
  }
  sch.chunk_len = 1;
  sch.row_folds = int64_t(runs.size());
  sch.col_folds = 1;
}

LayerSchedule map_spatial(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                          const EnergyCosts& costs) {
  LayerSchedule sch;
  sch.layer = l.name;
  sch.op = l.op;
  sch.shape = g.shape(l);
  const LayerWidths w = widths_of(g, l, spec);
  sch.in_bits = w.in_bits;
  sch.w_bits = w.w_bits;
  sch.out_bits = tiling::bits_of(g, l.output, 8);
  const Problem p = Problem::from_shape(sch.shape, l.op);
  // The GEMM view (per group) names the output layout for the accelerator's result buffers.
  sch.gemm_m = sch.shape.gemm_m();
  sch.gemm_kred = sch.shape.gemm_kred();
  sch.gemm_n = sch.shape.gemm_n();
  sch.groups = sch.shape.groups;
  sch.group_pack = 1;
  sch.packs = sch.shape.groups;
  const auto& pe = spec.pe_array;
  std::vector<arch::SpatialDataflow> dfs =
      pe.dataflow_auto ? pe.spatial_dataflows : std::vector<arch::SpatialDataflow>{pe.spatial_dataflow};
  const arch::Objective obj = spec.mapper.objective;
  bool have = false, have_runner = false;
  Mapping best, runner;
  SpatialEstimate best_e, runner_e;
  int64_t evaluated = 0;
  for (arch::SpatialDataflow df : dfs) {
    for (Mapping& m : enumerate_mappings(p, df, spec, w)) {
      const SpatialEstimate e = estimate_mapping(p, m, spec, w, costs);
      ++evaluated;
      if (!have || e.objective(obj) < best_e.objective(obj)) {
        if (have && m.describe() != best.describe()) {
          runner = std::move(best);
          runner_e = best_e;
          have_runner = true;
        }
        best = std::move(m);
        best_e = e;
        have = true;
      } else if ((!have_runner || e.objective(obj) < runner_e.objective(obj)) &&
                 m.describe() != best.describe()) {
        runner = std::move(m);
        runner_e = e;
        have_runner = true;
      }
    }
  }
  if (!have) {
    std::string names;
    for (auto df : dfs) names += std::string(names.empty() ? "" : ", ") + arch::to_string(df);
    throw sim::ConfigError("", "/pe_array", "layer '" + l.name + "' (" + names + ")",
                           "a spatial array whose rows, register files (rf_bytes = " +
                               std::to_string(pe.rf_bytes) + ") and global buffer (" +
                               std::to_string(spec.sram.at(0).size_bytes) +
                               " B) can hold one tile of the layer");
  }
  sch.spatial = best;
  sch.loop_order = best.describe();
  sch.search.objective = arch::to_string(obj);
  sch.search.chosen = one_line(best);
  sch.search.est_cycles = best_e.cycles;
  sch.search.est_energy_pj = best_e.energy_pj;
  sch.search.evaluated = evaluated;
  if (have_runner) {
    sch.search.has_runner_up = true;
    sch.search.runner_up = one_line(runner);
    sch.search.runner_cycles = runner_e.cycles;
    sch.search.runner_energy_pj = runner_e.energy_pj;
  }
  plan_transfers(sch, p, w);
  return sch;
}

}  // namespace adasim::workloads::spatial
