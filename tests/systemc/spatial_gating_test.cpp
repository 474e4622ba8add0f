// SPDX-License-Identifier: Apache-2.0
// Power gating of a spatial array's PEs per layer (power policy per_layer): a layer powers only
// the PEs its mapping's spatial loops span. By hand: a conv with one output and one MAC (every
// dim 1) can reach exactly one PE of the 8x8 RS array, so 63 PEs are off for the whole layer
// (63 x cycles unit-cycles power gated) and the PE array leaks 1/64 of what it leaks with every
// PE on (policy none, same cycles). A 1x1 conv of 2 input and 3 output channels on a 1x1 image
// has 6 MACs: its spatial loops reach at most 6 PEs, so at least 58 are off.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "child_process.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"

namespace adasim {
namespace {

// Per layer: cycles_total, power-gated PE unit-cycles, PE leakage pJ.
std::vector<double> run(const std::string& policy) {
  return test::in_child([&] {
    workloads::Graph g;
    g.name = "tiny_spatial";
    test::add_conv(g, {"one_mac", 1, 1, 1, 1, 1, 1, 1});
    test::add_conv(g, {"six_macs", 1, 2, 1, 1, 3, 1, 1});
    arch::AcceleratorSpec spec = test::spatial_spec(8, 8, "rs", 128, 16 * 1024);
    spec.power.enabled = true;
    spec.power.policy = policy;
    spec.power.power_gated = {"pe_array"};
    const arch::EnergyTable energy(spec.energy);
    arch::ValueStore values(g, test::test_generator(3));
    const sim::SimulationResult res = sim::simulate(spec, g, energy, values);
    std::vector<double> out;
    for (const sim::LayerReport& l : res.layers) {
      double leak = 0.0;
      for (const sim::EnergyEntry& e : l.energy)
        if (e.module == "pe_array" && e.action == "leakage") leak += e.pj;
      out.insert(out.end(), {double(l.cycles_total),
                             double(l.power.at("pe_array").power_gated_unit_cycles), leak});
    }
    return out;
  });
}

TEST(SpatialGating, ALayerPowersOnlyThePesItsMappingSpans) {
  const std::vector<double> gated = run("per_layer"), all_on = run("none");
  ASSERT_EQ(gated.size(), 6u);
  ASSERT_EQ(all_on.size(), 6u);
  // Layer 0: one PE.
  EXPECT_EQ(gated[0], all_on[0]);  // gating off the unused PEs changes no cycle here
  EXPECT_EQ(gated[1], 63.0 * gated[0]);
  EXPECT_EQ(all_on[1], 0.0);
  ASSERT_GT(all_on[2], 0.0);
  EXPECT_NEAR(gated[2], all_on[2] / 64.0, 1e-9 * all_on[2]);
  // Layer 1: at most 6 PEs.
  EXPECT_GE(gated[4], 58.0 * gated[3]);
  EXPECT_LE(gated[5], all_on[5] * 6.0 / 64.0 * gated[3] / all_on[3] + 1e-9);
}

}  // namespace
}  // namespace adasim
