// SPDX-License-Identifier: Apache-2.0
// DMA engine: executes a layer's transfer plan hop by hop. Loads (into a level) and stores (out
// of one) sit in two in-order queues (out of order when every transfer is free: an ideal DRAM
// and ideal levels, so no job is held behind another); a job issues as soon as the slot it needs is
// free, which the engine signals with events (chunk consumed, outputs complete, ...), and the data
// it copies has arrived. Each job is a train of bursts sent over TLM-2.0 as one transaction (LT,
// annotated delays) to the SRAM level it fills or drains, which moves it to or from its downstream
// neighbour (the level it is filled from, or DRAM, which times every burst), so prefetching the
// next tile while the array computes, and stalls when it is late, both emerge.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <systemc>
#include <tlm>
#include <vector>

#include "arch/component.hpp"
#include "arch/memory/transfer_extension.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

class Dma : public Component {
 public:
  /// One per SRAM level, bound to the level's upstream socket.
  sc_core::sc_vector<tlm_utils::simple_initiator_socket<Dma>> level_sockets;

  /// `in_order`: a job also waits for the earlier jobs of its queue (a real engine's channel);
  /// false for ideal memory, whose transfers take no time, so only data and slots order them.
  Dma(sc_core::sc_module_name name, int sram_levels, int burst_bytes, bool in_order = true);
  ~Dma() override;

  enum class Dir { kLoad, kStore };
  static constexpr int kNoEvent = -1;

  /// Forget the previous layer's jobs and events (all of them must be complete).
  void begin_layer();
  int new_event();
  /// Queue a transfer into (load) or out of (store) SRAM level `sram_level`; it issues once
  /// `after_event` (or nothing) has fired, every job in `after_jobs` has issued and (in order)
  /// all earlier jobs of the same queue have issued, and its data starts moving no earlier than the
  /// completion of the `after_jobs` (a copy out of a level waits for the data to arrive there).
  /// Zero-byte jobs complete when they issue.
  int add_job(Dir dir, Operand op, int sram_level, uint64_t bytes, int after_event,
              std::vector<int> after_jobs = {});
  /// Changes the byte count of a queued job that has not issued yet (an output encoder sizes a
  /// store only when its values are final). Throws sim::ModelError for an issued job.
  void set_job_bytes(int job, uint64_t bytes);
  /// Mark an event as happened now and issue every job it unblocks.
  void fire(int event);
  /// Same, for an event that happens at `at` (>= now): fast mode raises a stretch's last-cycle
  /// events at the step that advances it, and the jobs they issue start moving at `at` (the
  /// transfers' annotated delays), as if the event had been raised then. Nothing else may
  /// reach the DMA before `at`.
  void fire(int event, const sc_core::sc_time& at);
  bool issued(int job) const { return jobs_[size_t(job)].issued; }
  /// Completion time of an issued job.
  sc_core::sc_time done_time(int job) const { return jobs_[size_t(job)].done; }
  /// Completion of every job of the layer; valid once all have issued.
  bool all_issued() const;
  /// Jobs of the layer queued but not issued yet (a state dump of the watchdog).
  size_t unissued() const;
  sc_core::sc_time all_done_time() const;

  /// What the power trace is told of an issued job: its bytes and the span its data moves in,
  /// from when it may start to its completion; of those, the bytes that crossed DRAM and the
  /// span the DRAM channel served them in (dram_bytes 0: an on-chip hop).
  struct Transfer {
    sc_core::sc_time start, done;
    uint64_t bytes = 0;
    sc_core::sc_time dram_start, dram_end;
    uint64_t dram_bytes = 0;
  };
  /// Optional (the power trace): told of every issued job.
  using TransferObserver = std::function<void(const Transfer&)>;
  void set_transfer_observer(TransferObserver f) { observer_ = std::move(f); }

  struct Stats {
    uint64_t load_bytes[kNumOperands] = {0, 0, 0};  ///< per operand, every hop counted
    uint64_t store_bytes = 0;
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }

 private:
  struct Job {
    Dir dir;
    Operand op;
    int level;
    uint64_t bytes;
    int after;
    std::vector<int> after_jobs;
    bool issued = false;
    sc_core::sc_time done;
  };
  void pump(const sc_core::sc_time& at);
  void issue(Job& job, const sc_core::sc_time& at);

  bool ready(const Job& j) const;
  /// Out of order: one condition of each job in `met` happened (a job with none counts 1).
  void release(const std::vector<int>& met, const sc_core::sc_time& at);

  int burst_bytes_;
  bool in_order_;
  std::vector<Job> jobs_;
  std::deque<int> loads_, stores_;
  std::vector<char> fired_;
  // Out of order: per event and per job, the jobs waiting for it; per job, the conditions it
  // still waits for; jobs not issued yet.
  std::vector<std::vector<int>> event_waiters_, dependents_;
  std::vector<int> unmet_;
  int64_t pending_ = 0;
  uint64_t next_addr_[kNumOperands] = {0, 0, 0};
  std::vector<unsigned char> scratch_;
  tlm::tlm_generic_payload payload_;
  TransferExtension hop_;
  Stats stats_;
  TransferObserver observer_;
  sim::StatGroup group_;
};

}  // namespace adasim::arch
