// SPDX-License-Identifier: Apache-2.0
// Area model: the table reproduces the published figures it cites (Accelergy 45 nm ARTs,
// Aladdin 40 nm cells), and design totals equal hand sums of those figures, derived here from
// the cited numbers (not from the model's output). Config keys area.scale / area.overrides.
#include "arch/area/area_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

// Published figures, um^2 (sources in arch/area/area_table.cpp).
constexpr double kLmac8 = 332.25, kIntmac16 = 1239.5;                        // ART simba / eyeriss
constexpr double kReg1 = 5.98, kAdd32 = 277.8, kCmp32 = 71.0;                // Aladdin
constexpr double kBit32 = 50.34, kShift32 = 519.4;                           // Aladdin
constexpr double kRf12x16 = 379.68, kRf16x16 = 414.68, kRf192x16 = 3634.68;  // ART eyeriss
constexpr double kGlb128K32Banks = 1162549.0, kGlb100K1Bank = 641718.8125;   // ART

// Per-bit SRAM cell c and per-bank periphery p through both global buffers, by Cramer's rule:
// 1048576 c + 32 p = G128, 819200 c + p = G100.
struct SramFit {
  double c, p;
};
SramFit sram_fit() {
  const double a11 = 131072.0 * 8, a12 = 32, a21 = 102400.0 * 8, a22 = 1;
  const double det = a11 * a22 - a12 * a21;
  return {(kGlb128K32Banks * a22 - a12 * kGlb100K1Bank) / det,
          (a11 * kGlb100K1Bank - a21 * kGlb128K32Banks) / det};
}

sim::LoadedConfig load(const std::string& file, const std::vector<std::string>& sets = {}) {
  return sim::load_arch_config(
      (std::filesystem::path(ADASIM_SOURCE_DIR) / "configs" / file).string(), sets);
}

double model_um2(const AcceleratorSpec& spec) {
  return accelerator_area(spec, AreaTable(spec.area)).total_um2();
}

double block_um2(const AcceleratorSpec& spec, const std::string& block) {
  const auto blocks = accelerator_area(spec, AreaTable(spec.area)).by_block_um2();
  double sum = 0;
  for (const auto& [c, um2] : blocks.at(block)) sum += um2;
  return sum;
}

TEST(AreaTable, ReproducesThePublishedComponents) {
  const AreaTable t;
  EXPECT_NEAR(t.mac_um2(8), kLmac8, 1e-9);
  EXPECT_NEAR(t.mac_um2(16), kIntmac16, 1e-9);
  // Between the two, narrower MACs shrink monotonically (the power law's exponent is ~1.9).
  EXPECT_LT(t.mac_um2(4), t.mac_um2(8));
  EXPECT_LT(t.mac_um2(2), t.mac_um2(4));
  EXPECT_NEAR(t.mac_um2(4), kLmac8 * std::pow(0.5, std::log2(kIntmac16 / kLmac8)), 1e-9);
  EXPECT_NEAR(t.register_um2(16), 16 * kReg1, 1e-9);
  EXPECT_NEAR(t.adder_um2(32), kAdd32, 1e-9);
  EXPECT_NEAR(t.comparator_um2(32), kCmp32, 1e-9);
  EXPECT_NEAR(t.mux2_um2(32), kBit32, 1e-9);
  EXPECT_NEAR(t.shifter_um2(32), kShift32, 1e-9);
  // Register files: the line through the depth-12 and depth-192 scratchpads hits both; the
  // depth-16 one is within 10%.
  EXPECT_NEAR(t.regfile_um2(12 * 16), kRf12x16, 1e-6);
  EXPECT_NEAR(t.regfile_um2(192 * 16), kRf192x16, 1e-6);
  EXPECT_NEAR(t.regfile_um2(16 * 16), kRf16x16, 0.1 * kRf16x16);
  // Both published global buffers, exactly.
  EXPECT_NEAR(t.sram_cells_um2(131072LL * 8, 2) + 32 * t.sram_bank_um2(64), kGlb128K32Banks, 1e-3);
  EXPECT_NEAR(t.sram_cells_um2(102400LL * 8, 2) + t.sram_bank_um2(64), kGlb100K1Bank, 1e-3);
  // A third port widens the cells by 30%; periphery follows the word width.
  EXPECT_NEAR(t.sram_cells_um2(1000, 3), 1.3 * t.sram_cells_um2(1000, 2), 1e-9);
  EXPECT_NEAR(t.sram_bank_um2(128), 2 * t.sram_bank_um2(64), 1e-9);
}

// configs/default.json: 32x32 systolic (ws, os, is), 8-bit MACs, 32-bit accumulators, both
// double buffers, one 512 KiB level of 32 banks x 64 bits (1R + 1W), a 1024-bit bus with one
// pipeline stage, 32 vector lanes.
TEST(AreaModel, DefaultDesignEqualsTheHandSum) {
  const SramFit s = sram_fit();
  // PE registers: two moving operands (OS moves both), a stationary operand and its shadow,
  // the accumulator and its output-chain shadow: 8 + 8 + 8 + 8 + 32 + 32 bits.
  const double pe = kLmac8 + 96 * kReg1;
  const double pe_array = 1024 * pe;
  const double gbuf = 512.0 * 1024 * 8 * s.c + 32 * s.p;
  const double noc = 2 * 1024 * kReg1;  // one stage each way
  const double vector = 32 * (kAdd32 + 32 * kReg1 + 8 * kCmp32 / 32);
  const AcceleratorSpec spec = load("default.json").spec;
  EXPECT_NEAR(block_um2(spec, "pe_array"), pe_array, 1e-6 * pe_array);
  EXPECT_NEAR(block_um2(spec, "gbuf"), gbuf, 1e-6 * gbuf);
  EXPECT_NEAR(block_um2(spec, "noc"), noc, 1e-6 * noc);
  EXPECT_NEAR(block_um2(spec, "vector_unit"), vector, 1e-6 * vector);
  const double total = pe_array + gbuf + noc + vector;
  EXPECT_NEAR(model_um2(spec), total, 1e-6 * total);
  // About 5 mm^2: the 512 KiB buffer dominates, as in the Eyeriss chip (Chen et al., JSSC 2017).
  EXPECT_GT(total * 1e-6, 4.0);
  EXPECT_LT(total * 1e-6, 6.0);
}

TEST(AreaModel, PeFeaturesAddTheirComponents) {
  const AcceleratorSpec base = load("default.json", {"pe_array.dataflows=[\"ws\"]"}).spec;
  const double pes = 1024;
  // WS only: one moving operand, stationary + shadow, one accumulator.
  EXPECT_NEAR(block_um2(base, "pe_array"), pes * (kLmac8 + (8 + 16 + 32) * kReg1), 1e-6);

  // Precision-scalable 8-bit PE: four 2-bit lanes, three 16-bit product shifters.
  const AcceleratorSpec ps =
      load("default.json", {"pe_array.dataflows=[\"ws\"]", "pe_array.precision_scalable=true"})
          .spec;
  EXPECT_NEAR(block_um2(ps, "pe_array") - block_um2(base, "pe_array"), pes * 3 * 16 * kShift32 / 32,
              1e-6);

  // Gating on both operands: an 8-bit comparator and a flag bit per operand per PE.
  const AcceleratorSpec gate =
      load("default.json", {"pe_array.dataflows=[\"ws\"]", "sparsity.mode=gate"}).spec;
  EXPECT_NEAR(block_um2(gate, "pe_array") - block_um2(base, "pe_array"),
              pes * 2 * (8 * kCmp32 / 32 + kReg1), 1e-6);
  const AcceleratorSpec gate_w =
      load("default.json",
           {"pe_array.dataflows=[\"ws\"]", "sparsity.mode=gate", "sparsity.operands=[\"weight\"]"})
          .spec;
  EXPECT_NEAR(block_um2(gate_w, "pe_array") - block_um2(base, "pe_array"),
              pes * (8 * kCmp32 / 32 + kReg1), 1e-6);

  // 2:4 N:M datapath: a 4:1 mux of 8 bits (three 2:1), a 2-bit position and its shadow, and
  // three more 8-bit activation registers.
  const AcceleratorSpec nm =
      load("default.json", {"pe_array.dataflows=[\"ws\"]", "sparsity.structured={\"n\":2,\"m\":4}"})
          .spec;
  EXPECT_NEAR(block_um2(nm, "pe_array") - block_um2(base, "pe_array"),
              pes * (3 * 8 * kBit32 / 32 + 4 * kReg1 + 24 * kReg1), 1e-6);
}

TEST(AreaModel, SramPortsBanksAndWidth) {
  const SramFit s = sram_fit();
  const AcceleratorSpec two_read =
      load("default.json", {"memory.sram.0.read_ports=2", "memory.sram.0.word_bits=128"}).spec;
  const double want = 512.0 * 1024 * 8 * s.c * 1.3 + 32 * s.p * 2;
  EXPECT_NEAR(block_um2(two_read, "gbuf"), want, 1e-6 * want);
}

// The Eyeriss-like spatial array: 256 PEs with 512-byte register files, X/Y multicast NoC.
TEST(AreaModel, SpatialArrayWithRegisterFilesAndMulticastNoc) {
  const SramFit s = sram_fit();
  const AcceleratorSpec spec = load("eyeriss_like_16x16.json").spec;
  const double rf_per_bit = (kRf192x16 - kRf12x16) / (180 * 16);
  const double rf = kRf12x16 - 192 * rf_per_bit + 4096 * rf_per_bit;
  const double pe = kLmac8 + (8 + 8 + 32) * kReg1 + rf;
  EXPECT_NEAR(block_um2(spec, "pe_array"), 256 * pe, 1e-6 * 256 * pe);
  // Three operands: 17 buses with a 64-bit register each; 4-bit column tags at 256 PEs and
  // 4-bit row tags at 16 rows.
  const double noc = 3 * 17 * 64 * kReg1 + 3 * 256 * 4 * kCmp32 / 32 + 3 * 16 * 4 * kCmp32 / 32;
  EXPECT_NEAR(block_um2(spec, "noc"), noc, 1e-6 * noc);
  const double gbuf = 128.0 * 1024 * 8 * s.c + 8 * s.p;
  EXPECT_NEAR(block_um2(spec, "gbuf"), gbuf, 1e-6 * gbuf);
}

TEST(AreaModel, ScaleAndOverridesAreReadFromTheConfig) {
  const double base = model_um2(load("default.json").spec);
  EXPECT_NEAR(model_um2(load("default.json", {"area.scale=0.25"}).spec), 0.25 * base, 1e-6 * base);
  // Overriding the 8-bit MAC moves exactly the MAC part: 1024 x (100 - 332.25).
  const double cheaper = model_um2(load("default.json", {"area.overrides.mac_int8_um2=100"}).spec);
  EXPECT_NEAR(cheaper - base, 1024 * (100 - kLmac8), 1e-6 * base);
  // Absent from the file, the section stays out of the resolved config (hashes unchanged).
  EXPECT_FALSE(load("default.json").resolved.contains("area"));
  EXPECT_TRUE(load("default.json", {"area.scale=0.5"}).resolved.contains("area"));
}

TEST(AreaModel, BadAreaKeysAreConfigErrorsWithTheirPointer) {
  try {
    load("default.json", {"area.overrides.mac_int8_um2=-1", "area.scale=0"});
    FAIL() << "no ConfigError";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].where, "/area/scale");
    EXPECT_EQ(e.issues()[1].where, "/area/overrides/mac_int8_um2");
    EXPECT_EQ(e.issues()[1].expected, "number in [0, 10000000000] um2");
  }
  try {
    load("default.json", {"area.overrides.mac_int9_um2=1"});
    FAIL() << "no ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "--set area.overrides.mac_int9_um2");
    EXPECT_NE(e.issues()[0].expected.find("mac_int8_um2"), std::string::npos);
  }
}

}  // namespace
}  // namespace adasim::arch
