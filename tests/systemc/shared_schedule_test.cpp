// SPDX-License-Identifier: Apache-2.0
// Layers with the same operator, shape and widths share one mapping search (sim::map_graph), but
// each runs its own operands through its own output stage: two same-shape convs with different
// weights and different output scales and zero points give the reference kernels' accumulators
// and the reference requantization of each, bit for bit.
#include <gtest/gtest.h>

#include <map>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

TEST(SharedSchedules, EveryLayerKeepsItsOwnOperandsAndQuantisation) {
  workloads::Graph g;
  test::add_conv(g, {"a", 1, 6, 7, 7, 5, 3, 3, 1, 1});
  test::add_conv(g, {"b", 1, 6, 7, 7, 5, 3, 3, 1, 1});
  // Different output quantisation: multiplier 1/64 with zero point 3 (a), 1/16 with -7 (b).
  g.tensors.at("a.out").scale = 64.0;
  g.tensors.at("a.out").zero_point = 3;
  g.tensors.at("b.out").scale = 16.0;
  g.tensors.at("b.out").zero_point = -7;
  const arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(5));
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  ASSERT_EQ(res.schedules.size(), 2u);
  EXPECT_EQ(res.schedules[1].search.evaluated, res.schedules[0].search.evaluated) << "one search";
  for (const auto& [layer, bad] : test::reference_mismatches(g, acc, 5))
    EXPECT_EQ(bad, 0u) << layer;
  const auto gen = test::test_generator(5);
  for (const auto& [name, mult, zp] : {std::tuple<std::string, double, int>{"a", 1.0 / 64, 3},
                                       std::tuple<std::string, double, int>{"b", 1.0 / 16, -7}}) {
    SCOPED_TRACE(name);
    const workloads::Int32Buffer ref =
        workloads::reference_conv2d(gen(g.tensor(name + ".in")), gen(g.tensor(name + ".w")),
                                    g.shape(g.layers[name == "a" ? 0 : 1]));
    const workloads::Int8Buffer want = workloads::requantize(ref, mult, zp, 8, true, false);
    EXPECT_EQ(values.get(name + ".out").data, want.data);
  }
}

}  // namespace
}  // namespace adasim
