// SPDX-License-Identifier: Apache-2.0
#include "arch/energy/energy_model.hpp"

namespace adasim::arch {

std::vector<EnergyRow> layer_energy(const EnergyTable& t, const LayerActivity& a) {
  std::vector<EnergyRow> rows;
  const double dyn = t.dynamic_voltage_factor(a.voltage_v);
  const double leak = t.leakage_voltage_factor(a.voltage_v);
  auto add = [&](const std::string& module, const std::string& action, uint64_t count,
                 double pj_each) {
    if (count == 0) return;
    rows.push_back(EnergyRow{module, action, count, pj_each, double(count) * pj_each});
  };
  // Each MAC reads its input and weight registers and updates its psum register.
  add("pe_array", "mac_int" + std::to_string(a.mac_bits), a.macs, t.mac_pj(a.mac_bits) * dyn);
  add("pe_array", "rf_input", a.macs, t.rf_pj(a.in_bits) * dyn);
  add("pe_array", "rf_weight", a.macs, t.rf_pj(a.w_bits) * dyn);
  add("pe_array", "rf_psum", a.macs, t.rf_pj(a.accum_bits) * dyn);
  if (a.nm_index_bits > 0) {
    add("pe_array", "rf_nm_index", a.nm_selects, t.rf_pj(a.nm_index_bits) * dyn);
    add("pe_array", "rf_input_group", a.nm_forwards, t.rf_pj(a.in_bits) * dyn);
  }
  add("vector_unit", "op", a.vector_ops, t.vector_op_pj() * dyn);
  for (const LayerActivity::Level& l : a.levels) {
    add(l.name, "read", l.read_words, t.sram_read_pj(l.size_bytes, l.word_bits) * dyn);
    add(l.name, "write", l.write_words, t.sram_write_pj(l.size_bytes, l.word_bits) * dyn);
  }
  add("noc", "byte", a.bus_bytes, 8.0 * t.noc_pj_per_bit() * dyn);
  // DRAM interface energy does not follow the core voltage.
  add("dram", "read_byte", a.dram_read_bytes, 8.0 * t.dram_pj_per_bit());
  add("dram", "write_byte", a.dram_write_bytes, 8.0 * t.dram_pj_per_bit());
  // Leakage: mW x ns = pJ. Count = 1 (the layer), pj_each = the layer's leakage.
  auto leak_row = [&](const std::string& module, double mw) {
    const double pj = mw * leak * a.time_ns;
    if (pj > 0) rows.push_back(EnergyRow{module, "leakage", 1, pj, pj});
  };
  leak_row("pe_array", double(a.pes) * t.pe_leakage_mw());
  for (const LayerActivity::Level& l : a.levels) leak_row(l.name, t.sram_leakage_mw(l.size_bytes));
  leak_row("noc", t.noc_leakage_mw());
  return rows;
}

}  // namespace adasim::arch
