// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/transfer_plan.hpp"

#include <algorithm>

namespace adasim::arch {

using workloads::ChunkPlan;
using workloads::FoldPlan;

TransferPlan::TransferPlan(const workloads::LayerSchedule& sch, const AcceleratorSpec& spec,
                           Dma& dma, const std::array<ByteScale, kNumOperands>& load_scale)
    : dma_(dma) {
  // Jobs are created in program order, so cumulative rounding follows the order of the loads.
  std::array<ByteScale, kNumOperands> scale = load_scale;
  const size_t nf = sch.folds.size();
  int64_t nchunks = 0, nout = 0;
  for (const FoldPlan& f : sch.folds) {
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
  final_store_.resize(size_t(nout));

  const int level_of[kNumOperands] = {spec.level_index_of(Operand::kIfmap),
                                      spec.level_index_of(Operand::kWeight),
                                      spec.level_index_of(Operand::kOfmap)};
  auto slots = [&](Operand op) { return sch.operands[size_t(op)].slots; };
  const Operand stat_op =
      sch.dataflow == Dataflow::kInputStationary ? Operand::kIfmap : Operand::kWeight;
  std::vector<int64_t> load_chunk[kNumOperands];  // chunk of each nonzero stream load
  std::vector<int> store_job(size_t(nout), -1);

  for (size_t f = 0; f < nf; ++f) {
    const FoldPlan& fp = sch.folds[f];
    if (fp.stationary_load_bytes > 0) {
      const int s = std::max(1, slots(stat_op));
      const int after = f >= size_t(s) ? loaded_event_[f - size_t(s)] : Dma::kNoEvent;
      stationary_job_[f] =
          dma.add_job(Dma::Dir::kLoad, stat_op, level_of[int(stat_op)],
                      scale[size_t(stat_op)](uint64_t(fp.stationary_load_bytes)), after);
    }
    for (size_t c = 0; c < fp.chunks.size(); ++c) {
      const ChunkPlan& cp = fp.chunks[c];
      const int64_t k = chunk_base_[f] + int64_t(c);
      for (int o = 0; o < kNumOperands; ++o) {
        if (cp.load_bytes[size_t(o)] <= 0) continue;
        const Operand op = Operand(o);
        int after = Dma::kNoEvent;
        std::vector<int64_t>& lc = load_chunk[o];
        const int s = std::max(1, slots(op));
        if (!sch.operands[size_t(o)].resident && lc.size() >= size_t(s)) {
          // The slot frees when the last chunk using the tile loaded `s` loads ago is consumed.
          const int64_t freed_after = lc[lc.size() - size_t(s) + 1] - 1;
          after = consumed_event_[size_t(freed_after)];
        }
        lc.push_back(k);
        chunk_jobs_[size_t(k)].push_back(dma.add_job(
            Dma::Dir::kLoad, op, level_of[o], scale[size_t(o)](uint64_t(cp.load_bytes[size_t(o)])), after));
      }
      const int64_t oc = out_of_chunk_[size_t(k)];
      if (oc < 0) continue;
      const int s_out = std::max(1, slots(Operand::kOfmap));
      if (!sch.operands[size_t(Operand::kOfmap)].resident && oc >= s_out &&
          store_job[size_t(oc - s_out)] >= 0)
        out_slot_jobs_[size_t(oc)].push_back(store_job[size_t(oc - s_out)]);
      if (cp.psum_load_bytes > 0) {
        const int after = oc >= s_out ? outdone_event_[size_t(oc - s_out)] : Dma::kNoEvent;
        out_slot_jobs_[size_t(oc)].push_back(dma.add_job(Dma::Dir::kLoad, Operand::kOfmap,
                                                         level_of[int(Operand::kOfmap)],
                                                         uint64_t(cp.psum_load_bytes), after));
      }
      if (cp.store_bytes > 0) {
        store_job[size_t(oc)] = dma.add_job(Dma::Dir::kStore, Operand::kOfmap,
                                            level_of[int(Operand::kOfmap)],
                                            uint64_t(cp.store_bytes), outdone_event_[size_t(oc)]);
        if (fp.last_accum && !cp.store_is_psum) final_store_[size_t(oc)] = {store_job[size_t(oc)], f, c};
      }
    }
  }
}

void TransferPlan::outputs_done(int64_t out_chunk) {
  const FinalStore& fs = final_store_[size_t(out_chunk)];
  if (store_sizer_ && fs.job >= 0) dma_.set_job_bytes(fs.job, store_sizer_(fs.fold, fs.chunk));
  dma_.fire(outdone_event_[size_t(out_chunk)]);
}

std::optional<sc_core::sc_time> TransferPlan::ready_all(const std::vector<int>& jobs) const {
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  for (int j : jobs) {
    if (!dma_.issued(j)) return std::nullopt;
    t = std::max(t, dma_.done_time(j));
  }
  return t;
}

std::optional<sc_core::sc_time> TransferPlan::stationary_ready(size_t fold) const {
  if (stationary_job_[fold] < 0) return sc_core::SC_ZERO_TIME;
  return ready_all({stationary_job_[fold]});
}

std::optional<sc_core::sc_time> TransferPlan::chunk_ready(int64_t chunk) const {
  return ready_all(chunk_jobs_[size_t(chunk)]);
}

std::optional<sc_core::sc_time> TransferPlan::out_slot_ready(int64_t out_chunk) const {
  return ready_all(out_slot_jobs_[size_t(out_chunk)]);
}

}  // namespace adasim::arch

namespace adasim::arch {
std::optional<sc_core::sc_time> TransferPlan::all_done() const {
  if (!dma_.all_issued()) return std::nullopt;
  return dma_.all_done_time();
}
}  // namespace adasim::arch
