// SPDX-License-Identifier: Apache-2.0
// Binds one layer's transfer plan (arch/program/transfers.hpp) to the DMA: creates the jobs of
// every hop in program order with the slot dependencies that double (or single) buffering
// implies, and answers the engine's questions "is the data for chunk k in its level yet?" and
// "may outputs of chunk k be written?". A hop into the level that feeds the array waits for the
// slot its tile reuses to be consumed by the engine; a hop into an outer level (an L2 above an
// L1) waits for the last copy out of the tile it overwrites, and a hop out of a level waits for
// the data to have arrived there. Compressed operands (arch/sparse/storage_plan.hpp) move fewer
// bytes than the plan counts: each load is scaled on its way to the DMA; the plan itself stays
// dense. A compressed ofmap (an output encoder, arch/sparse/output_encoder.hpp) sizes each store
// of final outputs when the outputs are complete, through a sizer installed by the output stage.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <systemc>
#include <vector>

#include "arch/memory/dma.hpp"
#include "arch/program/transfers.hpp"
#include "arch/sparse/byte_scale.hpp"

namespace adasim::arch {

class TransferController {
 public:
  /// Queues every job of the layer on `dma` (which must be fresh: begin_layer() called).
  /// `load_scale[op]` turns the plan's dense load bytes of `op` (stationary and chunk loads, in
  /// program order, on every hop) into the bytes the DMA moves; psum reloads and stores are never
  /// scaled.
  TransferController(const TransferPlan& plan, Dma& dma,
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

  // Events the engine raises, now or (fast mode: a stretch's last cycle) at `at` >= now.
  void stationary_loaded(size_t fold) { stationary_loaded(fold, sc_core::sc_time_stamp()); }
  void stationary_loaded(size_t fold, const sc_core::sc_time& at) {
    ++raised_;
    dma_.fire(loaded_event_[fold], at);
  }
  void chunk_consumed(int64_t chunk) { chunk_consumed(chunk, sc_core::sc_time_stamp()); }
  void chunk_consumed(int64_t chunk, const sc_core::sc_time& at) {
    ++raised_;
    dma_.fire(consumed_event_[size_t(chunk)], at);
  }
  /// The outputs of an out chunk are complete in SRAM: sizes its store of final outputs (if a
  /// sizer is installed) and lets the store issue.
  void outputs_done(int64_t out_chunk) { outputs_done(out_chunk, sc_core::sc_time_stamp()); }
  void outputs_done(int64_t out_chunk, const sc_core::sc_time& at);
  /// Events the engine raised so far (fast mode's cross-check: none inside a steady stretch).
  uint64_t raised() const { return raised_; }

  /// Bytes the store of final outputs of chunk `chunk` of fold `fold` moves, computed from the
  /// outputs' values when they are complete.
  using StoreSizer = std::function<uint64_t(size_t fold, size_t chunk)>;
  /// Installs a sizer for every store of final outputs (the chunk's fold completes its outputs
  /// and the store is not a psum spill); other stores keep the plan's bytes. Without one, every
  /// store moves the plan's (dense) bytes.
  void set_store_sizer(StoreSizer sizer) { store_sizer_ = std::move(sizer); }

 private:
  // Program-order job creation, operand by operand and hop by hop.
  struct HopState {
    std::vector<int> loads;        // load jobs into the hop's level, in order
    std::vector<int> last_reader;  // per load: the last job that copied it one level down
    std::vector<int64_t> user;     // array-side hop: per load, the chunk that loaded it
  };
  int add_load(Operand op, size_t hop, uint64_t bytes, int array_after);
  int array_slot_event(Operand op, size_t hop, int64_t chunk);
  void plan_outputs(size_t f, int64_t k, const ChunkPlan& cp, bool final);
  std::optional<sc_core::sc_time> ready_all(const std::vector<int>& jobs) const;

  const TransferPlan& plan_;
  Dma& dma_;
  std::array<std::array<ByteScale, kMaxHops>, kNumOperands> scale_{};
  std::array<std::array<HopState, kMaxHops>, kNumOperands> hops_{};
  std::vector<int64_t> chunk_base_;
  std::vector<int64_t> out_of_chunk_;
  std::vector<int> loaded_event_, consumed_event_, outdone_event_;
  std::vector<int> stationary_job_;              // per fold, -1 if none
  std::vector<std::vector<int>> chunk_jobs_;     // per chunk: its array-side load jobs
  std::vector<std::vector<int>> out_slot_jobs_;  // per out chunk: jobs that must finish first
  std::vector<int> store_job_;                   // per out chunk: its array-side store
  struct FinalStore {
    std::vector<int> jobs;  // every hop of the store of final outputs
    size_t fold = 0, chunk = 0;
  };
  std::vector<FinalStore> final_store_;  // per out chunk
  StoreSizer store_sizer_;
  uint64_t raised_ = 0;
};

}  // namespace adasim::arch
