// SPDX-License-Identifier: Apache-2.0
// Silicon area of the accelerator's building blocks: the only place area constants live.
// Defaults are published 45 nm figures (Accelergy's 45 nm area reference tables and the Aladdin
// standard-cell characterisation they are built from), each key citing its source in
// area_table.cpp. A config can override single keys or scale every area for another node
// (`area.scale`, e.g. (node / 45 nm)^2 for an ideal shrink).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::arch {

/// Documentation of one area key: feeds the key reference, config validation and the tests.
struct AreaKeyDoc {
  std::string key;   ///< e.g. "mac_int8_um2"
  std::string unit;  ///< "um2", "um2/bit", "1"
  double default_value;
  std::string source;  ///< the published figure (and the derivation) behind the default
  std::string description;
};

/// Per-component areas in um^2 at 45 nm, times `AreaSpec::scale`. Immutable after construction.
class AreaTable {
 public:
  /// Defaults, then `spec.overrides` (keys must be in keys(); the config parser checks).
  explicit AreaTable(const AreaSpec& spec = AreaSpec{});

  static const std::vector<AreaKeyDoc>& keys();
  static bool is_known_key(const std::string& key);

  /// A key after overrides, unscaled.
  double value(const std::string& key) const;
  const std::map<std::string, double>& values() const { return values_; }
  double scale() const { return scale_; }

  /// One b x b multiply with its accumulate (b = 2, 4, 8 or 16): a power law through the
  /// 8-bit and 16-bit published MACs.
  double mac_um2(int bits) const;
  double register_um2(int bits) const;    ///< flip-flops
  double adder_um2(int bits) const;       ///< ripple/carry adder of `bits`
  double comparator_um2(int bits) const;  ///< equality / magnitude comparator of `bits`
  double mux2_um2(int bits) const;        ///< a 2:1 multiplexer of `bits` (one logic cell a bit)
  double shifter_um2(int bits) const;     ///< barrel shifter of `bits`
  /// A register file (PE scratchpad) of `bits` bits with its two address generators.
  double regfile_um2(int64_t bits) const;
  /// SRAM bit cells of `bits` bits with `ports` read + write ports per bank (the reference
  /// tables are for two ports; each further port widens the cell by sram_port_factor).
  double sram_cells_um2(int64_t bits, int ports) const;
  /// Periphery of one bank (decoders, sense amplifiers, drivers) for a `word_bits` word.
  double sram_bank_um2(int word_bits) const;

 private:
  std::map<std::string, double> values_;
  double scale_ = 1.0;
};

}  // namespace adasim::arch
