// SPDX-License-Identifier: Apache-2.0
// What the accelerator hands back for one layer: plain data (the report writers in sim/stats
// turn it into report keys; the models never see the report format).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/energy/energy_model.hpp"
#include "sim/core/stats.hpp"

namespace adasim::arch {

/// One gateable block's clock and power gating over a layer (config section `power`). Unit-cycles
/// count cycles x units (PEs, lanes, banks; the NoC is one unit).
struct BlockPower {
  std::string block;
  int64_t units = 0;
  uint64_t clock_gated_unit_cycles = 0;  ///< powered, clock gated (idle)
  uint64_t power_gated_unit_cycles = 0;  ///< off or in retention
  uint64_t wakeups = 0;                  ///< times (part of) the block was powered back on
  double wakeup_pj = 0.0;                ///< their energy
  double leakage_saved_pj = 0.0;         ///< leakage of the block all on, minus what it leaked
};

struct LayerResult {
  std::string name;
  std::string op;               ///< workloads::to_string(OpType)
  uint64_t cycles_total = 0;    ///< compute + stall
  uint64_t cycles_compute = 0;  ///< cycles the engine advanced
  uint64_t cycles_stall = 0;    ///< cycles it waited (statistics of kind kStall by cause)
  /// PE-cycles of MAC work (arch/engine/step.hpp StepResult::pe_cycles): the numerator of the
  /// ondemand governor's pe_utilization load; not written to the reports (utilization.pe is).
  uint64_t active_pe_cycles = 0;
  uint64_t macs = 0, macs_issued = 0, macs_gated = 0, macs_skipped = 0;
  double time_ns = 0.0;  ///< simulated time of the layer
  /// "<freq>MHz@<V>V" -> ns the layer ran at that point (DVFS halts excluded): one point, or
  /// several under a run-time governor that switches in the middle of the layer.
  std::map<std::string, double> time_ns_at_point;
  /// DVFS transitions of the layer (the one at its start, and any a run-time governor makes in
  /// it), the time the domain was halted for them (regulator ramp + PLL relock, ns); reported
  /// when the policy may switch.
  uint64_t dvfs_transitions = 0;
  double dvfs_transition_ns = 0.0;
  bool dvfs_reported = false;
  std::vector<sim::StatValue> stats;  ///< the blocks' statistics (collected from the module tree)
  std::vector<EnergyRow> energy;      ///< dynamic and leakage rows
  std::vector<BlockPower> power;      ///< per gateable block, when the config has `power`
  uint64_t wakeup_stall = 0;          ///< cycles of stall cause "wakeup" (in cycles_stall)
};

}  // namespace adasim::arch
