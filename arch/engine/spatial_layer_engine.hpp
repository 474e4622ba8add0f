// SPDX-License-Identifier: Apache-2.0
// The spatial layer engine (registered as "spatial"): runs a SpatialProgram's loop nest on the
// NoC-fed PE array (arch/spatial). It counts its own accesses per operand at every level (DRAM,
// global buffer, NoC, register files), which its layers report instead of the SRAM levels'
// array-side ports and the DMA's byte counts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arch/engine/layer_engine.hpp"
#include "arch/program/spatial_folds.hpp"
#include "arch/spatial/spatial_controller.hpp"

namespace adasim::arch {

class SpatialLayerEngine final : public ILayerEngine {
 public:
  SpatialLayerEngine(sc_core::sc_module_name name, const EngineContext& ctx);

  EngineOutput output() const override { return EngineOutput::kAccumulators; }
  void start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
             const SparseConfig& sparse) override;
  StepResult step() override { return ctrl_.step(); }
  /// Throws sim::ModelError when the engine ran another number of MACs than the program has.
  MacTally macs() const override;
  bool reports(BlockRole role) const override;
  std::vector<int64_t> stored_outputs(size_t fold, size_t chunk) const override;
  void energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const override;

 private:
  void declare_counts();

  const AcceleratorSpec& spec_;
  spatial::SpatialController ctrl_;
  const LayerProgram* prog_ = nullptr;
  std::vector<spatial::SpatialFold> folds_;  // compressed ofmap: the final outputs of each fold
  // Per level: DRAM, the global buffer (one group per SRAM level), the NoC, the PE register
  // files, the array.
  sim::StatGroup dram_;
  std::vector<std::unique_ptr<sim::StatGroup>> gbufs_;
  sim::StatGroup noc_, rf_, array_, figures_;
};

}  // namespace adasim::arch
