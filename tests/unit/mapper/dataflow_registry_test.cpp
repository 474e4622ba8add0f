// SPDX-License-Identifier: Apache-2.0
// The mapper's dataflows are registered implementations: the built-in systolic and spatial ones
// carry the layouts / unrollings of their definitions, and a dataflow added in one place (here, a
// test's own registration) is planned without any change to the planner.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "test_support.hpp"
#include "workloads/mapper/candidate.hpp"
#include "workloads/mapper/spatial/spatial_dataflow.hpp"
#include "workloads/mapper/systolic_planner.hpp"

namespace adasim {
namespace {

using arch::GemmDim;
using arch::Operand;
using arch::SystolicLayout;

TEST(SystolicDataflows, BuiltInsLayTheGemmAsDefined) {
  const auto& r = arch::systolic_dataflows();
  EXPECT_EQ(r.kind(), "systolic_dataflow");
  EXPECT_EQ(r.names(), (std::vector<std::string>{"ws", "os", "is"}));
  struct Want {
    const char* name;
    GemmDim rows, cols, time;
    int held;
  };
  // WS: weights (Kred x N) in the PEs, pixels in time; OS: outputs (M x N) in the PEs, the
  // reduction in time; IS: inputs (Kred x M) in the PEs, filters in time.
  const Want want[] = {{"ws", GemmDim::kKred, GemmDim::kN, GemmDim::kM, int(Operand::kWeight)},
                       {"os", GemmDim::kM, GemmDim::kN, GemmDim::kKred, -1},
                       {"is", GemmDim::kKred, GemmDim::kM, GemmDim::kN, int(Operand::kIfmap)}};
  for (const Want& w : want) {
    SCOPED_TRACE(w.name);
    const auto* e = r.find(w.name);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->doc.description.empty());
    EXPECT_TRUE(e->doc.params.empty());
    const SystolicLayout l = e->make()->layout();
    EXPECT_EQ(l.rows, w.rows);
    EXPECT_EQ(l.cols, w.cols);
    EXPECT_EQ(l.time, w.time);
    EXPECT_EQ(l.outputs_held(), w.held < 0);
    EXPECT_EQ(l.holds(Operand::kWeight), w.held == int(Operand::kWeight));
    EXPECT_EQ(l.holds(Operand::kIfmap), w.held == int(Operand::kIfmap));
    // The program's layout is one the array runs (ModelError otherwise).
    arch::SystolicProgram p;
    l.apply(p);
    EXPECT_NO_THROW(p.layout());
  }
}

// A new dataflow: the weight-stationary layout with chunks of single pixels (the built-in WS
// streams whole output rows). Registered beside the built-ins, it is planned like them.
class SinglePixelChunks final : public arch::ISystolicDataflow {
 public:
  SystolicLayout layout() const override { return {GemmDim::kKred, GemmDim::kN, GemmDim::kM}; }
  int64_t chunk_step(const workloads::Layer&, const workloads::ConvShape&) const override {
    return 1;
  }
};

TEST(SystolicDataflows, ANewRegisteredDataflowIsPlannedWithoutPlannerChanges) {
  arch::SystolicDataflowRegistry r("systolic_dataflow");
  arch::register_systolic_dataflows(r);
  r.add("ws_px", "weight stationary with single-pixel chunks", {},
        [] { return std::make_unique<SinglePixelChunks>(); });
  workloads::Graph g;
  // 3x3 conv, 8 -> 16 channels, 8x8 output (pad 1): M = 64, Kred = 72, N = 16.
  test::add_conv(g, {"c", 1, 8, 8, 8, 16, 3, 3, 1, 1});
  const arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  const workloads::SystolicPlanner planner(g, g.layers[0], spec, r);
  EXPECT_EQ(planner.chunk_step("ws"), 8);     // Q = 8 pixels: one output row
  EXPECT_EQ(planner.chunk_step("ws_px"), 1);  // its own policy
  EXPECT_EQ(planner.time_extent("ws_px", 1), 64);
  workloads::Candidate c;
  c.dataflow = "ws_px";
  c.chunk_len = 5;  // legal for it, not for "ws" (5 is not a multiple of Q)
  const auto s = planner.build(c);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->dataflow, "ws_px");
  const arch::SystolicProgram& p = s->systolic();
  EXPECT_EQ(p.layout(), arch::ArrayLayout::kWeightsHeld);
  EXPECT_EQ(p.chunk_len, 5);
  // ceil(72 / 8) x ceil(16 / 8) = 18 folds of ceil(64 / 5) = 13 chunks; every MAC once.
  EXPECT_EQ(p.folds.size(), 18u);
  EXPECT_EQ(s->transfers.folds.at(0).chunks.size(), 13u);
  EXPECT_EQ(p.macs(), 64 * 72 * 16);
}

TEST(SpatialDataflows, BuiltInsAreRegisteredWithTheirLoopOrders) {
  const auto& r = workloads::spatial::spatial_dataflows();
  EXPECT_EQ(r.kind(), "spatial_dataflow");
  EXPECT_EQ(r.names(), (std::vector<std::string>{"rs", "ws", "os_a", "os_b", "os_c", "nlr"}));
  for (const auto& e : r.entries()) {
    SCOPED_TRACE(e.doc.name);
    const auto df = e.make();
    EXPECT_EQ(df->id(), e.doc.name);
    EXPECT_FALSE(e.doc.description.empty());
    // The buffer-level order names each of the eight loop dims once.
    std::vector<int> order = df->gbuf_order();
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  }
}

TEST(SpatialDataflows, CoresFollowTheDataflowsDefinition) {
  namespace ws = workloads::spatial;
  // 3x3 conv, 4 -> 8 channels, 6x6 output, on a 12x14 array with 512-byte register files.
  workloads::Graph g;
  test::add_conv(g, {"c", 1, 4, 8, 8, 8, 3, 3, 1, 0});
  const arch::AcceleratorSpec spec = test::spatial_spec(12, 14, "rs", 512, 1 << 20);
  const ws::Problem p = ws::Problem::from_shape(g.shape(g.layers[0]), g.layers[0].op);
  const ws::LayerWidths w = ws::widths_of(g, g.layers[0], spec);
  const ws::Constraints none;
  const ws::LoopChoices ch(workloads::SearchMode::kPruned, none);
  // Which operands each dataflow keeps in the register files (Chen et al., Sec. IV).
  const std::map<std::string, std::array<bool, 3>> keeps = {
      {"rs", {true, true, true}},     {"ws", {false, true, false}},
      {"os_a", {false, false, true}}, {"os_b", {false, false, true}},
      {"os_c", {false, false, true}}, {"nlr", {false, false, false}}};
  for (const auto& e : ws::spatial_dataflows().entries()) {
    SCOPED_TRACE(e.doc.name);
    const auto df = e.make();
    ws::CoreSet set(p, *df, spec, w, ch);
    df->cores(p, spec, w, ch, set);
    ASSERT_FALSE(set.cores().empty());
    for (const ws::Core& core : set.cores()) {
      EXPECT_EQ(core.m.rf_keep, keeps.at(e.doc.name));
      EXPECT_LE(core.m.rows(), 12);
      EXPECT_LE(core.m.cols(), 14);
      EXPECT_LE(ws::tiles_bytes(p, core.m.spans_from(core.m.first_at(ws::Level::kRf)), w, true,
                                core.m.rf_keep),
                512);
    }
  }
}

}  // namespace
}  // namespace adasim
