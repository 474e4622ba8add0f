// SPDX-License-Identifier: Apache-2.0
// Runs one layer's folds on the SystolicArray one clock cycle at a time. Edge feeders read one
// operand vector per cycle from SRAM into skew FIFOs (a bubble when the chunk is not in SRAM
// yet); collectors de-skew the outputs and write whole output rows. WS/IS load the next
// stationary tile into shadow registers during the current fold when the hardware has them;
// OS drains its accumulators through an output chain. Memory waits come from the
// TransferController. Fast mode (RunMode::fast) advances steady stretches in one step
// (steady_stretch.cpp) and computes each fold's outputs at once (fold_values.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <systemc>
#include <vector>

#include "arch/engine/step.hpp"
#include "arch/pe/operand_access.hpp"
#include "arch/pe/sparse_fold.hpp"
#include "arch/pe/systolic_array.hpp"
#include "arch/program/program.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// What a layer's run on the array did, as plain counts (SCALE-Sim's figures are derived from
/// them: arch/engine/scalesim_figures.hpp): every fold's used rows and columns, streamed length
/// and compute cycles (its load and stream cycles that were not bubbles), and per operand the
/// values the array read from SRAM (ifmap, weight: stream and stationary loads) or wrote to it
/// (ofmap: outputs and partial sums).
struct ArrayTally {
  struct Fold {
    int64_t rows = 0, cols = 0, t_len = 0;
    uint64_t cycles = 0;
  };
  std::vector<Fold> folds;
  std::array<uint64_t, kNumOperands> sram_values{0, 0, 0};
};

class ArrayController {
 public:
  ArrayController(const AcceleratorSpec& spec, SystolicArray& array, RunMode mode = {});

  /// `a`/`b` are the layer's operand tensors, `out` the int32 accumulators (zeroed, out shape).
  void start(const LayerProgram& prog, const workloads::Int16Buffer& a,
             const workloads::Int16Buffer& b, workloads::Int32Buffer& out, LayerPorts ports);
  /// Advance one clock cycle (or report what it waits for).
  StepResult step();

  uint64_t macs() const { return macs_; }
  int64_t current_fold() const { return int64_t(fold_); }
  /// The address generator of the layer started last (valid after start()).
  const OperandAccess& access() const { return *access_; }

  /// Sparse datapath of the layer (set before start(); mode none = dense).
  void set_sparsity(const SparseConfig& c) { sparse_ = c; }
  /// Layer totals of the sparse datapath (sparse_fold.hpp).
  struct SparseCounts {
    uint64_t macs_zero = 0, macs_gated = 0, macs_skipped = 0;
    uint64_t steps = 0, steps_skipped = 0, ideal_steps = 0;
  };
  const SparseCounts& sparse_counts() const { return sparse_counts_; }
  /// The layer started last, so far (complete after kDone).
  const ArrayTally& tally() const { return tally_; }

 private:
  enum class Phase { kLoad, kStream, kCapture, kDrain, kFinish, kDone };

  void begin_fold();
  StepResult step_load();
  StepResult step_stream();
  // step_stream's steps, in cycle order. Each returns true when the cycle ends there with `res`
  // (a wait); the array cycle itself cannot end early.
  bool output_slot_wait(const SystolicFold& f, int64_t& done_row, StepResult& res);
  bool feed_stream(const SystolicFold& f, uint64_t reads[kNumOperands], int64_t& fed_now,
                   int64_t& consumed_chunk, StepResult& res);
  void output_stationary_cycle(const SystolicFold& f, uint64_t& out_write);
  void stationary_cycle(const SystolicFold& f, int64_t done_row, uint64_t reads[kNumOperands],
                        uint64_t& out_write, uint64_t& out_read);
  /// After the cycle: the next fold, or (OS) the capture, when the fold's stream has left.
  void end_of_stream(const SystolicFold& f);
  StepResult step_capture();
  StepResult step_drain();
  StepResult drain_cycle();
  StepResult finish_cycle(StepResult r, uint64_t reads[kNumOperands], uint64_t out_write,
                          uint64_t out_read);
  uint64_t scalesim_os_writes(int64_t t) const;
  bool try_shadow_shift(size_t fold, uint64_t reads[kNumOperands]);
  void collect_stationary_outputs();
  void collect_drain_row(const int32_t* row, int drained_row, size_t fold);
  /// The outputs of out chunk `oc` left the array in the cycle that starts at `at`: they are in
  /// SRAM ret_ core cycles later (the synchroniser into the memory domain), when their store or
  /// a reload may start; the layer ends no earlier.
  void outputs_left(int64_t oc, const sc_core::sc_time& at);
  std::optional<sc_core::sc_time> feed_ready();
  void size_ring(int latency);  // sets lat_ and sizes the feed history ring for it
  int64_t hist_at(int64_t cycle) const;
  void note_feed(int64_t index);
  uint64_t shadow_row_values(size_t fold, int done) const;

  // Fast mode: a run of identical cycles with no event (chunk end, output row that completes a
  // chunk, stationary tile loaded, data arriving) inside it.
  struct Stretch {
    int64_t n = 0;  // cycles (0: none)
    uint64_t reads[kNumOperands] = {0, 0, 0};
    uint64_t out_write = 0, out_read = 0;
    uint64_t values[kNumOperands] = {0, 0, 0};  // SRAM values (ArrayTally::sram_values)
    bool feeding = false, extends_run = false, shifting = false, bubble = false;
    uint64_t k = 1;             // clock cycles each (1 + stall)
    int64_t slot_checked = -1;  // an output chunk whose granted slot the first cycle checks
    // Events of the stretch's last cycle (raised by advance() at that cycle's time): the out
    // chunk whose last row it writes, the fold whose shadow tile it completes, the chunk whose
    // last index it feeds; -1: none. `*_at`: the cycle count that would reach each (kept while
    // the stretch's length is being bounded).
    int64_t ev_out = -1, ev_loaded = -1, ev_consumed = -1;
    int64_t out_at = 0, loaded_at = 0, consumed_at = 0;
  };
  // RunMode::check: the stretch being verified and its cycles left.
  Stretch expect_;
  int64_t expect_left_ = 0;
  uint64_t last_reads_[kNumOperands] = {0, 0, 0}, last_out_write_ = 0, last_out_read_ = 0;
  Stretch steady_stretch();
  bool stretch_outputs(Stretch& s, const SystolicFold& f);
  bool stretch_scalesim_writes(Stretch& s, const SystolicFold& f);
  void stretch_drain(Stretch& s) const;
  bool stretch_shadow(Stretch& s, std::optional<sc_core::sc_time>& horizon);
  StepResult advance(const Stretch& s);
  StepResult checked_stream();

  const AcceleratorSpec& spec_;
  SystolicArray& array_;
  RunMode mode_;
  bool live_;  // the PE array's registers move (per-cycle mode with values)
  const LayerProgram* prog_ = nullptr;
  const SystolicProgram* sch_ = nullptr;
  const std::vector<FoldPlan>* tfolds_ = nullptr;  // the transfer plan's folds (chunks)
  ArrayLayout layout_ = ArrayLayout::kWeightsHeld;
  bool os_ = false;  // outputs held: reduction in time
  Operand stat_op_ = Operand::kWeight, stream_op_ = Operand::kIfmap;
  workloads::Int32Buffer* out_ = nullptr;
  std::optional<OperandAccess> access_;
  LayerPorts ports_;
  bool scalesim_ = false;
  int ar_ = 0, ac_ = 0, lat_ = 0;
  int ret_ = 0;              // core cycles from the array's edge to SRAM (return_latency_cycles)
  sc_core::sc_time landed_;  // when the layer's last outputs so far are in SRAM
  int in_bytes_ = 1, w_bytes_ = 1;
  int lanes_ = 1;  // MAC lanes per PE of the current layer

  Phase phase_ = Phase::kDone;
  size_t fold_ = 0;
  FoldTiles tiles_, next_tiles_;
  bool next_tiles_built_ = false;
  int load_cycles_ = 0, load_done_ = 0;  // current fold's (exposed) stationary load
  size_t shadow_fold_ = 0;               // fold whose tile is in the shadow chain
  int shadow_done_ = 0;                  // rows shifted for shadow_fold_
  bool shadow_valid_ = false;

  // Stream state of the current fold.
  int64_t t_ = 0;                 // cycle within the fold
  int64_t fed_ = 0;               // stream indices fed so far
  int64_t last_feed_cycle_ = -1;  // cycle the last index was fed
  size_t chunk_ = 0;              // chunk of the next index to feed
  std::vector<int64_t> hist_;     // ring: stream index fed at cycle (or -1)
  int64_t hist_mask_ = 0;
  int64_t out_chunk_checked_ = -1;
  // The latest run of cycles that fed consecutive indices: it began at cycle run_t_ with index
  // run_idx_ (-1: none yet) and lasts until last_feed_cycle_.
  int64_t run_t_ = -1, run_idx_ = 0, last_fed_idx_ = -1;
  int64_t first_feed_t_ = -1;  // the fold's first feed cycle (-1: none yet)

  // OS drain chain state (outputs of drain_fold_).
  int drain_left_ = 0;
  size_t drain_fold_ = 0;
  bool drain_active_ = false;

  std::vector<int16_t> feed_, top_;
  std::vector<int64_t> col_part_;  // output index part of each column of the fold (WS)
  uint64_t macs_ = 0;
  // The current fold's MAC work in PE-cycles (StepResult::pe_cycles), spread evenly over its
  // stream indices: index i carries work * (i + 1) / T - work * i / T; `work_per_index_` when
  // work_even_ (T divides it, the usual case: no division per cycle).
  uint64_t fold_work_ = 0, fold_t_ = 1, work_per_index_ = 0;
  bool work_even_ = true;
  /// PE-cycles of feeding the current fold's stream indices [from, from + n).
  uint64_t feed_work(int64_t from, int64_t n) const {
    if (work_even_) return work_per_index_ * uint64_t(n);
    return fold_work_ * uint64_t(from + n) / fold_t_ - fold_work_ * uint64_t(from) / fold_t_;
  }
  SparseConfig sparse_;
  SparseCounts sparse_counts_;
  ArrayTally tally_;
  std::vector<uint8_t> skip_;  // current fold: stream indices left out (skip mode)
};

}  // namespace adasim::arch
