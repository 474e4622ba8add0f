// SPDX-License-Identifier: Apache-2.0
#include "arch/vector/vector_unit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "arch/sim_time.hpp"
#include "arch/vector/vector_kernels.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

using workloads::Int8Buffer;

void VectorController::start(const LayerProgram& sch, const std::vector<const Int8Buffer*>& in,
                             Int8Buffer& out, LayerPorts ports, VectorCrossings crossings) {
  prog_ = &sch;
  vec_ = &sch.vector();
  ports_ = ports;
  cross_ = crossings;
  landed_ = sc_core::SC_ZERO_TIME;
  chunk_ = 0;
  cycle_in_chunk_ = 0;
  chunk_cycles_ = 0;
  finishing_ = false;
  ops_ = 0;
  if (!mode_.values) return;  // timing only: no values computed
  out = run_vector_op(vec_->op, in);
}

StepResult VectorController::step() {
  StepResult res;
  const FoldPlan& f = prog_->transfers.folds.at(0);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (finishing_ || chunk_ >= f.chunks.size()) {
    finishing_ = true;
    const auto done = ports_.plan->all_done();
    if (!done) throw sim::ModelError("vector unit: a transfer was never requested");
    const sc_core::sc_time end = std::max(*done, landed_);
    if (end > now) {
      res.kind = StepResult::Kind::kWait;
      res.wait_until = end;
    } else {
      res.kind = StepResult::Kind::kDone;
    }
    return res;
  }
  const ChunkPlan& c = f.chunks[chunk_];
  const int64_t k = ports_.plan->chunk_index(0, chunk_);
  const int64_t per_out = std::max<int64_t>(1, vec_->ops / std::max<int64_t>(1, vec_->outputs));
  if (cycle_in_chunk_ == 0) {
    const auto ready = ports_.plan->chunk_ready(k);
    const auto slot = ports_.plan->out_slot_ready(ports_.plan->out_index(k));
    if (!ready || !slot) throw sim::ModelError("vector unit: a transfer was never requested");
    const sc_core::sc_time in_core =
        cycles_after(*ready, ports_.clock->period, uint64_t(cross_.in_sync));
    const sc_core::sc_time t = std::max(in_core, *slot);
    if (t > now) {
      res.kind = StepResult::Kind::kWait;
      res.wait_until = t;
      return res;
    }
    chunk_cycles_ = std::max<int64_t>(1, (c.t_len * per_out + vec_->lanes - 1) / vec_->lanes);
    if (mode_.fast && chunk_cycles_ > 2) {
      // Every cycle but the last (which raises the chunk's events) at once, if they cost alike.
      const uint64_t reads[kNumOperands] = {uint64_t(c.load_bytes[0][0]), 0, 0};
      const uint64_t n = uint64_t(chunk_cycles_ - 1);
      if (const auto r = charge_spread(ports_, reads, uint64_t(c.store_bytes[0]),
                                       uint64_t(chunk_cycles_), n)) {
        ops_ += uint64_t(c.t_len * per_out * int64_t(n) / chunk_cycles_);
        cycle_in_chunk_ = int64_t(n);
        return *r;
      }
    }
  }
  // Spread the chunk's SRAM traffic evenly over its cycles (lanes read inputs, write outputs).
  const uint64_t in_bytes = uint64_t(c.load_bytes[0][0]);
  const uint64_t out_bytes = uint64_t(c.store_bytes[0]);
  const uint64_t cc = uint64_t(chunk_cycles_), i = uint64_t(cycle_in_chunk_);
  uint64_t reads[kNumOperands] = {in_bytes * (i + 1) / cc - in_bytes * i / cc, 0, 0};
  const uint64_t writes = out_bytes * (i + 1) / cc - out_bytes * i / cc;
  const int64_t ops_total = c.t_len * per_out;
  ops_ +=
      uint64_t(ops_total * int64_t(i + 1) / chunk_cycles_ - ops_total * int64_t(i) / chunk_cycles_);
  const StepResult extra = charge_ports(ports_, reads, writes, 0);
  res.bw_stall_sram = extra.bw_stall_sram;
  res.bw_stall_noc = extra.bw_stall_noc;
  if (++cycle_in_chunk_ == chunk_cycles_) {
    ports_.plan->chunk_consumed(k);
    // The outputs are in SRAM after the synchroniser into the memory domain.
    const sc_core::sc_time in_sram =
        cycles_after(now, ports_.clock->period, uint64_t(cross_.out_sync));
    landed_ = std::max(landed_, in_sram);
    ports_.plan->outputs_done(ports_.plan->out_index(k), in_sram);
    cycle_in_chunk_ = 0;
    ++chunk_;
  }
  return res;
}

}  // namespace adasim::arch
