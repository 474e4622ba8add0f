// SPDX-License-Identifier: Apache-2.0
// What the mapper's ranking promises, checked in simulation (the SystemC engine, one child
// process per run) on a regression set of real layers sampled from ResNet-50, MobileNetV2,
// AlexNet and the BERT-base encoder:
//  - the winner simulates no worse on the objective than the runner-up;
//  - enlarging the SRAM never makes the chosen mapping simulate slower;
//  - the `energy` objective never beats `latency` on cycles nor loses to it on energy.
#include <gtest/gtest.h>

#include "arch/energy/energy_table.hpp"
#include "forked_sim.hpp"
#include "shipped_models.hpp"
#include "sim/app/simulation.hpp"
#include "workloads/mapper/search.hpp"
#include "workloads/mapper/systolic_planner.hpp"

namespace adasim {
namespace {

using workloads::Graph;
using workloads::LayerSchedule;

/// The regression set: 4 layers of each network (16 layers).
std::vector<Graph> regression_set() {
  std::vector<Graph> out;
  for (const std::string& m : test::ranking_models()) out.push_back(test::sample_layers(m, 4));
  return out;
}

class RankingProperties : public ::testing::TestWithParam<std::string> {};

TEST_P(RankingProperties, WinnerSimulatesNoWorseThanRunnerUp) {
  for (arch::Objective obj : {arch::Objective::kLatency, arch::Objective::kEnergy}) {
    arch::AcceleratorSpec spec = test::shipped_spec(GetParam());
    spec.mapper.objective = obj;
    const workloads::EnergyCosts costs = sim::mapper_costs(arch::EnergyTable(spec.energy), spec);
    for (const Graph& g : regression_set()) {
      std::vector<LayerSchedule> win, run;
      Graph both;  // the layers that have a runner-up
      both.name = g.name;
      both.tensors = g.tensors;
      both.graph_inputs = g.graph_inputs;
      for (const workloads::Layer& l : g.layers) {
        const workloads::SearchResult r = workloads::search_mappings(g, l, spec, costs);
        if (!r.runner_up) continue;
        auto rs = workloads::SystolicPlanner(g, l, spec).build(*r.runner_up);
        ASSERT_TRUE(rs.has_value()) << l.name;
        win.push_back(r.best);
        run.push_back(std::move(*rs));
        both.layers.push_back(l);
        both.graph_outputs.push_back(l.output);
      }
      if (both.layers.empty()) continue;
      const auto a = test::simulate_forked(spec, both, win);
      const auto b = test::simulate_forked(spec, both, run);
      for (size_t i = 0; i < both.layers.size(); ++i)
        EXPECT_LE(test::objective_of(a[i], obj), test::objective_of(b[i], obj))
            << both.layers[i].name << " (" << arch::to_string(obj) << "): winner "
            << win[i].search.chosen << ", runner-up " << win[i].search.runner_up;
    }
  }
}

// The search scores every chunk of a grid that does not depend on the SRAM sizes (cutting only
// on lower bounds), so a larger level offers every mapping a smaller one did and the chosen one
// estimates no worse; with the estimate equal to the engine it simulates no worse either.
TEST_P(RankingProperties, LargerSramNeverSimulatesSlower) {
  for (bool ideal_dram : {true, false}) {
    arch::AcceleratorSpec small = test::shipped_spec(GetParam());
    small.dram.ideal = ideal_dram;
    for (const Graph& g : regression_set()) {
      const auto base = test::simulate_forked(small, g, test::map_all(g, small));
      for (size_t lvl = 0; lvl < small.sram.size(); ++lvl) {
        arch::AcceleratorSpec big = small;
        big.sram[lvl].size_bytes *= 4;
        const std::vector<LayerSchedule> sch = test::map_all(g, big);
        const auto more = test::simulate_forked(big, g, sch);
        for (size_t i = 0; i < g.layers.size(); ++i)
          EXPECT_LE(more[i].cycles, base[i].cycles)
              << g.layers[i].name << ": level " << small.sram[lvl].name << " x4 chose "
              << sch[i].search.chosen << (ideal_dram ? " (ideal DRAM)" : "");
      }
    }
  }
}

TEST_P(RankingProperties, EnergyObjectiveTradesCyclesForEnergy) {
  arch::AcceleratorSpec lat = test::shipped_spec(GetParam()), en = lat;
  lat.mapper.objective = arch::Objective::kLatency;
  en.mapper.objective = arch::Objective::kEnergy;
  for (const Graph& g : regression_set()) {
    const std::vector<LayerSchedule> sl = test::map_all(g, lat), se = test::map_all(g, en);
    const auto a = test::simulate_forked(lat, g, sl);
    const auto b = test::simulate_forked(en, g, se);
    for (size_t i = 0; i < g.layers.size(); ++i) {
      SCOPED_TRACE(g.layers[i].name + ": latency chose " + sl[i].search.chosen + ", energy chose " +
                   se[i].search.chosen);
      EXPECT_GE(b[i].cycles, a[i].cycles);
      EXPECT_LE(b[i].energy_pj, a[i].energy_pj);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, RankingProperties, ::testing::Values("default.json"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

}  // namespace
}  // namespace adasim
