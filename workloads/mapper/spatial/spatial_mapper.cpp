// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_mapper.hpp"

#include <algorithm>

#include "sim/core/errors.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

using arch::SpatialDataflow;
using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

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

void plan_transfers(LayerSchedule& sch, const Problem& p, const LayerWidths& w) {
  arch::SpatialProgram& prog = sch.spatial();
  const Mapping& m = prog.nest;
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
    boxes.push_back(
        {operand_box(0, p, lo, span), operand_box(1, p, lo, span), operand_box(2, p, lo, span)});
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
    if (k == 0 || !(boxes[size_t(k)][2] == boxes[size_t(k - 1)][2]))
      runs.push_back({k, k});
    else
      runs.back().second = k;
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
  arch::TransferPlan& tp = sch.transfers;
  tp.folds.clear();
  for (int o = 0; o < 3; ++o) {
    OperandPlan fresh;
    fresh.route = tp.operands[size_t(o)].route;
    tp.operands[size_t(o)] = fresh;
  }
  prog.macs = 0;
  const int bytes[2] = {w.in_bytes, w.w_bytes};
  std::array<Box, 3> prev{};
  for (size_t r = 0; r < runs.size(); ++r) {
    FoldPlan f;
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
        c.load_bytes[size_t(o)][0] = fetched * bytes[o];
        tp.operands[size_t(o)].dram_bytes += c.load_bytes[size_t(o)][0];
      }
      if (k == runs[r].first) c.load_bytes[2][0] = reload * w.psum_bytes;  // psums back from DRAM
      // MACs of the iteration: the clipped extent of every dim.
      const Idx& lo = origin[size_t(k)];
      int64_t macs = 1;
      for (int d = 0; d < kNumDims; ++d)
        macs *= std::max<int64_t>(
            0, std::min(lo[size_t(d)] + span[size_t(d)], p.bound[size_t(d)]) - lo[size_t(d)]);
      prog.macs += macs;
      if (k == runs[r].second) {
        const int64_t n = ob.size();
        const int64_t fin = final_elems[r];
        c.store_bytes[0] = fin * w.out_bytes + (n - fin) * w.psum_bytes;
        c.store_is_psum = fin < n;
        c.out_elems = n;
      }
      prev = boxes[size_t(k)];
      f.chunks.push_back(c);
    }
    for_outputs(ob, [&](size_t o) { before[o] = 1; });
    for (const ChunkPlan& c : f.chunks)
      tp.operands[2].dram_bytes += c.store_bytes[0] + c.load_bytes[2][0];
    tp.folds.push_back(std::move(f));
  }
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
  sch.quant = arch::quant_params(g, l, sch.shape);
  tiling::set_routes(sch.transfers, spec);
  const Problem p = Problem::from_shape(sch.shape, l.op);
  const auto& pe = spec.pe_array;
  std::vector<arch::SpatialDataflow> dfs =
      pe.dataflow_auto ? pe.spatial_dataflows
                       : std::vector<arch::SpatialDataflow>{pe.spatial_dataflow};
  const Constraints cons = Constraints::resolve(spec.mapper, p);
  const SpatialSearchResult r = search_spatial(p, dfs, spec, w, costs, cons);
  if (!r.found) {
    std::string names;
    for (auto df : dfs) names += std::string(names.empty() ? "" : ", ") + arch::to_string(df);
    if (cons.any())
      throw sim::ConfigError(
          "", "/mapper",
          "layer '" + l.name + "' (" + names + ") with constraints " + cons.describe(),
          "constraints that some mapping within the array, its register files (" +
              std::to_string(pe.rf_bytes) + " B) and the global buffer (" +
              std::to_string(spec.sram.at(0).size_bytes) + " B) can meet");
    throw sim::ConfigError(
        "", "/pe_array", "layer '" + l.name + "' (" + names + ")",
        "a spatial array whose rows, register files (rf_bytes = " + std::to_string(pe.rf_bytes) +
            ") and global buffer (" + std::to_string(spec.sram.at(0).size_bytes) +
            " B) can hold one tile of the layer");
  }
  sch.engine = arch::SpatialProgram{r.best, 0};
  sch.dataflow = arch::to_string(r.best.dataflow);
  sch.loop_order = r.best.describe();
  sch.search.objective = arch::to_string(spec.mapper.objective);
  sch.search.chosen = one_line(r.best);
  sch.search.est_cycles = r.best_e.cycles;
  sch.search.est_energy_pj = r.best_e.energy_pj;
  sch.search.evaluated = r.evaluated;
  if (r.has_runner) {
    sch.search.has_runner_up = true;
    sch.search.runner_up = one_line(r.runner);
    sch.search.runner_cycles = r.runner_e.cycles;
    sch.search.runner_energy_pj = r.runner_e.energy_pj;
  }
  plan_transfers(sch, p, w);
  return sch;
}

}  // namespace adasim::workloads::spatial
