// SPDX-License-Identifier: Apache-2.0
// The host budget of the mapping searches (workloads/mapper/search_guard.hpp), on both array
// kinds: the guard is consulted before the layer and between the candidates of its search (at
// least once per candidate scored, so a long search stops inside the layer, not after it); a
// guard that throws stops the search with its error; a guard that never throws leaves the chosen
// schedule byte for byte as without it (outputs never depend on the clock when no budget is hit).
#include "workloads/mapper/search_guard.hpp"

#include <gtest/gtest.h>

#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/mapper.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim {
namespace {

/// Counts its calls; throws at call number `throw_at` (0: never).
struct CountingGuard : workloads::ISearchGuard {
  int64_t calls = 0, throw_at = 0;
  std::string layer;
  void check(const std::string& l) override {
    layer = l;
    if (++calls == throw_at)
      throw sim::ConfigError("command line", "--max-seconds", "the budget spent in '" + l + "'",
                             "a run within the budget");
  }
};

void expect_guarded_search(const workloads::Graph& g, const arch::AcceleratorSpec& spec) {
  const workloads::Layer& l = g.layers.at(0);
  const workloads::LayerSchedule free = workloads::map_layer(g, l, spec);
  CountingGuard watch;
  const workloads::LayerSchedule guarded = workloads::map_layer(g, l, spec, {}, &watch);
  EXPECT_EQ(guarded.to_json().dump(), free.to_json().dump());
  EXPECT_EQ(watch.layer, l.name);
  // One call before the search, then at least one per candidate scored.
  ASSERT_GE(free.search.evaluated, 3);
  EXPECT_GE(watch.calls, free.search.evaluated + 1);
  CountingGuard stop;
  stop.throw_at = watch.calls / 2;  // inside the search
  try {
    workloads::map_layer(g, l, spec, {}, &stop);
    FAIL() << "the guard's error did not stop the search";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("the budget spent in '" + l.name + "'"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(stop.calls, stop.throw_at);  // nothing ran on after the guard threw
}

TEST(SearchGuard, SystolicSearchChecksBetweenCandidates) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 16, 12, 12, 16, 3, 3, 1, 1});
  arch::AcceleratorSpec spec = test::real_spec(4, 4, "ws", 4.0, 4096);
  spec.pe_array.dataflow_auto = true;
  spec.pe_array.dataflows = {"ws", "os", "is"};
  expect_guarded_search(g, spec);
}

TEST(SearchGuard, SpatialSearchChecksBetweenCandidates) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 8, 6, 6, 8, 3, 3, 1, 1});
  expect_guarded_search(g, test::spatial_spec(4, 4, "rs", 256, 64 * 1024, 4.0));
}

// The transfer plan of the chosen spatial mapping is built after the search, fold by fold; a plan
// of millions of folds answers to the guard too: once every kFoldsPerCheck folds, so exactly
// floor(folds / kFoldsPerCheck) times, and the plan is the same with or without the guard.
TEST(SearchGuard, SpatialTransferPlanChecksEveryFewThousandFolds) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 4, 130, 130, 64, 3, 3, 1, 0});
  // 1 M outputs; a 1 KiB global buffer holds at most 256 four-byte psums of an output tile
  // (fewer beside its ifmap and filter rows), so the plan has thousands of folds.
  const arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 64, 1024);
  const workloads::Layer& l = g.layers.at(0);
  const workloads::LayerSchedule sch = workloads::map_layer(g, l, spec);
  const int64_t folds = int64_t(sch.transfers.folds.size());
  ASSERT_GE(folds, 2 * workloads::spatial::kFoldsPerCheck) << "the layer must span several checks";
  const workloads::spatial::Problem p = workloads::spatial::Problem::from_shape(sch.shape, l.op);
  const workloads::spatial::LayerWidths w = workloads::spatial::widths_of(g, l, spec);
  workloads::LayerSchedule again = sch;
  int64_t calls = 0;
  workloads::spatial::plan_transfers(again, p, w, [&] { ++calls; });
  EXPECT_EQ(calls, folds / workloads::spatial::kFoldsPerCheck);
  EXPECT_EQ(again.to_json().dump(), sch.to_json().dump());
  // A guard that throws stops the plan at its first check.
  workloads::LayerSchedule stopped = sch;
  EXPECT_THROW(workloads::spatial::plan_transfers(
                   stopped, p, w, [] { throw sim::ConfigError("x", "/", "y", "z"); }),
               sim::ConfigError);
}

}  // namespace
}  // namespace adasim
