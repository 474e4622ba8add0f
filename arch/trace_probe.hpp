// SPDX-License-Identifier: Apache-2.0
// VCD signals of the accelerator: the signal tree mirrors the module tree (top.<block>...), and
// every PE exposes its moving operand, its weight (stationary or moving) and its psum.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/dvfs/dvfs_controller.hpp"
#include "arch/engine/layer_engine.hpp"
#include "arch/memory/hierarchy.hpp"
#include "arch/pe/systolic_array.hpp"
#include "arch/power/power_manager.hpp"
#include "sim/trace/vcd_writer.hpp"

namespace adasim::arch {

class TraceProbe {
 public:
  /// Registers the signals under `top` (call before the run). `fold_of`: the engine whose fold
  /// the array shows (the systolic one), or null.
  TraceProbe(sim::VcdWriter& vcd, const std::string& top, const std::string& clock,
             const SystolicArray& array, const MemoryHierarchy& memory,
             const ILayerEngine* fold_of);

  /// Samples every signal at cycle `cycle` of layer `layer`; `outputs_held`: the PEs hold
  /// accumulators (their weight signal shows the operand moving down); `stall`: 0 compute,
  /// 1 DRAM, 2 SRAM ports, 3 NoC, 4 power-gating wake-up.
  void sample(uint64_t cycle, uint64_t layer, bool outputs_held, uint64_t stall);
  /// Records only the stall cause `stall` from cycle `cycle`, `ahead` after the current time (a
  /// wake-up that ends a DRAM wait begins where the wait ends, inside one sequencer step).
  void stall_cause(uint64_t cycle, const sc_core::sc_time& ahead, uint64_t stall);
  /// Records the clock domain's state at the current simulated time (cycle `cycle`):
  /// <clock>.freq_khz, <clock>.voltage_mv and <clock>.dvfs_halt.
  void domain(uint64_t cycle, const DomainState& s);
  /// Registers <top>.power.<block>.powered_units for every power-gated block (call before the
  /// run): the units (PEs, lanes, banks) powered; 0 = off or in retention.
  void add_power_signals(const std::string& top, const PowerManager& pm, const PowerSpec& spec);
  /// Records block `b`'s powered units from cycle `cycle`, `ahead` after the current time.
  void power_state(uint64_t cycle, const sc_core::sc_time& ahead, size_t b, int64_t powered);
  void finish() { vcd_.finish(); }

 private:
  struct PeSignals {
    int in = -1, w = -1, psum = -1;
  };
  sim::VcdWriter& vcd_;
  const SystolicArray& array_;
  const MemoryHierarchy& memory_;
  const ILayerEngine* fold_of_;
  std::vector<PeSignals> pe_;
  int freq_ = -1, volt_ = -1, halt_ = -1;
  std::vector<int> power_;  // per gateable block, -1 when not power-gated
  int cycle_ = -1, layer_ = -1, fold_ = -1, stall_ = -1, dram_rd_ = -1, sram_rd_ = -1;
};

}  // namespace adasim::arch
