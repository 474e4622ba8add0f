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

}  // namespace adasim::arch
