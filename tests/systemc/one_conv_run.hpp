// SPDX-License-Identifier: Apache-2.0
// The one-layer run the DVFS and clock-domain tests compare across operating points: a 3x3 conv
// (GEMM M = 8 x 8 output pixels = 64, Kred = 3 x 3 x 3 = 27, N = 20 filters) at one static core
// point, simulated in a child process (SystemC elaborates once per process: child_process.hpp),
// handing back the figures `pick` reads from its report.
#pragma once

#include <functional>
#include <stdexcept>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim::test {

using FigurePicker = std::function<std::vector<double>(const sim::LayerReport&)>;

inline std::vector<double> run_one_conv(arch::AcceleratorSpec spec, const arch::OperatingPoint& p,
                                        const FigurePicker& pick) {
  spec.clock.nominal = p;
  spec.clock.operating_points = {p};
  spec.clock.policy = "static";
  spec.energy.reference_voltage_v = 0.9;
  return in_child([&spec, &pick] {
    workloads::Graph g;
    g.name = "one_conv";
    add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test_generator(3));
    const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
    if (res.layers.size() != 1) throw std::runtime_error("one_conv: expected one layer");
    return pick(res.layers[0]);
  });
}

}  // namespace adasim::test
