// SPDX-License-Identifier: Apache-2.0
// What a layer engine exchanges with the rest of the accelerator each step: the memory-system
// view of the layer (the levels feeding the array, the array-edge interconnect, the transfer
// controller) and what one step did (advanced, waited, finished; stall cycles by cause).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <systemc>
#include <vector>

#include "arch/memory/sram_level.hpp"
#include "arch/memory/transfer_controller.hpp"
#include "arch/noc/i_noc.hpp"
#include "arch/sparse/byte_scale.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// How the engines advance time (report key adasim.fidelity).
struct RunMode {
  /// Fidelity "fast": steady stretches (identical cycles with no event that could end them)
  /// advance in one step, and the functional datapath computes each fold at once; cycles, stalls
  /// and access counts equal the per-cycle mode's.
  bool fast = false;
  /// Compute output values (false: timing only; the run must not depend on values).
  bool values = true;
  /// Test switch (with fast false): simulate every cycle, and check that each stretch fast mode
  /// would advance in one step does, cycle by cycle, what fast mode assumes (a ModelError if not).
  bool check = false;
};

/// What one call to an engine's step() did.
struct StepResult {
  enum class Kind { kAdvanced, kWait, kDone };
  Kind kind = Kind::kAdvanced;
  uint64_t cycles = 1;  ///< kAdvanced: compute cycles this step covers (bulk controllers)
  /// kAdvanced: the step stands for `repeat` identical cycles (fast mode); every count above
  /// and below is per cycle.
  uint64_t repeat = 1;
  uint64_t bw_stall_sram = 0;  ///< extra cycles this cycle needed for SRAM ports
  uint64_t bw_stall_noc = 0;   ///< extra cycles this cycle needed for the edge bus
  bool bubble = false;         ///< the cycle only waited for DRAM data (a stall cycle)
  /// kAdvanced: PE-cycles of MAC work the step gave the PE array, over all its `repeat` cycles
  /// (not per cycle): MACs / MAC lanes per PE (precision-scalable PEs), so a PE busy for a
  /// cycle counts one; a skipped step counts none, a gated MAC counts (the PE spends the cycle).
  /// The systolic array counts a stream vector's work at the cycle it enters the array (a fold's
  /// MACs spread evenly over its stream indices), the spatial array an iteration's PE steps at
  /// its step, the vector unit none (the array idles). The ondemand governor's pe_utilization
  /// load reads their sum (arch/dvfs/i_dvfs_policy.hpp DvfsActivity).
  uint64_t pe_cycles = 0;
  sc_core::sc_time wait_until;  ///< kWait: nothing can move before this time
};

/// The core clock as a step sees it. Under a run-time DVFS governor ("ondemand") the period may
/// change within a layer, but only between two steps: the sequencer updates this before every
/// step, and a fast-mode stretch of identical cycles never runs past `split_at` (the next point
/// where the governor samples or the clock may change), so that the per-cycle and fast modes
/// see every change at the same cycle.
struct StepClock {
  sc_core::sc_time period;  ///< the domain's clock period now
  /// Only the cycles that start before this time may form one stretch; nullopt: no limit.
  std::optional<sc_core::sc_time> split_at;
};

/// Memory-system view a controller needs for one layer.
struct LayerPorts {
  std::vector<SramLevel*> level_of_operand;  ///< index = Operand
  INoc* bus = nullptr;                       ///< the NoC toward the array (noc.type)
  TransferController* plan = nullptr;
  /// Compressed storage (arch/sparse/storage_plan.hpp): per Operand, the SRAM bytes behind the
  /// dense bytes a controller reads toward the array. Null = everything dense.
  std::array<ByteScale, kNumOperands>* read_scale = nullptr;
  /// The core clock, read per step (fast mode: how far a stretch of cycles reaches in time).
  const StepClock* clock = nullptr;
  /// f_core / f_mem: the SRAM ports and the NoC count their cycles at the memory domain's clock
  /// (arch/dvfs/domains.hpp); 1 when they share the core's.
  double core_per_memory_cycle = 1.0;
};

/// Charges one cycle's SRAM-port and edge-bus traffic: reads[op] bytes from the level holding each
/// operand, out_write/out_read bytes at the output level. reads[] are dense bytes: with compressed
/// storage the SRAM ports see read_scale[op] of them and the decoder at the SRAM read port hands
/// the bus the decoded (dense) values. The ports' and the bus's cycles are memory-domain cycles,
/// converted to core cycles (an ideal level never limits). Returns the extra (stall) cycles the
/// cycle needs beyond one, attributed to the tighter of SRAM ports and bus.
/// `repeat` > 1 charges that many identical cycles at once; callers first check
/// steady_ports() (throws sim::ModelError if the cycles would differ).
StepResult charge_ports(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                        uint64_t out_write, uint64_t out_read, uint64_t repeat = 1);

/// Fast mode: the first `n` of `cycles` cycles over which `reads` (dense bytes per operand) and
/// `out_write` bytes are spread evenly (cycle i moves total * (i + 1) / cycles - total * i /
/// cycles of each). When every one of them needs the same port cycles and each kind of traffic
/// moves in every cycle or in none, charges them at once and returns their per-cycle result
/// (repeat = n); otherwise charges nothing and returns nullopt.
std::optional<StepResult> charge_spread(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                                        uint64_t out_write, uint64_t cycles, uint64_t n);

/// The clock cycles (1 + stall) every one of a run of cycles with this traffic takes, or 0 when
/// they may differ (with compressed storage the SRAM bytes of a cycle vary by the cumulative
/// rounding). Counts nothing.
uint64_t steady_ports(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                      uint64_t out_write, uint64_t out_read);

}  // namespace adasim::arch
