// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/spatial_layer_engine.hpp"

#include "arch/energy/spatial_energy.hpp"
#include "arch/engine/mac_figures.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

SpatialLayerEngine::SpatialLayerEngine(sc_core::sc_module_name name, const EngineContext& ctx)
    : ILayerEngine(name),
      spec_(ctx.spec),
      ctrl_(ctx.spec),
      dram_("dram"),
      noc_("noc"),
      rf_("rf"),
      array_("array"),
      figures_("pe_array") {
  // One group per SRAM level (a split global buffer reports each part under its own name).
  for (const SramLevelSpec& l : ctx.spec.sram)
    gbufs_.push_back(std::make_unique<sim::StatGroup>(l.name));
  if (gbufs_.empty()) gbufs_.push_back(std::make_unique<sim::StatGroup>("gbuf"));
  declare(dram_, BlockRole::kEngine);
  for (const auto& g : gbufs_) declare(*g, BlockRole::kEngine);
  for (const sim::StatGroup* g : {&noc_, &rf_, &array_, &figures_}) declare(*g, BlockRole::kEngine);
}

void SpatialLayerEngine::start(const LayerProgram& prog, const LayerIo& io, const LayerPorts& ports,
                               const SparseConfig& sparse) {
  prog_ = &prog;
  ctrl_.set_sparsity(sparse);
  ctrl_.start(prog, *io.a, *io.b, *io.acc, ports);
  folds_.clear();
  // A compressed ofmap: the output encoder sizes each fold's store from its final outputs.
  if (spec_.sparsity.storage.ofmap != "dense")
    folds_ = spatial::spatial_folds(spatial::Problem::from_shape(prog.shape, prog.op),
                                    prog.spatial().nest);
  declare_counts();
  const int64_t pes = int64_t(spec_.pe_array.rows) * spec_.pe_array.cols;
  declare_mac_figures(
      figures_, io, sparse.mode, pes,
      [this] {
        const spatial::SpatialCounts& c = ctrl_.counts();
        return SparseSteps{uint64_t(c.compute_cycles), uint64_t(c.steps_skipped),
                           uint64_t(c.ideal_cycles)};
      },
      [this] { return uint64_t(prog_->macs()); });
}

void SpatialLayerEngine::declare_counts() {
  // The engine is rebuilt per layer: its counters move, the declarations follow.
  const spatial::SpatialCounts& c = ctrl_.counts();
  for (sim::StatGroup* g : {&dram_, &noc_, &rf_, &array_}) g->clear();
  for (const auto& g : gbufs_) g->clear();
  static const char* kOp[3] = {"ifmap", "weight", "psum"};
  for (size_t o = 0; o < 3; ++o) {
    const std::string op = kOp[o];
    sim::StatGroup& gbuf =
        *gbufs_[spec_.sram.empty() ? 0 : size_t(spec_.level_index_of(Operand(o)))];
    dram_.add(op + ".reads", c.dram_reads[o], "values", "DRAM -> buffer (psums: reloads)");
    dram_.add(op + ".writes", c.dram_writes[o], "values", "buffer -> DRAM");
    gbuf.add(op + ".reads", c.gbuf_reads[o], "values", "read toward the array (multicast once)");
    gbuf.add(op + ".writes", c.gbuf_writes[o], "values", "written from the array");
    gbuf.add(op + ".fills", c.gbuf_fills[o], "values", "written from DRAM");
    gbuf.add(op + ".drains", c.gbuf_drains[o], "values", "read toward DRAM");
    noc_.add(op + ".deliveries", c.noc_deliveries[o], "values", "buffer -> PE, per destination");
    rf_.add(op + ".reads", c.rf_reads[o], "values", "register-file reads");
    rf_.add(op + ".writes", c.rf_writes[o], "values", "register-file writes");
  }
  noc_.add("psum.hops", c.psum_hops, "values", "PE -> PE partial-sum transfers");
  if (spec_.noc.psum_link_bits > 0)
    noc_.add("psum.link_hops", c.psum_link_hops, "values",
             "of psum.hops, over the PE-to-PE neighbour links");
  array_.add("passes", c.passes, "passes", "iterations of the DRAM and buffer loops");
}

MacTally SpatialLayerEngine::macs() const {
  const spatial::SpatialCounts& c = ctrl_.counts();
  MacTally t;
  t.macs = uint64_t(prog_->macs());
  if (uint64_t(c.macs) != t.macs)
    throw sim::ModelError("accelerator: spatial engine ran " + std::to_string(c.macs) +
                          " MACs of the " + std::to_string(t.macs) + " in layer " + prog_->layer);
  t.gated = uint64_t(c.macs_gated);
  t.skipped = uint64_t(c.macs_skipped);
  t.issued = t.macs - t.gated - t.skipped;
  return t;
}

bool SpatialLayerEngine::reports(BlockRole role) const {
  return role == BlockRole::kDram || role == BlockRole::kNoc || role == BlockRole::kStorage;
}

std::vector<int64_t> SpatialLayerEngine::stored_outputs(size_t fold, size_t chunk) const {
  if (fold >= folds_.size() || chunk != prog_->transfers.folds.at(fold).chunks.size() - 1)
    throw sim::ModelError("accelerator: no output store at fold " + std::to_string(fold) +
                          ", chunk " + std::to_string(chunk) + " of layer " + prog_->layer);
  return folds_[fold].final_outputs;
}

void SpatialLayerEngine::energy(const EnergyInputs& in, std::vector<EnergyRow>& rows) const {
  const std::array<int, 3> bits = {prog_->in_bits, prog_->w_bits, spec_.pe_array.accum_bits};
  std::array<EncodedTraffic, 3> enc{};
  if (in.storage != nullptr && in.storage->ofmap.compressed()) {
    const OutputStorage& out = in.storage->ofmap;
    enc[2] = EncodedTraffic{true, uint64_t(out.encoded_bytes), 0, uint64_t(out.elements), out.bits};
  }
  if (in.storage != nullptr)
    for (size_t o = 0; o < 2; ++o) {
      const OperandStorage& st = in.storage->operands[o];
      if (!st.compressed()) continue;
      // The DMA moved the dense bytes of the transfer plan through this scale; the decoder at
      // the buffer's read port counted the encoded bytes of every read toward the array.
      ByteScale dram = st.transfer_scale();
      const uint64_t per_value = uint64_t((bits[o] + 7) / 8);
      enc[o].compressed = true;
      enc[o].dram_bytes = dram(uint64_t(ctrl_.counts().dram_reads[o]) * per_value);
      enc[o].gbuf_bytes = enc[o].dram_bytes + in.storage->sram_reads[o].scaled_total();
    }
  const std::vector<EnergyRow> r =
      spatial_layer_energy(in.table, spec_, ctrl_.counts(), bits, in.voltage_v, in.time_ns, enc);
  rows.insert(rows.end(), r.begin(), r.end());
}

}  // namespace adasim::arch
