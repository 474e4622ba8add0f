// SPDX-License-Identifier: Apache-2.0
// Per-action energies and leakage: the only place energy constants live. Defaults are published
// 45 nm figures (sources cited per key in energy_table.cpp); a config can override single keys or
// scale all dynamic energies for another node. Dynamic energy scales with (V/V_ref)^2, leakage
// power with V/V_ref.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::arch {

/// Documentation of one table key: feeds --list-energy, the README and config validation.
struct EnergyKeyDoc {
  std::string key;      ///< e.g. "mac_int8_pj"
  std::string unit;     ///< "pJ", "pJ/bit", "mW", "mW/KiB", "1"
  double default_value;
  std::string source;   ///< citation of the published figure the default comes from
  std::string description;
};

class EnergyTable {
 public:
  /// Defaults, then `spec.overrides` (keys must be in keys(); the config parser checks).
  explicit EnergyTable(const EnergySpec& spec = EnergySpec{});

  static const std::vector<EnergyKeyDoc>& keys();
  static bool is_known_key(const std::string& key);

  /// Value of a key after overrides (unscaled, at the reference voltage).
  double value(const std::string& key) const;
  /// All resolved values (written beside every report as energy_table.json).
  const std::map<std::string, double>& values() const { return values_; }

  // Dynamic energies at the reference voltage, already multiplied by spec.scale.
  double mac_pj(int operand_bits) const;               ///< one MAC (multiply + accumulate)
  double accumulate_pj() const;                        ///< one accum_bits add (psum update in buffer)
  double vector_op_pj() const;                         ///< one vector-path op (compare / add)
  double rf_pj(int bits) const;                        ///< one PE register read or write of `bits`
  double sram_read_pj(int64_t size_bytes, int word_bits) const;   ///< one word read
  double sram_write_pj(int64_t size_bytes, int word_bits) const;  ///< one word write
  double noc_pj_per_bit() const;                       ///< bus transfer, per bit delivered
  double link_pj_per_bit() const;                      ///< psum hop over a PE-to-PE link, per bit
  double dram_pj_per_bit() const;                      ///< DRAM read or write, per bit

  // Leakage power at the reference voltage.
  double pe_leakage_mw() const;                        ///< per PE
  double sram_leakage_mw(int64_t size_bytes) const;    ///< whole level
  double noc_leakage_mw() const;
  double vector_lane_leakage_mw() const;  ///< per lane (power section only)

  // Clock network and power gating (power section), dynamic: at the reference voltage, x scale.
  double clock_pj_per_flop() const;                 ///< per flip-flop per clocked cycle
  double pe_wakeup_pj() const;                      ///< powering one PE back on
  double vector_lane_wakeup_pj() const;             ///< powering one lane back on
  double sram_wakeup_pj(int64_t size_bytes) const;  ///< powering `size_bytes` of SRAM on

  /// Multiplier for dynamic energy at voltage v: (v / v_ref)^2.
  double dynamic_voltage_factor(double v) const;
  /// Multiplier for leakage power at voltage v: v / v_ref.
  double leakage_voltage_factor(double v) const;

  double reference_voltage_v() const { return v_ref_; }

 private:
  std::map<std::string, double> values_;
  double scale_ = 1.0;
  double v_ref_ = 0.9;
  // Resolved values cached at construction so per-event queries need no string lookup.
  double mac_pj_[4] = {};  // 2, 4, 8, 16 bits
  double accumulate_pj_ = 0, vector_op_pj_ = 0, rf_pj_per_bit_ = 0;
  double sram_pj_per_bit_8k_ = 0, sram_exponent_ = 0, sram_write_factor_ = 0;
  double noc_pj_per_bit_ = 0, link_pj_per_bit_ = 0, dram_pj_per_bit_ = 0;
  double pe_leakage_mw_ = 0, sram_leakage_mw_per_kib_ = 0, noc_leakage_mw_ = 0;
  double clock_pj_per_flop_ = 0, vector_lane_leakage_mw_ = 0;
  double pe_wakeup_pj_ = 0, vector_lane_wakeup_pj_ = 0, sram_wakeup_pj_per_kib_ = 0;
};

}  // namespace adasim::arch
