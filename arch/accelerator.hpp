// SPDX-License-Identifier: Apache-2.0
// The accelerator top: assembled from a frozen AcceleratorSpec. One clock domain (with its DVFS
// controller) drives one process, the ticker, which advances the layer controllers cycle by cycle
// and skips idle stretches in bulk when they only wait for DRAM. The memory hierarchy (SRAM levels,
// DMA, DRAM) is connected with TLM-2.0 sockets; the array and its edge bus are plain C++ state.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "arch/dvfs/clock_domain.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/memory/dma.hpp"
#include "arch/memory/dram.hpp"
#include "arch/memory/sram_level.hpp"
#include "arch/memory/transfer_plan.hpp"
#include "arch/noc/i_noc.hpp"
#include "arch/pe/array_controller.hpp"
#include "arch/pe/operand_access.hpp"
#include "arch/pe/requantizer.hpp"
#include "arch/pe/systolic_array.hpp"
#include "arch/sparse/output_encoder.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "arch/spatial/spatial_controller.hpp"
#include "arch/spec.hpp"
#include "arch/value_store.hpp"
#include "arch/vector/vector_unit.hpp"
#include "sim/stats/report.hpp"
#include "sim/trace/vcd_writer.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::arch {

class Accelerator : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Accelerator);
  Accelerator(sc_core::sc_module_name name, const AcceleratorSpec& spec, const EnergyTable& energy);
  ~Accelerator() override;

  /// The layers to run, in order, with their schedules (one per graph layer). Call before sc_start.
  void load_program(const workloads::Graph& graph, const std::vector<workloads::LayerSchedule>& schedules,
                    ValueStore& values);
  /// Optional VCD tracing; signals are registered here (call before sc_start).
  void attach_tracer(sim::VcdWriter* vcd);

  /// Filled while the simulation runs; complete after sc_start returns.
  const std::vector<sim::LayerReport>& reports() const { return reports_; }
  bool finished() const { return finished_ && !error_; }
  /// The exception a layer raised during the run (the simulation stopped there), or null.
  std::exception_ptr error() const { return error_; }
  /// Optional: receives every array layer's raw int32 accumulators, keyed by output tensor name
  /// (functional checks and output dumps). Call before sc_start.
  void set_accumulator_sink(std::map<std::string, workloads::Int32Buffer>* sink) { acc_sink_ = sink; }

 private:
  void tick();
  void tick_once();
  void begin_layer();
  void end_layer();
  void sample_trace(uint64_t cycles_advanced);
  void report_spatial(sim::LayerReport& rep, const workloads::LayerSchedule& sch, double time_ns);
  // accelerator_outputs.cpp: the output stage and the sparse datapath's layer statistics.
  void finish_outputs(const workloads::Layer& l, const workloads::LayerSchedule& sch);
  // The output encoder of a compressed ofmap: installs the store sizer on plan_ (after the
  // operands / vector outputs of the layer exist), and hands its totals to storage_.
  void start_output_encoder(const workloads::Layer& l, const workloads::LayerSchedule& sch);
  uint64_t encode_store(const workloads::LayerSchedule& sch, size_t fold, size_t chunk);
  void finish_output_encoder(const workloads::Layer& l);
  void record_sparsity(sim::LayerReport& rep, const workloads::LayerSchedule& sch) const;

  AcceleratorSpec spec_;
  const EnergyTable& energy_;
  ClockDomain clock_;
  DvfsController dvfs_;
  Dram dram_;
  std::vector<std::unique_ptr<SramLevel>> sram_;
  Dma dma_;
  std::unique_ptr<INoc> noc_;  // built by name (spec.noc.type) from the NoC registry
  SystolicArray array_;
  ArrayController array_ctrl_;
  spatial::SpatialController spatial_ctrl_;
  VectorController vector_ctrl_;

  const workloads::Graph* graph_ = nullptr;
  const std::vector<workloads::LayerSchedule>* schedules_ = nullptr;
  ValueStore* values_ = nullptr;
  size_t layer_ = 0;
  bool in_layer_ = false;
  bool finished_ = false;
  std::exception_ptr error_;
  std::unique_ptr<TransferPlan> plan_;
  StoragePlan storage_;  // the current layer's operand storage (compressed formats)
  workloads::Int32Buffer acc_;
  workloads::Int16Buffer op_a_, op_b_;  // the current layer's zero-point-corrected operands
  workloads::Int8Buffer vec_out_;
  std::optional<OutputEncoder> encoder_;  // compressed ofmap only
  std::optional<OperandAccess> out_access_;
  std::optional<Requantizer> requant_;
  std::map<std::string, workloads::Int32Buffer>* acc_sink_ = nullptr;

  // Current layer counters.
  uint64_t cycle_ = 0;  // global cycle
  uint64_t layer_start_cycle_ = 0;
  sc_core::sc_time layer_start_time_;
  uint64_t compute_ = 0, stall_dram_ = 0, stall_sram_ = 0, stall_noc_ = 0;
  std::vector<sim::LayerReport> reports_;

  // Tracing.
  sim::VcdWriter* vcd_ = nullptr;
  struct PeSignals { int in = -1, w = -1, psum = -1; };
  std::vector<PeSignals> pe_sig_;
  int sig_cycle_ = -1, sig_layer_ = -1, sig_fold_ = -1, sig_stall_ = -1;
  int sig_dram_rd_ = -1, sig_sram_rd_ = -1;
  uint64_t stall_code_ = 0;
};

}  // namespace adasim::arch
