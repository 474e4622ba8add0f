// SPDX-License-Identifier: Apache-2.0
// The N:M structured-sparse weight datapath (sparsity.structured, WS): every PE holds one weight
// slot and an m:1 multiplexer, so n physical rows cover a group of m reduction indices. Checked
// against hand-derived closed-form cycles and slot counts, the reference kernels (bit-exact), the
// mapper's estimate on stall-free memory, and a hand count of the stored slots' bytes.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/value_source.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/reference/sparsity_gen.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name

/// test_generator's values with every constant (weight) pruned to exactly min(n, g) nonzeros per
/// group along its reduction (columns of a matmul's B); activations stay dense.
arch::ValueStore::Generator nm_generator(const workloads::Graph& g, uint64_t seed, int n, int m) {
  const auto base = test::test_generator(seed);
  const std::set<std::string> columns = sim::matmul_weights(g);
  return [=](const workloads::TensorInfo& t) {
    workloads::Int8Buffer v = base(t);
    if (t.is_constant) {
      workloads::SparsitySpec s;
      s.pattern = workloads::SparsityPattern::kNm;
      s.n = n;
      s.m = m;
      s.columns = columns.count(t.name) != 0;
      workloads::apply_sparsity(v, t, s, seed);
    }
    return v;
  };
}

arch::AcceleratorSpec with_nm(arch::AcceleratorSpec spec, int n, int m,
                              std::vector<std::string> layers = {}) {
  spec.sparsity.structured.enabled = true;
  spec.sparsity.structured.n = n;
  spec.sparsity.structured.m = m;
  spec.sparsity.structured.layers = std::move(layers);
  return spec;
}

struct NmRun {
  sim::SimulationResult res;
  std::map<std::string, workloads::Int32Buffer> acc;
};

NmRun run(const arch::AcceleratorSpec& spec, const workloads::Graph& g,
        const arch::ValueStore::Generator& gen) {
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, gen);
  NmRun r;
  r.res = sim::simulate(spec, g, energy, values, nullptr, &r.acc);
  return r;
}

// FC with N = 20 samples (the WS stream), C reduction indices, K = 8 filters (the columns) on an
// 8 x 8 WS array, stall-free memory, no NoC latency. Faithful WS timing (README "Timing
// model"): the first fold's stationary load takes one cycle per physical row it fills, later
// loads hide behind the previous stream, and each fold streams for T + (AR - 1) + (cols - 1) =
// 20 + 7 + 7 = 34 cycles. With the N:M datapath a fold's rows are weight slots: a group of m
// indices takes min(n, g) rows (g = group size).
//   2:4, C = 32: 8 groups x 2 = 16 slots -> 2 folds:        8 + 2 x 34 = 76
//   1:4, C = 32: 8 slots                 -> 1 fold:         8 + 34     = 42
//   2:8, C = 32: 4 groups x 2 = 8 slots  -> 1 fold:         8 + 34     = 42
//   3:4, C = 32: 8 groups x 3 = 24 slots -> 3 folds:        8 + 3 x 34 = 110
//   2:4, C = 10: groups 4, 4, 2 -> 2 + 2 + 2 = 6 slots, 1 fold of 6 rows: 6 + 34 = 40
//   dense C = 32 for comparison: 4 folds, 8 + 4 x 34 = 144 (PrecisionCycles at 8 bits).
// Slots per filter, times 8 filters x 20 samples, are the MACs the array issues.
class NmCycles : public ::testing::TestWithParam<std::tuple<int, int, int64_t, uint64_t, int64_t>> {};

TEST_P(NmCycles, FoldsHoldSlotsAndMacsAreTheSlots) {
  const auto [n, m, c, want, slots] = GetParam();
  workloads::Graph g;
  g.name = "fc";
  test::add_fc(g, "fc", 20, c, 8);
  const arch::AcceleratorSpec spec = with_nm(test::ideal_spec(8, 8, "ws"), n, m);
  const auto gen = nm_generator(g, 5, n, m);
  const NmRun r = run(spec, g, gen);
  ASSERT_EQ(r.res.layers.size(), 1u);
  const sim::LayerReport& rep = r.res.layers[0];
  EXPECT_EQ(rep.cycles_total, want);
  EXPECT_EQ(r.res.schedules[0].systolic().nm_n, n);
  EXPECT_EQ(r.res.schedules[0].systolic().nm().slots_per_group(), slots);
  // The estimate is exact on stall-free memory.
  const arch::EnergyTable energy(spec.energy);
  const workloads::Estimate e = workloads::estimate(r.res.schedules[0], spec, sim::mapper_costs(energy, spec));
  EXPECT_DOUBLE_EQ(e.compute_cycles, double(want));
  // The layer's MACs stay 20 x C x 8; the array issues one per slot (every slot holds a nonzero
  // weight: the generator keeps exactly min(n, g) per group) and skips the rest.
  EXPECT_EQ(rep.macs, uint64_t(20 * c * 8));
  EXPECT_EQ(rep.macs_issued, uint64_t(20 * 8 * slots));
  EXPECT_EQ(rep.macs_skipped, uint64_t(20 * 8 * (c - slots)));
  EXPECT_EQ(rep.macs_gated, 0u);
  for (const auto& [layer, bad] : test::reference_mismatches(g, r.acc, gen)) EXPECT_EQ(bad, 0u) << layer;
}

INSTANTIATE_TEST_SUITE_P(
    Patterns, NmCycles,
    ::testing::Values(std::make_tuple(2, 4, int64_t{32}, uint64_t{76}, int64_t{16}),
                      std::make_tuple(1, 4, int64_t{32}, uint64_t{42}, int64_t{8}),
                      std::make_tuple(2, 8, int64_t{32}, uint64_t{42}, int64_t{8}),
                      std::make_tuple(3, 4, int64_t{32}, uint64_t{110}, int64_t{24}),
                      std::make_tuple(2, 4, int64_t{10}, uint64_t{40}, int64_t{6})));

// Every layer type of the functional set (padding, strides, dilation, groups, depthwise, FC,
// matmuls with a constant or an activation B) with N:M weights: bit-exact, on ideal and real
// memory, and the estimate equals the simulated cycles on ideal memory. Layers without a weight
// tensor (a matmul of two activations) stay on the dense datapath.
class NmFunctional : public ::testing::TestWithParam<std::tuple<int, int, bool>> {};

TEST_P(NmFunctional, LayersBitExactAndEstimateExact) {
  const auto [n, m, real_memory] = GetParam();
  workloads::Graph g;
  g.name = "functional";
  test::add_functional_layers(g);
  const arch::AcceleratorSpec base =
      real_memory ? test::real_spec(8, 8, "ws", 2.0, 48 * 1024) : test::ideal_spec(8, 8, "ws");
  const arch::AcceleratorSpec spec = with_nm(base, n, m);
  const auto gen = nm_generator(g, 77, n, m);
  const NmRun r = run(spec, g, gen);
  for (const auto& [layer, bad] : test::reference_mismatches(g, r.acc, gen)) EXPECT_EQ(bad, 0u) << layer;
  const arch::EnergyTable energy(spec.energy);
  int on_nm = 0;
  for (size_t i = 0; i < r.res.layers.size(); ++i) {
    const workloads::Layer& l = g.layers[i];
    const bool covered = !l.weight.empty();
    EXPECT_EQ(r.res.schedules[i].systolic().nm_m, covered ? m : 0) << l.name;
    on_nm += covered;
    if (real_memory) continue;
    const workloads::Estimate e =
        workloads::estimate(r.res.schedules[i], spec, sim::mapper_costs(energy, spec));
    EXPECT_DOUBLE_EQ(e.compute_cycles, double(r.res.layers[i].cycles_total)) << l.name;
  }
  EXPECT_GT(on_nm, 5);
}

INSTANTIATE_TEST_SUITE_P(Patterns, NmFunctional,
                         ::testing::Combine(::testing::Values(2, 1), ::testing::Values(4, 8),
                                            ::testing::Bool()));

// Stored weights: the "nm" format, one value and a ceil(log2 m)-bit position per slot. FC 20 x 32
// x 8 with 2:4 weights: 8 filters x 16 slots = 128 slots per copy, 128 x (8 + 2) bits = 160
// bytes; the schedule counts 128 value bytes per copy of the weights, and the DMA moves 160.
TEST(NmTraffic, WeightLoadsAreSlotValuesPlusPositions) {
  workloads::Graph g;
  g.name = "fc";
  test::add_fc(g, "fc", 20, 32, 8);
  const arch::AcceleratorSpec spec = with_nm(test::real_spec(8, 8, "ws", 2.0), 2, 4);
  const NmRun r = run(spec, g, nm_generator(g, 9, 2, 4));
  const sim::LayerReport& rep = r.res.layers[0];
  const int64_t planned = r.res.schedules[0].transfers.operands[size_t(arch::Operand::kWeight)].dram_bytes;
  ASSERT_GT(planned, 0);
  ASSERT_EQ(planned % 128, 0);
  EXPECT_EQ(rep.accesses.at("dma.load_bytes_weight"), uint64_t(planned / 128 * 160));
  EXPECT_EQ(rep.accesses.at("compression.weight.payload_bits"), 128u * 8u);
  EXPECT_EQ(rep.accesses.at("compression.weight.metadata_bits"), 128u * 2u);
  EXPECT_EQ(rep.accesses.at("compression.weight.dense_bits"), 32u * 8u * 8u);
  // The PEs read the slots directly: no decoder rows; the position reads steer the multiplexers.
  EXPECT_EQ(rep.accesses.count("compression.weight.decoded_values"), 0u);
  bool index_row = false;
  for (const auto& e : rep.energy) {
    EXPECT_NE(e.module, "decoder");
    if (e.module == "pe_array" && e.action == "rf_nm_index") {
      EXPECT_EQ(e.count, rep.macs_issued);
      index_row = true;
    }
  }
  EXPECT_TRUE(index_row);
}

// Only the listed layers run on the N:M datapath; the others keep dense weights and the dense
// array. (One simulation per test: the SystemC kernel runs once per process.)
workloads::Graph two_fc() {
  workloads::Graph g;
  g.name = "two";
  test::add_fc(g, "a", 6, 16, 8);
  test::add_fc(g, "b", 6, 16, 8);
  return g;
}

arch::ValueStore::Generator nm_on_a(const workloads::Graph& g) {
  const auto nm = nm_generator(g, 3, 2, 4);
  const auto dense = test::test_generator(3);
  return [=](const workloads::TensorInfo& t) { return t.name == "b.w" ? dense(t) : nm(t); };
}

TEST(NmLayers, OnlyListedLayersRunOnTheDatapath) {
  const workloads::Graph g = two_fc();
  const auto gen = nm_on_a(g);
  const NmRun r = run(with_nm(test::ideal_spec(8, 8, "ws"), 2, 4, {"a"}), g, gen);
  EXPECT_EQ(r.res.schedules[0].systolic().nm_m, 4);
  EXPECT_EQ(r.res.schedules[1].systolic().nm_m, 0);
  EXPECT_EQ(r.res.layers[1].macs_skipped, 0u);
  for (const auto& [layer, bad] : test::reference_mismatches(g, r.acc, gen)) EXPECT_EQ(bad, 0u) << layer;
}

// Both layers on the datapath: b's dense weights break 2:4 (found before the run starts).
TEST(NmLayers, WeightsThatBreakThePatternAreAConfigError) {
  const workloads::Graph g = two_fc();
  try {
    run(with_nm(test::ideal_spec(8, 8, "ws"), 2, 4), g, nm_on_a(g));
    FAIL() << "dense weights on the 2:4 datapath were accepted";
  } catch (const sim::ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("/sparsity/structured"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layer 'b'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("output channel"), std::string::npos) << msg;
  }
}

// unfit "dense": a (2:4) fits, b (dense weights) does not, so a runs on the datapath and b on
// the dense path, both bit-exact; listing only b leaves nothing to cover: the datapath is off.
TEST(NmLayers, UnfitDenseKeepsOnlyTheLayersWhoseWeightsFit) {
  const workloads::Graph g = two_fc();
  const auto gen = nm_on_a(g);
  arch::AcceleratorSpec spec = with_nm(test::ideal_spec(8, 8, "ws"), 2, 4);
  spec.sparsity.structured.unfit_dense = true;
  {
    arch::ValueStore values(g, gen);
    const arch::AcceleratorSpec r = sim::resolve_structured(spec, g, values);
    EXPECT_TRUE(r.sparsity.structured.enabled);
    EXPECT_EQ(r.sparsity.structured.layers, std::vector<std::string>{"a"});
    arch::AcceleratorSpec only_b = spec;
    only_b.sparsity.structured.layers = {"b"};
    EXPECT_FALSE(sim::resolve_structured(only_b, g, values).sparsity.structured.enabled);
    arch::AcceleratorSpec unknown = spec;
    unknown.sparsity.structured.layers = {"a", "nope"};
    EXPECT_THROW(sim::resolve_structured(unknown, g, values), sim::ConfigError);
  }
  const NmRun r = run(spec, g, gen);
  EXPECT_EQ(r.res.schedules[0].systolic().nm_m, 4);
  EXPECT_EQ(r.res.schedules[1].systolic().nm_m, 0);
  EXPECT_GT(r.res.layers[0].macs_skipped, 0u);  // the slots leave half of a's MACs out
  EXPECT_EQ(r.res.layers[1].macs_skipped, 0u);
  for (const auto& [layer, bad] : test::reference_mismatches(g, r.acc, gen)) EXPECT_EQ(bad, 0u) << layer;
}

TEST(NmLayers, AListedNameThatIsNotALayerIsAConfigError) {
  const workloads::Graph g = two_fc();
  try {
    run(with_nm(test::ideal_spec(8, 8, "ws"), 2, 4, {"a", "nope"}), g, nm_on_a(g));
    FAIL() << "an unknown layer name was accepted";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/sparsity/structured/layers/1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adasim
