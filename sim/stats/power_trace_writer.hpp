// SPDX-License-Identifier: Apache-2.0
// power.csv: the power trace (arch/power/power_trace.hpp) as one row per window and block, with
// the block's domain and that domain's point at the window's start. Columns (docs/report_keys.md):
// time_us (window start), window_us, layer (running at the window's start), domain (core, memory,
// dram), voltage_v, freq_mhz (empty for the DRAM interface, whose supply and clock are not
// modelled), block, dynamic_mw, leakage_mw. Power x window_us x 1000 is the block's energy in pJ.
#pragma once

#include <string>

#include "arch/power/power_trace.hpp"

namespace adasim::sim {

/// The exact bytes of power.csv (numbers as format_double: shortest round trip).
std::string power_trace_csv(const arch::PowerTrace& t);

}  // namespace adasim::sim
