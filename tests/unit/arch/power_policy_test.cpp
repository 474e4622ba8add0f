// SPDX-License-Identifier: Apache-2.0
// The power-gating policies and the mapping footprint they read, against hand derivations: the
// idle timeout gates run - N of a run longer than N; per_layer powers exactly what the mapping
// uses; a systolic program's PE footprint is its widest fold's rows x columns and an SRAM level's
// banks are its tiles' bytes over the bank size, rounded up.
#include <gtest/gtest.h>

#include "arch/components.hpp"
#include "arch/power/block_usage.hpp"
#include "arch/power/i_power_policy.hpp"

namespace adasim::arch {
namespace {

std::unique_ptr<IPowerPolicy> make(const std::string& name, int64_t idle = 0) {
  PowerSpec s;
  s.policy = name;
  if (idle > 0) s.policy_params.set("idle_cycles", idle);
  return builtin_components().power.find(name)->make(s);
}

TEST(PowerPolicy, RegistryNamesThePolicies) {
  EXPECT_EQ(builtin_components().power.names(),
            (std::vector<std::string>{"none", "idle_timeout", "per_layer"}));
}

TEST(PowerPolicy, NoneKeepsEverythingOn) {
  const auto p = make("none");
  EXPECT_EQ(p->powered_units(64, 16), 64);
  EXPECT_EQ(p->powered_units(8, 0), 8);
  EXPECT_EQ(p->gated_cycles(1000000), 0u);
}

TEST(PowerPolicy, IdleTimeoutGatesTheRunPastTheTimeout) {
  const auto p = make("idle_timeout", 100);
  EXPECT_EQ(p->gated_cycles(50), 0u);
  EXPECT_EQ(p->gated_cycles(100), 0u);  // exactly N idle cycles: the counter just expired
  EXPECT_EQ(p->gated_cycles(101), 1u);
  EXPECT_EQ(p->gated_cycles(1100), 1000u);
  EXPECT_EQ(p->powered_units(64, 16), 64);  // it does not know the mapping
}

TEST(PowerPolicy, PerLayerPowersWhatTheMappingUses) {
  const auto p = make("per_layer");
  EXPECT_EQ(p->powered_units(64, 16), 16);
  EXPECT_EQ(p->powered_units(8, 0), 0);
  EXPECT_EQ(p->gated_cycles(1000000), 0u);
}

TEST(BlockUsage, FootprintsOfASystolicLayer) {
  AcceleratorSpec spec;
  spec.pe_array.rows = spec.pe_array.cols = 8;
  SramLevelSpec gbuf;
  gbuf.name = "gbuf";
  gbuf.size_bytes = 16 << 10;
  gbuf.banks = 16;  // 1 KiB banks
  gbuf.word_bits = 64;
  spec.sram = {gbuf};
  LayerProgram prog;
  SystolicProgram sys;
  SystolicFold a, b;
  a.rows = 8;
  a.cols = 3;
  b.rows = 5;
  b.cols = 7;
  sys.folds = {a, b};
  prog.engine = sys;
  for (int o = 0; o < kNumOperands; ++o) {
    OperandPlan& op = prog.transfers.operands[size_t(o)];
    op.route = {Hop{kDram, 0}};
    op.slots = 2;
    op.tile_bytes = 700;  // 3 x 2 x 700 = 4200 bytes: 5 banks of 1024
  }
  const std::vector<GateableBlock> blocks = gateable_blocks(spec);
  ASSERT_EQ(blocks.size(), 4u);  // pe_array, vector_unit, gbuf, noc
  EXPECT_EQ(blocks[0].flops, 2 * 8 + 32);
  EXPECT_EQ(blocks[2].flops, 64 * 2);  // one read and one write port register
  const std::vector<int64_t> used = units_used(spec, blocks, prog);
  EXPECT_EQ(used[0], 8 * 7);  // widest rows (8) x widest columns (7)
  EXPECT_EQ(used[1], 0);      // no vector work
  EXPECT_EQ(used[2], 5);
  EXPECT_EQ(used[3], 1);
  EXPECT_TRUE(sram_reliance(prog).empty());  // nothing resident
}

TEST(BlockUsage, PlanWithoutTileSizesUsesItsLargestChunks) {
  // A vector layer's plan: chunks of 300 and 900 input bytes, 450 output bytes at most, two
  // slots each: 2 x 900 + 2 x 450 = 2700 bytes, 3 banks of 1 KiB; lanes used, no PE.
  AcceleratorSpec spec;
  spec.pe_array.rows = spec.pe_array.cols = 8;
  spec.pe_array.vector_lanes = 8;
  SramLevelSpec gbuf;
  gbuf.name = "gbuf";
  gbuf.size_bytes = 16 << 10;
  gbuf.banks = 16;
  spec.sram = {gbuf};
  LayerProgram prog;
  VectorProgram v;
  v.lanes = 8;
  prog.engine = v;
  for (const int o : {0, 2}) prog.transfers.operands[size_t(o)].route = {Hop{kDram, 0}};
  FoldPlan f;
  ChunkPlan a, b;
  a.load_bytes[0] = {300, 0, 0};
  a.store_bytes = {450, 0, 0};
  b.load_bytes[0] = {900, 0, 0};
  b.store_bytes = {100, 0, 0};
  f.chunks = {a, b};
  prog.transfers.folds = {f};
  const std::vector<int64_t> used = units_used(spec, gateable_blocks(spec), prog);
  EXPECT_EQ(used[0], 0);
  EXPECT_EQ(used[1], 8);
  EXPECT_EQ(used[2], 3);
}

}  // namespace
}  // namespace adasim::arch
