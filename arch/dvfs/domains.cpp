// SPDX-License-Identifier: Apache-2.0
#include "arch/dvfs/domains.hpp"

namespace adasim::arch {

DomainId domain_of(const AcceleratorSpec& spec, const std::string& module) {
  if (module == "dram") return DomainId::kDram;
  if (!spec.clock.memory) return DomainId::kCore;
  if (module == "noc" || module == "decoder" || module == "encoder") return DomainId::kMemory;
  for (const SramLevelSpec& l : spec.sram)
    if (l.name == module) return DomainId::kMemory;
  return DomainId::kCore;
}

void price_at_domain_voltages(const EnergyTable& t, const AcceleratorSpec& spec, double core_v,
                              std::vector<EnergyRow>& rows) {
  if (!spec.clock.memory || !spec.energy.per_access.empty()) return;
  const double mem_v = spec.clock.memory->nominal.voltage_v;
  const double dyn = t.dynamic_voltage_factor(mem_v) / t.dynamic_voltage_factor(core_v);
  const double leak = t.leakage_voltage_factor(mem_v) / t.leakage_voltage_factor(core_v);
  for (EnergyRow& r : rows) {
    if (domain_of(spec, r.module) != DomainId::kMemory) continue;
    const double f = r.action == "leakage" ? leak : dyn;
    r.pj_each *= f;
    r.pj *= f;
  }
}

void price_over_core_points(const EnergyTable& t, const AcceleratorSpec& spec, double priced_v,
                            const std::vector<PointShare>& shares, std::vector<EnergyRow>& rows) {
  if (!spec.energy.per_access.empty()) return;
  double dyn = 0.0, leak = 0.0;
  for (const PointShare& s : shares) {
    dyn += s.busy_share * t.dynamic_voltage_factor(s.voltage_v);
    leak += s.time_share * t.leakage_voltage_factor(s.voltage_v);
  }
  dyn /= t.dynamic_voltage_factor(priced_v);
  leak /= t.leakage_voltage_factor(priced_v);
  for (EnergyRow& r : rows) {
    if (r.module == "dvfs" || domain_of(spec, r.module) != DomainId::kCore) continue;
    const double f = r.action == "leakage" ? leak : dyn;
    r.pj_each *= f;
    r.pj *= f;
  }
}

}  // namespace adasim::arch
