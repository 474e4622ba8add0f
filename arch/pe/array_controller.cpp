// SPDX-License-Identifier: Apache-2.0
#include "arch/pe/array_controller.hpp"

#include <algorithm>

#include "arch/pe/fold_values.hpp"
#include "arch/pe/wrapping_add.hpp"
#include "arch/program/feed_latency.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
constexpr int kPsumBytes = 4;
constexpr int kOf = int(Operand::kOfmap);

sc_core::sc_time need(const std::optional<sc_core::sc_time>& t, const char* what) {
  if (!t) throw sim::ModelError(std::string("array controller: ") + what + " was never requested");
  return *t;
}
}  // namespace

ArrayController::ArrayController(const AcceleratorSpec& spec, SystolicArray& array, RunMode mode)
    : spec_(spec), array_(array), mode_(mode), live_(!mode.fast && mode.values) {
  ar_ = array.rows();
  ac_ = array.cols();
  scalesim_ = spec.pe_array.convention == TimingConvention::kScaleSim;
  size_ring(scalesim_ ? 0 : spec.noc.latency_cycles);
  feed_.assign(size_t(ar_) * size_t(array.max_lanes()), 0);  // one entry per sub-row
  top_.assign(size_t(ac_), 0);
}

void ArrayController::start(const LayerProgram& prog, const workloads::Int16Buffer& a,
                            const workloads::Int16Buffer& b, workloads::Int32Buffer& out,
                            LayerPorts ports) {
  prog_ = &prog;
  sch_ = &prog.systolic();
  tfolds_ = &prog.transfers.folds;
  const SystolicProgram& sch = *sch_;
  if (sch.folds.size() != tfolds_->size())
    throw sim::ModelError("array controller: layer " + prog.layer + " has " +
                          std::to_string(sch.folds.size()) + " folds and " +
                          std::to_string(tfolds_->size()) + " transfer folds");
  layout_ = sch.layout();
  os_ = layout_ == ArrayLayout::kOutputsHeld;
  stat_op_ = sch.stationary_operand();
  stream_op_ = sch.streamed_operand();
  out_ = &out;
  access_.emplace(prog, a, b);
  ports_ = ports;
  // The feed latency in core cycles follows the memory domain's clock (arch/dvfs/domains.hpp).
  size_ring(scalesim_ ? 0 : feed_latency_cycles(spec_, ports.core_per_memory_cycle));
  // And the outputs' way back crosses into it (0 under SCALE-Sim's convention, as the feed).
  ret_ = scalesim_ ? 0 : return_latency_cycles(spec_, ports.core_per_memory_cycle);
  landed_ = sc_core::SC_ZERO_TIME;
  lanes_ = std::max(1, sch.sub_per_row());  // MAC lanes, or an N:M group's activations
  array_.set_lanes(lanes_, sch.nm_m > 0 ? SystolicArray::LaneUse::kMultiplexer
                                        : SystolicArray::LaneUse::kMacLanes);
  in_bytes_ = (prog.in_bits + 7) / 8;
  w_bytes_ = (prog.w_bits + 7) / 8;
  macs_ = 0;
  expect_left_ = 0;
  sparse_counts_ = {};
  tally_ = {};
  tally_.folds.reserve(sch.folds.size());
  fold_ = 0;
  shadow_valid_ = false;
  next_tiles_built_ = false;
  drain_active_ = false;
  array_.clear_moving();
  if (sch.folds.empty()) {
    phase_ = Phase::kFinish;
    return;
  }
  begin_fold();
}

void ArrayController::size_ring(int latency) {
  lat_ = latency;
  // Power-of-two ring so that a lookup is a mask, not a division (it runs per row per cycle).
  size_t ring = 1;
  while (ring < size_t(lat_ + ar_ + ac_ + 4)) ring <<= 1;
  if (ring == hist_.size()) return;
  hist_.assign(ring, -1);
  hist_mask_ = int64_t(ring) - 1;
}

int64_t ArrayController::hist_at(int64_t cycle) const {
  if (cycle < 0) return -1;
  return hist_[size_t(cycle & hist_mask_)];
}

void ArrayController::begin_fold() {
  const SystolicFold& f = sch_->folds[fold_];
  if (next_tiles_built_) {
    tiles_ = std::move(next_tiles_);
    next_tiles_built_ = false;
  } else {
    tiles_ = mode_.values ? build_fold_tiles(*prog_, f, *access_) : FoldTiles{};
  }
  t_ = 0;
  fed_ = 0;
  last_feed_cycle_ = -1;
  chunk_ = 0;
  out_chunk_checked_ = -1;
  run_t_ = -1;
  last_fed_idx_ = -1;
  first_feed_t_ = -1;
  std::fill(hist_.begin(), hist_.end(), -1);
  col_part_.resize(size_t(f.cols));
  for (int64_t j = 0; j < f.cols; ++j) col_part_[size_t(j)] = access_->n_part(f.pack, f.col0 + j);
  macs_ += uint64_t(f.macs);
  const uint64_t lanes = uint64_t(std::max(1, sch_->mac_lanes));
  fold_work_ = (uint64_t(f.macs) + lanes - 1) / lanes;
  fold_t_ = uint64_t(std::max<int64_t>(1, f.t_len));
  work_per_index_ = fold_work_ / fold_t_;
  work_even_ = fold_work_ % fold_t_ == 0;
  tally_.folds.push_back(ArrayTally::Fold{sch_->physical_rows(f.rows), f.cols, f.t_len, 0});
  FoldSparsity sp = analyse_fold(*sch_, f, (*tfolds_)[fold_], tiles_, sparse_);
  sparse_counts_.macs_zero += uint64_t(sp.macs_zero);
  sparse_counts_.macs_gated += uint64_t(sp.macs_gated);
  sparse_counts_.macs_skipped += uint64_t(sp.macs_skipped);
  sparse_counts_.steps += uint64_t(f.t_len);
  sparse_counts_.steps_skipped += uint64_t(sp.steps_skipped);
  sparse_counts_.ideal_steps += uint64_t(sp.ideal_steps);
  skip_ = std::move(sp.skip);
  if (mode_.fast && mode_.values) add_fold_outputs(*sch_, f, tiles_, *access_, *out_);
  if (os_) {
    phase_ = Phase::kStream;
    return;
  }
  load_cycles_ = scalesim_ ? ar_ : int(sch_->physical_rows(f.rows));
  if (shadow_valid_ && shadow_fold_ == fold_) {
    load_done_ = shadow_done_;
  } else {
    load_done_ = 0;
    shadow_fold_ = fold_;
    shadow_valid_ = true;
  }
  shadow_done_ = load_done_;
  if (load_done_ >= load_cycles_) {
    if (live_) array_.swap_stationary(int(sch_->sub_rows(f.rows)), int(f.cols));
    shadow_valid_ = false;
    phase_ = Phase::kStream;
  } else {
    phase_ = Phase::kLoad;
  }
}

StepResult ArrayController::step() {
  switch (phase_) {
    case Phase::kLoad:
      return step_load();
    case Phase::kStream:
      return mode_.check ? checked_stream() : step_stream();
    case Phase::kCapture:
      return step_capture();
    case Phase::kDrain:
      return step_drain();
    case Phase::kFinish: {
      StepResult r;
      const sc_core::sc_time done =
          std::max(need(ports_.plan->all_done(), "a layer transfer"), landed_);
      if (done > sc_core::sc_time_stamp()) {
        r.kind = StepResult::Kind::kWait;
        r.wait_until = done;
        return r;
      }
      phase_ = Phase::kDone;
      r.kind = StepResult::Kind::kDone;
      return r;
    }
    case Phase::kDone:
      break;
  }
  StepResult r;
  r.kind = StepResult::Kind::kDone;
  return r;
}

bool ArrayController::try_shadow_shift(size_t fold, uint64_t reads[kNumOperands]) {
  // Shift one row of `fold`'s stationary tile into the shadow chain if its data is in SRAM.
  const SystolicFold& f = sch_->folds[fold];
  const int len = scalesim_ ? ar_ : int(sch_->physical_rows(f.rows));
  if (!shadow_valid_ || shadow_fold_ != fold) {
    shadow_fold_ = fold;
    shadow_done_ = 0;
    shadow_valid_ = true;
  }
  if (shadow_done_ >= len) return false;
  const auto ready = ports_.plan->stationary_ready(fold);
  if (!ready || *ready > sc_core::sc_time_stamp()) return false;
  if (live_) {
    const FoldTiles& src = fold == fold_ ? tiles_ : next_tiles_;
    const int i = len - 1 - shadow_done_;  // bottom row enters first
    // One physical row: its lanes' sub-rows, sub-row major.
    std::vector<int16_t> row(size_t(ac_) * size_t(lanes_), 0);
    const int64_t sub_rows = sch_->sub_rows(f.rows);
    for (int l = 0; l < lanes_; ++l) {
      const int64_t sub = int64_t(i) * lanes_ + l;
      if (sub >= sub_rows) break;
      std::copy_n(&src.stationary[size_t(sub * f.cols)], size_t(f.cols), row.begin() + l * ac_);
    }
    array_.shadow_shift(row.data());
  }
  const uint64_t values = shadow_row_values(fold, shadow_done_);
  reads[int(stat_op_)] += values * uint64_t(stat_op_ == Operand::kIfmap ? in_bytes_ : w_bytes_);
  tally_.sram_values[size_t(stat_op_)] += values;
  if (++shadow_done_ == len) ports_.plan->stationary_loaded(fold);
  return true;
}

uint64_t ArrayController::shadow_row_values(size_t fold, int done) const {
  // The row shifted after `done` rows of `fold`'s tile: the values of its loaded sub-rows. Only
  // the rows the fold uses are read (SCALE-Sim too: its WS filter / IS ifmap reads are the tile's
  // values, though its load always takes AR cycles). An N:M row loads one slot (value; its
  // position field is storage metadata) per PE.
  const SystolicFold& f = sch_->folds[fold];
  const int len = scalesim_ ? ar_ : int(sch_->physical_rows(f.rows));
  const int64_t loaded =
      std::clamp<int64_t>(sch_->sub_rows(f.rows) - int64_t(len - 1 - done) * lanes_, 0, lanes_);
  const int64_t per_row = sch_->nm_m > 0 ? 1 : lanes_;
  const int64_t charged = std::min(loaded, per_row);
  return uint64_t(charged) * uint64_t(f.cols);
}

void ArrayController::note_feed(int64_t index) {
  // Consecutive-run bookkeeping (fast mode reads it; cheap enough to keep in both modes).
  if (run_t_ < 0 || last_feed_cycle_ != t_ - 1 || index != last_fed_idx_ + 1) {
    run_t_ = t_;
    run_idx_ = index;
  }
  if (first_feed_t_ < 0) first_feed_t_ = t_;
  last_fed_idx_ = index;
  last_feed_cycle_ = t_;
}

StepResult ArrayController::step_load() {
  const SystolicFold& f = sch_->folds[fold_];
  const sc_core::sc_time ready = need(ports_.plan->stationary_ready(fold_), "a stationary tile");
  if (ready > sc_core::sc_time_stamp()) {
    StepResult r;
    r.kind = StepResult::Kind::kWait;
    r.wait_until = ready;
    return r;
  }
  uint64_t reads[kNumOperands] = {0, 0, 0};
  try_shadow_shift(fold_, reads);
  load_done_ = shadow_done_;
  // With shadow registers, a later fold's load is exposed only because its tile reached SRAM too
  // late to load during the previous fold (whose stream is >= AR >= r cycles): a DRAM stall.
  StepResult res;
  res.bubble = fold_ > 0 && !scalesim_ && spec_.pe_array.weight_double_buffer;
  if (load_done_ >= load_cycles_) {
    if (live_) array_.swap_stationary(int(sch_->sub_rows(f.rows)), int(f.cols));
    shadow_valid_ = false;
    phase_ = Phase::kStream;
  }
  if (!res.bubble) ++tally_.folds.back().cycles;
  return finish_cycle(res, reads, 0, 0);
}

void ArrayController::outputs_left(int64_t oc, const sc_core::sc_time& at) {
  const sc_core::sc_time in_sram = cycles_after(at, ports_.clock->period, uint64_t(ret_));
  landed_ = std::max(landed_, in_sram);
  ports_.plan->outputs_done(oc, in_sram);
}

std::optional<sc_core::sc_time> ArrayController::feed_ready() {
  const FoldPlan& f = (*tfolds_)[fold_];
  while (chunk_ + 1 < f.chunks.size() && fed_ >= f.chunks[chunk_].t0 + f.chunks[chunk_].t_len)
    ++chunk_;
  return ports_.plan->chunk_ready(ports_.plan->chunk_index(fold_, chunk_));
}

StepResult ArrayController::step_stream() {
  const SystolicFold& f = sch_->folds[fold_];
  StepResult res;
  if (mode_.fast) {
    const Stretch st = steady_stretch();
    if (st.n > 0) return advance(st);
  }
  int64_t done_row = -1;
  if (!os_ && output_slot_wait(f, done_row, res)) return res;
  uint64_t reads[kNumOperands] = {0, 0, 0};
  int64_t fed_now = -1;
  int64_t consumed_chunk = -1;
  if (fed_ < f.t_len && feed_stream(f, reads, fed_now, consumed_chunk, res)) return res;
  hist_[size_t(t_ & hist_mask_)] = fed_now;

  // --- The array cycle.
  uint64_t out_write = 0, out_read = 0;
  if (os_)
    output_stationary_cycle(f, out_write);
  else
    stationary_cycle(f, done_row, reads, out_write, out_read);
  if (consumed_chunk >= 0) ports_.plan->chunk_consumed(consumed_chunk);
  res = finish_cycle(res, reads, out_write, out_read);
  if (!res.bubble) ++tally_.folds.back().cycles;
  end_of_stream(f);
  return res;
}

inline bool ArrayController::output_slot_wait(const SystolicFold& f, int64_t& done_row,
                                              StepResult& res) {
  // A WS/IS output row that completes now needs its SRAM slot.
  done_row = hist_at(t_ - lat_ - (ar_ - 1) - (f.cols - 1));
  if (done_row < 0) return false;
  const size_t ci = size_t(done_row / sch_->chunk_len);
  const int64_t oc = ports_.plan->out_index(ports_.plan->chunk_index(fold_, ci));
  if (oc == out_chunk_checked_) return false;
  const sc_core::sc_time ready = need(ports_.plan->out_slot_ready(oc), "an output slot");
  if (ready > sc_core::sc_time_stamp()) {
    res.kind = StepResult::Kind::kWait;
    res.wait_until = ready;
    return true;
  }
  out_chunk_checked_ = oc;
  return false;
}

inline bool ArrayController::feed_stream(const SystolicFold& f, uint64_t reads[kNumOperands],
                                         int64_t& fed_now, int64_t& consumed_chunk,
                                         StepResult& res) {
  // The next stream index, or a bubble if its chunk is not in SRAM yet. Not issued yet is
  // legal: the in-order DMA queue may hold the load behind a psum reload that waits for outputs
  // still in flight. The feeder then inserts bubbles.
  const int64_t r = f.rows, c = f.cols, T = f.t_len;
  const std::optional<sc_core::sc_time> ready = feed_ready();
  if (ready && *ready <= sc_core::sc_time_stamp()) {
    // Skip mode: all-zero stream vectors are not in the compressed stream. A chunk's last
    // index is never skipped, so this stays inside the chunk that is ready.
    while (fed_ < T && skip_[size_t(fed_)]) ++fed_;
    fed_now = fed_;
    res.pe_cycles = feed_work(fed_now, 1);
    const ChunkPlan& cp = (*tfolds_)[fold_].chunks[chunk_];
    if (fed_ == cp.t0 + cp.t_len - 1) consumed_chunk = ports_.plan->chunk_index(fold_, chunk_);
    ++fed_;
    note_feed(fed_now);
    if (os_) {
      reads[int(Operand::kIfmap)] += uint64_t(r * in_bytes_);
      reads[int(Operand::kWeight)] += uint64_t(c * w_bytes_);
      tally_.sram_values[size_t(Operand::kIfmap)] += uint64_t(r);
      tally_.sram_values[size_t(Operand::kWeight)] += uint64_t(c);
    } else {
      const Operand op = stream_op_;
      reads[int(op)] +=
          uint64_t(sch_->feed_values(f)) * uint64_t(op == Operand::kIfmap ? in_bytes_ : w_bytes_);
      tally_.sram_values[size_t(op)] += uint64_t(sch_->feed_values(f));
    }
    return false;
  }
  const int64_t r_end = scalesim_ ? ar_ : r, c_end = scalesim_ ? ac_ : c;
  const bool in_flight =
      last_feed_cycle_ >= 0 && t_ <= last_feed_cycle_ + lat_ + (os_ ? r_end : ar_) + c_end + 1;
  const bool shadow_busy =
      !os_ && fold_ + 1 < sch_->folds.size() && !scalesim_ && spec_.pe_array.weight_double_buffer;
  if (!in_flight && !drain_active_ && !ready)
    throw sim::ModelError("array controller: deadlock, a stream chunk was never requested");
  if (!in_flight && !drain_active_ && !shadow_busy) {
    res.kind = StepResult::Kind::kWait;  // nothing moves before the data arrives
    res.wait_until = *ready;
    return true;
  }
  res.bubble = true;
  return false;
}

inline void ArrayController::output_stationary_cycle(const SystolicFold& f, uint64_t& out_write) {
  const int64_t r = f.rows, c = f.cols;
  for (int64_t i = 0; i < r && live_; ++i) {
    const int64_t s = hist_at(t_ - lat_ - i);
    feed_[size_t(i)] = s >= 0 ? tiles_.stream[size_t(s * r + i)] : int16_t{0};
  }
  for (int64_t j = 0; j < c && live_; ++j) {
    const int64_t s = hist_at(t_ - lat_ - j);
    top_[size_t(j)] = s >= 0 ? tiles_.top[size_t(s * c + j)] : int16_t{0};
  }
  if (live_) array_.step_output_stationary(feed_.data(), top_.data(), int(r), int(c));
  if (scalesim_) {
    const uint64_t n = scalesim_os_writes(t_);
    out_write += n * kPsumBytes;
    tally_.sram_values[kOf] += n;
  }
  if (!drain_active_) return;
  const int row = ar_ - drain_left_;
  const int orig = ar_ - 1 - row;
  if (live_) collect_drain_row(array_.drain_shift(), orig, drain_fold_);
  if (orig < sch_->folds[drain_fold_].rows) {
    out_write += uint64_t(sch_->folds[drain_fold_].cols) * kPsumBytes;
    tally_.sram_values[kOf] += uint64_t(sch_->folds[drain_fold_].cols);
  }
  if (--drain_left_ == 0) {
    drain_active_ = false;
    const FoldPlan& df = (*tfolds_)[drain_fold_];
    outputs_left(
        ports_.plan->out_index(ports_.plan->chunk_index(drain_fold_, df.chunks.size() - 1)),
        sc_core::sc_time_stamp());
  }
}

inline void ArrayController::stationary_cycle(const SystolicFold& f, int64_t done_row,
                                              uint64_t reads[kNumOperands], uint64_t& out_write,
                                              uint64_t& out_read) {
  const int64_t c = f.cols;
  // Physical row i takes its values (its sub-rows, or its N:M group) with the row's skew.
  const int64_t rs = sch_->sub_rows(f.rows), L = lanes_, W = tiles_.stream_width;
  const int64_t phys = int64_t(tiles_.row_at.size());
  for (int64_t i = 0; i < ar_ && live_; ++i) {
    int16_t* dst = &feed_[size_t(i * L)];
    const int64_t s = i < phys ? hist_at(t_ - lat_ - i) : -1;
    const int64_t n = s >= 0 ? tiles_.row_len[size_t(i)] : 0;
    const int16_t* src = n > 0 ? &tiles_.stream[size_t(s * W + tiles_.row_at[size_t(i)])] : nullptr;
    if (L == 1)  // one value per row, the usual case: no lane loop per row and cycle
      dst[0] = n > 0 ? src[0] : int16_t{0};
    else
      for (int64_t l = 0; l < L; ++l) dst[l] = l < n ? src[l] : int16_t{0};  // no memcpy call
  }
  if (live_) {
    array_.step_stationary(feed_.data(), int(rs), int(c));
    collect_stationary_outputs();
  }
  if (done_row >= 0) {
    out_write = uint64_t(c) * kPsumBytes;
    tally_.sram_values[kOf] += uint64_t(c);
    if (!f.first_accum) out_read = uint64_t(c) * kPsumBytes;  // accumulate in the buffer
    const size_t ci = size_t(done_row / sch_->chunk_len);
    const ChunkPlan& cp = (*tfolds_)[fold_].chunks[ci];
    if (done_row == cp.t0 + cp.t_len - 1)
      outputs_left(ports_.plan->out_index(ports_.plan->chunk_index(fold_, ci)),
                   sc_core::sc_time_stamp());
  }
  if (fold_ + 1 < sch_->folds.size() && !scalesim_ && spec_.pe_array.weight_double_buffer) {
    if (!next_tiles_built_ && live_) {
      next_tiles_ = build_fold_tiles(*prog_, sch_->folds[fold_ + 1], *access_);
      next_tiles_built_ = true;
    }
    try_shadow_shift(fold_ + 1, reads);
  }
}

inline void ArrayController::end_of_stream(const SystolicFold& f) {
  const int64_t r_end = scalesim_ ? ar_ : f.rows, c_end = scalesim_ ? ac_ : f.cols;
  const int64_t tail = os_ ? lat_ + (r_end - 1) + (c_end - 1) : lat_ + (ar_ - 1) + (c_end - 1);
  const bool finished = fed_ == f.t_len && t_ >= last_feed_cycle_ + tail;
  ++t_;
  if (!finished) return;
  if (os_) {
    phase_ = Phase::kCapture;  // OS: accumulators leave at the fold boundary
    return;
  }
  ++fold_;
  if (fold_ < sch_->folds.size())
    begin_fold();
  else
    phase_ = Phase::kFinish;
}

StepResult ArrayController::step_capture() {
  // Capture is instantaneous at the fold boundary; it needs a free drain chain and output slot.
  if (drain_active_) return drain_cycle();  // previous fold still draining: exposed cycles
  const FoldPlan& f = (*tfolds_)[fold_];
  const int64_t oc = ports_.plan->out_index(ports_.plan->chunk_index(fold_, f.chunks.size() - 1));
  const sc_core::sc_time ready = need(ports_.plan->out_slot_ready(oc), "an output slot");
  if (ready > sc_core::sc_time_stamp()) {
    StepResult r;
    r.kind = StepResult::Kind::kWait;
    r.wait_until = ready;
    return r;
  }
  if (live_) array_.capture_outputs();
  drain_fold_ = fold_;
  if (scalesim_) {
    // SCALE-Sim's convention: outputs leave the array without drain cycles.
    for (int i = 0; i < ar_ && live_; ++i)
      collect_drain_row(array_.drain_shift(), ar_ - 1 - i, drain_fold_);
    ports_.plan->outputs_done(oc);
  } else {
    drain_active_ = true;
    drain_left_ = ar_;
  }
  ++fold_;
  const bool serial = !scalesim_ && !spec_.pe_array.output_double_buffer;
  if (serial || fold_ >= sch_->folds.size()) {
    phase_ = drain_active_ ? Phase::kDrain : Phase::kFinish;
  } else {
    begin_fold();
  }
  return step();
}

StepResult ArrayController::step_drain() {
  StepResult r = drain_cycle();
  if (!drain_active_) {
    if (fold_ < sch_->folds.size())
      begin_fold();
    else
      phase_ = Phase::kFinish;
  }
  return r;
}

StepResult ArrayController::drain_cycle() {
  // One exposed OS drain cycle: outputs of drain_fold_ shift out; nothing else moves.
  const int row = ar_ - drain_left_;
  const int orig = ar_ - 1 - row;
  if (live_) collect_drain_row(array_.drain_shift(), orig, drain_fold_);
  const SystolicFold& df = sch_->folds[drain_fold_];
  const uint64_t out_write = orig < df.rows ? uint64_t(df.cols) * kPsumBytes : 0;
  tally_.sram_values[kOf] += out_write / kPsumBytes;
  if (--drain_left_ == 0) {
    drain_active_ = false;
    const size_t last = (*tfolds_)[drain_fold_].chunks.size() - 1;
    outputs_left(ports_.plan->out_index(ports_.plan->chunk_index(drain_fold_, last)),
                 sc_core::sc_time_stamp());
  }
  uint64_t reads[kNumOperands] = {0, 0, 0};
  return finish_cycle(StepResult{}, reads, out_write, 0);
}

uint64_t ArrayController::scalesim_os_writes(int64_t t) const {
  // SCALE-Sim writes an OS fold's outputs on its last lines (its ofmap demand matrix,
  // docs/scalesim_conventions.md section 3): after the last stream index, the array's rows leave
  // one per line, the unused ones first, skewed by one line per column, so the used r x c
  // outputs fill diagonals d = 0 .. r + c - 2 starting AR - r lines after the last feed, with
  // min(d, r - 1, c - 1, r + c - 2 - d) + 1 outputs each.
  const SystolicFold& f = sch_->folds[fold_];
  if (fed_ < f.t_len || f.rows == 0 || f.cols == 0) return 0;
  const int64_t r = f.rows, c = f.cols;
  const int64_t d = t - last_feed_cycle_ - (ar_ - r);
  if (d < 0 || d > r + c - 2) return 0;
  return uint64_t(std::min({d, r - 1, c - 1, r + c - 2 - d}) + 1);
}

void ArrayController::collect_stationary_outputs() {
  const SystolicFold& f = sch_->folds[fold_];
  const int32_t* bottom = array_.bottom_psums();
  const bool ws = layout_ == ArrayLayout::kWeightsHeld;
  int32_t* out = out_->data.data();
  for (int64_t j = 0; j < f.cols; ++j) {
    const int64_t s = hist_at(t_ - lat_ - (ar_ - 1) - j);
    if (s < 0) continue;
    const int64_t idx = ws ? access_->m_part(f.t0 + s) + col_part_[size_t(j)]
                           : access_->m_part(f.col0 + j) + access_->n_part(f.pack, f.t0 + s);
    out[idx] = wrap_add(out[idx], bottom[j]);
  }
}

void ArrayController::collect_drain_row(const int32_t* row, int drained_row, size_t fold) {
  const SystolicFold& f = sch_->folds[fold];
  if (drained_row >= f.rows) return;
  int32_t* out = out_->data.data();
  for (int64_t j = 0; j < f.cols; ++j) {
    int32_t& o = out[access_->out_index(f.pack, f.row0 + drained_row, f.col0 + j)];
    o = wrap_add(o, row[j]);
  }
}

StepResult ArrayController::finish_cycle(StepResult r, uint64_t reads[kNumOperands],
                                         uint64_t out_write, uint64_t out_read) {
  std::copy_n(reads, kNumOperands, last_reads_);
  last_out_write_ = out_write;
  last_out_read_ = out_read;
  const StepResult extra = charge_ports(ports_, reads, out_write, out_read);
  r.bw_stall_sram = extra.bw_stall_sram;
  r.bw_stall_noc = extra.bw_stall_noc;
  return r;
}

}  // namespace adasim::arch
