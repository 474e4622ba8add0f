// SPDX-License-Identifier: Apache-2.0
// Run-level facts derived from the resolved design point, shared by `adasim run` and the sweep:
// a descriptive name that follows every override, and the silicon area by block.
#pragma once

#include <map>
#include <string>

#include "arch/spec.hpp"

namespace adasim::sim {

/// A name derived from the spec, e.g. "systolic-32x32-ws-int8-gbuf512KiB-dram12.8GBps-800MHz"
/// ("auto" for an adaptive dataflow, "+gate"/"+skip", "+nm2:4", "+ps" when those features are on;
/// an ideal SRAM level or DRAM says "_ideal").
std::string design_name(const arch::AcceleratorSpec& spec);

/// The area model's breakdown (arch/area) as block -> component -> um^2.
std::map<std::string, std::map<std::string, double>> area_by_block_um2(
    const arch::AcceleratorSpec& spec);

}  // namespace adasim::sim
