// SPDX-License-Identifier: Apache-2.0
#include "arch/spatial/spatial_controller.hpp"

#include "arch/program/feed_latency.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch::spatial {

void SpatialController::start(const LayerProgram& sch, const workloads::Int16Buffer& a,
                              const workloads::Int16Buffer& b, workloads::Int32Buffer& out,
                              LayerPorts ports) {
  prog_ = &sch;
  ports_ = ports;
  const Problem p = Problem::from_shape(sch.shape, sch.op);
  const int psum_bits = spec_.pe_array.accum_bits;
  if (!ports.bus) throw sim::ModelError("spatial controller: no NoC for layer " + sch.layer);
  // The NoC's cycles follow the memory domain's clock (arch/program/feed_latency.hpp).
  engine_ = std::make_unique<SpatialEngine>(p, sch.spatial().nest, *ports.bus, sch.in_bits,
                                            sch.w_bits, psum_bits,
                                            noc_clock(spec_, ports.core_per_memory_cycle));
  ret_ = return_latency_cycles(spec_, ports.core_per_memory_cycle);
  landed_ = sc_core::SC_ZERO_TIME;
  engine_->bind(a.data.data(), b.data.data(), out.data.data());
  engine_->set_sparsity(sparse_.mode, sparse_.ifmap, sparse_.weight);
  bytes_ = {(sch.in_bits + 7) / 8, (sch.w_bits + 7) / 8, (psum_bits + 7) / 8};
  fold_ = chunk_ = 0;
  decoded_ = {};
  pending_consumed_ = pending_out_ = -1;
  finished_ = false;
  int64_t chunks = 0;
  for (const auto& f : sch.transfers.folds) chunks += int64_t(f.chunks.size());
  if (chunks != engine_->dram_iterations())
    throw sim::ModelError("spatial controller: the transfer plan of " + sch.layer + " has " +
                          std::to_string(chunks) + " chunks for " +
                          std::to_string(engine_->dram_iterations()) + " DRAM iterations");
}

void SpatialController::release_pending() {
  if (pending_consumed_ >= 0) ports_.plan->chunk_consumed(pending_consumed_);
  if (pending_out_ >= 0) {
    // The outputs are in SRAM after the synchroniser into the memory domain.
    const sc_core::sc_time in_sram =
        cycles_after(sc_core::sc_time_stamp(), ports_.clock->period, ret_);
    landed_ = std::max(landed_, in_sram);
    ports_.plan->outputs_done(pending_out_, in_sram);
  }
  pending_consumed_ = pending_out_ = -1;
}

StepResult SpatialController::step() {
  release_pending();
  StepResult r;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const std::vector<FoldPlan>& folds = prog_->transfers.folds;
  if (finished_ || fold_ >= folds.size()) {
    finished_ = true;
    const auto done = ports_.plan->all_done();
    if (!done) {
      r.bubble = true;  // a store waits behind the DMA queue
      return r;
    }
    const sc_core::sc_time end = std::max(*done, landed_);  // no earlier than the last outputs
    if (end > now) {
      r.kind = StepResult::Kind::kWait;
      r.wait_until = end;
      return r;
    }
    r.kind = StepResult::Kind::kDone;
    return r;
  }
  const FoldPlan& f = folds[fold_];
  const int64_t k = ports_.plan->chunk_index(fold_, chunk_);
  const int64_t last = ports_.plan->chunk_index(fold_, f.chunks.size() - 1);
  const int64_t oc = ports_.plan->out_index(last);
  std::optional<sc_core::sc_time> ready = ports_.plan->chunk_ready(k);
  if (ready && chunk_ == 0 && oc >= 0) {
    const auto slot = ports_.plan->out_slot_ready(oc);
    ready = slot ? std::optional<sc_core::sc_time>(std::max(*ready, *slot)) : std::nullopt;
  }
  if (!ready) {
    r.bubble = true;
    return r;
  }
  if (*ready > now) {
    r.kind = StepResult::Kind::kWait;
    r.wait_until = *ready;
    return r;
  }
  const IterationResult it = engine_->run_iteration();
  const ChunkPlan& c = f.chunks[chunk_];
  for (int o = 0; o < 3; ++o) {
    const int64_t planned = c.load_bytes[size_t(o)][0] / bytes_[size_t(o)];
    if (planned != it.dram_reads[size_t(o)])
      throw sim::ModelError("spatial controller: " + prog_->layer + " DRAM iteration " +
                            std::to_string(k) + " moved " +
                            std::to_string(it.dram_reads[size_t(o)]) + " values of operand " +
                            std::to_string(o) + ", the plan " + std::to_string(planned));
  }
  if (ports_.read_scale != nullptr)
    for (size_t o = 0; o < 2; ++o) {
      const int64_t reads = engine_->counts().gbuf_reads[o];
      (*ports_.read_scale)[o](uint64_t(reads - decoded_[o]) * uint64_t(bytes_[o]));
      decoded_[o] = reads;
    }
  r.cycles = uint64_t(std::max<int64_t>(1, it.compute_cycles));
  r.bw_stall_noc = uint64_t(it.noc_cycles);
  r.pe_cycles = uint64_t(it.pe_cycles);
  pending_consumed_ = k;
  if (++chunk_ == f.chunks.size()) {
    pending_out_ = oc;
    chunk_ = 0;
    ++fold_;
  }
  return r;
}

}  // namespace adasim::arch::spatial
