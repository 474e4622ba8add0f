// SPDX-License-Identifier: Apache-2.0
#include "arch/energy/action_costs.hpp"

namespace adasim::arch {

EnergyCosts::PerValue spatial_value_costs(const EnergyTable& t, const AcceleratorSpec& spec,
                                          const std::array<int, 3>& bits, double voltage_v) {
  EnergyCosts::PerValue c;
  const auto& pa = spec.energy.per_access;
  const auto& spads = spec.pe_array.spads;
  // A per-operand spad with its own access energy: per word, ceil(bits / word_bits) words a value.
  auto spad_price = [&](size_t o, double dflt) {
    if (!spads || !(*spads)[o].access_pj) return dflt;
    return *(*spads)[o].access_pj * double((*spads)[o].words_per_value(bits[o]));
  };
  if (!pa.empty()) {
    c.mac = pa.at("mac");
    for (size_t o = 0; o < 3; ++o) c.rf[o] = spad_price(o, pa.at("rf"));
    c.noc.fill(pa.at("noc"));
    c.gbuf.fill(pa.at("gbuf"));
    c.dram.fill(pa.at("dram"));
    c.link = pa.count("link") ? pa.at("link") : pa.at("noc");
    return c;
  }
  const double dyn = t.dynamic_voltage_factor(voltage_v);
  c.mac = t.mac_pj(spec.pe_array.mac_bits) * dyn;
  for (size_t o = 0; o < 3; ++o) {
    const double b = bits[o];
    const SramLevelSpec& gb = spec.level_of(Operand(o));
    c.rf[o] = spad_price(o, t.rf_pj(bits[o])) * dyn;
    c.noc[o] = t.noc_pj_per_bit() * b * dyn;
    // A buffer word costs its read energy; a value uses its share of the word.
    c.gbuf[o] = t.sram_read_pj(gb.size_bytes, gb.word_bits) * b / double(gb.word_bits) * dyn;
    c.dram[o] = t.dram_pj_per_bit() * b;
  }
  c.link = t.link_pj_per_bit() * double(bits[2]) * dyn;
  return c;
}

EnergyCosts action_costs(const EnergyTable& t, const AcceleratorSpec& spec) {
  const double v = spec.clock.nominal.voltage_v;
  const double dyn = t.dynamic_voltage_factor(v);
  const auto& pe = spec.pe_array;
  EnergyCosts c;
  // A MAC reads its input and weight registers and updates its psum register (energy_model.cpp).
  c.mac_pj = (t.mac_pj(pe.mac_bits) + 2 * t.rf_pj(pe.mac_bits) + t.rf_pj(pe.accum_bits)) * dyn;
  // The SRAM levels and the NoC at the memory domain's voltage (arch/dvfs/domains.hpp).
  const double vm = spec.clock.memory ? spec.clock.memory->nominal.voltage_v : v;
  const double dyn_mem = t.dynamic_voltage_factor(vm);
  for (const auto& l : spec.sram) {
    c.sram_read_pj.push_back(t.sram_read_pj(l.size_bytes, l.word_bits) * dyn_mem);
    c.sram_write_pj.push_back(t.sram_write_pj(l.size_bytes, l.word_bits) * dyn_mem);
  }
  c.noc_pj_per_byte = 8.0 * t.noc_pj_per_bit() * dyn_mem;
  c.dram_pj_per_byte = 8.0 * t.dram_pj_per_bit();
  const double pe_leak = double(pe.rows) * pe.cols * t.pe_leakage_mw();
  double leak = pe_leak + t.noc_leakage_mw();
  for (const auto& l : spec.sram) leak += t.sram_leakage_mw(l.size_bytes);
  c.leakage_mw = leak * t.leakage_voltage_factor(v);
  if (spec.clock.memory)
    c.leakage_mw =
        pe_leak * t.leakage_voltage_factor(v) + (leak - pe_leak) * t.leakage_voltage_factor(vm);
  if (pe.kind == ArrayKind::kSpatial) {
    // Priced at int8 operands (the mapper ranks; reports use each layer's real widths).
    c.spatial = spatial_value_costs(t, spec, {8, 8, pe.accum_bits}, v);
    if (spec.clock.memory) {
      // The buffer, the buses and the psum links (the "noc" rows) at the memory domain's voltage.
      const EnergyCosts::PerValue m = spatial_value_costs(t, spec, {8, 8, pe.accum_bits}, vm);
      c.spatial.gbuf = m.gbuf;
      c.spatial.noc = m.noc;
      c.spatial.link = m.link;
    }
    if (!spec.energy.per_access.empty()) c.leakage_mw = 0;  // the normalised table has none
  }
  return c;
}

}  // namespace adasim::arch
