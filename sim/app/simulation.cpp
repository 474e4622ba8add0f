// SPDX-License-Identifier: Apache-2.0
#include "sim/app/simulation.hpp"

#include <cstdlib>

#include <systemc>

#include "arch/accelerator.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim::sim {

std::vector<workloads::LayerSchedule> map_graph(const workloads::Graph& graph,
                                                const arch::AcceleratorSpec& spec) {
  std::vector<workloads::LayerSchedule> out;
  out.reserve(graph.layers.size());
  for (const workloads::Layer& l : graph.layers) out.push_back(workloads::map_layer(graph, l, spec));
  return out;
}

SimulationResult simulate(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                          const arch::EnergyTable& energy, arch::ValueStore& values,
                          VcdWriter* vcd,
                          std::map<std::string, workloads::Int32Buffer>* accumulators) {
  SimulationResult result;
  result.schedules = map_graph(graph, spec);
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
