// SPDX-License-Identifier: Apache-2.0
// The accelerator's end-of-layer output stage (bias, requantization or wide int32 outputs, into
// the value store), the output encoder of a compressed ofmap, and the sparse datapath's per-layer
// statistics for the report.
#include "arch/accelerator.hpp"
#include "arch/pe/requantizer.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

void Accelerator::start_output_encoder(const workloads::Layer& l, const workloads::LayerSchedule& sch) {
  encoder_.reset();
  out_access_.reset();
  requant_.reset();
  const std::optional<SparseFormat> f = sparse_format_from_string(spec_.sparsity.storage.ofmap);
  if (!f) throw sim::ModelError("accelerator: unknown ofmap format " + spec_.sparsity.storage.ofmap);
  // A view (reshape) stores nothing: no encoder.
  if (*f == SparseFormat::kDense || (sch.vector_path && sch.vector_op.kind == VectorKind::kView))
    return;
  if (sch.spatial)  // refused by check_storage_formats before the run
    throw sim::ModelError("accelerator: no output encoder on a spatial array (layer " + l.name + ")");
  encoder_.emplace(*f, spec_.sparsity.storage, graph_->tensor(l.output));
  if (!sch.vector_path) {
    // The values the store carries: the output stage applied to the final accumulators.
    out_access_.emplace(sch, op_a_, op_b_);
    requant_.emplace(*graph_, l, sch.shape, l.bias.empty() ? nullptr : &values_->get_wide(l.bias));
  }
  plan_->set_store_sizer(
      [this, &sch](size_t fold, size_t chunk) { return encode_store(sch, fold, chunk); });
}

uint64_t Accelerator::encode_store(const workloads::LayerSchedule& sch, size_t fold, size_t chunk) {
  const workloads::FoldPlan& f = sch.folds.at(fold);
  const workloads::ChunkPlan& c = f.chunks.at(chunk);
  std::vector<std::pair<int64_t, int8_t>> elems;
  elems.reserve(size_t(c.out_elems));
  if (sch.vector_path) {
    // The vector unit's chunks are ranges of flat output elements.
    for (int64_t i = f.t0 + c.t0; i < f.t0 + c.t0 + c.t_len; ++i)
      elems.emplace_back(i, vec_out_.data.at(size_t(i)));
    return encoder_->store(std::move(elems));
  }
  const ChunkOutputs co = chunk_outputs(sch, f, c);
  for (int64_t m = co.m0; m < co.m0 + co.m_len; ++m)
    for (int64_t nn = co.n0; nn < co.n0 + co.n_len; ++nn) {
      const int64_t idx = out_access_->out_index(co.pack, m, nn);
      elems.emplace_back(idx, (*requant_)(acc_.data.at(size_t(idx)), idx));
    }
  return encoder_->store(std::move(elems));
}

void Accelerator::finish_output_encoder(const workloads::Layer& l) {
  storage_.ofmap = OutputStorage{};
  if (!encoder_) return;
  storage_.ofmap = encoder_->totals();
  // Every output is stored once, from its final value.
  const int64_t n = graph_->tensor(l.output).elements();
  if (storage_.ofmap.elements != n)
    throw sim::ModelError("accelerator: the output encoder stored " +
                          std::to_string(storage_.ofmap.elements) + " of the " + std::to_string(n) +
                          " outputs of layer " + l.name);
  encoder_.reset();
  out_access_.reset();
  requant_.reset();
}

void Accelerator::finish_outputs(const workloads::Layer& l, const workloads::LayerSchedule& sch) {
  const workloads::TensorInfo& out_t = graph_->tensor(l.output);
  if (acc_sink_) (*acc_sink_)[l.output] = acc_;
  const workloads::Int32Buffer* bias = l.bias.empty() ? nullptr : &values_->get_wide(l.bias);
  if (out_t.wide()) {
    // A wide output keeps the int32 accumulators (ConvInteger / MatMulInteger, exact float).
    add_bias(acc_, l, sch.shape, bias);
    acc_.shape = out_t.shape;
    values_->put_wide(l.output, std::move(acc_));
  } else {
    workloads::Int8Buffer q = requantize_outputs(acc_, *graph_, l, sch.shape, bias);
    q.shape = out_t.shape;
    values_->put(l.output, std::move(q));
  }
  op_a_ = {};
  op_b_ = {};
}

void Accelerator::record_sparsity(sim::LayerReport& rep, const workloads::LayerSchedule& sch) const {
  auto density = [](const workloads::Int16Buffer& b) {
    int64_t nz = 0;
    for (int16_t v : b.data) nz += v != 0;
    return b.data.empty() ? 1.0 : double(nz) / double(b.data.size());
  };
  // Densities of the operand tensors (padding not included), as the feeders see them (q != zp).
  rep.sparsity["ifmap_density"] = density(op_a_);
  rep.sparsity["weight_density"] = density(op_b_);
  uint64_t gated = 0, skipped = 0, steps = 0, skipped_steps = 0, ideal = 0;
  if (sch.spatial) {
    const spatial::SpatialCounts& c = spatial_ctrl_.counts();
    gated = uint64_t(c.macs_gated);
    skipped = uint64_t(c.macs_skipped);
    steps = uint64_t(c.compute_cycles);
    skipped_steps = uint64_t(c.steps_skipped);
    ideal = uint64_t(c.ideal_cycles);
  } else {
    const ArrayController::SparseCounts& c = array_ctrl_.sparse_counts();
    gated = c.macs_gated;
    // The N:M datapath never issues the MACs of the weights its slots leave out.
    skipped = c.macs_skipped + (rep.macs - uint64_t(sch.macs()));
    steps = c.steps - c.steps_skipped;
    skipped_steps = c.steps_skipped;
    ideal = c.ideal_steps;
  }
  rep.macs_gated = gated;
  rep.macs_skipped = skipped;
  rep.macs_issued = rep.macs - gated - skipped;
  if (spec_.sparsity.mode_of(rep.name) == SparsityMode::kNone) return;
  rep.sparsity["steps_skipped"] = double(skipped_steps);
  rep.sparsity["imbalance"] = ideal ? double(steps) / double(ideal) : 1.0;
}

}  // namespace adasim::arch
