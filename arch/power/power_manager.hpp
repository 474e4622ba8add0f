// SPDX-License-Identifier: Apache-2.0
// The power manager: clock gating and power gating of the accelerator's blocks (config section
// `power`). It keeps each gateable block's power state across layers (how many of its units,
// PEs, lanes or banks, are powered), asks the power-gating policy (arch/power/i_power_policy.hpp)
// which to switch off, pays each wake-up once (wakeup_cycles of stall, the units' wake-up energy)
// and, at the end of a layer, turns the layer's activity into clock-network energy, wake-up
// energy and leakage on the powered (or retained) units only.
//
// Model (layer granularity for the array's footprint, cycle granularity for idle runs):
//  - clock network: every clocked cycle of a powered unit costs flops x clock_pj_per_flop at the
//    block's domain voltage (V^2); a clock-gated block pays only active unit-cycles: the array on
//    compute cycles of array layers, the vector unit on compute cycles of vector layers, an SRAM
//    level one bank-cycle per word access, the NoC on compute cycles. The clock is stopped during
//    a DVFS halt. Clock gating never changes cycles.
//  - power gating: a unit that is off leaks nothing (retention: retention_leakage_fraction of its
//    leakage) and has no clock; waking it costs its wake-up energy and the layer wakeup_cycles of
//    stall (units waking together wake in parallel). Data in a bank that was off is lost: a layer
//    that reads an operand it never loads from banks switched off since is a sim::ModelError.
//  - leakage rows (already priced at the block's domain voltage) are scaled by the powered share
//    of the layer's unit-cycles; the difference is reported as leakage saved.
// Abstracts away: rush current and the rail's settling beyond wakeup_cycles, partial clock
// gating inside a PE, retention save/restore cycles, the idle runs of SRAM banks inside a layer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/energy/energy_model.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/layer_result.hpp"
#include "arch/power/block_usage.hpp"
#include "arch/power/i_power_policy.hpp"
#include "arch/program/program.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// The cycles of the layer that just ended, as the sequencer counted them (core clock).
struct PowerLayerCycles {
  uint64_t total = 0;                      ///< all cycles of the layer
  uint64_t compute = 0;                    ///< cycles the engine advanced
  uint64_t halted = 0;                     ///< DVFS halt (the clock is stopped)
  double time_ns = 0.0;                    ///< the layer's simulated time
  double core_v = 0.9, core_mhz = 1000.0;  ///< the core domain's point during the layer
};

class PowerManager {
 public:
  /// `spec` and `table` must outlive the manager; the policy comes from `policies`.
  PowerManager(const AcceleratorSpec& spec, const EnergyTable& table,
               const PowerPolicyRegistry& policies);
  PowerManager(const AcceleratorSpec& spec, const EnergyTable& table);  ///< built-in policies

  /// Whether a wake-up can stall the array (then the sequencer reports stall cause "wakeup").
  bool may_wake() const;
  const std::vector<GateableBlock>& blocks() const { return blocks_; }

  /// Layer boundary: powers the units the layer's mapping needs (the policy may keep more),
  /// switches the others off and returns the wake-up cycles the layer waits before it starts.
  /// Throws sim::ModelError when the layer reads SRAM data lost while its banks were off.
  uint64_t begin_layer(const std::string& layer, const LayerProgram& prog);
  /// The wake-up energy (pJ) of the units the last begin_layer() woke, with the core domain at
  /// `core_v` (what end_layer() charges for them).
  double wakeup_pj(double core_v) const;
  /// The array waited `run` cycles for data (inside an array layer), `at` clocked cycles into
  /// the layer: returns the wake-up cycles the policy's gating of that run adds (0: it stayed
  /// on). The VCD shows trace_idle_edges(at, run) and then the array's edges (in time order).
  uint64_t array_wait(uint64_t run, uint64_t at);
  /// VCD only (a no-op without an observer): the layer's clocked cycles [at, at + n), starting
  /// `base` cycles after the current one, are being traced; shows the cycle in them at which a
  /// block the layer does not use reaches its idle timeout (else the edge is drawn at the
  /// layer's end). Steps are traced in time order: call it for a step's cycles in order.
  void trace_idle_edges(uint64_t at, uint64_t n, uint64_t base = 0);
  /// Every block the current layer does not use idles `cycles` more (idle_timeout counts the run
  /// on and switches it off past the timeout); end_layer() does this with the layer's cycles.
  void idle_through(uint64_t cycles);
  /// End of the layer: adds clock, wake-up and vector-unit leakage rows, scales the leakage
  /// rows by the powered share and fills one BlockPower per block.
  void end_layer(const PowerLayerCycles& c, std::vector<EnergyRow>& rows,
                 std::vector<BlockPower>& out);

  /// Optional (VCD): called when block `b` changes its powered units, `offset` cycles after
  /// the current cycle.
  using Observer = std::function<void(size_t b, int64_t powered, uint64_t offset)>;
  void set_observer(Observer f) { observer_ = std::move(f); }

 private:
  struct BlockState {
    int64_t powered = 0;      ///< units on (or in retention-free service) now
    int64_t used = 0;         ///< units the current layer's mapping uses
    int64_t valid_banks = 0;  ///< SRAM: banks whose data survived since it was written
    bool idle_off = false;    ///< idle_timeout switched the whole block off
    bool idle_shown = false;  ///< the VCD already shows this layer's idle-timeout off edge
    uint64_t idle_run = 0;    ///< cycles idle so far (idle_timeout)
    uint64_t gated_unit_cycles = 0, woken_units = 0, wakeups = 0;  ///< this layer's
  };
  void show(size_t b, int64_t powered, uint64_t offset) const;
  void check_reliance(const std::string& layer, const LayerProgram& prog) const;
  void idle_through_layer(size_t b, uint64_t cycles);
  bool idles_through(size_t b) const;  ///< unused by the layer, power-gated and powered
  uint64_t active_unit_cycles(size_t b, const PowerLayerCycles& c,
                              const std::vector<EnergyRow>& rows) const;
  double domain_voltage(size_t b, double core_v) const;
  void price_block(size_t b, const PowerLayerCycles& c, std::vector<EnergyRow>& rows,
                   BlockPower& out) const;

  const AcceleratorSpec& spec_;
  const EnergyTable& table_;
  std::unique_ptr<IPowerPolicy> policy_;
  std::vector<GateableBlock> blocks_;
  std::vector<BlockState> state_;
  bool vector_layer_ = false;
  Observer observer_;
};

}  // namespace adasim::arch
