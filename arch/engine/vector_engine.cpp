// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/vector_engine.hpp"

#include <algorithm>

#include "arch/engine/systolic_engine.hpp"
#include "arch/program/feed_latency.hpp"

namespace adasim::arch {

VectorEngine::VectorEngine(sc_core::sc_module_name name, const EngineContext& ctx)
    : ILayerEngine(name), spec_(ctx.spec), group_("vector_unit") {
  ctrl_.set_mode(ctx.mode);
  group_.add_real(
      "pe", [](const sim::Interval&) { return 0.0; }, "fraction",
      "MACs per PE-cycle (the array idles while the vector unit runs)",
      sim::StatKind::kUtilization);
  group_.add_real(
      "vector",
      [this](const sim::Interval& in) {
        return double(prog_->macs()) /
               (double(prog_->vector().lanes) * double(std::max<uint64_t>(1, in.cycles)));
      },
      "fraction", "operations per lane-cycle", sim::StatKind::kUtilization);
  declare(group_, BlockRole::kEngine);
}

void VectorEngine::start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
                         const SparseConfig&) {
  prog_ = &prog;
  // Its crossings into and out of the memory domain, at the layer's core point.
  const VectorCrossings cross{operand_sync_cycles(spec_),
                              return_latency_cycles(spec_, ports.core_per_memory_cycle)};
  ctrl_.start(prog, io.inputs, *io.out, ports, cross);
}

MacTally VectorEngine::macs() const {
  MacTally t;
  t.macs = t.issued = uint64_t(prog_->macs());
  return t;
}

std::vector<int64_t> VectorEngine::stored_outputs(size_t fold, size_t chunk) const {
  // The vector unit's chunks are ranges of flat output elements.
  const ChunkPlan& c = prog_->transfers.folds.at(fold).chunks.at(chunk);
  std::vector<int64_t> out;
  out.reserve(size_t(c.t_len));
  for (int64_t i = c.t0; i < c.t0 + c.t_len; ++i) out.push_back(i);
  return out;
}

void VectorEngine::energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const {
  array_layer_energy(in, *prog_, macs(), true, rows);
}

}  // namespace adasim::arch
