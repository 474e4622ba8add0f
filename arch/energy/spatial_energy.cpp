// SPDX-License-Identifier: Apache-2.0
#include "arch/energy/spatial_energy.hpp"

namespace adasim::arch {

std::vector<EnergyRow> spatial_layer_energy(const EnergyTable& t, const AcceleratorSpec& spec,
                                            const spatial::SpatialCounts& n,
                                            const std::array<int, 3>& bits, double voltage_v,
                                            double time_ns,
                                            const std::array<EncodedTraffic, 3>& encoded) {
  const bool normalised = !spec.energy.per_access.empty();
  const EnergyCosts::PerValue c = spatial_value_costs(t, spec, bits, voltage_v);
  static const char* kOp[3] = {"ifmap", "weight", "psum"};
  std::vector<EnergyRow> rows;
  auto add = [&](const std::string& module, const std::string& action, int64_t count, double pj) {
    if (count <= 0) return;
    rows.push_back(EnergyRow{module, action, uint64_t(count), pj, double(count) * pj});
  };
  add("pe_array", "mac", n.macs - n.macs_gated - n.macs_skipped, c.mac);  // issued MACs
  for (size_t o = 0; o < 3; ++o) {
    const std::string op = kOp[o];
    const std::string& gb = spec.level_of(Operand(o)).name;  // a split buffer: its own level
    add("pe_array", "rf_" + op, n.rf_reads[o] + n.rf_writes[o], c.rf[o]);
    add("noc", op, o == 2 ? n.psum_hops - n.psum_link_hops : n.noc_deliveries[o], c.noc[o]);
    if (o == 2) add("noc", "psum_link", n.psum_link_hops, c.link);
    if (o < 2 && encoded[o].compressed) {
      const double bytes_per_value = double((bits[o] + 7) / 8);
      add(gb, op, n.gbuf_writes[o] + n.gbuf_drains[o], c.gbuf[o]);
      add(gb, op + "_encoded", int64_t(encoded[o].gbuf_bytes), c.gbuf[o] / bytes_per_value);
      add("dram", op + "_encoded", int64_t(encoded[o].dram_bytes), c.dram[o] / bytes_per_value);
      continue;
    }
    add(gb, op, n.gbuf_reads[o] + n.gbuf_writes[o] + n.gbuf_fills[o] + n.gbuf_drains[o], c.gbuf[o]);
    int64_t dram_values = n.dram_reads[o] + n.dram_writes[o];
    if (o == 2 && encoded[2].compressed) {
      // Stores of final outputs went through the output encoder: their encoded bytes at the
      // price of an output value's byte.
      const EncodedTraffic& e = encoded[2];
      const double out_value =
          spatial_value_costs(t, spec, {bits[0], bits[1], e.bits}, voltage_v).dram[2];
      add("dram", "ofmap_encoded", int64_t(e.dram_bytes), out_value / double((e.bits + 7) / 8));
      dram_values -= int64_t(e.values);
    }
    add("dram", op, dram_values, c.dram[o]);
  }
  if (!normalised) {
    const double leak = t.leakage_voltage_factor(voltage_v);
    auto leak_row = [&](const std::string& module, double mw) {
      const double pj = mw * leak * time_ns;
      if (pj > 0) rows.push_back(EnergyRow{module, "leakage", 1, pj, pj});
    };
    leak_row("pe_array", double(spec.pe_array.rows) * spec.pe_array.cols * t.pe_leakage_mw());
    for (const SramLevelSpec& l : spec.sram) leak_row(l.name, t.sram_leakage_mw(l.size_bytes));
    leak_row("noc", t.noc_leakage_mw());
  }
  return rows;
}

}  // namespace adasim::arch
