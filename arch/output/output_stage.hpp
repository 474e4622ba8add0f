// SPDX-License-Identifier: Apache-2.0
// The output stage and the value plumbing around a layer engine: before the layer, the operands
// the engine reads (zero points subtracted for the PEs, or the stored values for the vector unit)
// and the layer's compressed storage plan; while it runs, the output encoder of a compressed
// ofmap, which sizes each store of final outputs from their values; after it, the outputs
// (through the accumulators' psum rule, then bias, requantization per the program's quantisation
// parameters, or wide int32 outputs) into
// the value store, and the compression figures (statistics, role kStorage) and energy rows.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/component.hpp"
#include "arch/energy/energy_model.hpp"
#include "arch/engine/layer_engine.hpp"
#include "arch/memory/transfer_controller.hpp"
#include "arch/pe/psum_rule.hpp"
#include "arch/pe/requantizer.hpp"
#include "arch/sparse/output_encoder.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "arch/value_store.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::arch {

class OutputStage : public Component {
 public:
  /// `values` false: timing only (RunMode::values): no operand is read and no output stored;
  /// a spatial array gets zero operands (its counts do not depend on them without sparsity).
  OutputStage(sc_core::sc_module_name name, const AcceleratorSpec& spec, bool values = true);

  /// Optional: receives every accumulator layer's raw int32 results, keyed by output tensor name.
  void set_accumulator_sink(std::map<std::string, workloads::Int32Buffer>* sink) { sink_ = sink; }

  /// Starts layer l (program `prog`, run by an engine producing `kind`): plans the compressed
  /// storage of its operands and prepares the values the engine works on.
  const LayerIo& begin_layer(const workloads::Graph& g, const workloads::Layer& l,
                             const LayerProgram& prog, ValueStore& values, EngineOutput kind);
  /// The layer's storage plan (the DMA's load scalers, the SRAM read scalers).
  StoragePlan& storage() { return storage_; }
  /// With a compressed ofmap: sizes every store of final outputs of `transfers` from the values
  /// `engine` stores (call after the engine started).
  void start_encoder(TransferController& transfers, const ILayerEngine& engine);
  /// Ends the layer: the encoder's totals, the compression figures and their energy rows
  /// (appended to `energy`), the outputs into the value store.
  void end_layer(const EnergyTable& table, double voltage_v, std::vector<EnergyRow>& energy);

 private:
  int8_t stored_value(int64_t flat) const;
  void decode_operands(const workloads::Layer& l, const LayerProgram& prog, ValueStore& values);
  void declare_figures(const std::vector<StorageFigure>& figures);

  const AcceleratorSpec& spec_;
  bool values_on_ = true;
  PsumRule psum_rule_;
  std::map<std::string, workloads::Int32Buffer>* sink_ = nullptr;
  // The current layer.
  const workloads::Graph* graph_ = nullptr;
  const workloads::Layer* layer_ = nullptr;
  const LayerProgram* prog_ = nullptr;
  ValueStore* values_ = nullptr;
  EngineOutput kind_ = EngineOutput::kAccumulators;
  LayerIo io_;
  workloads::Int16Buffer op_a_, op_b_;  // zero-point-corrected operands
  workloads::Int32Buffer acc_;
  workloads::Int8Buffer vec_out_;
  StoragePlan storage_;
  std::optional<OutputEncoder> encoder_;  // compressed ofmap only
  std::optional<Requantizer> requant_;    // the encoder's view of accumulator outputs
  // Compression figures of the layer, by operand.
  std::array<std::unique_ptr<sim::StatGroup>, 3> figures_;
};

}  // namespace adasim::arch
