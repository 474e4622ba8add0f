// SPDX-License-Identifier: Apache-2.0
// Fast mode of the array controller: finds a stretch of stream cycles that would each do the
// same thing in per-cycle mode (feed the next index of a chunk that is in SRAM, write a complete
// output row to a chunk whose slot was already granted, shift a stationary row into the shadow
// chain, drain an OS row) and in which nothing can happen that changes the next cycle: no chunk
// is consumed, no output chunk completes, no stationary tile finishes loading, no data arrives
// (the DMA only moves when the engine raises an event, and none is raised inside the stretch),
// and no step is skipped. Such a stretch advances in one step that charges every cycle's
// traffic; the cycles that raise events or wait run one by one, as in per-cycle mode, at the
// same times. So cycles, stalls and access counts equal per-cycle mode's by construction.
#include <algorithm>
#include <limits>

#include "arch/pe/array_controller.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
constexpr int kPsumBytes = 4;
constexpr int kOf = int(Operand::kOfmap);
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}  // namespace

bool ArrayController::stretch_outputs(Stretch& s, const SystolicFold& f) {
  // WS / IS: the output row completing at cycle t is the index fed at t - D.
  const int64_t D = lat_ + (ar_ - 1) + (f.cols - 1);
  if (D < 1) return false;
  const int64_t a = t_ - D;  // the window [a, a + n) of feed cycles the stretch's outputs read
  const int64_t last = last_feed_cycle_;
  if (first_feed_t_ < 0 || a < first_feed_t_ || a > last) {
    // No output row completes while the window lies before the fold's first feed or in the
    // bubbles after its latest one, up to the stretch's own first feed (at t_).
    int64_t end = s.feeding ? t_ : kNever;
    if (first_feed_t_ >= 0 && a < first_feed_t_) end = std::min(end, first_feed_t_);
    if (end != kNever) s.n = std::min(s.n, end - a);
    return s.n > 0;
  }
  // Otherwise the window cycles fed consecutive indices of the latest run of feeds, until its
  // last feed (or on, with the stretch's own feeds continuing the run).
  int64_t d0 = -1;
  if (run_t_ >= 0 && run_t_ <= a) {
    if (!(s.feeding && s.extends_run)) s.n = std::min(s.n, last - a + 1);
    d0 = run_idx_ + (a - run_t_);
  } else {
    // The window starts before the latest run (the feed paused or jumped since): the feed
    // history of the window's cycles before t_ says what leaves, up to the next change.
    d0 = hist_at(a);
    int64_t j = a + 1;
    while (j < t_ && hist_at(j) == (d0 < 0 ? -1 : d0 + (j - a))) ++j;
    s.n = std::min(s.n, j - a);
    if (d0 < 0) return s.n > 0;  // a pause: no output row completes until the next feed's
  }
  const size_t ci = size_t(d0 / sch_->chunk_len);
  const std::vector<ChunkPlan>& chunks = (*tfolds_)[fold_].chunks;
  const int64_t out_chunk = ports_.plan->out_index(ports_.plan->chunk_index(fold_, ci));
  if (out_chunk != out_chunk_checked_) {
    // The window's first row is the first of a new output chunk: per-cycle mode checks its slot
    // now (output_slot_wait), and goes on alike if it was granted by now; else it waits (or
    // reports a slot never requested), one cycle at a time.
    const auto granted = ports_.plan->out_slot_ready(out_chunk);
    if (!granted || *granted > sc_core::sc_time_stamp()) return false;
    s.slot_checked = out_chunk;
  }
  const ChunkPlan& oc = chunks[ci];
  // The chunk's last row raises an event: the stretch may end with it.
  s.out_at = oc.t0 + oc.t_len - d0;
  s.ev_out = out_chunk;
  s.n = std::min(s.n, s.out_at);
  s.out_write = uint64_t(f.cols) * kPsumBytes;
  s.values[kOf] += uint64_t(f.cols);
  if (!f.first_accum) s.out_read = uint64_t(f.cols) * kPsumBytes;
  return s.n > 0;
}

bool ArrayController::stretch_scalesim_writes(Stretch& s, const SystolicFold& f) {
  // SCALE-Sim's OS convention writes a fold's outputs along diagonals d = t - last feed - (AR - r)
  // after its last feed (scalesim_os_writes): none before d = 0 or after d = r + c - 2, m + 1 on
  // the plateau m <= d <= r + c - 2 - m (m = min(r, c) - 1), and a different count each cycle
  // on the ramps between, which therefore run cycle by cycle.
  const uint64_t w = scalesim_os_writes(t_);
  // The fold's last feed may write the first diagonal in its own cycle: it runs alone.
  if (s.feeding) s.n = std::min(s.n, f.t_len - 1 - fed_);
  if (fed_ == f.t_len && f.rows > 0 && f.cols > 0) {
    const int64_t r = f.rows, c = f.cols, m = std::min(r, c) - 1;
    const int64_t d = t_ - last_feed_cycle_ - (ar_ - r);
    if (d > r + c - 2) {
      // all written
    } else if (d < 0) {
      s.n = std::min(s.n, -d);
    } else if (d >= m && d <= r + c - 2 - m) {
      s.n = std::min(s.n, r + c - 1 - m - d);
    } else {
      s.n = std::min<int64_t>(s.n, 1);  // a ramp
    }
  }
  s.out_write += w * kPsumBytes;
  s.values[kOf] += w;
  return s.n > 0;
}

bool ArrayController::stretch_shadow(Stretch& s, std::optional<sc_core::sc_time>& horizon) {
  // The next fold's stationary tile loads into the shadow chain during this fold.
  const size_t next = fold_ + 1;
  if (next >= sch_->folds.size() || scalesim_ || !spec_.pe_array.weight_double_buffer) return true;
  if (!shadow_valid_ || shadow_fold_ != next) return false;  // first call not made yet
  const int len = int(sch_->physical_rows(sch_->folds[next].rows));
  if (shadow_done_ >= len) return true;
  const auto ready = ports_.plan->stationary_ready(next);
  if (!ready) return true;  // not issued: only an event issues it
  if (*ready > sc_core::sc_time_stamp()) {
    horizon = horizon ? std::min(*horizon, *ready) : *ready;
    return true;
  }
  // Rows shift one per cycle; the first (bottom) row may be partial, the last one raises the
  // tile-loaded event.
  const uint64_t values = shadow_row_values(next, shadow_done_);
  if (shadow_done_ + 1 < len && shadow_row_values(next, shadow_done_ + 1) != values)
    s.n = std::min<int64_t>(s.n, 1);
  s.loaded_at = len - shadow_done_;  // the last row's cycle raises an event
  s.ev_loaded = int64_t(next);
  s.n = std::min<int64_t>(s.n, s.loaded_at);
  s.reads[int(stat_op_)] += values * uint64_t(stat_op_ == Operand::kIfmap ? in_bytes_ : w_bytes_);
  s.values[int(stat_op_)] += values;
  s.shifting = true;
  return s.n > 0;
}

void ArrayController::stretch_drain(Stretch& s) const {
  // OS: rows of the previous fold leave the drain chain; its last one raises an event.
  const int64_t rows = sch_->folds[drain_fold_].rows;
  if (drain_left_ > rows) {
    s.n = std::min<int64_t>(s.n, drain_left_ - rows);
  } else {
    s.n = std::min<int64_t>(s.n, drain_left_ - 1);
    s.out_write = uint64_t(sch_->folds[drain_fold_].cols) * kPsumBytes;
    s.values[kOf] += uint64_t(sch_->folds[drain_fold_].cols);
  }
}

ArrayController::Stretch ArrayController::steady_stretch() {
  const SystolicFold& f = sch_->folds[fold_];
  const int64_t T = f.t_len, r_end = scalesim_ ? ar_ : f.rows, c_end = scalesim_ ? ac_ : f.cols;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  Stretch s;
  s.n = kNever;
  std::optional<sc_core::sc_time> horizon;  // the earliest arrival that ends the stretch
  const std::optional<sc_core::sc_time> ready = fed_ < T ? feed_ready() : std::nullopt;
  if (fed_ < T && (!ready || *ready > now)) {
    // Bubbles: the feeder waits for its chunk while the array keeps moving (values in flight,
    // an OS drain, or the next tile loading into the shadow chain); from the arrival on it feeds.
    const bool shadow_busy =
        !os_ && fold_ + 1 < sch_->folds.size() && !scalesim_ && spec_.pe_array.weight_double_buffer;
    if (!drain_active_ && (!shadow_busy || !ready)) {
      // Only values in flight keep it moving (per-cycle mode then waits, or reports a chunk
      // never requested): until they left.
      if (last_feed_cycle_ < 0) return {};
      const int64_t flight_end = last_feed_cycle_ + lat_ + (os_ ? r_end : ar_) + c_end + 1;
      if (t_ > flight_end) return {};
      s.n = flight_end - t_ + 1;
    }
    s.bubble = true;
    if (ready) horizon = *ready;
  } else if (fed_ < T) {
    if (skip_[size_t(fed_)]) return {};
    const ChunkPlan& cp = (*tfolds_)[fold_].chunks[chunk_];
    s.consumed_at = cp.t0 + cp.t_len - fed_;  // the chunk's last index raises an event
    s.ev_consumed = ports_.plan->chunk_index(fold_, chunk_);
    s.n = s.consumed_at;
    for (int64_t x = fed_; x < fed_ + s.n; ++x)
      if (skip_[size_t(x)]) s.n = x - fed_;
    s.feeding = true;
    s.extends_run = run_t_ >= 0 && last_feed_cycle_ == t_ - 1 && fed_ == last_fed_idx_ + 1;
    if (os_) {
      s.reads[int(Operand::kIfmap)] += uint64_t(f.rows * in_bytes_);
      s.reads[int(Operand::kWeight)] += uint64_t(f.cols * w_bytes_);
      s.values[int(Operand::kIfmap)] += uint64_t(f.rows);
      s.values[int(Operand::kWeight)] += uint64_t(f.cols);
    } else {
      s.reads[int(stream_op_)] += uint64_t(sch_->feed_values(f)) *
                                  uint64_t(stream_op_ == Operand::kIfmap ? in_bytes_ : w_bytes_);
      s.values[int(stream_op_)] += uint64_t(sch_->feed_values(f));
    }
  } else {
    // The stream's tail: the last values cross the array; the fold ends at last feed + tail.
    if (last_feed_cycle_ < 0) return {};
    const int64_t tail = os_ ? lat_ + (r_end - 1) + (c_end - 1) : lat_ + (ar_ - 1) + (c_end - 1);
    s.n = last_feed_cycle_ + tail - t_;
  }
  if (os_) {
    if (drain_active_) stretch_drain(s);
    if (scalesim_ && !stretch_scalesim_writes(s, f)) return {};
  } else if (!stretch_outputs(s, f) || !stretch_shadow(s, horizon)) {
    return {};
  }
  if (s.n < 2) return {};
  const uint64_t k = steady_ports(ports_, s.reads, s.out_write, s.out_read);
  if (k == 0) return {};
  s.k = k;
  if (const auto& split = ports_.clock->split_at)
    horizon = horizon ? std::min(*horizon, *split) : *split;
  if (horizon) {
    // Data arrives (or the DVFS governor samples) at `horizon`: only the cycles that start
    // before it are alike.
    const uint64_t step = k * ports_.clock->period.value();
    const uint64_t gap = (*horizon - now).value();
    s.n = std::min<int64_t>(s.n, int64_t((gap + step - 1) / step));
    if (s.n < 2) return {};
  }
  // An event whose cycle the stretch does not reach is not raised by it.
  if (s.out_at != s.n) s.ev_out = -1;
  if (s.loaded_at != s.n) s.ev_loaded = -1;
  if (s.consumed_at != s.n) s.ev_consumed = -1;
  return s;
}

StepResult ArrayController::advance(const Stretch& s) {
  // The per-cycle bookkeeping of n cycles: the feed history (only its last ring matters), the
  // run of consecutive feeds, the shadow chain, the OS drain chain and the tally.
  const int64_t ring = hist_mask_ + 1;
  for (int64_t i = std::max<int64_t>(0, s.n - ring); i < s.n; ++i)
    hist_[size_t((t_ + i) & hist_mask_)] = s.feeding ? fed_ + i : -1;
  const uint64_t work = s.feeding ? feed_work(fed_, s.n) : 0;
  if (s.feeding) {
    if (!s.extends_run) {
      run_t_ = t_;
      run_idx_ = fed_;
    }
    if (first_feed_t_ < 0) first_feed_t_ = t_;
    fed_ += s.n;
    last_fed_idx_ = fed_ - 1;
    last_feed_cycle_ = t_ + s.n - 1;
  }
  if (s.shifting) shadow_done_ += int(s.n);
  if (s.slot_checked >= 0) out_chunk_checked_ = s.slot_checked;
  for (int o = 0; o < kNumOperands; ++o)
    tally_.sram_values[size_t(o)] += s.values[o] * uint64_t(s.n);
  if (!s.bubble) tally_.folds.back().cycles += uint64_t(s.n);
  if (os_ && drain_active_) drain_left_ -= int(s.n);
  t_ += s.n;
  uint64_t reads[kNumOperands] = {s.reads[0], s.reads[1], s.reads[2]};
  StepResult r = charge_ports(ports_, reads, s.out_write, s.out_read, uint64_t(s.n));
  if (s.ev_out >= 0 || s.ev_loaded >= 0 || s.ev_consumed >= 0) {
    // The last cycle's events, in per-cycle mode's order, at the time that cycle starts (every
    // cycle of the stretch takes k clock cycles).
    const sc_core::sc_time at =
        sc_core::sc_time_stamp() +
        sc_core::sc_time::from_value(ports_.clock->period.value() * s.k * uint64_t(s.n - 1));
    if (s.ev_out >= 0) outputs_left(s.ev_out, at);
    if (s.ev_loaded >= 0) ports_.plan->stationary_loaded(size_t(s.ev_loaded), at);
    if (s.ev_consumed >= 0) ports_.plan->chunk_consumed(s.ev_consumed, at);
  }
  r.repeat = uint64_t(s.n);
  r.bubble = s.bubble;
  r.pe_cycles = work;
  return r;
}

StepResult ArrayController::checked_stream() {
  // Per-cycle mode that verifies the stretches fast mode would advance in one step: each of
  // their cycles must feed / write / shift what the stretch says, take its clock cycles, raise
  // no event but the last cycle's (as many as the stretch says) and stay in the fold's stream.
  if (expect_left_ == 0) {
    expect_ = steady_stretch();
    expect_left_ = expect_.n;
  }
  if (expect_left_ == 0) return step_stream();
  // Its last cycle raises the stretch's events, the others none.
  const uint64_t raised =
      ports_.plan->raised() +
      (expect_left_ == 1 ? uint64_t(expect_.ev_out >= 0) + uint64_t(expect_.ev_loaded >= 0) +
                               uint64_t(expect_.ev_consumed >= 0)
                         : 0);
  const size_t fold = fold_;
  const uint64_t cycles_before = tally_.folds[fold].cycles;
  const std::array<uint64_t, kNumOperands> values_before = tally_.sram_values;
  const StepResult r = step_stream();
  bool same = r.kind == StepResult::Kind::kAdvanced && r.bubble == expect_.bubble &&
              tally_.folds[fold].cycles == cycles_before + (expect_.bubble ? 0 : 1) &&
              1 + r.bw_stall_sram + r.bw_stall_noc == expect_.k &&
              ports_.plan->raised() == raised && fold_ == fold && phase_ == Phase::kStream &&
              last_out_write_ == expect_.out_write && last_out_read_ == expect_.out_read;
  for (int o = 0; o < kNumOperands; ++o)
    same = same && last_reads_[o] == expect_.reads[o] &&
           tally_.sram_values[size_t(o)] == values_before[size_t(o)] + expect_.values[o];
  if (!same)
    throw sim::ModelError("array controller: fast-mode check failed in layer " + prog_->layer +
                          ", fold " + std::to_string(fold) + ", cycle " + std::to_string(t_ - 1) +
                          " of a " + std::to_string(expect_.n) + "-cycle stretch (" +
                          std::to_string(expect_left_) + " left)");
  --expect_left_;
  return r;
}

}  // namespace adasim::arch
