// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/timeline/dma_replay.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "arch/program/dvfs_transition.hpp"
#include "sim/core/errors.hpp"

namespace adasim::workloads::timeline {

namespace {
constexpr int kOf = int(arch::Operand::kOfmap);
// A time in ns as the kernel stores it: picoseconds, rounded half up.
int64_t to_ps(double ns) { return int64_t(ns * 1000.0 + 0.5); }
}  // namespace

Clock::Clock(const arch::AcceleratorSpec& spec)
    : period_ps(std::max<int64_t>(1, std::llround(1.0e6 / spec.clock.nominal.freq_mhz))) {}

namespace {
// The DMA works in the memory domain when one is declared, else in the core's; the mapper
// estimates at the nominal points.
int64_t sync_ps(const arch::AcceleratorSpec& spec) {
  const arch::OperatingPoint& dma_point =
      spec.clock.memory ? spec.clock.memory->nominal : spec.clock.nominal;
  return int64_t(spec.clock.dram_sync_cycles) * int64_t(arch::period_ps(dma_point));
}
}  // namespace

int64_t load_chain_cycles(const arch::TransferPlan& plan, const arch::AcceleratorSpec& spec) {
  // A load that issues when its slot frees, at cycle c, completes no earlier than latency +
  // synchroniser later (transfer time left out), so its chunk's first feed, and the chunk's
  // consumption, is no earlier than c + ceil((latency + sync) / period).
  const int64_t wait_ps = (spec.dram.ideal ? 0 : to_ps(spec.dram.latency_ns)) + sync_ps(spec);
  const int64_t period = Clock(spec).period_ps;
  const int64_t link = (wait_ps + period - 1) / period;
  if (link == 0) return 0;
  int64_t best = 0;
  for (int o = 0; o < arch::kNumOperands; ++o) {
    const arch::OperandPlan& p = plan.operands[size_t(o)];
    if (p.resident || p.route.size() != 1) continue;
    int64_t loads = 0;
    for (const arch::FoldPlan& f : plan.folds)
      for (const arch::ChunkPlan& c : f.chunks) loads += c.load_bytes[size_t(o)][0] > 0;
    const int64_t s = std::max(1, p.slots);
    best = std::max(best, (loads + s - 1) / s * link);
  }
  return best;
}

DmaReplay::DmaReplay(const arch::TransferPlan& plan, const arch::AcceleratorSpec& spec)
    : plan_(plan), users_(arch::kNumOperands) {
  dram_ideal_ = spec.dram.ideal;
  in_order_ =
      !spec.dram.ideal || std::any_of(spec.sram.begin(), spec.sram.end(),
                                      [](const arch::SramLevelSpec& l) { return !l.ideal; });
  burst_ = std::max(1, spec.dram.burst_bytes);
  gb_per_s_ = spec.dram.bandwidth_gb_per_s;  // = bytes per ns
  latency_ps_ = to_ps(spec.dram.latency_ns);
  sync_ps_ = sync_ps(spec);
  for (int o = 0; o < arch::kNumOperands; ++o) {
    const size_t n = plan.operands[size_t(o)].route.size();
    if (n == 0 || n > size_t(arch::kMaxHops))
      throw sim::ModelError("timeline: a route of " + std::to_string(n) + " hops");
  }
  const size_t nf = plan.folds.size();
  int64_t nchunks = 0, nout = 0;
  for (const arch::FoldPlan& f : plan.folds) {
    chunk_base_.push_back(nchunks);
    for (const arch::ChunkPlan& c : f.chunks) {
      out_of_chunk_.push_back(c.out_elems > 0 ? nout++ : -1);
      ++nchunks;
    }
  }
  fired_at_.reserve(size_t(int64_t(nf) + nchunks + nout));
  if (!in_order_) waiters_.reserve(size_t(int64_t(nf) + nchunks + nout));
  loaded_event_.reserve(nf);
  consumed_event_.reserve(size_t(nchunks));
  outdone_event_.reserve(size_t(nout));
  for (size_t f = 0; f < nf; ++f) loaded_event_.push_back(new_event());
  for (int64_t k = 0; k < nchunks; ++k) consumed_event_.push_back(new_event());
  for (int64_t k = 0; k < nout; ++k) outdone_event_.push_back(new_event());
  stationary_job_.assign(nf, -1);
  jobs_.reserve(size_t(nf + 3 * nchunks + 2 * nout));
  loads_.reserve(size_t(nf + 3 * nchunks + nout));
  stores_.reserve(size_t(nout));
  for (std::vector<int64_t>& u : users_) u.reserve(size_t(nchunks));
  chunk_jobs_.resize(size_t(nchunks));
  out_slot_jobs_.resize(size_t(nout));
  store_job_.assign(size_t(nout), -1);

  const int stat_op = int(plan.stationary);
  const arch::OperandPlan& stat = plan.operands[size_t(stat_op)];
  const size_t s_stat = size_t(std::max(1, stat.slots));
  for (size_t f = 0; f < nf; ++f) {
    const arch::FoldPlan& fp = plan.folds[f];
    // A fold's stationary tile reuses the shadow slot of the fold `slots` before it (every hop
    // of its load waits for that).
    for (size_t h = 0; h < stat.route.size(); ++h) {
      if (fp.stationary_load_bytes[h] <= 0) continue;
      const int job = add_load(stat_op, h, fp.stationary_load_bytes[h],
                               f >= s_stat ? loaded_event_[f - s_stat] : -1);
      if (h + 1 == stat.route.size()) stationary_job_[f] = job;
    }
    for (size_t c = 0; c < fp.chunks.size(); ++c) {
      const arch::ChunkPlan& cp = fp.chunks[c];
      const int64_t k = chunk_base_[f] + int64_t(c);
      for (int o = 0; o < arch::kNumOperands; ++o) {
        const size_t n = plan.operands[size_t(o)].route.size();
        for (size_t h = 0; h < n; ++h) {
          const int64_t bytes = cp.load_bytes[size_t(o)][h];
          if (bytes <= 0) continue;
          const bool array_side = h + 1 == n;
          const int job = add_load(o, h, bytes, array_side ? array_slot_event(o, k) : -1);
          if (array_side) chunk_jobs_[size_t(k)].push_back(job);
        }
      }
      plan_outputs(k, cp);
    }
  }
  pump(0);
}

int DmaReplay::new_event() {
  fired_at_.push_back(-1);
  if (!in_order_) waiters_.emplace_back();
  return int(fired_at_.size()) - 1;
}

int DmaReplay::add_job(bool store, int64_t bytes, int after, Deps deps, bool dram) {
  jobs_.push_back(Job{store, dram, bytes, after, deps, false, 0});
  const int id = int(jobs_.size()) - 1;
  if (in_order_) {
    (store ? stores_ : loads_).push_back(id);
    return id;
  }
  // Out of order: count what the job waits for; the last of them to happen issues it.
  int unmet = 0;
  if (after >= 0) {
    waiters_[size_t(after)].push_back(id);  // events fire only after construction
    ++unmet;
  }
  for (int d : deps)
    if (d >= 0 && !jobs_[size_t(d)].issued) {
      if (dependents_.size() <= size_t(d)) dependents_.resize(jobs_.size());
      dependents_[size_t(d)].push_back(id);
      ++unmet;
    }
  unmet_.push_back(unmet);
  if (unmet == 0) issue(jobs_.back(), 0);
  return id;
}

int DmaReplay::add_load(int op, size_t hop, int64_t bytes, int after) {
  const arch::OperandPlan& p = plan_.operands[size_t(op)];
  if (p.route.size() == 1) return add_job(false, bytes, after);
  // A chained route: the copy out of the level above waits for the data to have arrived there;
  // a load into an outer level waits until the tile it overwrites (`slots` loads back) has been
  // copied on toward the array.
  std::array<HopLoads, arch::kMaxHops>& hs = hops_[size_t(op)];
  Deps deps{-1, -1};
  if (hop > 0) {
    if (hs[hop - 1].loads.empty())
      throw sim::ModelError("timeline: a copy out of a level that was never loaded");
    deps[0] = hs[hop - 1].loads.back();
  }
  HopLoads& st = hs[hop];
  if (hop + 1 < p.route.size()) {
    const arch::Staging stg = hop < p.outer.size() ? p.outer[hop] : arch::Staging{};
    const size_t s = size_t(std::max(1, stg.slots));
    if (!stg.resident && st.loads.size() >= s && st.last_reader[st.loads.size() - s] >= 0)
      deps[1] = st.last_reader[st.loads.size() - s];
  }
  const int job = add_job(false, bytes, after, deps, hop == 0);
  if (hop > 0) hs[hop - 1].last_reader.back() = job;
  st.loads.push_back(job);
  st.last_reader.push_back(-1);
  return job;
}

int DmaReplay::array_slot_event(int op, int64_t chunk) {
  // The slot a load overwrites is free once the last chunk that read the tile loaded `slots`
  // loads before it has been consumed.
  const arch::OperandPlan& p = plan_.operands[size_t(op)];
  std::vector<int64_t>& users = users_[size_t(op)];
  const size_t s = size_t(std::max(1, p.slots));
  // This load's tile is the n-th; it overwrites the (n - s)-th, read by the chunks from
  // users[n - s - 1] up to the one before users[n - s] (this chunk itself when s = 1).
  users.push_back(chunk);
  const size_t n = users.size();
  if (p.resident || n <= s) return -1;
  return consumed_event_[size_t(users[n - s] - 1)];
}

void DmaReplay::plan_outputs(int64_t chunk, const arch::ChunkPlan& cp) {
  const int64_t oc = out_of_chunk_[size_t(chunk)];
  if (oc < 0) return;
  const arch::OperandPlan& out = plan_.operands[size_t(kOf)];
  const int64_t s_out = std::max(1, out.slots);
  // The outputs of chunk oc reuse the slot of oc - slots: its store must have drained it, and a
  // psum reload into it waits for those outputs.
  if (!out.resident && oc >= s_out && store_job_[size_t(oc - s_out)] >= 0)
    out_slot_jobs_[size_t(oc)].push_back(store_job_[size_t(oc - s_out)]);
  // Psum reloads: the DRAM side first, each hop after the previous one.
  const size_t n = out.route.size();
  int prev = -1;
  const int reload_after = oc >= s_out ? outdone_event_[size_t(oc - s_out)] : -1;
  for (size_t h = 0; h < n; ++h) {
    if (cp.psum_load_bytes[h] <= 0) continue;
    prev = add_job(false, cp.psum_load_bytes[h], reload_after, {prev, -1}, h == 0);
    if (h + 1 == n) out_slot_jobs_[size_t(oc)].push_back(prev);
  }
  // Stores: out of the array-side level first, then up the route to DRAM.
  prev = -1;
  for (size_t h = n; h-- > 0;) {
    if (cp.store_bytes[h] <= 0) continue;
    prev = add_job(true, cp.store_bytes[h], h + 1 == n ? outdone_event_[size_t(oc)] : -1,
                   {prev, -1}, h == 0);
    if (h + 1 == n) store_job_[size_t(oc)] = prev;
  }
}

void DmaReplay::fire(int event, int64_t t_ps) {
  if (fired_at_[size_t(event)] >= 0) return;  // its jobs were released the first time
  fired_at_[size_t(event)] = t_ps;
  if (in_order_) {
    pump(t_ps);
    return;
  }
  std::vector<int> waiters;
  waiters.swap(waiters_[size_t(event)]);
  release(waiters, t_ps);
}

void DmaReplay::release(const std::vector<int>& met, int64_t t_ps) {
  std::vector<int> ready_now;
  for (int id : met)
    if (--unmet_[size_t(id)] <= 0 && !jobs_[size_t(id)].issued) ready_now.push_back(id);
  for (size_t i = 0; i < ready_now.size(); ++i) {  // first come, first issued
    const int id = ready_now[i];
    issue(jobs_[size_t(id)], t_ps);
    if (size_t(id) >= dependents_.size()) continue;
    for (int d : dependents_[size_t(id)])
      if (--unmet_[size_t(d)] == 0) ready_now.push_back(d);
    dependents_[size_t(id)].clear();
  }
}

bool DmaReplay::deps_issued(const Job& j) const {
  for (int d : j.deps)
    if (d >= 0 && !jobs_[size_t(d)].issued) return false;
  return true;
}

void DmaReplay::pump(int64_t t_ps) {
  // Loads first, then stores (the order the DMA serves its queues in).
  for (bool store : {false, true}) {
    std::vector<int>& q = store ? stores_ : loads_;
    size_t& head = store ? store_head_ : load_head_;
    while (head < q.size()) {
      Job& j = jobs_[size_t(q[head])];
      if (j.after >= 0 && fired_at_[size_t(j.after)] < 0) break;
      if (!deps_issued(j)) break;
      issue(j, t_ps);
      ++head;
    }
  }
}

void DmaReplay::issue(Job& j, int64_t t_ps) {
  j.issued = true;
  // It starts once the data it copies has arrived (chained routes).
  int64_t start = t_ps;
  for (int d : j.deps)
    if (d >= 0) start = std::max(start, jobs_[size_t(d)].done_ps);
  j.done_ps = start;
  if (j.bytes <= 0 || !j.dram) return;  // no transaction reaches DRAM
  if (!dram_ideal_) {
    // Bursts are sent together; DRAM serialises their bytes (each burst's transfer time rounded
    // to the kernel's picoseconds) and each completes one latency after its transfer.
    int64_t busy = std::max(start, busy_until_ps_);
    const int64_t full = j.bytes / burst_, rest = j.bytes % burst_;
    busy += full * to_ps(double(burst_) / gb_per_s_);
    if (rest > 0) busy += to_ps(double(rest) / gb_per_s_);
    busy_until_ps_ = busy;
    j.done_ps = busy + latency_ps_;
  }
  // The job's data (a load) or completion (a store) then crosses the synchroniser once, ideal
  // DRAM or not: the channel is pipelined behind it, so the crossing holds the job, not DRAM.
  j.done_ps += sync_ps_;
}

template <size_t N>
std::optional<int64_t> DmaReplay::ready_all(const JobSet<N>& jobs) const {
  int64_t t = 0;
  for (size_t i = 0; i < jobs.n; ++i) {
    const Job& j = jobs_[size_t(jobs.id[i])];
    if (!j.issued) return std::nullopt;
    t = std::max(t, j.done_ps);
  }
  return t;
}

std::optional<int64_t> DmaReplay::stationary_ready(size_t fold) const {
  if (stationary_job_[fold] < 0) return 0;
  JobSet<1> one;
  one.push_back(stationary_job_[fold]);
  return ready_all(one);
}

std::optional<int64_t> DmaReplay::chunk_ready(int64_t chunk) const {
  return ready_all(chunk_jobs_[size_t(chunk)]);
}

std::optional<int64_t> DmaReplay::out_slot_ready(int64_t out_chunk) const {
  return ready_all(out_slot_jobs_[size_t(out_chunk)]);
}

std::optional<int64_t> DmaReplay::all_done() const {
  if (load_head_ < loads_.size() || store_head_ < stores_.size()) return std::nullopt;
  int64_t t = 0;
  for (const Job& j : jobs_) {
    if (!j.issued) return std::nullopt;
    t = std::max(t, j.done_ps);
  }
  return t;
}

}  // namespace adasim::workloads::timeline
