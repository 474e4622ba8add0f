// SPDX-License-Identifier: Apache-2.0
// The accelerator's structural top, assembled from a frozen AcceleratorSpec: the memory hierarchy
// (DRAM, SRAM levels, DMA; arch/memory/hierarchy.hpp), the array-edge interconnect, the PE array
// state, the layer engines (built from the engine registry), the output stage and the program
// sequencer that runs the layers. It owns no behaviour of its own. The clock domain and its DVFS
// controller live outside it (they belong to the system the accelerator runs in).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "arch/component.hpp"
#include "arch/dvfs/clock_domain.hpp"
#include "arch/dvfs/dvfs_controller.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/engine/layer_engine.hpp"
#include "arch/memory/hierarchy.hpp"
#include "arch/noc/i_noc.hpp"
#include "arch/output/output_stage.hpp"
#include "arch/pe/systolic_array.hpp"
#include "arch/power/power_manager.hpp"
#include "arch/sequencer.hpp"
#include "arch/spec.hpp"
#include "arch/trace_probe.hpp"
#include "sim/trace/vcd_writer.hpp"

namespace adasim::arch {

class Accelerator : public Component {
 public:
  /// `spec`, `energy`, `clock` and `dvfs` must outlive the accelerator.
  Accelerator(sc_core::sc_module_name name, const AcceleratorSpec& spec, const EnergyTable& energy,
              ClockDomain& clock, DvfsController& dvfs, RunMode mode = {});
  ~Accelerator() override;

  /// The layers to run, in order, with their programs (one per graph layer; they must outlive
  /// the run). Call before sc_start.
  void load_program(const workloads::Graph& graph, std::vector<const LayerProgram*> programs,
                    ValueStore& values) {
    sequencer_->load(graph, std::move(programs), values);
  }
  /// Optional VCD tracing; signals are registered here (call before sc_start).
  void attach_tracer(sim::VcdWriter* vcd);
  /// Records the power trace's activity into `trace` (null: none; call before sc_start).
  void attach_power_trace(PowerTraceRecorder* trace) { sequencer_->attach_power_trace(trace); }
  /// Optional: receives every accumulator layer's raw int32 results, keyed by output tensor
  /// name (functional checks and output dumps). Call before sc_start.
  void set_accumulator_sink(std::map<std::string, workloads::Int32Buffer>* sink) {
    output_->set_accumulator_sink(sink);
  }

  /// Cycles without forward progress after which the run stops with a sim::ModelError and a
  /// state dump (default sim::kDefaultWatchdogCycles). Call before sc_start.
  void set_watchdog(uint64_t cycles) { sequencer_->set_watchdog(cycles); }
  /// Cycles of the core clock domain so far and layers finished (progress, limits).
  uint64_t cycle() const { return sequencer_->cycle(); }
  size_t layers_done() const { return sequencer_->layers_done(); }

  /// One per finished layer; complete after sc_start returns.
  const std::vector<LayerResult>& results() const { return sequencer_->results(); }
  bool finished() const { return sequencer_->finished(); }
  /// The exception a layer raised during the run (the simulation stopped there), or null.
  std::exception_ptr error() const { return sequencer_->error(); }

 private:
  AcceleratorSpec spec_;
  ClockDomain& clock_;
  DvfsController& dvfs_;
  /// The SRAM + NoC domain when the config declares one (clock.domains.memory), at its point.
  std::unique_ptr<ClockDomain> memory_clock_;
  std::unique_ptr<MemoryHierarchy> memory_;
  std::unique_ptr<INoc> noc_;  // built by name (spec.noc.type) from the NoC registry
  sim::StatGroup bus_group_;
  SystolicArray array_;
  std::map<std::string, std::unique_ptr<ILayerEngine>> engines_;
  std::unique_ptr<OutputStage> output_;
  std::unique_ptr<PowerManager> power_;  // with the config's power section
  std::unique_ptr<Sequencer> sequencer_;
  std::unique_ptr<TraceProbe> probe_;
};

}  // namespace adasim::arch
