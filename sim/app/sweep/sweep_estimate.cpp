// SPDX-License-Identifier: Apache-2.0
// Dry-run time estimate (sweep_estimate.hpp): maps sampled items in this process (no SystemC
// elaboration) and prices their estimated cycles.
#include "sim/app/sweep/sweep_estimate.hpp"

#include <time.h>

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

// Prices of modelled_seconds (sweep_estimate.hpp), host CPU seconds per unit of work. Fitted
// (least squares on relative error) to 15 timing-only fast runs of the DS-CNN, MobileNetV2 and
// ResNet-50 on 8x8 .. 64x64 arrays, fixed and auto dataflows, 8-bit and precision-scalable
// (CPU time less the same mapping's, 2026-12-03, the 2-core machine of bench/README.md under
// load): the model is within 0.77x .. 1.19x of each; the per-MAC price from 5 fast runs with
// values (0.3 .. 1.1 ns per MAC, their median taken). Per cycle: bench/README.md's 1 us.
constexpr double kStartSeconds = 0.01;    // process start, config, graph
constexpr double kCycleSeconds = 1.0e-6;  // per simulated cycle at 1024 PEs (per cycle)
constexpr double kFoldSeconds = 6.6e-6;   // per fold (fast)
constexpr double kBurstSeconds = 7.0e-8;  // per DRAM burst (fast)
constexpr double kMacSeconds = 0.6e-9;    // per MAC with values (fast)

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

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

class ItemModel {
 public:
  explicit ItemModel(const Study& s) : s_(s), base_(read_json_file(s.spec.arch)) {}

  /// The work of item `i`; pes = 0 when it cannot be mapped (it will fail fast).
  ItemWork work(size_t i) {
    const WorkItem& it = s_.items[i];
    const ResolvedPoint& p = s_.points[it.point];
    std::vector<std::string> sets = s_.spec.set;
    sets.insert(sets.end(), p.overrides.begin(), p.overrides.end());
    try {
      const LoadedConfig cfg = parse_arch_config(base_, s_.spec.arch, sets);
      const workloads::Graph& g = graph(it.workload);
      const double t0 = cpu_seconds();
      const auto schedules = map_graph(g, cfg.spec, arch::EnergyTable(cfg.spec.energy));
      ItemWork w = item_work(schedules, p.pes, cfg.spec.dram.burst_bytes);
      w.map_seconds = cpu_seconds() - t0;
      return w;
    } catch (const ConfigError&) {
      return ItemWork{};
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

std::string kind_text(RunKind k) {
  return !k.fast ? "per cycle" : k.values ? "fast" : "fast, timing only";
}

}  // namespace

ItemWork item_work(const std::vector<workloads::LayerSchedule>& schedules, int64_t pes,
                   int burst_bytes) {
  ItemWork w;
  w.pes = pes;
  for (const workloads::LayerSchedule& l : schedules) {
    w.cycles += l.search.est_cycles;  // vector layers too: the vector unit's timeline
    w.macs += double(l.macs());
    w.folds += double(l.transfers.folds.size());
    w.bursts +=
        double(l.dram_load_bytes() + l.dram_store_bytes()) / double(std::max(1, burst_bytes));
  }
  return w;
}

double modelled_seconds(const ItemWork& w, RunKind kind) {
  const double start = kStartSeconds + w.map_seconds;
  if (!kind.fast)
    return start +
           w.cycles * kCycleSeconds * std::pow(double(std::max<int64_t>(1, w.pes)) / 1024.0, 0.25);
  return start + w.folds * kFoldSeconds + w.bursts * kBurstSeconds +
         (kind.values ? w.macs * kMacSeconds : 0.0);
}

ItemWork study_item_work(const Study& s, size_t i) { return ItemModel(s).work(i); }

Estimate estimate_time(const Study& s, const std::vector<size_t>& pending,
                       const std::vector<nlohmann::json>& done, int jobs, RunKind kind) {
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
    modelled += modelled_seconds(model.work(it->second), kind);
    ++calibrated;
  }
  const double ratio = calibrated > 0 && modelled > 0 ? measured / modelled : 1.0;
  // Sampled per workload and array size (each moves an item's cost by orders of magnitude),
  // about 32 picks in all: a sample per workload alone missed most of the costly small arrays.
  std::map<std::pair<size_t, int64_t>, std::vector<size_t>> groups;
  for (size_t i : pending)
    groups[{s.items[i].workload, s.points[s.items[i].point].pes}].push_back(i);
  const size_t per_group = std::max<size_t>(1, (32 + groups.size() - 1) / groups.size());
  double total = 0, mapping = 0;
  size_t sampled = 0;
  for (const auto& [g, items] : groups) {
    const std::vector<size_t> picks = sample_positions(items.size(), per_group);
    double sum = 0, map_sum = 0;
    for (size_t k : picks) {
      const ItemWork work = model.work(items[k]);
      if (work.pes == 0) continue;
      sum += modelled_seconds(work, kind);
      map_sum += work.map_seconds;
    }
    total += sum / double(picks.size()) * double(items.size());
    mapping += map_sum / double(picks.size()) * double(items.size());
    sampled += picks.size();
  }
  const double workers = double(std::min<size_t>(size_t(std::max(1, jobs)), pending.size()));
  e.seconds = total * ratio / workers;
  e.mapping_seconds = mapping * ratio / workers;
  char how[400];
  std::snprintf(how, sizeof(how),
                "mapper schedules of %zu of the %zu pending items (sampled per workload and array "
                "size) priced "
                "%s (docs/sweep.md)%s, on %d workers",
                sampled, pending.size(), kind_text(kind).c_str(),
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
