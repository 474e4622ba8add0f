// SPDX-License-Identifier: Apache-2.0
// Energy table: defaults against the published figures they cite (Horowitz ISSCC 2014, the
// Accelergy 45 nm ERTs, Eyeriss ISCA 2016), overrides, scale, voltage factors, misuse.
#include "arch/energy/energy_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

// Relative closeness, for published figures reproduced by a fit.
::testing::AssertionResult within(double actual, double published, double rel) {
  if (std::fabs(actual - published) <= rel * std::fabs(published))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual << " is not within " << rel * 100 << "% of " << published;
}

TEST(EnergyTable, MacEnergiesFollowHorowitz) {
  const EnergyTable t;
  // 8-bit mult 0.2 pJ + 32-bit add 0.1 pJ.
  EXPECT_NEAR(t.mac_pj(8), 0.3, 1e-12);
  // Multiplier scaled by (bits/8)^2: 16b 0.8, 4b 0.05, 2b 0.0125, each + 0.1.
  EXPECT_NEAR(t.mac_pj(16), 0.9, 1e-12);
  EXPECT_NEAR(t.mac_pj(4), 0.15, 1e-12);
  EXPECT_NEAR(t.mac_pj(2), 0.1125, 1e-12);
  // The (bits/8)^2 law extrapolated to 32 bits lands within 5% of Horowitz's 3.1 pJ multiplier.
  const double mult8 = t.mac_pj(8) - t.accumulate_pj();
  EXPECT_TRUE(within(mult8 * 16, 3.1, 0.05));
  EXPECT_NEAR(t.accumulate_pj(), 0.1, 1e-12);   // 32-bit add
  EXPECT_NEAR(t.vector_op_pj(), 0.03, 1e-12);   // 8-bit add
  EXPECT_LT(t.mac_pj(2), t.mac_pj(4));
  EXPECT_LT(t.mac_pj(4), t.mac_pj(8));
  EXPECT_LT(t.mac_pj(8), t.mac_pj(16));
}

TEST(EnergyTable, SramFitReproducesHorowitzPoints) {
  const EnergyTable t;
  // 64-bit reads: 8 KB 10 pJ (the anchor, exact), 32 KB 20 pJ, 1 MB 100 pJ (fit within 4%).
  EXPECT_NEAR(t.sram_read_pj(8 * 1024, 64), 10.0, 1e-9);
  EXPECT_TRUE(within(t.sram_read_pj(32 * 1024, 64), 20.0, 0.04));
  EXPECT_TRUE(within(t.sram_read_pj(1024 * 1024, 64), 100.0, 0.04));
  // Energy is per bit: a 128-bit word of the same array costs twice a 64-bit one.
  EXPECT_NEAR(t.sram_read_pj(32 * 1024, 128), 2 * t.sram_read_pj(32 * 1024, 64), 1e-9);
  // Accelergy's 128 KiB shared_glb: 52.6 pJ per 64-bit read; the fit agrees within a factor 1.5.
  const double glb = t.sram_read_pj(128 * 1024, 64);
  EXPECT_GT(glb, 52.6 / 1.5);
  EXPECT_LT(glb, 52.6 * 1.5);
  EXPECT_NEAR(t.sram_write_pj(8 * 1024, 64), 10.0, 1e-9);  // write factor 1
}

TEST(EnergyTable, RegisterNocAndDramDefaults) {
  const EnergyTable t;
  EXPECT_NEAR(t.rf_pj(16), 0.237, 1e-12);  // Accelergy ifmap_spad, random 16-bit access
  EXPECT_NEAR(t.rf_pj(8), 0.237 / 2, 1e-12);
  // Eyeriss: NoC transfer of a 16-bit word = 2x a 16-bit MAC.
  EXPECT_NEAR(16 * t.noc_pj_per_bit(), 2 * t.mac_pj(16), 1e-12);
  // Horowitz: DRAM 1.3-2.6 nJ per 64-bit access.
  const double dram_access = 64 * t.dram_pj_per_bit();
  EXPECT_GE(dram_access, 1300.0 - 1e-9);
  EXPECT_LE(dram_access, 2600.0);
  // Ratios the Eyeriss study relies on: DRAM/buffer = 200x/6x = 33x; here 20.3/0.59 = 35x.
  EXPECT_GT(t.dram_pj_per_bit(), 20 * t.sram_read_pj(128 * 1024, 1));
  EXPECT_GT(t.sram_read_pj(8 * 1024, 1), t.rf_pj(1));
}

TEST(EnergyTable, LeakageDefaults) {
  const EnergyTable t;
  EXPECT_NEAR(t.pe_leakage_mw(), 0.066 + 0.024, 1e-12);  // Accelergy WS PE idle per ns
  EXPECT_NEAR(t.sram_leakage_mw(512 * 1024), 512 * 0.01, 1e-12);
  EXPECT_NEAR(t.noc_leakage_mw(), 0.5, 1e-12);
}

TEST(EnergyTable, KeysAreUniqueDocumentedAndMatchDefaults) {
  const EnergyTable t;
  std::set<std::string> seen;
  for (const auto& doc : EnergyTable::keys()) {
    EXPECT_TRUE(seen.insert(doc.key).second) << "duplicate key " << doc.key;
    EXPECT_FALSE(doc.unit.empty()) << doc.key;
    EXPECT_FALSE(doc.source.empty()) << doc.key;
    EXPECT_FALSE(doc.description.empty()) << doc.key;
    EXPECT_GE(doc.default_value, 0) << doc.key;
    EXPECT_DOUBLE_EQ(t.value(doc.key), doc.default_value) << doc.key;
    EXPECT_TRUE(EnergyTable::is_known_key(doc.key));
  }
  EXPECT_EQ(t.values().size(), seen.size());
  EXPECT_FALSE(EnergyTable::is_known_key("mac_int3_pj"));
}

TEST(EnergyTable, OverrideReplacesOneKeyOnly) {
  EnergySpec spec;
  spec.overrides["mac_int8_pj"] = 0.5;
  spec.overrides["sram_size_exponent"] = 0.0;  // flat: every size costs the 8 KiB figure
  const EnergyTable t(spec);
  EXPECT_DOUBLE_EQ(t.mac_pj(8), 0.5);
  EXPECT_DOUBLE_EQ(t.value("mac_int8_pj"), 0.5);
  EXPECT_NEAR(t.mac_pj(16), 0.9, 1e-12);
  EXPECT_NEAR(t.sram_read_pj(1024 * 1024, 64), 10.0, 1e-9);
}

TEST(EnergyTable, ScaleMultipliesDynamicEnergiesOnly) {
  EnergySpec spec;
  spec.scale = 2.0;
  const EnergyTable base, t(spec);
  EXPECT_NEAR(t.mac_pj(8), 0.6, 1e-12);
  EXPECT_NEAR(t.accumulate_pj(), 0.2, 1e-12);
  EXPECT_NEAR(t.vector_op_pj(), 0.06, 1e-12);
  EXPECT_NEAR(t.rf_pj(16), 2 * 0.237, 1e-12);
  EXPECT_NEAR(t.sram_read_pj(8 * 1024, 64), 20.0, 1e-9);
  EXPECT_NEAR(t.sram_write_pj(8 * 1024, 64), 20.0, 1e-9);
  EXPECT_NEAR(t.noc_pj_per_bit(), 2 * base.noc_pj_per_bit(), 1e-12);
  EXPECT_NEAR(t.dram_pj_per_bit(), 2 * 1300.0 / 64, 1e-9);
  // Leakage and the raw table values are not scaled.
  EXPECT_DOUBLE_EQ(t.pe_leakage_mw(), base.pe_leakage_mw());
  EXPECT_DOUBLE_EQ(t.sram_leakage_mw(4096), base.sram_leakage_mw(4096));
  EXPECT_DOUBLE_EQ(t.noc_leakage_mw(), base.noc_leakage_mw());
  EXPECT_DOUBLE_EQ(t.value("mac_int8_pj"), base.value("mac_int8_pj"));
}

TEST(EnergyTable, VoltageFactors) {
  const EnergyTable t;  // v_ref 0.9
  EXPECT_DOUBLE_EQ(t.reference_voltage_v(), 0.9);
  EXPECT_NEAR(t.dynamic_voltage_factor(0.7), 49.0 / 81.0, 1e-12);  // (0.7/0.9)^2
  EXPECT_NEAR(t.leakage_voltage_factor(0.7), 7.0 / 9.0, 1e-12);
  EXPECT_NEAR(t.dynamic_voltage_factor(0.9), 1.0, 1e-12);
  EXPECT_NEAR(t.leakage_voltage_factor(0.9), 1.0, 1e-12);
  EnergySpec spec;
  spec.reference_voltage_v = 1.0;
  const EnergyTable t1(spec);
  EXPECT_NEAR(t1.dynamic_voltage_factor(0.5), 0.25, 1e-12);
  EXPECT_NEAR(t1.leakage_voltage_factor(0.5), 0.5, 1e-12);
}

TEST(EnergyTable, MisuseIsAModelError) {
  const EnergyTable t;
  EXPECT_THROW(t.mac_pj(3), sim::ModelError);
  EXPECT_THROW(t.mac_pj(32), sim::ModelError);
  EXPECT_THROW(t.value("nope"), sim::ModelError);
  EXPECT_THROW(t.sram_read_pj(0, 64), sim::ModelError);
  EXPECT_THROW(t.dynamic_voltage_factor(0), sim::ModelError);
  EnergySpec bad;
  bad.overrides["not_a_key"] = 1.0;
  EXPECT_THROW(EnergyTable{bad}, sim::ModelError);
  EnergySpec negative;
  negative.overrides["mac_int8_pj"] = -1.0;
  EXPECT_THROW(EnergyTable{negative}, sim::ModelError);
}

}  // namespace
}  // namespace adasim::arch
