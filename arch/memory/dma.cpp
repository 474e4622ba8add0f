// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/dma.hpp"

#include <algorithm>
#include <cstdint>

#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
// Disjoint DRAM regions per operand, so traces and future row-buffer models see real addresses.
constexpr uint64_t kRegionBase[kNumOperands] = {0x0000'0000ull, 0x4000'0000ull, 0x8000'0000ull};
constexpr uint64_t kRegionSize = 0x4000'0000ull;
}  // namespace

Dma::Dma(sc_core::sc_module_name name, int sram_levels, int burst_bytes, bool in_order)
    : Component(name),
      level_sockets("level_socket", size_t(sram_levels)),
      burst_bytes_(burst_bytes),
      in_order_(in_order),
      scratch_(size_t(burst_bytes), 0),
      group_("dma") {
  hop_.burst_bytes = uint64_t(burst_bytes);
  payload_.set_extension(&hop_);
  for (int o = 0; o < kNumOperands; ++o)
    group_.add(std::string("load_bytes_") + to_string(Operand(o)), stats_.load_bytes[o], "bytes",
               "moved into SRAM levels");
  group_.add("store_bytes", stats_.store_bytes, "bytes", "moved out of SRAM levels");
  declare(group_, BlockRole::kDma);
}

Dma::~Dma() { payload_.clear_extension(&hop_); }

void Dma::begin_layer() {
  for (const Job& j : jobs_)
    if (!j.issued) throw sim::ModelError("DMA: a job of the previous layer never issued");
  jobs_.clear();
  loads_.clear();
  stores_.clear();
  fired_.clear();
  event_waiters_.clear();
  dependents_.clear();
  unmet_.clear();
  pending_ = 0;
}

int Dma::new_event() {
  fired_.push_back(0);
  event_waiters_.emplace_back();
  return int(fired_.size()) - 1;
}

int Dma::add_job(Dir dir, Operand op, int sram_level, uint64_t bytes, int after_event,
                 std::vector<int> after_jobs) {
  for (int j : after_jobs)
    if (j < 0 || size_t(j) >= jobs_.size())
      throw sim::ModelError("DMA: a job waits for an unknown job");
  jobs_.push_back(Job{dir, op, sram_level, bytes, after_event, std::move(after_jobs), false,
                      sc_core::SC_ZERO_TIME});
  const int id = int(jobs_.size()) - 1;
  dependents_.emplace_back();
  if (in_order_) {
    (dir == Dir::kLoad ? loads_ : stores_).push_back(id);
    pump(sc_core::sc_time_stamp());
    return id;
  }
  // Out of order: count what the job waits for; the last of them to happen issues it.
  const Job& j = jobs_.back();
  int unmet = 0;
  if (j.after != kNoEvent && !fired_[size_t(j.after)]) {
    event_waiters_[size_t(j.after)].push_back(id);
    ++unmet;
  }
  for (int a : j.after_jobs)
    if (!jobs_[size_t(a)].issued) {
      dependents_[size_t(a)].push_back(id);
      ++unmet;
    }
  unmet_.push_back(unmet);
  ++pending_;
  if (unmet == 0) release({id}, sc_core::sc_time_stamp());
  return id;
}

void Dma::set_job_bytes(int job, uint64_t bytes) {
  if (job < 0 || size_t(job) >= jobs_.size()) throw sim::ModelError("DMA: unknown job");
  Job& j = jobs_[size_t(job)];
  if (j.issued) throw sim::ModelError("DMA: the byte count of an issued job cannot change");
  j.bytes = bytes;
}

void Dma::fire(int event) { fire(event, sc_core::sc_time_stamp()); }

void Dma::fire(int event, const sc_core::sc_time& at) {
  if (at < sc_core::sc_time_stamp()) throw sim::ModelError("DMA: an event raised in the past");
  if (event < 0 || size_t(event) >= fired_.size()) throw sim::ModelError("DMA: unknown event");
  const bool again = fired_[size_t(event)];
  fired_[size_t(event)] = 1;
  if (in_order_) {
    pump(at);
    return;
  }
  if (again) return;  // its waiters were released the first time
  std::vector<int> waiters;
  waiters.swap(event_waiters_[size_t(event)]);
  release(waiters, at);
}

bool Dma::all_issued() const { return loads_.empty() && stores_.empty() && pending_ == 0; }

size_t Dma::unissued() const {
  return size_t(std::count_if(jobs_.begin(), jobs_.end(), [](const Job& j) { return !j.issued; }));
}

sc_core::sc_time Dma::all_done_time() const {
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;
  for (const Job& j : jobs_) t = std::max(t, j.done);
  return t;
}

bool Dma::ready(const Job& j) const {
  if (j.after != kNoEvent && !fired_[size_t(j.after)]) return false;
  for (int a : j.after_jobs)
    if (!jobs_[size_t(a)].issued) return false;
  return true;
}

void Dma::pump(const sc_core::sc_time& at) {
  for (std::deque<int>* q : {&loads_, &stores_}) {
    while (!q->empty() && ready(jobs_[size_t(q->front())])) {
      issue(jobs_[size_t(q->front())], at);
      q->pop_front();
    }
  }
}

void Dma::release(const std::vector<int>& met, const sc_core::sc_time& at) {
  // Each job in `met` had one of its conditions happen; issue those left with none, then the
  // jobs waiting for them (first come, first issued: deterministic).
  std::deque<int> ready_now;
  for (int id : met)
    if (--unmet_[size_t(id)] <= 0 && !jobs_[size_t(id)].issued) ready_now.push_back(id);
  while (!ready_now.empty()) {
    const int id = ready_now.front();
    ready_now.pop_front();
    issue(jobs_[size_t(id)], at);
    --pending_;
    for (int d : dependents_[size_t(id)])
      if (--unmet_[size_t(d)] == 0) ready_now.push_back(d);
    dependents_[size_t(id)].clear();
  }
}

void Dma::issue(Job& job, const sc_core::sc_time& at) {
  job.issued = true;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time start = at;  // the data it copies has arrived
  for (int a : job.after_jobs) start = std::max(start, jobs_[size_t(a)].done);
  job.done = start;
  const int o = int(job.op);
  if (job.dir == Dir::kLoad)
    stats_.load_bytes[o] += job.bytes;
  else
    stats_.store_bytes += job.bytes;
  hop_.kind =
      job.dir == Dir::kLoad ? TransferExtension::Kind::kFill : TransferExtension::Kind::kDrain;
  hop_.level = job.level;
  // One transaction per job, a train of bursts (TransferExtension::burst_bytes; its data pointer
  // holds one burst and is never read): the level moves it between itself and its downstream
  // neighbour, DRAM times each burst. A job beyond the payload's 32-bit length goes in several.
  const uint64_t burst = uint64_t(burst_bytes_);
  const uint64_t max_train = (uint64_t(UINT32_MAX) / burst) * burst;
  Transfer seen;
  for (uint64_t off = 0; off < job.bytes; off += max_train) {
    const uint64_t len = std::min(max_train, job.bytes - off);
    const uint64_t addr = kRegionBase[o] + (next_addr_[o] % kRegionSize);
    next_addr_[o] += len;
    sc_core::sc_time delay = start - now;
    payload_.set_command(job.dir == Dir::kLoad ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    payload_.set_address(addr);
    payload_.set_data_ptr(scratch_.data());
    payload_.set_data_length(unsigned(len));
    payload_.set_streaming_width(unsigned(len));
    payload_.set_byte_enable_ptr(nullptr);
    payload_.set_dmi_allowed(false);
    payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    hop_.dram = false;
    level_sockets[size_t(job.level)]->b_transport(payload_, delay);
    if (payload_.is_response_error()) throw sim::ModelError("DMA: a transfer failed");
    job.done = std::max(job.done, sc_core::sc_time_stamp() + delay);
    if (hop_.dram) {
      seen.dram_start =
          seen.dram_bytes == 0 ? hop_.dram_start : std::min(seen.dram_start, hop_.dram_start);
      seen.dram_end = std::max(seen.dram_end, hop_.dram_end);
      seen.dram_bytes += len;
    }
  }
  if (!observer_) return;
  seen.start = start;
  seen.done = job.done;
  seen.bytes = job.bytes;
  observer_(seen);
}

}  // namespace adasim::arch
