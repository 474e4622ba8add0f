// SPDX-License-Identifier: Apache-2.0
#include "sim/app/simulation.hpp"

#include <cstdlib>

#include <systemc>

#include "arch/accelerator.hpp"
#include "arch/energy/spatial_energy.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim::sim {

workloads::EnergyCosts mapper_costs(const arch::EnergyTable& t, const arch::AcceleratorSpec& spec) {
  const double v = spec.clock.nominal.voltage_v;
  const double dyn = t.dynamic_voltage_factor(v);
  const auto& pe = spec.pe_array;
  workloads::EnergyCosts c;
  // A MAC reads its input and weight registers and updates its psum register (energy_model.cpp).
  c.mac_pj = (t.mac_pj(pe.mac_bits) + 2 * t.rf_pj(pe.mac_bits) + t.rf_pj(pe.accum_bits)) * dyn;
  for (const auto& l : spec.sram) {
    c.sram_read_pj.push_back(t.sram_read_pj(l.size_bytes, l.word_bits) * dyn);
    c.sram_write_pj.push_back(t.sram_write_pj(l.size_bytes, l.word_bits) * dyn);
  }
  c.noc_pj_per_byte = 8.0 * t.noc_pj_per_bit() * dyn;
  c.dram_pj_per_byte = 8.0 * t.dram_pj_per_bit();
  double leak = double(pe.rows) * pe.cols * t.pe_leakage_mw() + t.noc_leakage_mw();
  for (const auto& l : spec.sram) leak += t.sram_leakage_mw(l.size_bytes);
  c.leakage_mw = leak * t.leakage_voltage_factor(v);
  if (pe.kind == arch::ArrayKind::kSpatial) {
    // Priced at int8 operands (the mapper ranks; reports use each layer's real widths).
    c.spatial = arch::spatial_value_costs(t, spec, {8, 8, pe.accum_bits}, v);
    if (!spec.energy.per_access.empty()) c.leakage_mw = 0;  // the normalised table has none
  }
  return c;
}

std::vector<workloads::LayerSchedule> map_graph(const workloads::Graph& graph,
                                                const arch::AcceleratorSpec& spec,
                                                const arch::EnergyTable& energy) {
  const workloads::EnergyCosts costs = mapper_costs(energy, spec);
  std::vector<workloads::LayerSchedule> out;
  out.reserve(graph.layers.size());
  for (const workloads::Layer& l : graph.layers) out.push_back(workloads::map_layer(graph, l, spec, costs));
  return out;
}

SimulationResult simulate(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                          const arch::EnergyTable& energy, arch::ValueStore& values,
                          VcdWriter* vcd,
                          std::map<std::string, workloads::Int32Buffer>* accumulators) {
  SimulationResult result;
  result.schedules = map_graph(graph, spec, energy);
  // The SystemC banner would pollute stdout (the summary table and machine-read output).
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  {
    arch::Accelerator top("top", spec, energy);
    top.load_program(graph, result.schedules, values);
    top.attach_tracer(vcd);
    top.set_accumulator_sink(accumulators);
    sc_core::sc_start();
    if (!top.finished())
      throw ModelError("simulation stopped before the last layer finished (layer " +
                       std::to_string(top.reports().size()) + " never completed)");
    result.layers = top.reports();
  }
  return result;
}

}  // namespace adasim::sim
