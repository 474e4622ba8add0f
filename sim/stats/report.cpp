// SPDX-License-Identifier: Apache-2.0
#include "sim/stats/report.hpp"

#include <map>
#include <utility>

namespace adasim::sim {

double LayerReport::energy_dynamic_pj() const {
  double sum = 0.0;
  for (const EnergyEntry& e : energy)
    if (e.action != "leakage") sum += e.pj;
  return sum;
}

double LayerReport::energy_leakage_pj() const {
  double sum = 0.0;
  for (const EnergyEntry& e : energy)
    if (e.action == "leakage") sum += e.pj;
  return sum;
}

double RunReport::area_total_um2() const {
  double sum = 0.0;
  for (const auto& [block, parts] : area_um2)
    for (const auto& [component, um2] : parts) sum += um2;
  return sum;
}

LayerReport RunReport::total() const {
  LayerReport t;
  t.name = "total";
  t.op = "total";
  t.dataflow = "";
  std::map<std::pair<std::string, std::string>, EnergyEntry> merged;
  for (const LayerReport& l : layers) {
    t.cycles_total += l.cycles_total;
    t.cycles_compute += l.cycles_compute;
    t.cycles_stall += l.cycles_stall;
    for (const auto& [k, v] : l.stall_by_cause) t.stall_by_cause[k] += v;
    t.macs += l.macs;
    t.macs_issued += l.macs_issued;
    t.macs_gated += l.macs_gated;
    t.macs_skipped += l.macs_skipped;
    t.time_ns += l.time_ns;
    for (const auto& [k, v] : l.time_ns_at_point) t.time_ns_at_point[k] += v;
    for (const auto& [k, v] : l.energy_pj_at_point) t.energy_pj_at_point[k] += v;
    if (l.dvfs) {
      if (!t.dvfs) t.dvfs = LayerReport::Dvfs{};
      t.dvfs->transitions += l.dvfs->transitions;
      t.dvfs->time_ns += l.dvfs->time_ns;
      t.dvfs->energy_pj += l.dvfs->energy_pj;
    }
    for (const auto& [k, v] : l.accesses) t.accesses[k] += v;
    for (const auto& [block, b] : l.power) {
      arch::BlockPower& s = t.power[block];
      s.block = block;
      s.units = b.units;
      s.clock_gated_unit_cycles += b.clock_gated_unit_cycles;
      s.power_gated_unit_cycles += b.power_gated_unit_cycles;
      s.wakeups += b.wakeups;
      s.wakeup_pj += b.wakeup_pj;
      s.leakage_saved_pj += b.leakage_saved_pj;
    }
    for (const EnergyEntry& e : l.energy) {
      EnergyEntry& m = merged[{e.module, e.action}];
      m.module = e.module;
      m.action = e.action;
      m.count += e.count;
      m.pj += e.pj;
    }
  }
  for (auto& [key, e] : merged) {
    e.pj_each = e.count ? e.pj / double(e.count) : 0.0;
    t.energy.push_back(e);
  }
  // Utilization of the whole run is recomputed from sums, weighted by cycles.
  if (meta.pes > 0 && t.cycles_total > 0)
    t.utilization["pe"] = double(t.macs) / (double(meta.pes) * double(t.cycles_total));
  std::map<std::string, double> weighted;
  for (const LayerReport& l : layers)
    for (const auto& [k, v] : l.utilization)
      if (k != "pe") weighted[k] += v * double(l.cycles_total);
  for (const auto& [k, v] : weighted)
    t.utilization[k] = t.cycles_total ? v / double(t.cycles_total) : 0.0;
  return t;
}

std::optional<DvfsPlanCheck> dvfs_plan_check(const RunReport& r) {
  if (r.layers.empty()) return std::nullopt;
  const nlohmann::json& plan = r.layers.front().schedule.value("dvfs", nlohmann::json());
  if (!plan.is_object() || !plan.contains("plan_time_us")) return std::nullopt;
  DvfsPlanCheck c;
  c.plan_time_us = plan.at("plan_time_us").get<double>();
  if (plan.contains("deadline_us")) c.deadline_us = plan.at("deadline_us").get<double>();
  if (plan.contains("memory_point")) c.memory_point = plan.at("memory_point").get<std::string>();
  for (const LayerReport& l : r.layers) {
    c.simulated_time_us += l.time_ns * 1e-3;
    const auto wake = l.stall_by_cause.find("wakeup");
    if (wake != l.stall_by_cause.end()) c.wakeup_stall_cycles += wake->second;
  }
  return c;
}

}  // namespace adasim::sim
