// SPDX-License-Identifier: Apache-2.0
// The systolic layer engine (registered as "systolic"): runs a SystolicProgram's folds on the PE
// array one clock cycle at a time (arch/pe/array_controller.hpp), with the SRAM levels' array-side
// ports and the edge bus on its datapath.
#pragma once

#include "arch/engine/layer_engine.hpp"
#include "arch/pe/array_controller.hpp"

namespace adasim::arch {

class SystolicEngine final : public ILayerEngine {
 public:
  SystolicEngine(sc_core::sc_module_name name, const EngineContext& ctx);

  EngineOutput output() const override { return EngineOutput::kAccumulators; }
  void start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
             const SparseConfig& sparse) override;
  StepResult step() override { return ctrl_.step(); }
  MacTally macs() const override;
  bool reports(BlockRole) const override { return true; }
  std::vector<int64_t> stored_outputs(size_t fold, size_t chunk) const override;
  void energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const override;
  int64_t current_fold() const override { return ctrl_.current_fold(); }

 private:
  const AcceleratorSpec& spec_;
  ArrayController ctrl_;
  const LayerProgram* prog_ = nullptr;
  sim::StatGroup group_;
  sim::StatGroup scalesim_;  ///< SCALE-Sim's figures, under its timing convention only
};

/// Energy rows of a layer on the array or the vector unit: MACs (or vector ops) and their
/// register accesses, every SRAM level's word reads and writes, the edge bus, DRAM, and leakage
/// (arch/energy/energy_model.hpp).
void array_layer_energy(const EnergyInputs& in, const LayerProgram& prog, const MacTally& t,
                        bool vector_ops, std::vector<EnergyRow>& rows);

}  // namespace adasim::arch
