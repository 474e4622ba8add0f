// SPDX-License-Identifier: Apache-2.0
#include "sim/stats/layer_report.hpp"

#include "sim/core/errors.hpp"

namespace adasim::sim {

namespace {
template <class Map, class V>
void put_once(Map& m, const std::string& key, V v, const char* where) {
  if (!m.emplace(key, v).second)
    throw ModelError(std::string("report: two statistics file under ") + where + " key '" + key +
                     "'");
}
}  // namespace

LayerReport layer_report(const arch::LayerResult& r) {
  LayerReport rep;
  rep.name = r.name;
  rep.op = r.op;
  rep.cycles_total = r.cycles_total;
  rep.cycles_compute = r.cycles_compute;
  rep.cycles_stall = r.cycles_stall;
  rep.active_pe_cycles = r.active_pe_cycles;
  rep.macs = r.macs;
  rep.macs_issued = r.macs_issued;
  rep.macs_gated = r.macs_gated;
  rep.macs_skipped = r.macs_skipped;
  rep.time_ns = r.time_ns;
  // The halt of a DVFS transition is at no operating point (the clock is stopped).
  rep.time_ns_at_point = r.time_ns_at_point;
  if (r.dvfs_reported) {
    rep.dvfs = LayerReport::Dvfs{r.dvfs_transitions, r.dvfs_transition_ns, 0.0};
    for (const arch::EnergyRow& e : r.energy)
      if (e.module == "dvfs" && e.action == "transition") rep.dvfs->energy_pj += e.pj;
  }
  for (const StatValue& v : r.stats) {
    const double real = v.integral ? double(v.count) : v.real;
    switch (v.kind) {
      case StatKind::kCount:
        put_once(rep.accesses, v.group + "." + v.name, v.count, "accesses");
        break;
      case StatKind::kUtilization:
        put_once(rep.utilization, v.name, real, "utilization");
        break;
      case StatKind::kStall:
        put_once(rep.stall_by_cause, v.name, v.count, "stall_by_cause");
        break;
      case StatKind::kRatio:
        put_once(rep.sparsity, v.name, real, "sparsity");
        break;
      case StatKind::kMirror:
        if (v.integral)
          put_once(rep.mirror_counts, v.group + "." + v.name, v.count, "mirror");
        else
          put_once(rep.mirror_reals, v.group + "." + v.name, v.real, "mirror");
        break;
    }
  }
  for (const arch::BlockPower& b : r.power) rep.power[b.block] = b;
  rep.energy = r.energy;
  if (rep.time_ns_at_point.size() == 1) {
    double pj = rep.energy_total_pj();
    for (const arch::EnergyRow& e : r.energy)
      if (e.module == "dvfs" && e.action == "transition") pj -= e.pj;
    rep.energy_pj_at_point[rep.time_ns_at_point.begin()->first] = pj;
  }
  return rep;
}

void report_storage(const arch::StoragePlan& plan, const arch::EnergyTable& table, double voltage_v,
                    LayerReport& rep) {
  std::vector<arch::StorageFigure> figures;
  std::vector<arch::EnergyRow> rows;
  arch::storage_report(plan, table, voltage_v, figures, rows);
  for (const arch::StorageFigure& f : figures)
    put_once(rep.accesses, "compression." + f.op + "." + f.name, f.value, "accesses");
  rep.energy.insert(rep.energy.end(), rows.begin(), rows.end());
}

}  // namespace adasim::sim
