// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_mapper.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

#include "arch/program/spatial_folds.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"
#include "workloads/mapper/tiling_util.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

std::string one_line(const Mapping& m) {
  std::string s = m.dataflow + " " + m.describe();
  for (char& c : s)
    if (c == '\n') c = ';';
  return s;
}

// A mapping's cycles with finite DRAM, from its transfer plan in `sch`: the estimate's max(array
// cycles, DRAM bytes / bandwidth) overlaps DRAM and compute more than the engine, which overlaps
// them per DRAM iteration only (double-buffered chunks), so the schedule reports the replay of
// its plan against the DMA and DRAM model (workloads/mapper/timeline), whose iterations' cycles
// must add up to the array cycles the search ranked it by (e.array_cycles, from the exact
// estimate). The energy's leakage follows the cycles (as in price()).
struct Replayed {
  double cycles = 0, energy_pj = 0;
};
Replayed replay(const LayerSchedule& sch, const SpatialEstimate& e,
                const arch::AcceleratorSpec& spec, const EnergyCosts& costs) {
  const std::vector<int64_t> iter = timeline::spatial_iteration_cycles(sch, spec);
  const int64_t sum = std::accumulate(iter.begin(), iter.end(), int64_t{0});
  if (double(sum) != e.array_cycles)
    throw sim::ModelError("spatial mapper: the DRAM iterations of " + sch.layer + " sum to " +
                          std::to_string(sum) + " cycles, the estimate's array cycles are " +
                          std::to_string(e.array_cycles));
  Replayed r;
  r.cycles = double(timeline::spatial_cycles(sch, spec, iter));
  r.energy_pj =
      e.energy_pj + costs.leakage_mw * (r.cycles - e.cycles) * 1e3 / spec.clock.nominal.freq_mhz;
  return r;
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

void plan_transfers(LayerSchedule& sch, const Problem& p, const LayerWidths& w,
                    const std::function<void()>& check) {
  arch::SpatialProgram& prog = sch.spatial();
  const Mapping& m = prog.nest;
  const Idx span = m.spans_from(m.first_at(Level::kGbuf));
  const std::vector<Idx> origin = arch::spatial::dram_origins(m);
  // Runs of iterations over one output box are folds; an output leaves as final in the last
  // fold that touches it (arch/program/spatial_folds.hpp).
  const std::vector<arch::spatial::SpatialFold> folds = arch::spatial::spatial_folds(p, m);
  std::vector<uint8_t> before(size_t(p.ofmap_elems), 0);
  auto for_outputs = [&](const Box& b, auto&& f) {
    for_each_in(b, [&](const std::array<int64_t, kAxes>& x) { f(size_t(tensor_offset(2, p, x))); });
  };
  arch::TransferPlan& tp = sch.transfers;
  tp.folds.clear();
  for (int o = 0; o < 3; ++o) {
    OperandPlan fresh;
    fresh.route = tp.operands[size_t(o)].route;
    tp.operands[size_t(o)] = fresh;
  }
  prog.macs = 0;
  const int bytes[2] = {w.in_bytes, w.w_bytes};
  std::array<Box, 2> prev{};
  int64_t unchecked = 0;
  for (const arch::spatial::SpatialFold& sf : folds) {
    if (check && ++unchecked == kFoldsPerCheck) {
      unchecked = 0;
      check();
    }
    FoldPlan f;
    int64_t reload = 0;
    for_outputs(sf.out, [&](size_t o) {
      if (before[o]) ++reload;
    });
    for (int64_t k = sf.first; k <= sf.last; ++k) {
      ChunkPlan c;
      c.t0 = k;
      c.t_len = 1;
      const Idx& lo = origin[size_t(k)];
      for (int o = 0; o < 2; ++o) {
        const Box b = operand_box(o, p, lo, span);
        const int64_t fetched = b.size() - (k == 0 ? 0 : b.overlap(prev[size_t(o)]));
        c.load_bytes[size_t(o)][0] = fetched * bytes[o];
        tp.operands[size_t(o)].dram_bytes += c.load_bytes[size_t(o)][0];
        prev[size_t(o)] = b;
      }
      if (k == sf.first) c.load_bytes[2][0] = reload * w.psum_bytes;  // psums back from DRAM
      // MACs of the iteration: the clipped extent of every dim.
      int64_t macs = 1;
      for (int d = 0; d < kNumDims; ++d)
        macs *= std::max<int64_t>(
            0, std::min(lo[size_t(d)] + span[size_t(d)], p.bound[size_t(d)]) - lo[size_t(d)]);
      prog.macs += macs;
      if (k == sf.last) {
        const int64_t n = sf.out.size();
        const int64_t fin = int64_t(sf.final_outputs.size());
        c.store_bytes[0] = fin * w.out_bytes + (n - fin) * w.psum_bytes;
        // A store with final outputs goes through the output encoder (its spilled psums too,
        // at their dense size); one without is a plain psum spill.
        c.store_is_psum = fin == 0;
        c.out_elems = n;
      }
      f.chunks.push_back(c);
    }
    for_outputs(sf.out, [&](size_t o) { before[o] = 1; });
    for (const ChunkPlan& c : f.chunks)
      tp.operands[2].dram_bytes += c.store_bytes[0] + c.load_bytes[2][0];
    tp.folds.push_back(std::move(f));
  }
}

namespace {

// The schedule's fields that do not depend on the mapping (layer, shape, widths, routes).
LayerSchedule layer_schedule(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec) {
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
  tiling::require_one_hop(sch.transfers, spec,
                          "a level filled from DRAM: spatial arrays run one global buffer");
  return sch;
}

}  // namespace

LayerSchedule spatial_schedule(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                               const Mapping& m) {
  LayerSchedule sch = layer_schedule(g, l, spec);
  sch.engine = arch::SpatialProgram{m, 0};
  sch.dataflow = m.dataflow;
  sch.loop_order = m.describe();
  sch.search.objective = arch::to_string(spec.mapper.objective);
  sch.search.chosen = one_line(m);
  plan_transfers(sch, Problem::from_shape(sch.shape, l.op), widths_of(g, l, spec));
  return sch;
}

LayerSchedule map_spatial(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                          const EnergyCosts& costs, ISearchGuard* guard) {
  LayerSchedule sch = layer_schedule(g, l, spec);
  const LayerWidths w = widths_of(g, l, spec);
  const Problem p = Problem::from_shape(sch.shape, l.op);
  const auto& pe = spec.pe_array;
  std::vector<std::string> dfs =
      pe.dataflow_auto ? pe.spatial_dataflows : std::vector<std::string>{pe.spatial_dataflow};
  const Constraints cons = Constraints::resolve(spec.mapper, p);
  const std::function<void()> check =
      guard ? [&] { guard->check(l.name); } : std::function<void()>();
  const SpatialSearchResult r = search_layer(g, l, spec, costs, check);
  if (!r.found) {
    std::string levels;  // "128 B" for one level; "gl_in 100 B, gl_w 8 B" for a split buffer
    for (const arch::SramLevelSpec& lv : spec.sram)
      levels += (levels.empty() ? "" : ", ") +
                (spec.sram.size() > 1 ? lv.name + " " : std::string()) +
                std::to_string(lv.size_bytes) + " B";
    std::string names;
    for (auto df : dfs) names += std::string(names.empty() ? "" : ", ") + df;
    if (r.over_memory > 0)
      throw sim::ConfigError(
          "", "/mapper/max_plan_chunks",
          "layer '" + l.name + "' (" + names + "): " + std::to_string(r.over_memory) +
              " fitting mapping(s), each above " + std::to_string(spec.mapper.max_plan_chunks) +
              " transfer-plan chunks",
          "a budget the layer's mappings fit (raise mapper.max_plan_chunks, or give the array "
          "larger register files / global buffer)");
    if (cons.any())
      throw sim::ConfigError(
          "", "/mapper",
          "layer '" + l.name + "' (" + names + ") with constraints " + cons.describe(),
          "constraints that some mapping within the array, its register files (" +
              std::to_string(pe.rf_bytes) + " B) and the global buffer (" + levels + ") can meet");
    throw sim::ConfigError(
        "", "/pe_array", "layer '" + l.name + "' (" + names + ")",
        "a spatial array whose rows, register files (rf_bytes = " + std::to_string(pe.rf_bytes) +
            ") and global buffer (" + levels + ") can hold one tile of the layer");
  }
  sch.engine = arch::SpatialProgram{r.best, 0};
  sch.dataflow = r.best.dataflow;
  sch.loop_order = r.best.describe();
  sch.search.objective = arch::to_string(spec.mapper.objective);
  sch.search.chosen = one_line(r.best);
  sch.search.est_cycles = r.best_e.cycles;
  sch.search.est_energy_pj = r.best_e.energy_pj;
  sch.search.evaluated = r.evaluated;
  sch.search.budget_exhausted = r.exhausted;
  sch.search.over_memory_budget = r.over_memory;
  sch.search.optimum = r.exact_optimum ? "exact" : "shortlist";
  if (r.has_runner) {
    sch.search.has_runner_up = true;
    sch.search.runner_up = one_line(r.runner);
    sch.search.runner_cycles = r.runner_e.cycles;
    sch.search.runner_energy_pj = r.runner_e.energy_pj;
  }
  plan_transfers(sch, p, w, check);
  return sch;
}

SpatialEstimate replayed_estimate(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                                  const EnergyCosts& costs, const Mapping& m, SpatialEstimate e,
                                  const std::function<void()>& check) {
  const Problem p = Problem::from_shape(g.shape(l), l.op);
  const LayerWidths w = widths_of(g, l, spec);
  LayerSchedule s = layer_schedule(g, l, spec);
  s.engine = arch::SpatialProgram{m, 0};
  plan_transfers(s, p, w, check);
  const Replayed x = replay(s, e, spec, costs);
  e.cycles = x.cycles;
  e.energy_pj = x.energy_pj;
  return e;
}

SpatialSearchResult search_layer(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                                 const EnergyCosts& costs, const std::function<void()>& guard) {
  const Problem p = Problem::from_shape(g.shape(l), l.op);
  const LayerWidths w = widths_of(g, l, spec);
  const auto& pe = spec.pe_array;
  const std::vector<std::string> dfs =
      pe.dataflow_auto ? pe.spatial_dataflows : std::vector<std::string>{pe.spatial_dataflow};
  // Finite DRAM: the engine overlaps DRAM and compute per DRAM iteration only, so a mapping's
  // cycles are the replay of its transfer plan (>= the estimate's max(array cycles, DRAM bytes
  // / bandwidth), which the search cuts on). So are they when DRAM is ideal but its transfers
  // cross a synchroniser (clock.dram_sync_cycles): every job then completes that much later.
  Refine replayed;
  if (!spec.dram.ideal || spec.clock.dram_sync_cycles > 0)
    replayed = [&](const Mapping& m, SpatialEstimate& e) {
      e = replayed_estimate(g, l, spec, costs, m, e, guard);
    };
  return search_spatial(p, dfs, spec, w, costs, Constraints::resolve(spec.mapper, p),
                        SearchMode::kPruned, guard, replayed);
}

}  // namespace adasim::workloads::spatial
