// SPDX-License-Identifier: Apache-2.0
// The program sequencer: runs the layers' programs in order, each on the engine its program
// selects (arch::engine_name), under the clock domain's period. One process, the ticker, advances
// the active engine step by step and skips stretches that only wait for DRAM in bulk; it counts
// compute and stall cycles by cause. Between layers it sets up the transfers and the values
// (output stage), and at the end of a layer it collects the statistics of the blocks the layer
// used by walking the module tree, and the energy rows, into a LayerResult.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "arch/component.hpp"
#include "arch/dvfs/clock_domain.hpp"
#include "arch/dvfs/dvfs_controller.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/engine/layer_engine.hpp"
#include "arch/layer_result.hpp"
#include "arch/memory/hierarchy.hpp"
#include "arch/output/output_stage.hpp"
#include "arch/power/power_manager.hpp"
#include "arch/power/power_trace.hpp"
#include "arch/trace_probe.hpp"
#include "arch/value_store.hpp"
#include "sim/core/cycle.hpp"
#include "sim/core/watchdog.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch {

/// The blocks the sequencer drives (built by the structural top).
struct SequencedBlocks {
  MemoryHierarchy& memory;
  INoc& bus;
  OutputStage& output;
  std::map<std::string, ILayerEngine*> engines;  ///< by registered name
  PowerManager* power = nullptr;                 ///< clock and power gating, or null
};

class Sequencer : public Component {
 public:
  SC_HAS_PROCESS(Sequencer);
  /// `clock` and `dvfs` belong to the clock domain the accelerator runs in (they outlive it).
  Sequencer(sc_core::sc_module_name name, const AcceleratorSpec& spec, const EnergyTable& energy,
            ClockDomain& clock, DvfsController& dvfs, SequencedBlocks blocks);

  /// The layers to run, in order, with their programs (one per graph layer; they must outlive
  /// the run). Call before sc_start.
  void load(const workloads::Graph& graph, std::vector<const LayerProgram*> programs,
            ValueStore& values);
  /// Samples `probe` every cycle it covers (call before sc_start).
  void attach_probe(TraceProbe* probe) { probe_ = probe; }
  /// Hands `trace` every step (time span, cycles, compute) and every DMA transfer (its span and
  /// bytes) for the power trace (call before sc_start).
  void attach_power_trace(PowerTraceRecorder* trace);

  /// One per finished layer; complete after sc_start returns.
  const std::vector<LayerResult>& results() const { return results_; }
  bool finished() const { return finished_ && !error_; }
  /// The exception a layer raised during the run (the simulation stopped there), or null.
  std::exception_ptr error() const { return error_; }
  /// Cycles of the clock domain so far (trace timestamps).
  uint64_t cycle() const { return cycle_.value(); }
  /// Layers finished so far.
  size_t layers_done() const { return results_.size(); }
  /// Cycles without forward progress (compute, DMA bytes issued, a layer finished) after which
  /// the run stops with a sim::ModelError and a state dump (sim/core/watchdog.hpp; > 0).
  void set_watchdog(uint64_t cycles);
  /// The state the watchdog reports: layer, cycle, engine, and every block's statistics so far
  /// in the current layer (DMA queue, stalls by cause, accesses).
  std::string state_dump() const;

 private:
  /// Where the sequencer is between two layers (or, under a governor, within one): the DVFS
  /// controller carries out a transition (or ends one the domain ran through: kDrain), then the
  /// sequencer waits for the next edge of the new clock.
  enum class Boundary { kIdle, kTransition, kDrain, kAlign };

  void tick();
  /// One step of the current layer (entering it first, or a DVFS halt, or a wake-up instead).
  void tick_once();
  bool next_layer();
  void arm_step_clock(bool governed);
  void leave_layer();
  uint64_t count_wait(const StepResult& r);
  uint64_t count_advance(const StepResult& r);
  uint64_t wake_after_wait(uint64_t idle_run);
  uint64_t clocked_in_layer() const;
  void finish_step(const StepResult& r, uint64_t k);
  /// Counts forward progress for the watchdog (once per tick) and lets it check.
  void watch(bool computed);
  bool enter_layer();
  bool governor();
  void open_layer();
  uint64_t account_transition();
  uint64_t account_drain();
  void close_span();
  void price_spans(LayerResult& res) const;
  void begin_layer();
  void end_layer();
  bool wake_up();
  ILayerEngine& engine_of(const LayerProgram& p) const;
  std::vector<sim::StatValue> collect(const sim::Interval& in) const;

  const AcceleratorSpec& spec_;
  const EnergyTable& energy_;
  ClockDomain& clock_;
  DvfsController& dvfs_;
  SequencedBlocks blocks_;
  TraceProbe* probe_ = nullptr;
  PowerTraceRecorder* power_trace_ = nullptr;

  const workloads::Graph* graph_ = nullptr;
  std::vector<const LayerProgram*> programs_;
  ValueStore* values_ = nullptr;
  size_t layer_ = 0;
  bool in_layer_ = false;
  bool finished_ = false;
  std::exception_ptr error_;
  ILayerEngine* engine_ = nullptr;  // the current layer's
  std::unique_ptr<TransferController> transfers_;
  std::vector<LayerResult> results_;

  // The current layer's counters (declared as statistics: stall cycles by cause).
  sim::Cycle cycle_{0};  // global cycle
  sim::Cycle layer_start_{0};
  sc_core::sc_time layer_start_time_;
  uint64_t compute_ = 0, stall_dram_ = 0, stall_sram_ = 0, stall_noc_ = 0, stall_dvfs_ = 0;
  uint64_t stall_wakeup_ = 0, pending_wakeup_ = 0;  // power gating: wake-up stalls
  // PE-cycles of MAC work (StepResult::pe_cycles).
  uint64_t pe_work_ = 0;
  Boundary boundary_ = Boundary::kIdle;
  Boundary governed_ = Boundary::kIdle;  // a run-time governor's switch in the middle of a layer
  sc_core::sc_time transition_start_;    // when the current transition began
  uint64_t transitions_ = 0;  // the current layer's DVFS transitions, their time and energy
  double transition_ns_ = 0.0, transition_pj_ = 0.0;
  double halt_ns_ = 0.0;    // of which the domain's clock was stopped (ns)
  bool requested_ = false;  // the current layer's point was requested
  // The run's busy and halted cycles and PE-cycles of work before the current layer (the
  // governor's counters).
  uint64_t busy_before_ = 0, halted_before_ = 0, pe_work_before_ = 0;
  // The current layer's stretches at one operating point (a governor may switch within it); each
  // begins with the halt of the transition that set its point.
  struct PointSpan {
    OperatingPoint point;
    uint64_t cycles = 0, halted = 0;
    double ns = 0.0, halt_ns = 0.0;
  };
  std::vector<PointSpan> spans_;
  sim::Cycle span_cycle_{0};
  sc_core::sc_time span_time_;
  uint64_t span_halted_ = 0;   // stall_dvfs_ at the span's start
  double span_halt_ns_ = 0.0;  // halt_ns_ at the span's start
  StepClock step_clock_;       // what the engines read per step
  uint64_t stall_code_ = 0;    // trace: 0 compute, 1 DRAM, 2 SRAM, 3 NoC, 4 wake-up
  sim::StatGroup stalls_;
  sim::ProgressWatchdog watchdog_;
  uint64_t progress_ = 0;   // events of forward progress so far (the watchdog's count)
  uint64_t dma_bytes_ = 0;  // DMA bytes issued in the current layer at the last tick
};

}  // namespace adasim::arch
