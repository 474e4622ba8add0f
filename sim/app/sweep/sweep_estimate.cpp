// SPDX-License-Identifier: Apache-2.0
// Dry-run time estimate (sweep_estimate.hpp): maps sampled items in this process (no SystemC
// elaboration) and prices their estimated cycles.
#include "sim/app/sweep/sweep_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"

namespace adasim::sim::sweep {
namespace {

/// At most `most` of `n` positions, drawn without replacement by a fixed-seed generator (same
/// picks for the same n). Evenly spaced picks alias with a grid: items come in product order,
/// so a stride that is a multiple of an axis's period (or of the workload count) sees only one
/// of its values (a 384-point x 6-workload study sampled only its smallest workload).
std::vector<size_t> sample_positions(size_t n, size_t most) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), size_t{0});
  if (n <= most) return all;
  std::mt19937_64 rng(0x5eedu);
  for (size_t i = 0; i < most; ++i) std::swap(all[i], all[i + size_t(rng() % (n - i))]);
  all.resize(most);
  std::sort(all.begin(), all.end());
  return all;
}

class ItemModel {
 public:
  explicit ItemModel(const Study& s) : s_(s), base_(read_json_file(s.spec.arch)) {}

  /// Modelled host seconds of item `i`; 0 when it cannot be mapped (it will fail fast).
  double seconds(size_t i) {
    const WorkItem& it = s_.items[i];
    const ResolvedPoint& p = s_.points[it.point];
    std::vector<std::string> sets = s_.spec.set;
    sets.insert(sets.end(), p.overrides.begin(), p.overrides.end());
    try {
      const LoadedConfig cfg = parse_arch_config(base_, s_.spec.arch, sets);
      const workloads::Graph& g = graph(it.workload);
      double cycles = 0;
      for (const auto& l : map_graph(g, cfg.spec, arch::EnergyTable(cfg.spec.energy))) {
        const auto* v = std::get_if<arch::VectorProgram>(&l.engine);
        cycles += v ? std::ceil(double(v->ops) / double(std::max<int64_t>(1, v->lanes)))
                    : l.search.est_cycles;
      }
      return modelled_seconds(cycles, p.pes);
    } catch (const ConfigError&) {
      return 0.0;
    }
  }

 private:
  const workloads::Graph& graph(size_t w) {
    auto it = graphs_.find(w);
    if (it == graphs_.end()) {
      const WorkloadSpec& ws = s_.spec.workloads[w];
      it = graphs_.emplace(w, load_workload(ws.path, ws.format, ws.batch).graph).first;
    }
    return it->second;
  }
  const Study& s_;
  nlohmann::json base_;
  std::map<size_t, workloads::Graph> graphs_;
};

}  // namespace

double modelled_seconds(double cycles, int64_t pes) {
  return 0.05 + cycles * 1.0e-6 * std::pow(double(std::max<int64_t>(1, pes)) / 1024.0, 0.25);
}

Estimate estimate_time(const Study& s, const std::vector<size_t>& pending,
                       const std::vector<nlohmann::json>& done, int jobs) {
  Estimate e;
  if (pending.empty()) {
    e.how = "nothing left to run";
    return e;
  }
  ItemModel model(s);
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < s.items.size(); ++i) by_key[s.items[i].key] = i;
  double measured = 0, modelled = 0;
  size_t calibrated = 0;
  for (size_t k : sample_positions(done.size(), 16)) {
    const auto it = by_key.find(done[k].value("key", ""));
    if (it == by_key.end() || !done[k].contains("host_s")) continue;
    measured += done[k]["host_s"].get<double>();
    modelled += model.seconds(it->second);
    ++calibrated;
  }
  const double ratio = calibrated > 0 && modelled > 0 ? measured / modelled : 1.0;
  // Sampled per workload (workloads differ by orders of magnitude), about 32 picks in all.
  std::map<size_t, std::vector<size_t>> by_workload;
  for (size_t i : pending) by_workload[s.items[i].workload].push_back(i);
  const size_t per_workload =
      std::max<size_t>(1, (32 + by_workload.size() - 1) / by_workload.size());
  double total = 0;
  size_t sampled = 0;
  for (const auto& [w, items] : by_workload) {
    const std::vector<size_t> picks = sample_positions(items.size(), per_workload);
    double sum = 0;
    for (size_t k : picks) sum += model.seconds(items[k]);
    total += sum / double(picks.size()) * double(items.size());
    sampled += picks.size();
  }
  const double workers = double(std::min<size_t>(size_t(std::max(1, jobs)), pending.size()));
  e.seconds = total * ratio / workers;
  char how[400];
  std::snprintf(how, sizeof(how),
                "mapper cycle estimates of %zu of the %zu pending items (sampled per workload) x "
                "about 1 us per simulated cycle at 32x32 (bench/README.md)%s, on %d workers",
                sampled, pending.size(),
                calibrated ? (", rescaled by " + std::to_string(ratio).substr(0, 4) +
                              " = measured / modelled time of " + std::to_string(calibrated) +
                              " finished items")
                                 .c_str()
                           : "",
                int(workers));
  e.how = how;
  return e;
}

}  // namespace adasim::sim::sweep
