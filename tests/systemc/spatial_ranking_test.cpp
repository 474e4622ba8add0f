// SPDX-License-Identifier: Apache-2.0
// The mapper's ranking properties (ranking_properties_test.cpp) on spatial (Eyeriss-style)
// arrays, checked in simulation (one child process per run):
//  - the winner simulates no worse on the objective than the runner-up;
//  - enlarging any SRAM level never makes the chosen mapping simulate slower;
//  - the `energy` objective never beats `latency` on cycles nor loses to it on energy.
// The spatial engine simulates every PE each cycle, so full real layers are slow: the regression
// set is the two array layers with the fewest MACs (distinct shapes) of each of ResNet-50,
// MobileNetV2, AlexNet and the BERT-base encoder: ResNet-50's fc and layer1.0.conv1, MobileNetV2's
// depthwise features.14.dw and features.7.dw, AlexNet's fc8 and fc7, BERT's context and scores
// matmuls (0.25 to 17 M MACs each).
// On ideal DRAM the exact estimate (spatial_estimate.cpp) equals the engine's cycles and access
// counts, so the properties hold exactly (energy up to floating-point summation order, 1e-9).
// On finite DRAM the search ranks by the replay of each candidate's transfer plan (the engine's
// cycles, search_layer): the first property holds exactly there too; the other two hold exactly
// between proven optima (schedule search.optimum "exact"), and they are asserted exactly for the
// others as well (see kRounding), so a search that keeps a worse shortlist's best fails here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "arch/energy/energy_table.hpp"
#include "forked_sim.hpp"
#include "shipped_models.hpp"
#include "sim/app/simulation.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"

namespace adasim {
namespace {

using workloads::Graph;
using workloads::LayerSchedule;
namespace sp = workloads::spatial;

constexpr double kRounding = 1 + 1e-9;
// Finite DRAM: the search ranks by the replay of each candidate's transfer plan (the engine's
// cycles), cutting on the estimate's max(array, DRAM bytes / bandwidth) below it; it is the
// replay's optimum when the exact stage ran (schedule search.optimum "exact"), else the best of
// the shortlist. History of the misses this test caught, each on eyeriss_chip unless named:
//  - 2026-12-05: none. The exact bound now counts every reducing PE's psums, so 5 of the 8
//    layers are proven on both arrays; ResNet-50's layer1.0.conv1 and BERT's scores and context
//    are not, and they too hold exactly (the teardown prints the split).
//  - 2026-12-04 (a 0.1% slack was allowed then): enlarging glb_filter x4 (latency objective),
//    ResNet-50's fc 570,984 cycles against 570,558 and AlexNet's fc8 1,141,111 against
//    1,140,152 (0.08%).
//  - Before the search ranked by the replay (winner and runner-up replayed only): a larger level
//    7.0% slower (AlexNet's fc7, glb_ifmap_psum x4), energy vs latency 0.5%; before any replay
//    the winner could simulate 7.2% slower than its runner-up (BERT's scores).

const std::vector<Graph>& regression_set() {
  static const std::vector<Graph> set = [] {
    std::vector<Graph> out;
    for (const std::string& m : test::ranking_models()) out.push_back(test::smallest_layers(m, 2));
    return out;
  }();
  return set;
}

/// The search map_spatial runs for layer l (with finite DRAM, winner and runner-up replayed).
sp::SpatialSearchResult search_layer(const Graph& g, const workloads::Layer& l,
                                     const arch::AcceleratorSpec& spec) {
  return sp::search_layer(g, l, spec, sim::mapper_costs(arch::EnergyTable(spec.energy), spec));
}

struct Case {
  std::string config;
  bool ideal_dram;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.config << (c.ideal_dram ? " (ideal DRAM)" : " (finite DRAM)");
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.config.substr(0, info.param.config.find('.'));
  std::replace(n.begin(), n.end(), '/', '_');
  return n + (info.param.ideal_dram ? "_ideal" : "_finite");
}

class SpatialRanking : public ::testing::TestWithParam<Case> {
 protected:
  arch::AcceleratorSpec spec() const {
    arch::AcceleratorSpec s = test::shipped_spec(GetParam().config);
    s.dram.ideal = GetParam().ideal_dram;
    return s;
  }
  /// Rounding only; counts whether both searches proved their optimum over the candidate space
  /// (on finite DRAM, the replay's: the engine's cycles).
  double slack(const LayerSchedule& a, const LayerSchedule& b) const {
    ++(a.search.optimum == "exact" && b.search.optimum == "exact" ? exact_ : approx_);
    return kRounding;
  }
  void TearDown() override {
    std::printf("comparisons: %d between proven optima, %d with an unproven one\n", exact_,
                approx_);
  }
  mutable int exact_ = 0, approx_ = 0;
};

TEST_P(SpatialRanking, WinnerSimulatesNoWorseThanRunnerUp) {
  for (arch::Objective obj : {arch::Objective::kLatency, arch::Objective::kEnergy}) {
    arch::AcceleratorSpec s = spec();
    s.mapper.objective = obj;
    for (const Graph& g : regression_set()) {
      std::vector<LayerSchedule> win, run;
      Graph both;  // the layers that have a runner-up
      both.name = g.name;
      both.tensors = g.tensors;
      both.graph_inputs = g.graph_inputs;
      for (const workloads::Layer& l : g.layers) {
        const sp::SpatialSearchResult r = search_layer(g, l, s);
        ASSERT_TRUE(r.found) << l.name;
        if (!r.has_runner) continue;
        win.push_back(sp::spatial_schedule(g, l, s, r.best));
        run.push_back(sp::spatial_schedule(g, l, s, r.runner));
        both.layers.push_back(l);
        both.graph_outputs.push_back(l.output);
      }
      if (both.layers.empty()) continue;
      const auto a = test::simulate_forked(s, both, win);
      const auto b = test::simulate_forked(s, both, run);
      for (size_t i = 0; i < both.layers.size(); ++i)
        EXPECT_LE(test::objective_of(a[i], obj), test::objective_of(b[i], obj) * kRounding)
            << both.layers[i].name << " (" << arch::to_string(obj) << "): winner "
            << win[i].search.chosen << " " << a[i].cycles << " cycles " << a[i].energy_pj
            << " pJ, runner-up " << run[i].search.chosen << " " << b[i].cycles << " cycles "
            << b[i].energy_pj << " pJ";
    }
  }
}

// Cycles under the latency objective (a larger level also costs more energy per access, so the
// energy objective's choice may trade cycles for it).
TEST_P(SpatialRanking, LargerSramNeverSimulatesSlower) {
  arch::AcceleratorSpec small = spec();
  small.mapper.objective = arch::Objective::kLatency;
  for (const Graph& g : regression_set()) {
    const std::vector<LayerSchedule> base_sch = test::map_all(g, small);
    const auto base = test::simulate_forked(small, g, base_sch);
    for (size_t lvl = 0; lvl < small.sram.size(); ++lvl) {
      arch::AcceleratorSpec big = small;
      big.sram[lvl].size_bytes *= 4;
      const std::vector<LayerSchedule> sch = test::map_all(g, big);
      const auto more = test::simulate_forked(big, g, sch);
      for (size_t i = 0; i < g.layers.size(); ++i)
        EXPECT_LE(double(more[i].cycles), double(base[i].cycles) * slack(sch[i], base_sch[i]))
            << g.layers[i].name << ": level " << small.sram[lvl].name << " x4 chose "
            << sch[i].search.chosen << " " << more[i].cycles << " cycles; before "
            << base_sch[i].search.chosen << " " << base[i].cycles << " cycles";
    }
  }
}

TEST_P(SpatialRanking, EnergyObjectiveTradesCyclesForEnergy) {
  arch::AcceleratorSpec lat = spec(), en = lat;
  lat.mapper.objective = arch::Objective::kLatency;
  en.mapper.objective = arch::Objective::kEnergy;
  for (const Graph& g : regression_set()) {
    const std::vector<LayerSchedule> sl = test::map_all(g, lat), se = test::map_all(g, en);
    const auto a = test::simulate_forked(lat, g, sl);
    const auto b = test::simulate_forked(en, g, se);
    for (size_t i = 0; i < g.layers.size(); ++i) {
      SCOPED_TRACE(g.layers[i].name + ": latency chose " + sl[i].search.chosen + " (" +
                   std::to_string(a[i].cycles) + " cycles, " + std::to_string(a[i].energy_pj) +
                   " pJ), energy chose " + se[i].search.chosen + " (" +
                   std::to_string(b[i].cycles) + " cycles, " + std::to_string(b[i].energy_pj) +
                   " pJ)");
      const double k = slack(sl[i], se[i]);
      EXPECT_GE(double(b[i].cycles) * k, double(a[i].cycles));
      EXPECT_LE(b[i].energy_pj, a[i].energy_pj * k);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, SpatialRanking,
                         ::testing::Values(Case{"eyeriss_like_16x16.json", true},
                                           Case{"eyeriss_like_16x16.json", false},
                                           Case{"eyeriss_chip.json", true},
                                           Case{"eyeriss_chip.json", false}),
                         case_name);

}  // namespace
}  // namespace adasim
