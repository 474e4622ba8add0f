// SPDX-License-Identifier: Apache-2.0
// Mapping search: the pruned search finds the optimum of an exhaustive enumeration (every
// packing, order, residency and every chunk length) on small layers, for each objective; user
// constraints (fixed dataflow, loop order, chunk) are honoured; an adaptive array picks per layer;
// the bound that cuts packings stays below every candidate's estimate.
#include "workloads/mapper/search.hpp"

#include <gtest/gtest.h>

#include <random>

#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/mapper.hpp"
#include "workloads/mapper/systolic_planner.hpp"
#include "workloads/mapper/timeline/dma_replay.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using workloads::SearchMode;

// Positive, distinct prices so that the energy objective differs from the latency one.
workloads::EnergyCosts test_costs(const arch::AcceleratorSpec& spec) {
  workloads::EnergyCosts c;
  c.mac_pj = 0.5;
  for (size_t i = 0; i < spec.sram.size(); ++i) {
    c.sram_read_pj.push_back(6.0 + double(i));
    c.sram_write_pj.push_back(7.0 + double(i));
  }
  c.noc_pj_per_byte = 1.0;
  c.dram_pj_per_byte = 160.0;
  c.leakage_mw = 20.0;
  return c;
}

// The pruned search scores the chunks of an SRAM-independent grid (multiples of the chunk step
// with at most three significant bits, and the whole extent) and cuts only on lower bounds. On
// these small layers the grid holds (nearly) every chunk, so the pruned search must find the
// exhaustive enumeration's optimum exactly, with finite DRAM too, for less work in total.
TEST(MapperSearch, PrunedSearchFindsTheExhaustiveOptimum) {
  std::mt19937_64 rng(7);
  int64_t pruned_work = 0, full_work = 0;  // candidates built
  auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
  int compared = 0;
  for (int iter = 0; iter < 120; ++iter) {
    test::ConvDesc d;
    d.name = "l";
    d.r = d.s = pick(0, 1) ? 3 : 1;
    d.pad = int(d.r / 2);
    d.stride = int(pick(1, 2));
    d.h = d.w = pick(3, 8);
    d.groups = pick(0, 2) == 0 ? pick(2, 4) : 1;
    d.c = d.groups * pick(1, 6);
    d.k = d.groups * pick(1, 6);
    const int ar = int(pick(3, 12)), ac = int(pick(3, 12));
    arch::AcceleratorSpec spec = test::real_spec(ar, ac, "ws", 4.0, pick(1, 6) * 512);
    const bool ideal_dram = iter % 2 == 0;
    spec.dram.ideal = ideal_dram;
    spec.pe_array.dataflow_auto = true;
    spec.pe_array.dataflows = {"ws", "os", "is"};
    spec.mapper.objective = arch::Objective(pick(0, 2));
    workloads::Graph g;
    test::add_conv(g, d);
    const auto costs = test_costs(spec);
    std::optional<workloads::SearchResult> pruned, full;
    try {
      pruned = workloads::search_mappings(g, g.layers[0], spec, costs, SearchMode::kPruned);
    } catch (const sim::ConfigError&) {
      EXPECT_THROW(workloads::search_mappings(g, g.layers[0], spec, costs, SearchMode::kExhaustive),
                   sim::ConfigError);
      continue;
    }
    full = workloads::search_mappings(g, g.layers[0], spec, costs, SearchMode::kExhaustive);
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + full->best_candidate.describe());
    const double a = pruned->best_estimate.objective(spec.mapper.objective);
    const double b = full->best_estimate.objective(spec.mapper.objective);
    EXPECT_DOUBLE_EQ(a, b);
    pruned_work += pruned->evaluated;
    full_work += full->evaluated;
    ++compared;
  }
  EXPECT_GT(compared, 80);
  EXPECT_LT(pruned_work, full_work);
}

TEST(MapperSearch, ConstraintsAreHonoured) {
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 40, 10, 10, 24, 3, 3, 1, 1});
  arch::AcceleratorSpec spec = test::real_spec(8, 8, "is", 4.0, 8 * 1024);
  auto s = workloads::map_layer(g, g.layers[0], spec);
  EXPECT_EQ(s.dataflow, "is") << "a fixed dataflow is never changed";
  spec.mapper.loop_order = arch::LoopOrderConstraint::kChunkOuter;
  spec.mapper.chunk_len = 5;
  s = workloads::map_layer(g, g.layers[0], spec);
  EXPECT_TRUE(s.systolic().chunk_outer);
  EXPECT_EQ(s.systolic().chunk_len, 5);
  spec.mapper.loop_order = arch::LoopOrderConstraint::kStreamOuter;
  s = workloads::map_layer(g, g.layers[0], spec);
  EXPECT_FALSE(s.systolic().chunk_outer);
  EXPECT_EQ(s.systolic().chunk_len, 5);
  spec.mapper.chunk_len = 1000000;  // larger than the layer: clipped to its temporal extent
  spec.sram[0].size_bytes = 64 << 20;
  s = workloads::map_layer(g, g.layers[0], spec);
  EXPECT_EQ(s.systolic().chunk_len, s.systolic().dim_time);
  // 1 KiB holds smaller chunks but not the whole 24-filter stream: a fixed chunk that cannot fit
  // is the user's error (the search does not silently pick another one).
  spec.sram[0].size_bytes = 1024;
  EXPECT_THROW(workloads::map_layer(g, g.layers[0], spec), sim::ConfigError);
}

TEST(MapperSearch, ComputeBoundChargesTheLastReturnCrossingOnce) {
  // The 3x3 conv of tests/systemc/return_crossing_test.cpp (C = 3, 10x10, K = 20, no pad: GEMM
  // M = 64 in time, Kred = 27 on the rows, N = 20 on the columns) on an 8 x 8 WS array at
  // 400 MHz with stall-free memory and no NoC stages: 4 row folds x 3 column folds of 8, 8, 4
  // columns. The bound charges each fold its stream, 64 + lat + 8 + c - 2 (no weight load), lat
  // being the feed latency, and the return crossing once, ret - 1 core cycles after the last:
  //  - one domain: lat = 0, no crossing: 4 x (78 + 78 + 74) = 920;
  //  - memory domain at 400 MHz, sync 2: lat = 2 (the synchroniser in), 4 x (80 + 80 + 76) =
  //    944; ret = ceil(2 x 400 / 400) = 2, so 944 + 1 = 945;
  //  - memory at 200 MHz: lat = 2 still, ret = ceil(2 x 400 / 200) = 4: 944 + 3 = 947 (a term
  //    per fold would add 12 x 3 = 36, more than any candidate pays: the array goes on while
  //    earlier outputs cross).
  workloads::Graph g;
  test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
  arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  spec.clock.nominal = {400.0, 0.9};
  spec.clock.operating_points = {spec.clock.nominal};
  spec.pe_array.dataflows = {"ws", "os", "is"};
  const auto costs = test_costs(spec);
  struct Case {
    double mem_mhz;  // 0: no memory domain
    double ws_bound;
  };
  for (const Case k : {Case{0.0, 920.0}, Case{400.0, 945.0}, Case{200.0, 947.0}}) {
    SCOPED_TRACE("memory MHz " + std::to_string(k.mem_mhz));
    spec.clock.memory.reset();
    if (k.mem_mhz > 0) {
      arch::DomainSpec d;
      d.nominal = {k.mem_mhz, 0.9};
      d.operating_points = {d.nominal};
      d.sync_cycles = 2;
      spec.clock.memory = d;
    }
    const workloads::SystolicPlanner planner(g, g.layers[0], spec);
    EXPECT_DOUBLE_EQ(planner.compute_lower_bound("ws", 1), k.ws_bound);
    // Still a bound: no candidate of any dataflow costs less, by the closed form or the timeline.
    for (const Dataflow& df : spec.pe_array.dataflows) {
      const double bound = planner.compute_lower_bound(df, 1);
      for (int64_t len : {planner.chunk_step(df), planner.time_extent(df, 1)})
        for (bool outer : {false, true}) {
          workloads::Candidate c;
          c.dataflow = df;
          c.chunk_len = len;
          c.chunk_outer = outer && !planner.layout(df).outputs_held();
          const auto sch = planner.build(c);
          ASSERT_TRUE(sch.has_value()) << c.describe();
          const workloads::Estimate e = workloads::estimate(*sch, spec, costs);
          EXPECT_LE(bound, e.compute_cycles) << c.describe();
          EXPECT_LE(bound, e.cycles) << c.describe();
        }
    }
  }
}

TEST(MapperSearch, LoadChainBoundsTheReplay) {
  // The 3x3 conv (C = 3, 10x10, K = 20, no pad: M = 64 in time as 8 output rows of 8, Kred = 27
  // on the rows, N = 20 on the columns) on an 8 x 8 WS array at 1 GHz (1 ns), stream-outer with
  // the ifmap streamed: 4 row folds x 3 column folds = 12 folds. A load into a double-buffered
  // slot waits for the chunk two loads back to be consumed, then DRAM's 100 ns latency and the
  // synchroniser's 3 cycles, so each pair of loads costs at least 103 cycles:
  //  - chunk 8 (one output row): 12 x 8 = 96 loads, 48 x 103 = 4944 cycles;
  //  - chunk 64 (the whole extent): 12 loads, 6 x 103 = 618;
  //  - single-buffered: chunk 8 pays 96 x 103 = 9888;
  //  - resident ifmap: no ifmap loads per chunk, and the weights load once per fold (12 = 6 x
  //    103 through two slots).
  workloads::Graph g;
  test::add_conv(g, {"c3x3", 1, 3, 10, 10, 20, 3, 3});
  arch::AcceleratorSpec spec = test::real_spec(8, 8, "ws", 4.0, 1 << 20);
  spec.clock.dram_sync_cycles = 3;
  const auto costs = test_costs(spec);
  struct Case {
    int64_t chunk;
    bool double_buffered, ifmap_resident;
    int64_t chain;
  };
  for (const Case k : {Case{8, true, false, 4944}, Case{64, true, false, 618},
                       Case{8, false, false, 9888}}) {
    arch::AcceleratorSpec sp = spec;
    sp.sram[0].double_buffered = k.double_buffered;
    workloads::Candidate c;
    c.chunk_len = k.chunk;
    c.ifmap_resident = k.ifmap_resident;
    const auto sch = workloads::SystolicPlanner(g, g.layers[0], sp).build(c);
    ASSERT_TRUE(sch.has_value()) << c.describe();
    SCOPED_TRACE(c.describe());
    EXPECT_EQ(workloads::timeline::load_chain_cycles(sch->transfers, sp), k.chain);
    // A bound of the replay, which equals the engine (estimate_engine_test).
    EXPECT_LE(double(k.chain), workloads::estimate(*sch, sp, costs).cycles);
    EXPECT_DOUBLE_EQ(workloads::search_bound(*sch, sp, costs).cycles,
                     std::max(double(k.chain),
                              workloads::estimate_bound(*sch, sp, costs).cycles));
  }
}

TEST(MapperSearch, AdaptiveArrayPicksTheBestDataflowPerLayer) {
  // On a 32x32 array with stall-free memory, by the closed forms (README "Timing model"):
  // 3x3 depthwise, 64 ch, 28x28 (M = 784): WS with 32 groups per pack (288 Kred rows over 9 row
  //   folds, 32 cols, only the diagonal PEs compute) -> 2 x 9 = 18 folds:
  //   32 + 18 x (784 + 32 + 32 - 2) = 15260; with 3 per pack (one row fold each) it would be
  //   27 + 21 x (784 + 32 + 3 - 2) + (784 + 32 + 1 - 2) = 17999; OS packs 32 groups on the
  //   columns -> 25 row folds x 2 packs = 50 folds of ~288 + 62 cycles ~ 17.5 k: WS wins.
  // FC 2048 -> 256, batch 1: WS has 64 x 8 = 512 folds of ~63 cycles ~ 32 k; IS 64 folds of
  //   ~256 + 32 cycles ~ 18.4 k; OS 8 folds of 2048 + 1 + 32 - 2 = 2079 cycles plus the last
  //   32-cycle drain = 16664: OS wins.
  workloads::Graph g;
  test::add_conv(g, {"dw", 1, 64, 28, 28, 64, 3, 3, 1, 1, 1, 64});
  test::add_fc(g, "fc", 1, 2048, 256);
  arch::AcceleratorSpec spec = test::ideal_spec(32, 32, "ws");
  spec.pe_array.dataflows = {"ws", "os", "is"};
  spec.pe_array.dataflow_auto = true;
  std::vector<double> per_df_dw, per_df_fc;
  for (Dataflow df : spec.pe_array.dataflows) {
    arch::AcceleratorSpec fixed = spec;
    fixed.pe_array.dataflow_auto = false;
    fixed.pe_array.dataflow = df;
    per_df_dw.push_back(workloads::map_layer(g, g.layers[0], fixed).search.est_cycles);
    per_df_fc.push_back(workloads::map_layer(g, g.layers[1], fixed).search.est_cycles);
  }
  const auto dw = workloads::map_layer(g, g.layers[0], spec);
  const auto fc = workloads::map_layer(g, g.layers[1], spec);
  EXPECT_DOUBLE_EQ(dw.search.est_cycles, *std::min_element(per_df_dw.begin(), per_df_dw.end()));
  EXPECT_DOUBLE_EQ(fc.search.est_cycles, *std::min_element(per_df_fc.begin(), per_df_fc.end()));
  EXPECT_EQ(dw.dataflow, "ws");
  EXPECT_EQ(fc.dataflow, "os");
  EXPECT_DOUBLE_EQ(dw.search.est_cycles, 15260);
  EXPECT_EQ(dw.systolic().group_pack, 32);
  EXPECT_DOUBLE_EQ(fc.search.est_cycles, 16664);
  EXPECT_TRUE(dw.search.has_runner_up);
  EXPECT_GE(dw.search.runner_cycles, dw.search.est_cycles);
}

}  // namespace
}  // namespace adasim
