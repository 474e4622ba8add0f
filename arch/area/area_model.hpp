// SPDX-License-Identifier: Apache-2.0
// Silicon area of one design point, by block and component, from its frozen spec and the area
// table. Counted: the PE array (MACs, operand/psum registers, register files, zero detection,
// precision lanes, the N:M multiplexers), every SRAM level (cells and bank periphery), the NoC
// (pipeline registers, multicast ID comparators) and the vector unit. Not counted: DRAM (off
// chip), the DMA, feeders and controllers (small state machines), clock tree and wiring beyond
// what the per-bit figures include.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/area/area_table.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// `count` instances of one component of one block, `um2_each` apiece.
struct AreaItem {
  std::string block;      ///< "pe_array", an SRAM level's name, "noc", "vector_unit"
  std::string component;  ///< e.g. "mac", "registers", "cells", "periphery"
  int64_t count = 0;
  double um2_each = 0.0;
  double um2() const { return double(count) * um2_each; }
};

struct AreaBreakdown {
  std::vector<AreaItem> items;  ///< in block order: pe_array, SRAM levels, noc, vector_unit
  double total_um2() const;
  double total_mm2() const { return total_um2() * 1e-6; }
  /// block -> component -> um^2 (repeated (block, component) items summed).
  std::map<std::string, std::map<std::string, double>> by_block_um2() const;
};

/// Register bits of one PE outside any register file: the operand and psum registers the
/// array's dataflows need (see area_model.cpp for the accounting).
int pe_register_bits(const PeArraySpec& pe);

/// Lanes of a precision-scalable PE at its narrowest width (2-bit operands): mac_bits / 2; 1 for
/// a PE that is not precision-scalable.
int max_precision_lanes(const PeArraySpec& pe);

/// The whole accelerator. Throws ModelError if two blocks share a name.
AreaBreakdown accelerator_area(const AcceleratorSpec& spec, const AreaTable& table);

}  // namespace adasim::arch
