// SPDX-License-Identifier: Apache-2.0
// Energy of a spatial-array layer from the engine's data-access counts. Each access of a value
// at a level is priced either per datum (`energy.per_access`, the normalised costs of Chen et
// al., ISCA 2016: MAC 1, RF 1, NoC 2, buffer 6, DRAM 200) or from the per-bit table at the
// value's width (operands at their tensor width, partial sums at accum_bits).
#pragma once

#include <array>
#include <vector>

#include "arch/energy/action_costs.hpp"
#include "arch/energy/energy_model.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/spatial/spatial_engine.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// Energy rows of one layer (dynamic at voltage factor `dyn`, leakage over `time_ns` unless the
/// per-access table is in use, which has no leakage).
std::vector<EnergyRow> spatial_layer_energy(const EnergyTable& t, const AcceleratorSpec& spec,
                                            const spatial::SpatialCounts& c,
                                            const std::array<int, 3>& bits, double voltage_v,
                                            double time_ns);

}  // namespace adasim::arch
