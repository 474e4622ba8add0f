// SPDX-License-Identifier: Apache-2.0
// The area table: published 45 nm component areas, each key with its source and derivation.
#include "arch/area/area_table.hpp"

#include <cmath>

#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

// Sources, cited by the key docs below (areas in um^2).
//  [ART] Accelergy 45 nm area reference tables shipped with the Timeloop exercises, in the shared
//        reference inputs (timeloop/runs/.../inputs/*.ART.yaml):
//        - paper_eyeriss_N4/eyeriss_like_eyeriss_paper_L1/inputs/timeloop-mapper.ART.yaml
//          (Eyeriss-like, 16-bit): PE mac (intmac, datawidth 16) 1239.5; smartbuffer_RF scratchpads
//          of 16-bit words, depth 12: 379.68, depth 16: 414.68, depth 192: 3634.68; shared_glb
//          (smartbuffer_SRAM, 16384 x 64 bit = 128 KiB, 32 banks, 2 read/write ports) 1162549.
//        - exercises_simba/simba_like_exercises_L1/inputs/timeloop-mapper.ART.yaml: LMAC
//          (intmac, datawidth 8) 332.25.
//        - sparse_eyeriss_gating_conv3_N4/gating/inputs/timeloop-model.ART.yaml: shared_glb
//          (12800 x 64 bit = 100 KiB, 1 bank) 641718.8125.
//  [ALD] Aladdin (Y. S. Shao et al., ISCA 2014) 40 nm standard-cell characterisation at a 1 ns
//        cycle (its power model header, REG/ADD/BIT/SHIFTER_1ns_area): 1-bit register 5.977,
//        32-bit adder 277.8, 32-bit bitwise logic 50.34, 32-bit barrel shifter 519.4; and the
//        32-bit comparator of Accelergy's Aladdin plug-in table, 71. Accelergy's 45 nm tables use
//        these figures unscaled (the [ART] 16-bit reg_storage is 5.98, Aladdin's register), and
//        so do we.
//  [C05] L. Chang et al., "Stable SRAM cell design for the 32 nm node and beyond", VLSI Symp.
//        2005: the 8T cell (a decoupled read port added to the 6T cell) costs about 30% more area.
//
// MAC: a power law through the two published MACs, a(b) = a8 * (b / 8)^k with
// k = log2(1239.5 / 332.25) = 1.899 (close to the b^2 of an array multiplier).
//
// Register file: linear through the [ART] depth-12 and depth-192 scratchpads (16-bit words):
// per bit (3634.68 - 379.68) / (180 * 16) = 1.1302; fixed 379.68 - 192 * 1.1302 = 162.68 (the
// address generators). The depth-16 psum scratchpad (414.68) is 9% below the line (452.0).
//
// SRAM: area = bits * c * port_factor + banks * p * (word_bits / 64), solved exactly through the
// two [ART] global buffers (both 64-bit words, two ports):
//   131072 * 8 * c + 32 * p = 1162549   and   102400 * 8 * c + p = 641718.8125
//   => c = (32 * 641718.8125 - 1162549) / (32 * 819200 - 1048576) = 0.76979 um^2 per bit,
//      p = 641718.8125 - 819200 * c = 11105.1 um^2 per 64-bit bank.
// Periphery per bank scales with the word width (sense amplifiers and drivers per bit: an
// assumption); each port beyond the reference two widens the cell by 30% [C05].
constexpr double kMac8 = 332.25;                    // [ART] simba LMAC
constexpr double kMac16 = 1239.5;                   // [ART] eyeriss intmac
constexpr double kReg1 = 5.98;                      // [ALD] via [ART]
constexpr double kAdd32 = 277.8;                    // [ALD]
constexpr double kCmp32 = 71.0;                     // [ALD] (Accelergy Aladdin plug-in table)
constexpr double kBit32 = 50.34;                    // [ALD]
constexpr double kShift32 = 519.4;                  // [ALD]
constexpr double kRf12 = 379.68, kRf192 = 3634.68;  // [ART] 16-bit scratchpads
constexpr double kGlb128K = 1162549.0, kGlb100K = 641718.8125;  // [ART] global buffers
constexpr double kGlb128KBits = 131072.0 * 8, kGlb100KBits = 102400.0 * 8;

constexpr double kRfPerBit = (kRf192 - kRf12) / ((192 - 12) * 16.0);
constexpr double kSramPerBit = (32 * kGlb100K - kGlb128K) / (32 * kGlb100KBits - kGlb128KBits);

std::vector<AreaKeyDoc> build_docs() {
  const std::string ald =
      "Aladdin (Shao et al., ISCA 2014) 40 nm cells at 1 ns, as used unscaled "
      "by Accelergy's 45 nm tables: ";
  const std::string art = "Accelergy 45 nm ART (timeloop/runs/";
  return {
      {"mac_int8_um2", "um2", kMac8,
       art + "exercises_simba/.../timeloop-mapper.ART.yaml): LMAC, 8-bit intmac, 332.25 um2",
       "one 8-bit MAC (multiplier + accumulate)"},
      {"mac_int16_um2", "um2", kMac16,
       art + "paper_eyeriss_N4/.../timeloop-mapper.ART.yaml): PE mac, 16-bit intmac, 1239.5 um2",
       "one 16-bit MAC; other widths follow the power law through the 8- and 16-bit MACs"},
      {"register_um2_per_bit", "um2/bit", kReg1,
       ald + "1-bit register 5.98 um2 (the ART's reg_storage)", "flip-flop, per bit"},
      {"adder_um2_per_bit", "um2/bit", kAdd32 / 32, ald + "32-bit adder 277.8 um2",
       "integer adder, per bit of width"},
      {"comparator_um2_per_bit", "um2/bit", kCmp32 / 32,
       "Accelergy Aladdin plug-in table (40 nm): 32-bit comparator 71 um2",
       "comparator (zero detection, ID tags), per bit"},
      {"mux2_um2_per_bit", "um2/bit", kBit32 / 32,
       ald + "32-bit bitwise logic 50.34 um2; a 2:1 multiplexer bit taken as one such cell "
             "(assumption)",
       "2:1 multiplexer, per bit"},
      {"shifter_um2_per_bit", "um2/bit", kShift32 / 32, ald + "32-bit barrel shifter 519.4 um2",
       "barrel shifter, per bit of width"},
      {"regfile_um2_per_bit", "um2/bit", kRfPerBit,
       art + "paper_eyeriss_N4/...): smartbuffer_RF 12 x 16 b 379.68 and 192 x 16 b 3634.68 um2; "
             "slope of the line through both",
       "PE register file (scratchpad), per bit of capacity"},
      {"regfile_fixed_um2", "um2", kRf12 - 192 * kRfPerBit,
       art + "paper_eyeriss_N4/...): intercept of the same line (address generators)",
       "PE register file, fixed part per instance"},
      {"sram_um2_per_bit", "um2/bit", kSramPerBit,
       art + "...): shared_glb 128 KiB / 32 banks 1162549 um2 and 100 KiB / 1 bank 641718.8 um2, "
             "both 64-bit words and two ports; solved exactly for a per-bit and a per-bank term",
       "SRAM bit cell with its share of the array wiring, two ports, per bit"},
      {"sram_bank_um2", "um2", kGlb100K - kGlb100KBits * kSramPerBit,
       art + "...): the per-bank term of the same solve (64-bit word); scaled by word_bits / 64 "
             "(assumption: periphery per bit of the word)",
       "SRAM bank periphery (decoders, sense amplifiers, drivers) for a 64-bit word"},
      {"sram_port_factor", "1", 0.3,
       "Chang et al., VLSI Symp. 2005: the 8T two-port cell is about 30% larger than the 6T cell",
       "relative cell growth per port beyond two (read_ports + write_ports)"},
  };
}

}  // namespace

const std::vector<AreaKeyDoc>& AreaTable::keys() {
  static const std::vector<AreaKeyDoc> kDocs = build_docs();
  return kDocs;
}

bool AreaTable::is_known_key(const std::string& key) {
  for (const AreaKeyDoc& d : keys())
    if (d.key == key) return true;
  return false;
}

AreaTable::AreaTable(const AreaSpec& spec) : scale_(spec.scale) {
  if (!(scale_ > 0)) throw sim::ModelError("AreaTable: scale must be > 0");
  for (const AreaKeyDoc& d : keys()) values_[d.key] = d.default_value;
  for (const auto& [key, v] : spec.overrides) {
    if (!is_known_key(key)) throw sim::ModelError("AreaTable: unknown area key '" + key + "'");
    if (!(v >= 0)) throw sim::ModelError("AreaTable: negative area for '" + key + "'");
    values_[key] = v;
  }
}

double AreaTable::value(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw sim::ModelError("AreaTable: unknown area key '" + key + "'");
  return it->second;
}

double AreaTable::mac_um2(int bits) const {
  if (bits != 2 && bits != 4 && bits != 8 && bits != 16)
    throw sim::ModelError("AreaTable::mac_um2: no MAC area for " + std::to_string(bits) +
                          "-bit operands (2, 4, 8 or 16)");
  const double a8 = value("mac_int8_um2"), a16 = value("mac_int16_um2");
  if (!(a8 > 0) || !(a16 > 0)) return (bits <= 8 ? a8 : a16) * scale_;
  const double k = std::log2(a16 / a8);
  return a8 * std::pow(bits / 8.0, k) * scale_;
}

double AreaTable::register_um2(int bits) const {
  return value("register_um2_per_bit") * bits * scale_;
}
double AreaTable::adder_um2(int bits) const { return value("adder_um2_per_bit") * bits * scale_; }
double AreaTable::comparator_um2(int bits) const {
  return value("comparator_um2_per_bit") * bits * scale_;
}
double AreaTable::mux2_um2(int bits) const { return value("mux2_um2_per_bit") * bits * scale_; }
double AreaTable::shifter_um2(int bits) const {
  return value("shifter_um2_per_bit") * bits * scale_;
}

double AreaTable::regfile_um2(int64_t bits) const {
  if (bits <= 0) return 0.0;
  return (value("regfile_fixed_um2") + value("regfile_um2_per_bit") * double(bits)) * scale_;
}

double AreaTable::sram_cells_um2(int64_t bits, int ports) const {
  const double growth = 1.0 + value("sram_port_factor") * double(ports > 2 ? ports - 2 : 0);
  return value("sram_um2_per_bit") * double(bits) * growth * scale_;
}

double AreaTable::sram_bank_um2(int word_bits) const {
  return value("sram_bank_um2") * (word_bits / 64.0) * scale_;
}

}  // namespace adasim::arch
