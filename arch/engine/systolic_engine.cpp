// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/systolic_engine.hpp"

#include <algorithm>

#include "arch/engine/mac_figures.hpp"
#include "arch/engine/scalesim_figures.hpp"
#include "arch/memory/hierarchy.hpp"

namespace adasim::arch {

SystolicEngine::SystolicEngine(sc_core::sc_module_name name, const EngineContext& ctx)
    : ILayerEngine(name),
      spec_(ctx.spec),
      ctrl_(ctx.spec, ctx.array, ctx.mode),
      group_("pe_array"),
      scalesim_("scalesim") {
  declare(group_, BlockRole::kEngine);
  declare(scalesim_, BlockRole::kEngine);
}

void SystolicEngine::start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
                           const SparseConfig& sparse) {
  prog_ = &prog;
  ctrl_.set_sparsity(sparse);
  ctrl_.start(prog, *io.a, *io.b, *io.acc, ports);
  const int64_t pes = int64_t(spec_.pe_array.rows) * spec_.pe_array.cols;
  declare_mac_figures(
      group_, io, sparse.mode, pes,
      [this] {
        const ArrayController::SparseCounts& c = ctrl_.sparse_counts();
        return SparseSteps{c.steps - c.steps_skipped, c.steps_skipped, c.ideal_steps};
      },
      // MACs the PEs performed (N:M: slot MACs).
      [this] { return uint64_t(prog_->macs()); });
  if (spec_.pe_array.convention == TimingConvention::kScaleSim)
    declare_scalesim_figures(scalesim_, prog.systolic(), ctrl_.tally(), spec_.pe_array.rows,
                             spec_.pe_array.cols);
  else
    scalesim_.clear();
}

MacTally SystolicEngine::macs() const {
  const ArrayController::SparseCounts& c = ctrl_.sparse_counts();
  MacTally t;
  t.macs = uint64_t(prog_->shape.macs());
  t.gated = c.macs_gated;
  // The N:M datapath never issues the MACs of the weights its slots leave out.
  t.skipped = c.macs_skipped + (t.macs - uint64_t(prog_->macs()));
  t.issued = t.macs - t.gated - t.skipped;
  return t;
}

std::vector<int64_t> SystolicEngine::stored_outputs(size_t fold, size_t chunk) const {
  const SystolicFold& f = prog_->systolic().folds.at(fold);
  const ChunkOutputs co =
      chunk_outputs(*prog_, f, prog_->transfers.folds.at(fold).chunks.at(chunk));
  std::vector<int64_t> out;
  out.reserve(size_t(co.m_len * co.n_len));
  for (int64_t m = co.m0; m < co.m0 + co.m_len; ++m)
    for (int64_t nn = co.n0; nn < co.n0 + co.n_len; ++nn)
      out.push_back(ctrl_.access().out_index(co.pack, m, nn));
  return out;
}

void SystolicEngine::energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const {
  array_layer_energy(in, *prog_, macs(), false, rows);
}

void array_layer_energy(const EnergyInputs& in, const LayerProgram& prog, const MacTally& t,
                        bool vector_ops, std::vector<EnergyRow>& rows) {
  const SystolicProgram* sys = std::get_if<SystolicProgram>(&prog.engine);
  LayerActivity act;
  act.macs = vector_ops ? 0 : t.issued;
  act.vector_ops = vector_ops ? t.macs : 0;
  // Precision-scalable PEs: a lane's MAC is priced at the operands' width.
  act.mac_bits =
      sys && sys->mac_lanes > 1 ? std::max(prog.in_bits, prog.w_bits) : in.spec.pe_array.mac_bits;
  act.in_bits = prog.in_bits;
  act.w_bits = prog.w_bits;
  act.accum_bits = in.spec.pe_array.accum_bits;
  if (sys && sys->nm_m > 0) {
    // N:M datapath: every issued MAC reads its slot's position field to steer the m:1
    // multiplexer, and every active PE latches and forwards its group's other m - 1 activations.
    act.nm_index_bits = sys->nm().index_bits();
    act.nm_selects = t.issued;
    act.nm_forwards = uint64_t(prog.macs()) * uint64_t(sys->nm_m - 1);
  }
  for (size_t i = 0; i < in.memory.levels(); ++i) {
    const SramLevel& l = in.memory.level(i);
    const SramLevelSpec& sp = l.spec();
    act.levels.push_back({sp.name, sp.size_bytes, sp.word_bits, l.read_words(), l.write_words()});
  }
  const Dram::Stats& ds = in.memory.dram().stats();
  act.dram_read_bytes = ds.read_bytes;
  act.dram_write_bytes = ds.write_bytes;
  act.bus_bytes = (in.bus.stats().to_pes_bits + in.bus.stats().from_pes_bits) / 8;
  act.pes = int64_t(in.spec.pe_array.rows) * in.spec.pe_array.cols;
  act.time_ns = in.time_ns;
  act.voltage_v = in.voltage_v;
  const std::vector<EnergyRow> r = layer_energy(in.table, act);
  rows.insert(rows.end(), r.begin(), r.end());
}

}  // namespace adasim::arch
