// SPDX-License-Identifier: Apache-2.0
// The layer-engine interface: what runs one layer's program (arch/program/program.hpp) under the
// sequencer's clock. An engine is registered by name; the name is the program's
// (arch::engine_name: "systolic", "spatial", "vector"), so the sequencer runs every layer on the
// engine its program selects. Engines are blocks: they declare their statistics (role kEngine,
// reported for the layers they run) and name the shared blocks their layers' reports include.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "arch/component.hpp"
#include "arch/energy/energy_model.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/engine/step.hpp"
#include "arch/pe/sparse_fold.hpp"
#include "arch/pe/systolic_array.hpp"
#include "arch/program/program.hpp"
#include "sim/core/registry.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class MemoryHierarchy;
struct StoragePlan;

/// What an engine produces for the output stage.
enum class EngineOutput {
  kAccumulators,  ///< int32 accumulators, requantized (or kept wide) by the output stage
  kValues,        ///< the output tensor's stored values
};

/// The values an engine works on, prepared by the output stage.
struct LayerIo {
  // Engines with EngineOutput::kAccumulators:
  const workloads::Int16Buffer* a = nullptr;  ///< ifmap operand, zero point subtracted
  const workloads::Int16Buffer* b = nullptr;  ///< weight (or a matmul's B), zero point subtracted
  workloads::Int32Buffer* acc = nullptr;      ///< accumulators: zeroed, in the output's layout
  // Engines with EngineOutput::kValues:
  std::vector<const workloads::Int8Buffer*> inputs;  ///< stored input values
  workloads::Int8Buffer* out = nullptr;              ///< stored output values
  /// False: timing only (RunMode::values); the buffers are empty, or zeros for a spatial array.
  bool values = true;
};

/// The layer's MACs (operations on the vector unit) as the engine ran them:
/// issued + gated + skipped = macs.
struct MacTally {
  uint64_t macs = 0, issued = 0, gated = 0, skipped = 0;
};

/// What an engine's energy accounting reads besides its own counters.
struct EnergyInputs {
  const EnergyTable& table;
  const AcceleratorSpec& spec;
  const MemoryHierarchy& memory;
  const INoc& bus;
  double voltage_v = 0;
  double time_ns = 0;
  /// The layer's storage plan (compressed operands: encoded bytes; null = everything dense).
  const StoragePlan* storage = nullptr;
};

/// A layer engine.
/// Contract: start() is called once per layer before any step(), with the program of a layer
/// whose engine_name() is the engine's registered name; step() advances at most one step and
/// returns kDone once, after every transfer of the layer completed; macs(), stored_outputs()
/// and energy() describe the layer last started and hold after kDone until the next start().
class ILayerEngine : public Component {
 public:
  using Component::Component;

  virtual EngineOutput output() const = 0;
  virtual void start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
                     const SparseConfig& sparse) = 0;
  virtual StepResult step() = 0;
  virtual MacTally macs() const = 0;
  /// Whether the layer's report includes the statistics of the shared blocks of `role`.
  virtual bool reports(BlockRole role) const = 0;
  /// Flat indices (in the output tensor) of the outputs the store of chunk `chunk` of fold
  /// `fold` writes: an output encoder sizes the store from their values. Throws sim::ModelError
  /// when the engine has no output encoder.
  virtual std::vector<int64_t> stored_outputs(size_t fold, size_t chunk) const = 0;
  /// The layer's energy rows (dynamic and leakage).
  virtual void energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const = 0;
  /// The fold being computed (VCD trace; 0 when the engine has no folds).
  virtual int64_t current_fold() const { return 0; }
};

/// What an engine is built from.
struct EngineContext {
  const AcceleratorSpec& spec;
  SystolicArray& array;  ///< the PE array state (systolic arrays)
  RunMode mode;          ///< fidelity and whether values are computed
};

using EngineFactory = std::function<std::unique_ptr<ILayerEngine>(const EngineContext&)>;
using EngineRegistry = sim::Registry<EngineFactory>;

/// Registers the layer engines (kind "engine"): systolic, spatial, vector.
void register_engines(EngineRegistry& r);

/// A registry of kind "engine" holding the layer engines (register_engines).
EngineRegistry make_engine_registry();

}  // namespace adasim::arch
