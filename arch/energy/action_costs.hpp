// SPDX-License-Identifier: Apache-2.0
// Per-action prices the mapper ranks mapping candidates with (pJ, at one voltage), derived from
// the energy table. They sit beside the table, not in the mapper or the models, so that both
// sides price an access the same way without depending on each other.
#pragma once

#include <array>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// Per-action energies (pJ, at the run's voltage). All zero = the energy terms vanish (latency
/// objective only).
struct EnergyCosts {
  double mac_pj = 0;                 ///< MAC + its register-file accesses
  std::vector<double> sram_read_pj;  ///< per word, per SRAM level (spec order)
  std::vector<double> sram_write_pj;
  double noc_pj_per_byte = 0;
  double dram_pj_per_byte = 0;
  double leakage_mw = 0;  ///< whole accelerator
  /// Spatial arrays: energy per datum access, by operand (0 ifmap, 1 weight, 2 psum).
  struct PerValue {
    double mac = 0;
    std::array<double, 3> rf{}, noc{}, gbuf{}, dram{};
    double link = 0;  ///< a psum hop over a PE-to-PE neighbour link
  } spatial;
};

/// Energy of one access of one value on a spatial array, by operand (0 ifmap, 1 weight, 2 psum),
/// at core voltage `voltage_v` (DRAM energy does not follow the core voltage; the per-access table
/// is taken as given). The same prices serve the report and the mapper's ranking.
EnergyCosts::PerValue spatial_value_costs(const EnergyTable& t, const AcceleratorSpec& spec,
                                          const std::array<int, 3>& bits, double voltage_v);

/// The prices the mapper ranks candidates with, from the energy table at the spec's nominal
/// operating point.
EnergyCosts action_costs(const EnergyTable& t, const AcceleratorSpec& spec);

}  // namespace adasim::arch
