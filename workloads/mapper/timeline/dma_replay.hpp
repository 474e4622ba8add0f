// SPDX-License-Identifier: Apache-2.0
// The mapper's own model of how a layer's transfer plan moves through the DMA and DRAM, written
// from the documented behaviour of arch/memory (transfer_controller, dma, dram), not from its
// code: every load and store of the plan becomes a job in one of two in-order queues (loads,
// stores; out of order when every transfer is free: ideal DRAM and ideal levels, so a job
// issues as soon as its own event has fired); a job waits for the event that frees its slot (a
// chunk consumed, a fold's stationary tile loaded, a chunk's outputs complete); DRAM serialises the
// bytes of every burst at its bandwidth and adds its latency once per burst, bursts pipelining; an
// ideal DRAM completes a job when it issues; every job (a read train or a store) then completes
// clock.dram_sync_cycles cycles of the DMA's domain later, the synchroniser from the DRAM
// interface's clock (paid once per job, ideal DRAM or not). Through chained levels
// (memory.sram[].parent) an operand moves hop by hop: a copy between two levels starts when the
// data it copies has arrived (and, into an outer level, once the tile that held its slot has been
// copied on), takes no time (the transfer-side ports are not modelled) and crosses no DRAM and
// no synchroniser; only the DRAM-side hop is a DRAM job. The engine timelines (systolic / vector
// / spatial) fire the events and read when data and output slots are ready. Times are integer
// picoseconds from the layer's start, the resolution of the simulation kernel, and readiness is
// rounded up to the next clock edge.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "arch/program/transfers.hpp"
#include "arch/spec.hpp"

namespace adasim::workloads::timeline {

/// Clock period (ps, rounded as the clock domain does) and the first cycle whose start is at or
/// after a time.
struct Clock {
  int64_t period_ps = 1000;
  explicit Clock(const arch::AcceleratorSpec& spec);
  int64_t ps(int64_t cycle) const { return cycle * period_ps; }
  int64_t cycle_at_or_after(int64_t t_ps) const {
    return t_ps <= 0 ? 0 : (t_ps + period_ps - 1) / period_ps;
  }
};

/// A lower bound (core cycles at the nominal clock) of any replay of `plan`, from the slots
/// alone: a streamed operand's load waits until the chunk that last read the slot it overwrites
/// has been consumed (`slots` loads back), then takes the DRAM latency and the synchroniser before
/// its chunk can be fed; the chunks are consumed in order, so the layer lasts at least
/// ceil(loads / slots) such waits. It grows with the number of chunks, where the traffic bound
/// does not. Over the operands of one hop (a chained operand's loads wait for more).
int64_t load_chain_cycles(const arch::TransferPlan& plan, const arch::AcceleratorSpec& spec);

class DmaReplay {
 public:
  /// Builds every job of `plan` in program order and issues those that need no event (the
  /// first loads). Throws sim::ModelError on an empty route or one beyond arch::kMaxHops.
  DmaReplay(const arch::TransferPlan& plan, const arch::AcceleratorSpec& spec);

  int64_t chunk_index(size_t fold, size_t chunk) const {
    return chunk_base_[fold] + int64_t(chunk);
  }
  int64_t out_index(int64_t chunk) const { return out_of_chunk_[size_t(chunk)]; }
  int64_t chunks() const { return int64_t(out_of_chunk_.size()); }

  // Events the engine raises, at time t_ps, in the engine's order: non-decreasing over calls
  // but for outputs_done, which may lie up to the return crossing (arch/program/
  // feed_latency.hpp) ahead of the calls after it, as it does in the engine.
  void stationary_loaded(size_t fold, int64_t t_ps) { fire(loaded_event_[fold], t_ps); }
  void chunk_consumed(int64_t chunk, int64_t t_ps) { fire(consumed_event_[size_t(chunk)], t_ps); }
  void outputs_done(int64_t out_chunk, int64_t t_ps) {
    fire(outdone_event_[size_t(out_chunk)], t_ps);
  }

  /// Completion time (ps) of what the engine waits for, or nullopt while a job has not issued.
  std::optional<int64_t> stationary_ready(size_t fold) const;
  std::optional<int64_t> chunk_ready(int64_t chunk) const;
  std::optional<int64_t> out_slot_ready(int64_t out_chunk) const;
  std::optional<int64_t> all_done() const;

 private:
  using Deps = std::array<int, 2>;  // jobs a job waits for (-1: none)
  struct Job {
    bool store = false;
    bool dram = true;  // its transaction reaches DRAM (the route's DRAM-side hop)
    int64_t bytes = 0;
    int after = -1;  // event
    Deps deps{-1, -1};  // the data it copies arrived / the slot it fills was copied on
    bool issued = false;
    int64_t done_ps = 0;
  };
  // Per operand and hop of a chained route: its loads in order and, per load, the copy that
  // read it on toward the array (-1: none yet).
  struct HopLoads {
    std::vector<int> loads, last_reader;
  };
  int add_job(bool store, int64_t bytes, int after, Deps deps = {-1, -1}, bool dram = true);
  int add_load(int op, size_t hop, int64_t bytes, int after);
  int new_event();
  int array_slot_event(int op, int64_t chunk);
  void plan_outputs(int64_t chunk, const arch::ChunkPlan& cp);
  void fire(int event, int64_t t_ps);
  void pump(int64_t t_ps);
  bool deps_issued(const Job& j) const;
  /// Out of order: each job in `met` had one of its conditions happen; issues those left with
  /// none at t_ps, then the jobs that waited for them.
  void release(const std::vector<int>& met, int64_t t_ps);
  void issue(Job& j, int64_t t_ps);
  /// Up to N job ids (fixed storage: one allocation per chunk would dominate the replay).
  template <size_t N>
  struct JobSet {
    std::array<int, N> id{};
    uint8_t n = 0;
    void push_back(int j) { id[n++] = j; }
  };
  template <size_t N>
  std::optional<int64_t> ready_all(const JobSet<N>& jobs) const;

  const arch::TransferPlan& plan_;
  bool dram_ideal_ = true;
  bool in_order_ = true;
  int64_t burst_ = 64;
  double gb_per_s_ = 1;
  int64_t latency_ps_ = 0;
  int64_t busy_until_ps_ = 0;
  int64_t sync_ps_ = 0;  // clock.dram_sync_cycles at the DMA's domain's nominal period

  std::vector<Job> jobs_;
  std::vector<int> loads_, stores_;  // queues (job ids in order) and their heads
  size_t load_head_ = 0, store_head_ = 0;
  std::vector<int64_t> fired_at_;          // per event: fire time, -1 = not yet
  std::vector<std::vector<int>> waiters_;  // out of order: per event, the jobs it releases
  std::vector<int> unmet_;                 // out of order: per job, conditions still to happen
  std::vector<std::vector<int>> dependents_;  // out of order, chained: per job, its dependents
  // Per operand and hop (chained routes only; empty vectors, no allocation, otherwise).
  std::array<std::array<HopLoads, arch::kMaxHops>, arch::kNumOperands> hops_;
  std::vector<int64_t> chunk_base_, out_of_chunk_;
  std::vector<int> loaded_event_, consumed_event_, outdone_event_;
  std::vector<int> stationary_job_;
  std::vector<JobSet<arch::kNumOperands>> chunk_jobs_;  // a chunk's loads, one per operand
  std::vector<JobSet<2>> out_slot_jobs_;  // the previous store from the slot, the psum reload
  std::vector<int> store_job_;
  std::vector<std::vector<int64_t>> users_;  // per operand: chunk of each array-side load
};

}  // namespace adasim::workloads::timeline
