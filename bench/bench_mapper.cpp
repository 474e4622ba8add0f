// SPDX-License-Identifier: Apache-2.0
// Mapper-speed benchmark for spatial arrays. For one layer: how fast the analytical estimate
// scores mappings (every mapping of the pruned search space, scored without the bound), and
// what the search itself costs (mappings scored, points cut, wall time). For the whole workload:
// the time map_graph takes (what `adasim map --no-simulate` spends mapping). Not a test: figures
// depend on the machine; bench/README.md records ours.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace adasim;
  if (argc < 4) {
    std::cerr << "usage: bench_mapper ARCH.json WORKLOAD LAYER [--set k=v ...]\n";
    return 1;
  }
  std::vector<std::string> overrides;
  for (int i = 4; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--set") overrides.push_back(argv[i + 1]);
  try {
    const auto cfg = sim::load_arch_config(argv[1], overrides);
    const auto wl = sim::load_workload(argv[2], "auto", 0);
    if (cfg.spec.pe_array.kind != arch::ArrayKind::kSpatial) {
      std::cerr << "bench_mapper: " << argv[1] << " is not a spatial array\n";
      return 1;
    }
    const arch::EnergyTable energy(cfg.spec.energy);
    const auto costs = sim::mapper_costs(energy, cfg.spec);
    const workloads::Layer* layer = nullptr;
    for (const auto& l : wl.graph.layers)
      if (l.name == argv[3]) layer = &l;
    if (!layer) {
      std::cerr << "bench_mapper: no layer '" << argv[3] << "' in " << argv[2] << "\n";
      return 1;
    }
    namespace sp = workloads::spatial;
    const auto p = sp::Problem::from_shape(wl.graph.shape(*layer), layer->op);
    const auto w = sp::widths_of(wl.graph, *layer, cfg.spec);
    const auto cons = sp::Constraints::resolve(cfg.spec.mapper, p);
    const auto& pe = cfg.spec.pe_array;
    const std::vector<std::string> dfs =
        pe.dataflow_auto ? pe.spatial_dataflows : std::vector<std::string>{pe.spatial_dataflow};

    // Scoring throughput over the mappings of the pruned space without the bound: the screening
    // score (what the branch and bound ranks by) on the first 5 million, the exact estimate (what
    // the shortlist and the exact stage rank by) on the first 20,000.
    struct Enough {};
    auto rate = [&](int64_t cap, auto&& score, int64_t& scored, double& sink) {
      const auto t = std::chrono::steady_clock::now();
      try {
        for (auto df : dfs)
          sp::for_each_mapping(p, df, cfg.spec, w, cons, workloads::SearchMode::kPruned,
                               [&](const sp::Mapping& m) {
                                 sink += score(m);
                                 if (++scored == cap) throw Enough{};
                               });
      } catch (const Enough&) {
      }
      return seconds_since(t);
    };
    constexpr int64_t kCap = 5'000'000, kExactCap = 20'000;
    int64_t scored = 0, exact_scored = 0;
    double sink = 0;
    const double t_exact = rate(
        kExactCap,
        [&](const sp::Mapping& m) {
          return sp::estimate_mapping(p, m, cfg.spec, w, costs).energy_pj;
        },
        exact_scored, sink);
    const double t_all = rate(
        kCap,
        [&](const sp::Mapping& m) {
          return sp::screen_mapping(p, m, cfg.spec, w, costs).energy_pj;
        },
        scored, sink);
    // The search as the mapper runs it (with finite DRAM, candidates replayed on their plans).
    auto t0 = std::chrono::steady_clock::now();
    const auto r = sp::search_layer(wl.graph, *layer, cfg.spec, costs);
    const double t_search = seconds_since(t0);
    // The whole workload.
    t0 = std::chrono::steady_clock::now();
    const auto schedules = sim::map_graph(wl.graph, cfg.spec, energy);
    const double t_graph = seconds_since(t0);

    std::printf("arch=%s workload=%s layer=%s macs=%lld\n", cfg.spec.name.c_str(),
                wl.graph.name.c_str(), layer->name.c_str(), (long long)p.macs());
    std::printf("screened_unbounded=%lld%s wall_s=%.3f mappings_per_s=%.0f (checksum %.3g)\n",
                (long long)scored, scored == kCap ? " (capped)" : "", t_all, double(scored) / t_all,
                sink);
    std::printf("exact_unbounded=%lld%s wall_s=%.3f mappings_per_s=%.0f\n", (long long)exact_scored,
                exact_scored == kExactCap ? " (capped)" : "", t_exact,
                double(exact_scored) / t_exact);
    std::printf(
        "search_scored=%lld search_cut=%lld search_estimated=%lld search_replayed=%lld "
        "exact_optimum=%d search_wall_s=%.4f\n",
        (long long)r.evaluated, (long long)r.cut, (long long)r.estimated, (long long)r.replayed,
        int(r.exact_optimum), t_search);
    std::printf("graph_layers=%zu graph_map_wall_s=%.3f\n", schedules.size(), t_graph);
  } catch (const std::exception& e) {
    std::cerr << "bench_mapper: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
