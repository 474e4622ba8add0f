// SPDX-License-Identifier: Apache-2.0
// The vector layer engine (registered as "vector"): pooling and elementwise add on the vector
// unit beside the array (arch/vector/vector_unit.hpp), reading and writing through the SRAM
// levels' array-side ports and the edge bus.
#pragma once

#include "arch/engine/layer_engine.hpp"
#include "arch/vector/vector_unit.hpp"

namespace adasim::arch {

class VectorEngine final : public ILayerEngine {
 public:
  VectorEngine(sc_core::sc_module_name name, const EngineContext& ctx);

  EngineOutput output() const override { return EngineOutput::kValues; }
  void start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
             const SparseConfig& sparse) override;
  StepResult step() override { return ctrl_.step(); }
  MacTally macs() const override;
  bool reports(BlockRole) const override { return true; }
  std::vector<int64_t> stored_outputs(size_t fold, size_t chunk) const override;
  void energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const override;

 private:
  VectorController ctrl_;
  const AcceleratorSpec& spec_;
  const LayerProgram* prog_ = nullptr;
  sim::StatGroup group_;
};

}  // namespace adasim::arch
