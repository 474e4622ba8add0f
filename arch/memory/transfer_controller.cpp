// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/transfer_controller.hpp"

#include <algorithm>

#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
constexpr int kOf = int(Operand::kOfmap);
}  // namespace

TransferController::TransferController(const TransferPlan& plan, Dma& dma,
                                       const std::array<ByteScale, kNumOperands>& load_scale)
    : plan_(plan), dma_(dma) {
  // Jobs are created in program order, so cumulative rounding follows the order of the loads.
  for (int o = 0; o < kNumOperands; ++o) {
    scale_[size_t(o)].fill(load_scale[size_t(o)]);
    const size_t n = plan.operands[size_t(o)].route.size();
    if (n == 0 || n > size_t(kMaxHops))
      throw sim::ModelError("transfer controller: operand " + std::string(to_string(Operand(o))) +
                            " has a route of " + std::to_string(n) + " hops");
  }
  const size_t nf = plan.folds.size();
  int64_t nchunks = 0, nout = 0;
  for (const FoldPlan& f : plan.folds) {
    chunk_base_.push_back(nchunks);
    for (const ChunkPlan& c : f.chunks) {
      out_of_chunk_.push_back(c.out_elems > 0 ? nout++ : -1);
      ++nchunks;
    }
  }
  for (size_t f = 0; f < nf; ++f) loaded_event_.push_back(dma.new_event());
  for (int64_t k = 0; k < nchunks; ++k) consumed_event_.push_back(dma.new_event());
  for (int64_t k = 0; k < nout; ++k) outdone_event_.push_back(dma.new_event());
  stationary_job_.assign(nf, -1);
  chunk_jobs_.resize(size_t(nchunks));
  out_slot_jobs_.resize(size_t(nout));
  store_job_.assign(size_t(nout), -1);
  final_store_.resize(size_t(nout));

  const Operand stat_op = plan.stationary;
  const OperandPlan& stat = plan.operands[size_t(stat_op)];
  for (size_t f = 0; f < nf; ++f) {
    const FoldPlan& fp = plan.folds[f];
    for (size_t h = 0; h < stat.route.size(); ++h) {
      const int64_t bytes = fp.stationary_load_bytes[h];
      if (bytes <= 0) continue;
      // The stationary tile of fold f reuses the shadow slot of fold f - slots.
      const int s = std::max(1, stat.slots);
      const int after = f >= size_t(s) ? loaded_event_[f - size_t(s)] : Dma::kNoEvent;
      const int job = add_load(stat_op, h, uint64_t(bytes), after);
      if (h + 1 == stat.route.size()) stationary_job_[f] = job;
    }
    for (size_t c = 0; c < fp.chunks.size(); ++c) {
      const ChunkPlan& cp = fp.chunks[c];
      const int64_t k = chunk_base_[f] + int64_t(c);
      for (int o = 0; o < kNumOperands; ++o) {
        const OperandPlan& op = plan.operands[size_t(o)];
        for (size_t h = 0; h < op.route.size(); ++h) {
          const int64_t bytes = cp.load_bytes[size_t(o)][h];
          if (bytes <= 0) continue;
          const bool array_side = h + 1 == op.route.size();
          const int after = array_side ? array_slot_event(Operand(o), h, k) : Dma::kNoEvent;
          const int job = add_load(Operand(o), h, uint64_t(bytes), after);
          if (array_side) chunk_jobs_[size_t(k)].push_back(job);
        }
      }
      plan_outputs(f, k, cp, !cp.store_is_psum);
    }
  }
}

int TransferController::array_slot_event(Operand op, size_t hop, int64_t chunk) {
  // The slot frees when the last chunk using the tile loaded `slots` loads ago is consumed.
  const OperandPlan& p = plan_.operands[size_t(op)];
  HopState& st = hops_[size_t(op)][hop];
  const int s = std::max(1, p.slots);
  // This load's tile is the n-th; it overwrites the (n - s)-th, read by the chunks from
  // user[n - s - 1] up to the one before user[n - s] (this chunk itself when s = 1).
  st.user.push_back(chunk);
  const size_t n = st.user.size();
  if (p.resident || n <= size_t(s)) return Dma::kNoEvent;
  return consumed_event_[size_t(st.user[n - size_t(s)] - 1)];
}

int TransferController::add_load(Operand op, size_t hop, uint64_t bytes, int array_after) {
  const OperandPlan& p = plan_.operands[size_t(op)];
  std::array<HopState, kMaxHops>& hs = hops_[size_t(op)];
  std::vector<int> after_jobs;
  if (hop > 0) {
    // The data must have arrived in the level it is copied from.
    HopState& src = hs[hop - 1];
    if (src.loads.empty())
      throw sim::ModelError("transfer controller: a copy out of a level that was never loaded");
    after_jobs.push_back(src.loads.back());
  }
  HopState& st = hs[hop];
  if (hop + 1 < p.route.size()) {
    // An outer level: the tile loaded `slots` loads ago must have been copied down completely.
    const Staging stg = hop < p.outer.size() ? p.outer[hop] : Staging{};
    const size_t s = size_t(std::max(1, stg.slots));
    if (!stg.resident && st.loads.size() >= s && st.last_reader[st.loads.size() - s] >= 0)
      after_jobs.push_back(st.last_reader[st.loads.size() - s]);
  }
  const uint64_t moved = scale_[size_t(op)][hop](bytes);
  const int job =
      dma_.add_job(Dma::Dir::kLoad, op, p.route[hop].to, moved, array_after, after_jobs);
  if (hop > 0) hs[hop - 1].last_reader.back() = job;
  st.loads.push_back(job);
  st.last_reader.push_back(-1);
  return job;
}

void TransferController::plan_outputs(size_t f, int64_t k, const ChunkPlan& cp, bool final) {
  const int64_t oc = out_of_chunk_[size_t(k)];
  if (oc < 0) return;
  const OperandPlan& out = plan_.operands[size_t(kOf)];
  const size_t n = out.route.size();
  const int s_out = std::max(1, out.slots);
  // Outputs of chunk oc reuse the slot of oc - s_out: its store must have drained it.
  if (!out.resident && oc >= s_out && store_job_[size_t(oc - s_out)] >= 0)
    out_slot_jobs_[size_t(oc)].push_back(store_job_[size_t(oc - s_out)]);
  // Psum reloads: DRAM side first, each hop after the previous one.
  std::vector<int> prev;
  const int reload_after = oc >= s_out ? outdone_event_[size_t(oc - s_out)] : Dma::kNoEvent;
  for (size_t h = 0; h < n; ++h) {
    if (cp.psum_load_bytes[h] <= 0) continue;
    const int job = dma_.add_job(Dma::Dir::kLoad, Operand::kOfmap, out.route[h].to,
                                 uint64_t(cp.psum_load_bytes[h]), reload_after, prev);
    prev = {job};
    if (h + 1 == n) out_slot_jobs_[size_t(oc)].push_back(job);
  }
  // Stores: out of the array-side level first, then up the route.
  prev.clear();
  FinalStore fs{{}, f, size_t(k - chunk_base_[f])};
  for (size_t h = n; h-- > 0;) {
    if (cp.store_bytes[h] <= 0) continue;
    const int after = h + 1 == n ? outdone_event_[size_t(oc)] : Dma::kNoEvent;
    const int job = dma_.add_job(Dma::Dir::kStore, Operand::kOfmap, out.route[h].to,
                                 uint64_t(cp.store_bytes[h]), after, prev);
    prev = {job};
    if (h + 1 == n) store_job_[size_t(oc)] = job;
    fs.jobs.push_back(job);
  }
  if (final) final_store_[size_t(oc)] = std::move(fs);
}

void TransferController::outputs_done(int64_t out_chunk, const sc_core::sc_time& at) {
  ++raised_;
  const FinalStore& fs = final_store_[size_t(out_chunk)];
  if (store_sizer_ && !fs.jobs.empty()) {
    const uint64_t bytes = store_sizer_(fs.fold, fs.chunk);
    for (int job : fs.jobs) dma_.set_job_bytes(job, bytes);
  }
  dma_.fire(outdone_event_[size_t(out_chunk)], at);
}

std::optional<sc_core::sc_time> TransferController::ready_all(const std::vector<int>& jobs) const {
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  for (int j : jobs) {
    if (!dma_.issued(j)) return std::nullopt;
    t = std::max(t, dma_.done_time(j));
  }
  return t;
}

std::optional<sc_core::sc_time> TransferController::stationary_ready(size_t fold) const {
  const int j = stationary_job_[fold];
  if (j < 0) return sc_core::SC_ZERO_TIME;
  if (!dma_.issued(j)) return std::nullopt;
  return std::max(sc_core::SC_ZERO_TIME, dma_.done_time(j));
}

std::optional<sc_core::sc_time> TransferController::chunk_ready(int64_t chunk) const {
  return ready_all(chunk_jobs_[size_t(chunk)]);
}

std::optional<sc_core::sc_time> TransferController::out_slot_ready(int64_t out_chunk) const {
  return ready_all(out_slot_jobs_[size_t(out_chunk)]);
}

std::optional<sc_core::sc_time> TransferController::all_done() const {
  if (!dma_.all_issued()) return std::nullopt;
  return dma_.all_done_time();
}

}  // namespace adasim::arch
