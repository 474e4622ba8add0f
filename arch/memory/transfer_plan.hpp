// SPDX-License-Identifier: Apache-2.0
// Binds one layer's schedule to the DMA: creates the load/store jobs in program order with the
// SRAM-slot dependencies that double (or single) buffering implies, and answers the controller's
// questions "is the data for chunk k in SRAM yet?" and "may outputs of chunk k be written?".
// Compressed operands (arch/sparse/storage_plan.hpp) move fewer bytes than the schedule counts:
// each load is scaled on its way to the DMA; the schedule itself stays dense. A compressed
// ofmap (an output encoder, arch/sparse/output_encoder.hpp) sizes each store of final outputs
// when the outputs are complete, through a sizer the accelerator installs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <systemc>

#include "arch/memory/dma.hpp"
#include "arch/sparse/byte_scale.hpp"
#include "arch/spec.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::arch {

class TransferPlan {
 public:
  /// Queues every job of the layer on `dma` (which must be fresh: begin_layer() called).
  /// `load_scale[op]` turns the schedule's dense load bytes of `op` (stationary and chunk loads,
  /// in program order) into the bytes the DMA moves; psum reloads and stores are never scaled.
  TransferPlan(const workloads::LayerSchedule& sch, const AcceleratorSpec& spec, Dma& dma,
               const std::array<ByteScale, kNumOperands>& load_scale = {});

  /// Global index of chunk `c` of fold `f` (chunks are numbered in program order).
  int64_t chunk_index(size_t f, size_t c) const { return chunk_base_[f] + int64_t(c); }
  /// Output-chunk number of a chunk, or -1 if it produces no outputs.
  int64_t out_index(int64_t chunk) const { return out_of_chunk_[size_t(chunk)]; }

  /// Time at which the data is usable, or nullopt while its transfer has not issued yet (the
  /// in-order DMA queue may hold it behind a psum reload that waits for outputs in flight; the
  /// feeder then inserts bubbles, and only a stall with nothing in flight is a model error).
  std::optional<sc_core::sc_time> stationary_ready(size_t fold) const;
  std::optional<sc_core::sc_time> chunk_ready(int64_t chunk) const;
  std::optional<sc_core::sc_time> out_slot_ready(int64_t out_chunk) const;
  /// Completion of every transfer of the layer (nullopt while some job has not issued).
  std::optional<sc_core::sc_time> all_done() const;

  // Events the array raises.
  void stationary_loaded(size_t fold) { dma_.fire(loaded_event_[fold]); }
  void chunk_consumed(int64_t chunk) { dma_.fire(consumed_event_[size_t(chunk)]); }
  /// The outputs of an out chunk are complete in SRAM: sizes its store of final outputs (if a
  /// sizer is installed) and lets the store issue.
  void outputs_done(int64_t out_chunk);

  /// Bytes the store of final outputs of chunk `chunk` of fold `fold` moves, computed from the
  /// outputs' values when they are complete.
  using StoreSizer = std::function<uint64_t(size_t fold, size_t chunk)>;
  /// Installs a sizer for every store of final outputs (the fold is last_accum and the store is
  /// not a psum spill); other stores keep the schedule's bytes. Without one, every store moves
  /// the schedule's (dense) bytes.
  void set_store_sizer(StoreSizer sizer) { store_sizer_ = std::move(sizer); }

 private:
  std::optional<sc_core::sc_time> ready_all(const std::vector<int>& jobs) const;

  Dma& dma_;
  std::vector<int64_t> chunk_base_;
  std::vector<int64_t> out_of_chunk_;
  std::vector<int> loaded_event_, consumed_event_, outdone_event_;
  std::vector<int> stationary_job_;                 // per fold, -1 if none
  std::vector<std::vector<int>> chunk_jobs_;        // per chunk: its load jobs
  std::vector<std::vector<int>> out_slot_jobs_;     // per out chunk: jobs that must finish first
  struct FinalStore { int job = -1; size_t fold = 0, chunk = 0; };
  std::vector<FinalStore> final_store_;              // per out chunk: its store of final outputs
  StoreSizer store_sizer_;
};

}  // namespace adasim::arch
