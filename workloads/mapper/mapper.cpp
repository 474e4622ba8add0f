// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/mapper.hpp"

#include <algorithm>
#include <map>

#include "sim/core/errors.hpp"
#include "workloads/mapper/search.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/tiling_util.hpp"
#include "workloads/mapper/timeline/timeline.hpp"
#include "workloads/mapper/vector_compile.hpp"

namespace adasim::workloads {
namespace {

using arch::Operand;
constexpr int kIf = int(Operand::kIfmap), kOf = int(Operand::kOfmap);

using tiling::bits_of;
using tiling::ceil_div;
using tiling::Footprint;
using tiling::slots_of;

LayerSchedule plan_vector(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec) {
  LayerSchedule sch;
  sch.layer = l.name;
  sch.op = l.op;
  sch.dataflow = "vector";
  sch.shape = g.shape(l);
  sch.in_bits = bits_of(g, l.inputs.at(0), 8);
  sch.out_bits = bits_of(g, l.output, 8);
  sch.quant = arch::quant_params(g, l, sch.shape);
  arch::VectorProgram& v = sch.engine.emplace<arch::VectorProgram>();
  v.lanes = spec.pe_array.vector_lanes > 0 ? spec.pe_array.vector_lanes : spec.pe_array.cols;
  v.op = compile_vector_layer(g, l);
  const int64_t out_elems = g.tensor(l.output).elements();
  v.outputs = out_elems;
  arch::TransferPlan& tp = sch.transfers;
  tiling::set_routes(tp, spec);
  if (l.op == OpType::kReshape) {  // a view: no lane operation, no transfer
    tp.folds.emplace_back();
    sch.loop_order = "view";
    return sch;
  }
  // Operands: activations and constants (lookup table, layernorm's gamma / beta).
  int64_t in_bytes = 0;
  for (const std::string& in : l.inputs) in_bytes += g.tensor(in).bytes();
  for (const std::string* c : {&l.weight, &l.bias})
    if (!c->empty()) in_bytes += g.tensor(*c).bytes();
  v.ops = out_elems * v.op.ops_per_output();
  v.in_bytes = in_bytes;
  v.out_bytes = g.tensor(l.output).bytes();
  // Chunks: slices of output elements whose inputs and outputs fit the levels, double buffered;
  // a level above the array-side one (a chained L1's parent) passes the same slices through.
  int64_t chunks = 1;
  const auto routes = arch::operand_routes(spec);
  auto fits = [&](int64_t n) {
    Footprint fp;
    const int64_t in = slots_of(spec, Operand::kIfmap) * ceil_div(in_bytes, n);
    const int64_t out = slots_of(spec, Operand::kOfmap) * ceil_div(v.out_bytes, n);
    fp.add(spec, Operand::kIfmap, in);
    fp.add(spec, Operand::kOfmap, out);
    fp.add_outer(routes, Operand::kIfmap, in);
    fp.add_outer(routes, Operand::kOfmap, out);
    return fp.fits(spec);
  };
  while (!fits(chunks) && chunks < out_elems) chunks *= 2;
  chunks = std::min(chunks, out_elems);
  // The memory budget (mapper.max_plan_chunks); the search itself is at most 63 doublings.
  if (chunks > spec.mapper.max_plan_chunks)
    throw sim::ConfigError("", "/mapper/max_plan_chunks",
                           "layer '" + l.name + "' (vector): " + std::to_string(chunks) +
                               " chunks to fit the SRAM levels, above " +
                               std::to_string(spec.mapper.max_plan_chunks),
                           "a budget the layer's chunks fit (raise mapper.max_plan_chunks, or "
                           "give the SRAM levels more room)");
  FoldPlan f;
  const int64_t per = ceil_div(out_elems, chunks);
  for (int64_t t0 = 0; t0 < out_elems; t0 += per) {
    ChunkPlan c;
    c.t0 = t0;
    c.t_len = std::min(per, out_elems - t0);
    // Proportional slices (pool windows overlap at chunk edges; the halo is neglected).
    c.load_bytes[kIf] =
        tiling::every_hop(routes[kIf].size(), ceil_div(in_bytes * c.t_len, out_elems));
    c.store_bytes =
        tiling::every_hop(routes[kOf].size(), ceil_div(v.out_bytes * c.t_len, out_elems));
    c.out_elems = c.t_len;
    tp.operands[kIf].dram_bytes += c.load_bytes[kIf][0];
    tp.operands[kOf].dram_bytes += c.store_bytes[0];
    f.chunks.push_back(c);
  }
  tp.folds.push_back(std::move(f));
  sch.loop_order = "chunk(output elements)";
  // The vector unit's timeline (its lanes, port stalls and DRAM waits: the engine's cycles).
  sch.search.est_cycles = double(timeline::vector_cycles(sch, spec));
  return sch;
}

}  // namespace

LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec,
                        const EnergyCosts& costs, ISearchGuard* guard) {
  if (guard) guard->check(layer.name);
  if (!is_mac_op(layer.op)) return plan_vector(graph, layer, spec);
  if (spec.pe_array.kind == arch::ArrayKind::kSpatial)
    return spatial::map_spatial(graph, layer, spec, costs, guard);
  return search_mappings(graph, layer, spec, costs, SearchMode::kPruned, guard).best;
}

LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec) {
  return map_layer(graph, layer, spec, EnergyCosts{});
}

}  // namespace adasim::workloads
