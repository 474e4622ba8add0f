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

/// What a compressed operand moved in its encoded form. Ifmap and weight: DRAM -> buffer bytes
/// and buffer bytes (its fills plus its reads toward the array, through the decoder). Ofmap: the
/// bytes the output encoder stored to DRAM for `values` final outputs of `bits` each (spilled
/// and reloaded partial sums stay dense).
struct EncodedTraffic {
  bool compressed = false;
  uint64_t dram_bytes = 0, gbuf_bytes = 0;
  uint64_t values = 0;  ///< ofmap: the final outputs the encoded stores carry
  int bits = 8;         ///< ofmap: the output width
};

/// Energy rows of one layer (dynamic at voltage factor `dyn`, leakage over `time_ns` unless the
/// per-access table is in use, which has no leakage). A compressed operand's DRAM traffic and
/// buffer fills and reads are priced per encoded byte instead of per value (rows
/// `dram`/`<gbuf>`, action `<op>_encoded`, count = encoded bytes, at the value's price divided
/// by its bytes (bits + 7) / 8). A compressed ofmap: the encoded stores are row
/// `dram`/`ofmap_encoded` (priced per byte of an output value) and leave the `dram`/`psum` row,
/// which keeps the spills and reloads.
std::vector<EnergyRow> spatial_layer_energy(const EnergyTable& t, const AcceleratorSpec& spec,
                                            const spatial::SpatialCounts& c,
                                            const std::array<int, 3>& bits, double voltage_v,
                                            double time_ns,
                                            const std::array<EncodedTraffic, 3>& encoded = {});

}  // namespace adasim::arch
