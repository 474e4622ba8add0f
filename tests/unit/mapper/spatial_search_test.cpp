// SPDX-License-Identifier: Apache-2.0
// Spatial mapping search: on small layers the pruned search (dominance rules, branch and bound)
// finds the optimum of an exhaustive enumeration (every bound of every loop, every split, every
// permutation of the loops at both temporal levels); the bound it cuts with never exceeds the
// estimate of a mapping it stands for; and the chosen mapping never breaks a capacity or a
// user constraint (property tests over random layers, arrays and constraints).
#include "workloads/mapper/spatial/spatial_search.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <optional>
#include <random>

#include "eyeriss_parts.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/mapper.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using SpatialDataflow = std::string;  // a registered spatial dataflow's name
using workloads::SearchMode;

const std::vector<SpatialDataflow> kAll = {"rs", "ws", "os_a", "os_b", "os_c", "nlr"};

// Distinct positive prices per level and operand (so that no two terms tie by accident).
workloads::EnergyCosts test_costs(bool leakage) {
  workloads::EnergyCosts c;
  c.spatial.mac = 1.0;
  c.spatial.rf = {1.0, 1.1, 1.3};
  c.spatial.noc = {2.0, 2.2, 2.5};
  c.spatial.gbuf = {6.0, 6.5, 7.0};
  c.spatial.dram = {200.0, 210.0, 230.0};
  c.leakage_mw = leakage ? 3.0 : 0.0;
  return c;
}

struct Case {
  workloads::Graph g;
  arch::AcceleratorSpec spec;
  ws::Problem p;
  ws::LayerWidths w;
  std::string text;
};

// A small random layer (conv, depthwise / grouped conv or FC) on a small random spatial array;
// `variants`: also dilated convs and the Eyeriss chip's parts (per-operand spads and buses,
// psum links, a split buffer).
Case random_case(std::mt19937_64& rng, SpatialDataflow df, bool variants = false) {
  auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
  Case c;
  const int kind = int(pick(0, 4));
  if (kind == 4) {
    test::add_fc(c.g, "l", pick(1, 3), pick(1, 4), pick(1, 4));
  } else {
    test::ConvDesc d;
    d.name = "l";
    d.n = pick(1, 2);
    d.r = pick(1, 3);
    d.s = pick(1, 3);
    d.pad = int(pick(0, 1));
    d.stride = int(pick(1, 2));
    if (variants) d.dil = int(pick(1, 2));
    d.h = pick(std::max<int64_t>((d.r - 1) * d.dil + 1, 2), 4 + d.dil - 1);
    d.w = pick(std::max<int64_t>((d.s - 1) * d.dil + 1, 2), 4 + d.dil - 1);
    d.groups = kind == 3 ? pick(2, 3) : 1;
    d.c = d.groups * (kind == 3 && pick(0, 1) ? 1 : pick(1, 3));
    d.k = d.groups * pick(1, 3);
    test::add_conv(c.g, d);
  }
  c.spec = test::spatial_spec(int(pick(2, 4)), int(pick(2, 3)), df,
                              pick(0, 3) == 0 ? 4 : pick(1, 8) * 16, pick(1, 16) * 64,
                              pick(0, 1) ? 1.0 : 64.0);
  c.spec.sram[0].double_buffered = pick(0, 1) == 1;
  c.spec.mapper.objective = arch::Objective(pick(0, 2));
  if (variants && pick(0, 1)) test::eyeriss_parts(c.spec);
  c.p = ws::Problem::from_shape(c.g.shape(c.g.layers[0]), c.g.layers[0].op);
  c.w = ws::widths_of(c.g, c.g.layers[0], c.spec);
  c.text = std::string(df) + " " + std::to_string(c.spec.pe_array.rows) + "x" +
           std::to_string(c.spec.pe_array.cols) + " rf " +
           std::to_string(c.spec.pe_array.rf_bytes) + " gbuf " +
           std::to_string(c.spec.sram[0].size_bytes) + " objective " +
           arch::to_string(c.spec.mapper.objective) + " bounds";
  for (int64_t b : c.p.bound) c.text += " " + std::to_string(b);
  return c;
}

TEST(SpatialEstimate, StepDistinctCountsTheIfmapRowsThePesRead) {
  // One 9x9 ifmap channel; spatial spans of P (outputs) and R (filter rows), Q = S = 1.
  auto rows = [](int64_t np, int64_t nr, int stride, int dil) {
    workloads::ConvShape s;
    s.c = s.k = 1;
    s.h = s.w = 9;
    s.r = 3;
    s.s = 1;
    s.stride_h = s.stride_w = stride;
    s.dil_h = s.dil_w = dil;
    s.p = (9 - dil * 2 - 1) / stride + 1;
    s.q = 9;
    const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
    std::array<int64_t, ws::kNumDims> span;
    span.fill(1);
    span[ws::kP] = np;
    span[ws::kR] = nr;
    return ws::step_distinct(0, p, span);
  };
  EXPECT_EQ(rows(3, 1, 2, 1), 3);  // stride 2, one filter row: rows 0, 2, 4
  EXPECT_EQ(rows(3, 3, 1, 1), 5);  // overlapping windows: rows 0..4
  EXPECT_EQ(rows(3, 3, 2, 1), 7);  // windows that touch: rows 0..6
  EXPECT_EQ(rows(2, 2, 3, 1), 4);  // a gap: rows 0, 1, 3, 4
  EXPECT_EQ(rows(2, 3, 2, 2), 4);  // dilation 2: rows {0, 2, 4} and {2, 4, 6}
}

// The pruned and the exhaustive search of one case: the same screening optimum (the branch and
// bound cuts on the screening score) with no more mappings scored; and, when the exact branch
// and bound finished (`proven`), the exact estimate's optimum over the pruned space, which an
// unbounded enumeration of it finds too.
struct PrunedVsFull {
  bool found = false, proven = false, cut = false;
  int64_t pruned_scored = 0, full_scored = 0;
};
PrunedVsFull expect_pruned_finds_the_optimum(const Case& c, const SpatialDataflow& df,
                                             const workloads::EnergyCosts& costs) {
  const ws::Constraints none;
  const auto pruned = ws::search_spatial(c.p, {df}, c.spec, c.w, costs, none, SearchMode::kPruned);
  const auto full =
      ws::search_spatial(c.p, {df}, c.spec, c.w, costs, none, SearchMode::kExhaustive);
  PrunedVsFull r;
  EXPECT_EQ(pruned.found, full.found);
  if (!full.found || !pruned.found) return r;
  r.found = true;
  EXPECT_NEAR(pruned.screened, full.screened, 1e-9 * full.screened)
      << "pruned:\n"
      << pruned.best.describe() << "\nexhaustive:\n"
      << full.best.describe();
  EXPECT_LE(pruned.evaluated, full.evaluated);
  if (pruned.exact_optimum) {
    const arch::Objective obj = c.spec.mapper.objective;
    double best = std::numeric_limits<double>::infinity();
    ws::for_each_mapping(c.p, df, c.spec, c.w, none, SearchMode::kPruned, [&](const ws::Mapping& m) {
      best = std::min(best, ws::estimate_mapping(c.p, m, c.spec, c.w, costs).objective(obj));
    });
    EXPECT_NEAR(pruned.best_e.objective(obj), best, 1e-9 * best) << pruned.best.describe();
    r.proven = true;
  }
  r.cut = pruned.cut > 0;
  r.pruned_scored = pruned.evaluated;
  r.full_scored = full.evaluated;
  return r;
}

TEST(SpatialSearch, PrunedSearchFindsTheExhaustiveOptimum) {
  std::mt19937_64 rng(11);
  int compared = 0, cut = 0, proven = 0;
  int64_t pruned_scored = 0, full_scored = 0;
  for (int iter = 0; iter < 96; ++iter) {
    const SpatialDataflow df = kAll[size_t(iter) % kAll.size()];
    Case c = random_case(rng, df);
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + c.text);
    const PrunedVsFull r = expect_pruned_finds_the_optimum(c, df, test_costs(iter % 2 == 0));
    if (!r.found) continue;
    pruned_scored += r.pruned_scored;
    full_scored += r.full_scored;
    cut += r.cut ? 1 : 0;
    proven += r.proven ? 1 : 0;
    ++compared;
  }
  EXPECT_GT(compared, 70);
  EXPECT_GT(cut, compared / 2) << "the bound should cut on most layers";
  EXPECT_GT(proven, compared / 2) << "the exact branch and bound should finish on small layers";
  EXPECT_LT(pruned_scored * 20, full_scored) << "pruning should score far fewer mappings";
}

// A mapping split back into its core (the spatial and register-file loops), its split (each
// dim's buffer and DRAM bounds) and each dim's extent left above the core.
struct SplitBack {
  ws::Mapping core;
  ws::Split split;
  std::array<int64_t, ws::kNumDims> rem;
};
SplitBack split_back(const ws::Mapping& m, const ws::Problem& p) {
  SplitBack b;
  b.core.dataflow = m.dataflow;
  b.core.rf_keep = m.rf_keep;
  b.split.gbuf.fill(1);
  b.split.dram.fill(1);
  for (const ws::Loop& l : m.loops) {
    if (l.level == ws::Level::kDram)
      b.split.dram[size_t(l.dim)] *= l.bound;
    else if (l.level == ws::Level::kGbuf)
      b.split.gbuf[size_t(l.dim)] *= l.bound;
    else
      b.core.loops.push_back(l);
  }
  const auto span = b.core.spans_from(0);
  for (int d = 0; d < ws::kNumDims; ++d)
    b.rem[size_t(d)] = (p.bound[size_t(d)] + span[size_t(d)] - 1) / span[size_t(d)];
  return b;
}

TEST(SpatialSearch, BoundNeverExceedsTheEstimate) {
  std::mt19937_64 rng(5);
  const ws::Constraints none;
  int64_t checked = 0;
  for (int iter = 0; iter < 36; ++iter) {
    const SpatialDataflow df = kAll[size_t(iter) % kAll.size()];
    Case c = random_case(rng, df);
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + c.text);
    const auto costs = test_costs(iter % 3 == 0);
    const arch::Objective obj = c.spec.mapper.objective;
    ws::for_each_mapping(
        c.p, df, c.spec, c.w, none, SearchMode::kExhaustive, [&](const ws::Mapping& m) {
          const auto [core, s, rem] = split_back(m, c.p);
          const ws::CoreBound bound(c.p, core, rem, c.spec, c.w, costs, obj);
          const double e = ws::screen_mapping(c.p, m, c.spec, c.w, costs).objective(obj);
          ASSERT_LE(bound.of(s), e * (1 + 1e-12)) << m.describe();
          ASSERT_LE(bound.any_split(), bound.of(s) * (1 + 1e-12)) << m.describe();
          ++checked;
        });
  }
  EXPECT_GT(checked, 50000);
}

// ExactBound (spatial_exact_bound.cpp) never exceeds the exact estimate of a mapping it stands
// for (CoreBound bounds the screening score only, which over-counts edge tiles). Every 97th
// mapping of the exhaustive enumerations (the exact estimate is slow on millions of mappings),
// also dilated layers and the Eyeriss chip's parts.
TEST(SpatialSearch, ExactBoundNeverExceedsTheExactEstimate) {
  std::mt19937_64 rng(5);
  const ws::Constraints none;
  int64_t seen = 0, checked = 0;
  for (int iter = 0; iter < 48; ++iter) {
    const SpatialDataflow df = kAll[size_t(iter) % kAll.size()];
    Case c = random_case(rng, df, true);
    ws::DramTrafficCache dram(c.p);  // shared by the kept bounds and estimates, as in the search
    std::optional<ws::ExactBound> kept;
    std::string kept_core;
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + c.text);
    const auto costs = test_costs(iter % 3 == 0);
    const arch::Objective obj = c.spec.mapper.objective;
    ws::for_each_mapping(
        c.p, df, c.spec, c.w, none, SearchMode::kExhaustive, [&](const ws::Mapping& m) {
          if (seen++ % 97 != 0) return;
          const auto [core, s, rem] = split_back(m, c.p);
          ws::ExactBound bound(c.p, core, rem, c.spec, c.w, costs, obj,
                               ws::touched_ifmap_elems(c.p));
          const double e = ws::estimate_mapping(c.p, m, c.spec, c.w, costs).objective(obj);
          ASSERT_LE(bound.of(s, m), e * (1 + 1e-12)) << m.describe();
          // A bound kept across the mappings of one core with the layer's DramTrafficCache, as
          // the search keeps it, gives the same value as a fresh one without; so does the
          // estimate given the cache.
          if (!kept || kept_core != core.describe()) {
            kept.emplace(c.p, core, rem, c.spec, c.w, costs, obj, ws::touched_ifmap_elems(c.p),
                         &dram);
            kept_core = core.describe();
          }
          ASSERT_EQ(kept->of(s, m), bound.of(s, m)) << m.describe();
          ASSERT_EQ(ws::estimate_mapping(c.p, m, c.spec, c.w, costs, &dram).objective(obj), e)
              << m.describe();
          ASSERT_LE(bound.of_order(s, m), bound.of(s, m) * (1 + 1e-12)) << m.describe();
          ASSERT_LE(bound.of(s), bound.of_order(s, m) * (1 + 1e-12)) << m.describe();
          ASSERT_LE(bound.any_split(), bound.of(s) * (1 + 1e-12)) << m.describe();
          ++checked;
        });
  }
  EXPECT_GT(checked, 20000);
}

// The buffer and the NoC in a memory domain (clock.domains.memory) at f_core / f_mem of 0.4 to
// 2.5 with synchronisers of 0 to 3 stages, drawn from `g`.
void put_in_memory_domain(arch::AcceleratorSpec& spec, std::mt19937_64& g) {
  const double per_core[] = {0.4, 1.0 / 1.5, 1.25, 2.5};  // f_mem / f_core
  arch::DomainSpec d;
  d.nominal = {spec.clock.nominal.freq_mhz * per_core[g() % 4], spec.clock.nominal.voltage_v};
  d.operating_points = {d.nominal};
  d.sync_cycles = int(g() % 4);
  spec.clock.memory = d;
}

// The bounds the branch and bounds cut with, with a memory domain: every bus and link phase takes
// ceil(n x f_core / f_mem) core cycles (at least n x f_core / f_mem) and each refill waits for its
// synchroniser (noc_clock.hpp). CoreBound never exceeds the screening score of a mapping it stands
// for, ExactBound (every 97th mapping) never the exact estimate; and the memory domain moved the
// estimates (not a vacuous check).
TEST(SpatialSearch, BoundsHoldWithAMemoryDomain) {
  std::mt19937_64 rng(23), clocks(29);
  const ws::Constraints none;
  int64_t seen = 0, checked = 0, exact_checked = 0, moved = 0;
  for (int iter = 0; iter < 18; ++iter) {
    const SpatialDataflow df = kAll[size_t(iter) % kAll.size()];
    Case c = random_case(rng, df, iter % 2 == 1);
    const arch::AcceleratorSpec one_domain = c.spec;
    put_in_memory_domain(c.spec, clocks);
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + c.text + ", memory at " +
                 std::to_string(c.spec.clock.memory->nominal.freq_mhz) + " MHz, sync " +
                 std::to_string(c.spec.clock.memory->sync_cycles));
    const auto costs = test_costs(iter % 3 == 0);
    const arch::Objective obj = c.spec.mapper.objective;
    ws::for_each_mapping(
        c.p, df, c.spec, c.w, none, SearchMode::kExhaustive, [&](const ws::Mapping& m) {
          const auto [core, s, rem] = split_back(m, c.p);
          const ws::CoreBound bound(c.p, core, rem, c.spec, c.w, costs, obj);
          const double screened = ws::screen_mapping(c.p, m, c.spec, c.w, costs).objective(obj);
          ASSERT_LE(bound.of(s), screened * (1 + 1e-12)) << m.describe();
          ++checked;
          if (seen++ % 97 != 0) return;
          const ws::ExactBound exact(c.p, core, rem, c.spec, c.w, costs, obj,
                                     ws::touched_ifmap_elems(c.p));
          const ws::SpatialEstimate e = ws::estimate_mapping(c.p, m, c.spec, c.w, costs);
          ASSERT_LE(exact.of(s, m), e.objective(obj) * (1 + 1e-12)) << m.describe();
          moved += e.cycles != ws::estimate_mapping(c.p, m, one_domain, c.w, costs).cycles;
          ++exact_checked;
        });
  }
  std::printf("CoreBound %lld mappings, ExactBound %lld, of which %lld moved by the domain\n",
              (long long)checked, (long long)exact_checked, (long long)moved);
  EXPECT_GT(checked, 20000);
  EXPECT_GT(moved, exact_checked / 2);
}

// The pruned search with a memory domain finds the exhaustive screening optimum and, when its
// exact branch and bound finishes, the exact estimate's optimum over the pruned space.
TEST(SpatialSearch, PrunedSearchFindsTheExhaustiveOptimumWithAMemoryDomain) {
  std::mt19937_64 rng(31), clocks(37);
  int compared = 0, proven = 0;
  for (int iter = 0; iter < 30; ++iter) {
    const SpatialDataflow df = kAll[size_t(iter) % kAll.size()];
    Case c = random_case(rng, df, iter % 2 == 1);
    put_in_memory_domain(c.spec, clocks);
    SCOPED_TRACE("iteration " + std::to_string(iter) + ": " + c.text);
    const PrunedVsFull r = expect_pruned_finds_the_optimum(c, df, test_costs(iter % 2 == 0));
    if (!r.found) continue;
    proven += r.proven ? 1 : 0;
    ++compared;
  }
  EXPECT_GT(compared, 20);
  EXPECT_GT(proven, compared / 2);
}

// The flush term of ExactBound, worked by hand. A fully connected layer, 1 x C inputs, M
// outputs, 8-bit values and 32-bit psums, on a 3x4 array with 64-bit buses and no psum links:
// array rows split C by 3 (array_y par C/3, rf C/16: row y holds channels [16y, 16y + 16)), the
// columns hold the M outputs, the RFs keep all three operands, one pass of 16 steps.
//  - compute 16 cycles; refills: the weights (M x C x 8 bits / 64) outweigh the inputs;
//  - flush: every row whose channels start inside the layer ran a MAC and sends its M psums
//    over the psum bus, rows x M x 32 / 64 cycles.
// C = 48: 3 rows send, weights 4 x 48 x 8 / 64 = 24, flush 3 x 4 x 32 / 64 = 6: 16 + 24 + 6 = 46.
// C = 32: row 2 starts at channel 32, outside the layer: 2 rows send, weights 16, flush 4:
// 16 + 16 + 4 = 36. The mapping has one pass and no refill beyond the first, so the exact
// estimate is the same figure: the bound is tight here.
TEST(SpatialSearch, ExactBoundCountsEveryReducingRowAtTheFlush) {
  for (const auto& [c, hand] : {std::pair<int64_t, double>{48, 46}, {32, 36}}) {
    workloads::Graph g;
    test::add_fc(g, "l", 1, c, 4);
    const arch::AcceleratorSpec spec = test::spatial_spec(3, 4, "ws", 512, 1 << 16);
    const ws::Problem p = ws::Problem::from_shape(g.shape(g.layers[0]), g.layers[0].op);
    const ws::LayerWidths w = ws::widths_of(g, g.layers[0], spec);
    ASSERT_EQ(w.in_bits, 8);
    ASSERT_EQ(w.w_bits, 8);
    ASSERT_EQ(w.psum_bits, 32);
    ASSERT_EQ(spec.noc.psum_link_bits, 0);
    ws::Mapping m;
    m.dataflow = "ws";
    m.loops = {{ws::kC, 3, ws::Level::kArrayY},
               {ws::kM, 4, ws::Level::kArrayX},
               {ws::kC, 16, ws::Level::kRf}};
    m.rf_keep = {true, true, true};
    const auto [core, split, rem] = split_back(m, p);
    ws::ExactBound bound(p, core, rem, spec, w, test_costs(false), arch::Objective::kLatency,
                         ws::touched_ifmap_elems(p));
    EXPECT_EQ(bound.of(split, m), hand) << "C = " << c;
    EXPECT_EQ(ws::estimate_mapping(p, m, spec, w, test_costs(false)).cycles, hand) << "C = " << c;
  }
}

// What a mapping's loops multiply to, per constraint level and dim.
std::array<std::array<int64_t, ws::kNumDims>, 4> products(const ws::Mapping& m) {
  std::array<std::array<int64_t, ws::kNumDims>, 4> out;
  for (auto& lv : out) lv.fill(1);
  for (const ws::Loop& l : m.loops) {
    const int L = l.level == ws::Level::kDram   ? ws::kAtDram
                  : l.level == ws::Level::kGbuf ? ws::kAtGbuf
                  : l.level == ws::Level::kRf   ? ws::kAtRf
                                                : ws::kAtArray;
    out[size_t(L)][size_t(l.dim)] *= l.bound;
  }
  return out;
}

TEST(SpatialSearch, ChosenMappingMeetsCapacitiesAndConstraints) {
  std::mt19937_64 rng(23);
  auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
  static const char* kLevels[4] = {"dram", "gbuf", "array", "rf"};
  static const char* kDims[7] = {"N", "M", "C", "P", "Q", "R", "S"};
  int mapped = 0, constrained = 0, refused = 0;
  for (int iter = 0; iter < 200; ++iter) {
    // Layers up to 32 channels and 24 x 24 pixels on arrays up to 16 x 16.
    workloads::Graph g;
    test::ConvDesc d;
    d.name = "l";
    d.n = pick(1, 4);
    d.r = d.s = pick(0, 2) * 2 + 1;
    d.pad = int(d.r / 2);
    d.stride = int(pick(1, 2));
    d.h = d.w = pick(d.r, 24);
    d.groups = pick(0, 3) == 0 ? pick(2, 4) : 1;
    d.c = d.groups * pick(1, 32);
    d.k = d.groups * pick(1, 32);
    test::add_conv(g, d);
    const SpatialDataflow df = kAll[size_t(pick(0, 5))];
    arch::AcceleratorSpec spec = test::spatial_spec(int(pick(2, 16)), int(pick(2, 16)), df,
                                                    pick(0, 4) * 128 + 4, pick(1, 64) * 1024, 4.0);
    spec.pe_array.dataflow_auto = pick(0, 3) == 0;
    spec.pe_array.spatial_dataflows =
        spec.pe_array.dataflow_auto ? kAll : std::vector<SpatialDataflow>{df};
    spec.mapper.objective = arch::Objective(pick(0, 2));
    const int nc = int(pick(0, 2));
    for (int i = 0; i < nc; ++i) {
      const char* level = kLevels[pick(0, 3)];
      const char* dim = kDims[pick(0, 6)];
      // One value per level and dim (a JSON object has unique keys).
      if (std::none_of(
              spec.mapper.factors.begin(), spec.mapper.factors.end(),
              [&](const arch::FactorConstraint& f) { return f.level == level && f.dim == dim; }))
        spec.mapper.factors.push_back({level, dim, pick(1, 8)});
    }
    if (pick(0, 2) == 0) {
      std::vector<std::string> order(kDims, kDims + 7);
      std::shuffle(order.begin(), order.end(), rng);
      spec.mapper.dram_order = order;
    }
    const auto p = ws::Problem::from_shape(g.shape(g.layers[0]), g.layers[0].op);
    const auto cons = ws::Constraints::resolve(spec.mapper, p);
    SCOPED_TRACE("iteration " + std::to_string(iter) + " constraints " + cons.describe());
    workloads::LayerSchedule sch;
    try {
      sch = workloads::map_layer(g, g.layers[0], spec, test_costs(false));
    } catch (const sim::ConfigError&) {
      ++refused;
      continue;
    }
    ASSERT_TRUE(std::holds_alternative<arch::SpatialProgram>(sch.engine));
    const ws::Mapping& m = sch.spatial().nest;
    const auto w = ws::widths_of(g, g.layers[0], spec);
    // Capacities: PEs, register files, the (double-buffered) global buffer.
    EXPECT_LE(m.rows(), spec.pe_array.rows);
    EXPECT_LE(m.cols(), spec.pe_array.cols);
    EXPECT_LE(m.rf_footprint_bytes(p, w.in_bytes, w.w_bytes, w.psum_bytes), spec.pe_array.rf_bytes);
    EXPECT_LE(2 * m.gbuf_tile_bytes(p, w.in_bytes, w.w_bytes, w.psum_bytes),
              spec.sram[0].size_bytes);
    // The nest covers every dim.
    const auto all = m.spans_from(0);
    for (int dd = 0; dd < ws::kNumDims; ++dd) EXPECT_GE(all[size_t(dd)], p.bound[size_t(dd)]) << dd;
    // The dataflow is one the array allows.
    EXPECT_NE(std::find(spec.pe_array.spatial_dataflows.begin(),
                        spec.pe_array.spatial_dataflows.end(), m.dataflow),
              spec.pe_array.spatial_dataflows.end());
    // Constraints, checked here from the loops themselves.
    const auto prod = products(m);
    for (const auto& f : spec.mapper.factors) {
      int L = 0, dim = 0;
      while (std::string(kLevels[L]) != f.level) ++L;
      while (std::string(ws::dim_name(dim)) != f.dim) ++dim;
      EXPECT_EQ(prod[size_t(L)][size_t(dim)], std::min(f.value, p.bound[size_t(dim)]))
          << f.level << " " << f.dim << "\n"
          << m.describe();
    }
    if (!spec.mapper.dram_order.empty()) {
      size_t rank = 0;
      for (const ws::Loop& l : m.loops) {
        if (l.level != ws::Level::kDram || l.dim == ws::kG) continue;
        const size_t r = size_t(std::find(spec.mapper.dram_order.begin(),
                                          spec.mapper.dram_order.end(), ws::dim_name(l.dim)) -
                                spec.mapper.dram_order.begin());
        EXPECT_GE(r, rank) << m.describe();
        rank = r;
      }
    }
    ++mapped;
    if (nc > 0 || !spec.mapper.dram_order.empty()) ++constrained;
  }
  EXPECT_GT(mapped, 100);
  EXPECT_GT(constrained, 40);
  EXPECT_GT(refused, 0) << "some random constraints cannot hold and must be refused";
}

TEST(SpatialSearch, ImpossibleConstraintIsAnErrorNamingIt) {
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 8, 6, 6, 8, 3, 3, 1, 1});
  arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 256, 64 * 1024, 4.0);
  // RS keeps the whole filter row S in the register file: S cannot be split at DRAM level.
  spec.mapper.factors = {{"dram", "S", 3}};
  try {
    workloads::map_layer(g, g.layers[0], spec, test_costs(false));
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("dram S=3"), std::string::npos) << what;
    EXPECT_NE(what.find("/mapper"), std::string::npos) << what;
  }
  // A possible one is met: 2 channels over the array rows per filter row.
  spec.mapper.factors = {{"array", "C", 1}, {"rf", "Q", 2}};
  const auto sch = workloads::map_layer(g, g.layers[0], spec, test_costs(false));
  const auto prod = products(sch.spatial().nest);
  EXPECT_EQ(prod[ws::kAtArray][ws::kC], 1);
  EXPECT_EQ(prod[ws::kAtRf][ws::kQ], 2);
}

}  // namespace
}  // namespace adasim
