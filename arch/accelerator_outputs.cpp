// SPDX-License-Identifier: Apache-2.0
// The accelerator's end-of-layer output stage (bias, requantization or wide int32 outputs, into
// the value store) and the sparse datapath's per-layer statistics for the report.
#include "arch/accelerator.hpp"
#include "arch/pe/requantizer.hpp"

namespace adasim::arch {

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
