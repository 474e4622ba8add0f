// SPDX-License-Identifier: Apache-2.0
// Turns one layer's activity counts into energy rows (module, action, count, pJ each) using the
// EnergyTable: dynamic energy scaled by (V/V_ref)^2, leakage power by V/V_ref, times the layer's
// wall time. Rows are plain data; the report writers (sim/stats) file them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"

namespace adasim::arch {

/// Energy of one (module, action) pair over a layer: count x pj_each = pj. Leakage rows use
/// action "leakage" with count = 1 and pj_each = pj = the leakage energy over the layer.
struct EnergyRow {
  std::string module;  ///< e.g. "pe_array", "gbuf", "dram", "noc"
  std::string action;  ///< e.g. "mac_int8", "read", "write", "leakage"
  uint64_t count = 0;
  double pj_each = 0.0;
  double pj = 0.0;
};

struct LayerActivity {
  uint64_t macs = 0;
  uint64_t vector_ops = 0;
  int mac_bits = 8, in_bits = 8, w_bits = 8, accum_bits = 32;
  /// N:M datapath: slot position reads (one per issued MAC, nm_index_bits wide) and extra
  /// activation register moves (the group's other m - 1 activations, per active PE and step).
  uint64_t nm_selects = 0, nm_forwards = 0;
  int nm_index_bits = 0;
  struct Level {
    std::string name;
    int64_t size_bytes = 0;
    int word_bits = 64;
    uint64_t read_words = 0;
    uint64_t write_words = 0;
  };
  std::vector<Level> levels;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  uint64_t bus_bytes = 0;
  int64_t pes = 0;
  double time_ns = 0.0;
  double voltage_v = 0.9;
};

std::vector<EnergyRow> layer_energy(const EnergyTable& table, const LayerActivity& a);

}  // namespace adasim::arch
