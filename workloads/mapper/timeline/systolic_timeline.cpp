// SPDX-License-Identifier: Apache-2.0
// The systolic array's timeline (timeline.hpp). A fold's stream is followed in stream cycles p
// (the cycles the array advances, bubbles included; freezes excluded), with
// real cycle = p + off, where `off` grows by every freeze (an output slot not yet free) and
// every SRAM-port or bus stall. Events are taken in the order the engine handles them within a
// cycle: the output side's slot check, the feeder, completed outputs, the shadow load of the
// next fold's stationary tile, and the consumed chunk.
// Under power.policy "idle_timeout" (the array power gated) each of the engine's waits (a kWait
// step: the stationary tile, an output slot, a chunk while nothing is in flight, the capture's
// slot, the layer's last transfers) is one idle run; a run longer than idle_cycles ends with
// wakeup_cycles of stall (idle_gate.hpp), which resume() adds.
#include <algorithm>
#include <deque>
#include <optional>

#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/timeline/dma_replay.hpp"
#include "workloads/mapper/timeline/idle_gate.hpp"
#include "workloads/mapper/timeline/port_demand.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads::timeline {

namespace {

using arch::Operand;
constexpr int64_t kInf = INT64_MAX / 4;
constexpr int kPsum = 4;

/// Port demand of a fold's stream cycles, as pieces [p0, p1) of constant demand.
class Flows {
 public:
  void add(int64_t p0, int64_t p1, const CycleDemand& d) {
    if (p1 > p0) pieces_.push_back({p0, p1, d});
  }
  void clear() { pieces_.clear(); }
  /// Stall cycles of stream cycles [a, b). Calls come with non-decreasing `a`, so pieces that
  /// end at or before it are dropped first (the live ones stay few).
  int64_t stalls(int64_t a, int64_t b, const PortModel& pm) {
    pieces_.erase(
        std::remove_if(pieces_.begin(), pieces_.end(), [a](const Piece& x) { return x.p1 <= a; }),
        pieces_.end());
    std::vector<int64_t> cut = {a, b};
    for (const Piece& x : pieces_)
      for (int64_t v : {x.p0, x.p1})
        if (v > a && v < b) cut.push_back(v);
    std::sort(cut.begin(), cut.end());
    cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
    int64_t total = 0;
    for (size_t i = 0; i + 1 < cut.size(); ++i) {
      CycleDemand d;
      for (const Piece& x : pieces_)
        if (x.p0 <= cut[i] && x.p1 > cut[i]) d += x.d;
      total += (cut[i + 1] - cut[i]) * pm.extra(d);
    }
    return total;
  }
  /// The first stream cycle q >= a whose real cycle is at least `target`, when stream cycle a
  /// starts at real cycle `real_a` and every stream cycle lasts one cycle plus its stalls: data
  /// that arrives during bubbles whose outputs or shadow loads stall the ports is consumed at
  /// the first cycle that starts after it, as the engine checks it cycle by cycle.
  int64_t reach(int64_t a, int64_t real_a, int64_t target, const PortModel& pm) const {
    std::vector<int64_t> cut = {a};
    for (const Piece& x : pieces_)
      for (int64_t v : {x.p0, x.p1})
        if (v > a) cut.push_back(v);
    std::sort(cut.begin(), cut.end());
    cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
    int64_t r = real_a;
    for (size_t i = 0; i < cut.size(); ++i) {
      if (r >= target) return cut[i];
      CycleDemand d;
      for (const Piece& x : pieces_)
        if (x.p0 <= cut[i] && x.p1 > cut[i]) d += x.d;
      const int64_t per = 1 + pm.extra(d);
      const int64_t n = (target - r + per - 1) / per;  // cycles of this run it takes
      if (i + 1 == cut.size() || cut[i] + n <= cut[i + 1]) return cut[i] + n;
      r += (cut[i + 1] - cut[i]) * per;
    }
    return a;  // not reached: the last run is unbounded
  }

 private:
  struct Piece {
    int64_t p0, p1;
    CycleDemand d;
  };
  std::vector<Piece> pieces_;
};

/// An output-side event of a stationary (WS / IS) fold, in stream cycles.
struct OutEvent {
  int64_t p;
  bool check;  // the first row of an output chunk needs its slot; else the chunk's last row
  int64_t oc;
};

class SystolicTimeline {
 public:
  SystolicTimeline(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec);
  /// The layer's cycles with the array's first step at cycle `start` (the DMA from cycle 0).
  int64_t run(int64_t start);

 private:
  // One fold's stream state.
  struct Stream {
    size_t f = 0;
    int64_t p = 0, off = 0;  // next stream cycle to run; real cycle = p + off
    size_t chunk = 0;
    int64_t fed = 0, last_feed = -1;
    Flows flows;
  };
  int64_t ready(const std::optional<int64_t>& t_ps, const char* what) const;
  void advance(Stream& st, int64_t to) const;
  int64_t real(const Stream& st, int64_t p) const { return p + st.off; }
  int64_t feed_cycle(const Stream& st) const;
  int64_t arrival(const Stream& st, int64_t t_ps) const;
  int64_t feed_run(Stream& st, int64_t q, int64_t limit);
  void chunk_done(Stream& st, int64_t last_feed);
  int64_t end_stream(Stream& st, int64_t tail);
  void load_phase(size_t f);
  void stationary_fold(size_t f);
  void shadow_events(Stream& st, int64_t q, int64_t& start, bool& done, int64_t len);
  int64_t shadow_cut(const Stream& st, int64_t q, int64_t limit, int64_t left,
                     const CycleDemand& feed, const CycleDemand& out, int64_t D) const;
  void outputs_held_fold(size_t f);
  /// The outputs of out chunk `oc` left the array in cycle `c`: in SRAM ret_ cycles later.
  void outputs_left(int64_t oc, int64_t c);
  /// The cycle the array goes on at after a wait from `from` for `until` (a wake-up included).
  int64_t resume(int64_t from, int64_t until) const { return gate_.resume(from, until); }
  void stream_wait(Stream& st, int64_t q, int64_t quiet);
  /// The first stream cycle with nothing in flight (the engine's in_flight is false, 3 cycles
  /// after the fold's last output): `tail` is the last output's distance from its feed.
  int64_t quiet_from(const Stream& st, int64_t tail) const {
    return st.last_feed < 0 ? 0 : st.last_feed + tail + 4;
  }
  void drain_cycles(int64_t n);
  void scalesim_writes(Stream& st, const arch::SystolicFold& F) const;
  CycleDemand shadow_demand(size_t fold, int64_t shifted) const;

  const arch::LayerProgram& prog_;
  const arch::SystolicProgram& s_;
  const arch::TransferPlan& tp_;
  Clock clk_;
  DmaReplay dma_;
  PortModel ports_;
  bool scalesim_, wdb_, odb_, os_, stalls_;
  int64_t ar_, ac_, lat_;
  int64_t ret_;         // core cycles from the array's edge to SRAM (nominal_return_latency)
  int64_t landed_ = 0;  // the cycle the layer's last outputs so far are in SRAM
  Operand stat_op_, stream_op_;
  std::array<int64_t, 3> bytes_{1, 1, 4};
  int64_t cyc_ = 0;            // next real cycle of the layer
  IdleGate gate_;              // idle_timeout power gating of the array (or none)
  std::deque<OutEvent> outs_;  // a stationary fold's pending output events
  // Shadow registers: rows of `shadow_fold_`'s stationary tile already shifted in.
  size_t shadow_fold_ = SIZE_MAX;
  int64_t shadow_done_ = 0;
  // OS output chain: the fold it drains, its cycles left.
  int64_t drain_left_ = 0, drain_oc_ = -1, drain_rows_ = 0, drain_cols_ = 0;
};

SystolicTimeline::SystolicTimeline(const arch::LayerProgram& prog,
                                   const arch::AcceleratorSpec& spec)
    : prog_(prog),
      s_(prog.systolic()),
      tp_(prog.transfers),
      clk_(spec),
      dma_(prog.transfers, spec),
      ports_(spec),
      gate_(spec) {
  const auto& pe = spec.pe_array;
  scalesim_ = pe.convention == arch::TimingConvention::kScaleSim;
  wdb_ = !scalesim_ && pe.weight_double_buffer;
  odb_ = !scalesim_ && pe.output_double_buffer;
  os_ = s_.outputs_stationary();
  ar_ = pe.rows;
  ac_ = pe.cols;
  lat_ = scalesim_ ? 0 : arch::nominal_feed_latency(spec);    // NoC stages + synchroniser
  ret_ = scalesim_ ? 0 : arch::nominal_return_latency(spec);  // synchroniser back
  stat_op_ = s_.stationary_operand();
  stream_op_ = s_.streamed_operand();
  bytes_ = {(prog.in_bits + 7) / 8, (prog.w_bits + 7) / 8, kPsum};
  // Port stalls are possible only if the heaviest cycle (every flow at once) stalls.
  CycleDemand worst;
  int64_t rows = 0, cols = 0, feed = 0;
  for (const arch::SystolicFold& f : s_.folds) {
    rows = std::max(rows, f.rows);
    cols = std::max(cols, f.cols);
    feed = std::max(feed, s_.feed_values(f));
  }
  const int64_t lanes = std::max(1, s_.sub_per_row());
  worst.read[0] = (os_ ? rows : std::max(feed, lanes * cols)) * bytes_[0];
  worst.read[1] = (os_ ? cols : std::max(feed, lanes * cols)) * bytes_[1];
  worst.out_write = worst.out_read = cols * kPsum;
  stalls_ = ports_.extra(worst) > 0;
}

int64_t SystolicTimeline::ready(const std::optional<int64_t>& t_ps, const char* what) const {
  if (!t_ps) throw sim::ModelError(std::string("timeline: ") + what + " was never requested");
  return clk_.cycle_at_or_after(*t_ps);
}

void SystolicTimeline::advance(Stream& st, int64_t to) const {
  if (to <= st.p) return;
  if (stalls_) st.off += st.flows.stalls(st.p, to, ports_);
  st.p = to;
}

CycleDemand SystolicTimeline::shadow_demand(size_t fold, int64_t shifted) const {
  // The `shifted`-th row shifted in (the bottom one first): its sub-rows' values (an N:M row
  // loads one slot per PE); SCALE-Sim's load shifts all AR rows, those below the tile empty.
  const arch::SystolicFold& f = s_.folds[fold];
  const int64_t lanes = std::max(1, s_.sub_per_row());
  const int64_t per_row = s_.nm_m > 0 ? 1 : lanes;
  const int64_t len = scalesim_ ? ar_ : s_.physical_rows(f.rows);
  const int64_t row = len - 1 - shifted;
  const int64_t loaded =
      std::min(per_row, std::clamp<int64_t>(s_.sub_rows(f.rows) - row * lanes, 0, lanes));
  CycleDemand d;
  d.read[size_t(stat_op_)] = loaded * f.cols * bytes_[size_t(stat_op_)];
  return d;
}

int64_t SystolicTimeline::run(int64_t start) {
  cyc_ = start;
  for (size_t f = 0; f < s_.folds.size(); ++f) {
    if (os_) {
      outputs_held_fold(f);
    } else {
      load_phase(f);
      stationary_fold(f);
    }
  }
  // The layer ends when its last transfer (the last store) has completed and its last outputs
  // are in SRAM (a wait, which a gated array ends with a wake-up as the engine does).
  return resume(cyc_, std::max(landed_, ready(dma_.all_done(), "a layer transfer")));
}

void SystolicTimeline::stream_wait(Stream& st, int64_t q, int64_t quiet) {
  // The chunk fed at stream cycle q arrives late. While data is still in flight (before stream
  // cycle `quiet`) the engine runs bubbles; from `quiet` on it waits instead (no port demand is
  // left there, so real(q) is the arrival), and a gated array wakes up after the wait.
  const int64_t p0 = std::max(st.p, quiet);
  if (!gate_.on() || p0 >= q) return;
  advance(st, p0);
  st.off = resume(real(st, p0), real(st, q)) - q;
}

void SystolicTimeline::outputs_left(int64_t oc, int64_t c) {
  landed_ = std::max(landed_, c + ret_);
  dma_.outputs_done(oc, clk_.ps(c + ret_));
}

void SystolicTimeline::load_phase(size_t f) {
  const int64_t len = scalesim_ ? ar_ : s_.physical_rows(s_.folds[f].rows);
  const int64_t done = shadow_fold_ == f ? shadow_done_ : 0;
  shadow_fold_ = SIZE_MAX;
  if (done >= len) return;
  // The rows left shift one per cycle once the tile is in SRAM (the bottom row first).
  cyc_ = resume(cyc_, ready(dma_.stationary_ready(f), "a stationary tile"));
  for (int64_t row = done; row < len; ++row) {
    if (row + 1 == len) dma_.stationary_loaded(f, clk_.ps(cyc_));
    cyc_ += 1 + (stalls_ ? ports_.extra(shadow_demand(f, row)) : 0);
  }
}

int64_t SystolicTimeline::feed_cycle(const Stream& st) const {
  // The next temporal index feeds on the first stream cycle at which its chunk is in SRAM.
  const arch::FoldPlan& fp = tp_.folds[st.f];
  if (st.fed >= s_.folds[st.f].t_len) return kInf;
  const arch::ChunkPlan& cp = fp.chunks[st.chunk];
  if (st.fed != cp.t0) return st.p;
  const auto r = dma_.chunk_ready(dma_.chunk_index(st.f, st.chunk));
  if (!r) return kInf;  // its load has not issued yet: bubbles until it does
  return arrival(st, *r);
}

int64_t SystolicTimeline::arrival(const Stream& st, int64_t t_ps) const {
  // The first stream cycle from st.p that starts at or after t_ps, counting the stalls of the
  // bubbles before it.
  const int64_t target = clk_.cycle_at_or_after(t_ps);
  if (!stalls_ || real(st, st.p) >= target) return std::max(st.p, target - st.off);
  return st.flows.reach(st.p, real(st, st.p), target, ports_);
}

int64_t SystolicTimeline::feed_run(Stream& st, int64_t q, int64_t limit) {
  // Feeds consecutive indices of the current chunk from cycle q, up to the chunk's end or the
  // cycle before `limit`; returns how many.
  const arch::ChunkPlan& cp = tp_.folds[st.f].chunks[st.chunk];
  const int64_t n = std::min(cp.t0 + cp.t_len - st.fed, std::max<int64_t>(1, limit - q));
  st.fed += n;
  st.last_feed = q + n - 1;
  return n;
}

void SystolicTimeline::chunk_done(Stream& st, int64_t last_feed) {
  // The chunk's last index was fed at `last_feed`: its SRAM slot is free from that cycle.
  advance(st, last_feed);
  dma_.chunk_consumed(dma_.chunk_index(st.f, st.chunk), clk_.ps(real(st, last_feed)));
  if (st.chunk + 1 < tp_.folds[st.f].chunks.size()) ++st.chunk;
}

int64_t SystolicTimeline::end_stream(Stream& st, int64_t tail) {
  // The fold's last output leaves `tail` cycles after its last feed; returns that stream cycle.
  const int64_t final_p = st.last_feed + tail;
  advance(st, final_p + 1);
  cyc_ = real(st, st.p);
  return final_p;
}

void SystolicTimeline::shadow_events(Stream& st, int64_t q, int64_t& start, bool& done,
                                     int64_t len) {
  // The next fold's stationary tile shifts in one row per stream cycle once it is in SRAM.
  const size_t next = st.f + 1;
  if (start < 0) {
    const auto r = dma_.stationary_ready(next);
    if (!r || clk_.cycle_at_or_after(*r) > real(st, q)) return;
    start = q;
    if (stalls_) st.flows.add(q, q + 1, shadow_demand(next, 0));
    if (stalls_) st.flows.add(q + 1, q + len, shadow_demand(next, 1));
  }
  if (!done && q == start + len - 1) {
    done = true;
    dma_.stationary_loaded(next, clk_.ps(real(st, q)));
  }
}

int64_t SystolicTimeline::shadow_cut(const Stream& st, int64_t q, int64_t limit, int64_t left,
                                     const CycleDemand& feed, const CycleDemand& out,
                                     int64_t D) const {
  // The next fold's tile arrives during a feed run from q: the run's own port stalls bring the
  // cycle the shadow load starts at (the first that starts after the arrival) forward, so the
  // run stops there (its outputs, D cycles on, do not matter before it).
  const auto r = dma_.stationary_ready(st.f + 1);
  if (!r) return kInf;
  const int64_t n = std::min(left, std::max<int64_t>(1, limit - q));
  Flows trial = st.flows;
  trial.add(q, q + n, feed);
  trial.add(q + D, q + n + D, out);
  return trial.reach(q, real(st, q), clk_.cycle_at_or_after(*r), ports_);
}

void SystolicTimeline::stationary_fold(size_t f) {
  const arch::SystolicFold& F = s_.folds[f];
  const arch::FoldPlan& fp = tp_.folds[f];
  const int64_t c_end = scalesim_ ? ac_ : F.cols;
  const int64_t D = lat_ + (ar_ - 1) + (F.cols - 1), tail = lat_ + (ar_ - 1) + (c_end - 1);
  const bool shadow = wdb_ && f + 1 < s_.folds.size();
  const int64_t next_len = shadow ? s_.physical_rows(s_.folds[f + 1].rows) : 0;
  CycleDemand feed, out;
  feed.read[size_t(stream_op_)] = s_.feed_values(F) * bytes_[size_t(stream_op_)];
  out.out_write = F.cols * kPsum;
  out.out_read = F.first_accum ? 0 : F.cols * kPsum;
  Stream st;
  st.f = f;
  st.off = cyc_;
  std::deque<OutEvent>& outs = outs_;  // reused: its storage outlives the fold
  outs.clear();
  int64_t sh_start = -1;
  bool sh_done = !shadow;
  // The next shadow event: its first row (once the tile is in SRAM) or its last.
  auto shadow_next = [&]() {
    if (sh_done) return kInf;
    if (sh_start >= 0) return sh_start + next_len - 1;
    const auto r = dma_.stationary_ready(f + 1);
    return r ? arrival(st, *r) : kInf;
  };
  for (;;) {
    const int64_t final_p = st.fed == F.t_len ? st.last_feed + tail : kInf;
    int64_t psh = shadow_next();
    if (psh > final_p) psh = kInf;
    const int64_t po = outs.empty() ? kInf : outs.front().p;
    const int64_t pf = feed_cycle(st);
    const int64_t q = std::min({pf, po, psh});
    if (q >= kInf) {
      if (st.fed == F.t_len && outs.empty()) break;
      throw sim::ModelError("timeline: a systolic fold waits for a transfer that never issues");
    }
    // With the next fold's tile to shift in, the engine never waits in the stream (bubbles).
    if (pf == q) stream_wait(st, q, shadow ? kInf : quiet_from(st, tail));
    advance(st, q);
    // Output side first: a row that starts a new output chunk needs its slot (the array freezes).
    while (!outs.empty() && outs.front().p == q && outs.front().check) {
      const int64_t rc = ready(dma_.out_slot_ready(outs.front().oc), "an output slot");
      st.off = resume(real(st, q), rc) - q;
      outs.pop_front();
    }
    const bool feeds = feed_cycle(st) == q;
    // Completed outputs, then the shadow load (the order of the engine's cycle).
    while (!outs.empty() && outs.front().p == q) {
      outputs_left(outs.front().oc, real(st, q));
      outs.pop_front();
    }
    if (!sh_done) shadow_events(st, q, sh_start, sh_done, next_len);
    int64_t n = 1;
    if (feeds) {
      // A run of indices up to the next event (a new chunk's first-row check included).
      const size_t chunk = st.chunk;
      const arch::ChunkPlan& cp = fp.chunks[chunk];
      const bool first = st.fed == cp.t0;
      int64_t limit = std::min(outs.empty() ? kInf : outs.front().p, shadow_next());
      if (first) limit = std::min(limit, q + D);
      if (stalls_ && sh_start < 0 && !sh_done)
        limit = std::min(limit, shadow_cut(st, q, limit, cp.t0 + cp.t_len - st.fed, feed, out, D));
      n = feed_run(st, q, limit);
      const int64_t oc = dma_.out_index(dma_.chunk_index(f, chunk));
      if (stalls_) st.flows.add(q, q + n, feed);
      if (stalls_) st.flows.add(q + D, q + n + D, out);
      if (first) outs.push_back({q + D, true, oc});
      if (st.fed == cp.t0 + cp.t_len) {
        outs.push_back({q + n - 1 + D, false, oc});
        chunk_done(st, q + n - 1);
      }
    }
    advance(st, q + n);
  }
  const int64_t final_p = end_stream(st, tail);
  shadow_fold_ = shadow ? f + 1 : SIZE_MAX;
  shadow_done_ = sh_done ? next_len : (sh_start >= 0 ? final_p - sh_start + 1 : 0);
}

void SystolicTimeline::drain_cycles(int64_t n) {
  // Exposed cycles of the OS output chain: one row leaves per cycle (the rows the fold did not
  // use leave first and write nothing); the last one completes the fold's outputs.
  CycleDemand wr;
  wr.out_write = drain_cols_ * kPsum;
  const int64_t e = stalls_ ? ports_.extra(wr) : 0;
  for (int64_t i = 0; i < n && drain_left_ > 0; ++i) {
    const int64_t d = ar_ - drain_left_;
    if (--drain_left_ == 0) outputs_left(drain_oc_, cyc_);
    cyc_ += 1 + (d >= ar_ - drain_rows_ ? e : 0);
  }
}

void SystolicTimeline::scalesim_writes(Stream& st, const arch::SystolicFold& F) const {
  // SCALE-Sim's OS outputs leave on the fold's last lines (docs/scalesim_conventions.md
  // section 3): the used r x c outputs fill diagonals d = 0 .. r + c - 2, the first one AR - r
  // stream cycles after the last feed, min(d, r - 1, c - 1, r + c - 2 - d) + 1 outputs on
  // each; runs of equal counts make one piece.
  const int64_t r = F.rows, c = F.cols, p0 = st.last_feed + (ar_ - r);
  auto count = [&](int64_t d) { return std::min({d, r - 1, c - 1, r + c - 2 - d}) + 1; };
  for (int64_t d = 0; d <= r + c - 2;) {
    int64_t e = d + 1;
    while (e <= r + c - 2 && count(e) == count(d)) ++e;
    CycleDemand w;
    w.out_write = count(d) * kPsum;
    st.flows.add(p0 + d, p0 + e, w);
    d = e;
  }
}

void SystolicTimeline::outputs_held_fold(size_t f) {
  const arch::SystolicFold& F = s_.folds[f];
  const arch::FoldPlan& fp = tp_.folds[f];
  const int64_t r_end = scalesim_ ? ar_ : F.rows, c_end = scalesim_ ? ac_ : F.cols;
  const int64_t tail = lat_ + (r_end - 1) + (c_end - 1);
  CycleDemand feed, drain;
  feed.read[0] = F.rows * bytes_[0];
  feed.read[1] = F.cols * bytes_[1];
  drain.out_write = drain_cols_ * kPsum;
  Stream st;
  st.f = f;
  st.off = cyc_;
  // The previous fold drains during this stream, one row per stream cycle.
  const int64_t drain_end = drain_left_ > 0 ? drain_left_ - 1 : kInf;
  const int64_t drained = drain_left_;  // the engine waits for a chunk only once it has drained
  if (drain_left_ > 0 && stalls_)
    st.flows.add(std::max<int64_t>(0, drain_left_ - drain_rows_), drain_left_, drain);
  for (;;) {
    const int64_t final_p = st.fed == F.t_len ? st.last_feed + tail : kInf;
    const int64_t pd = drain_left_ > 0 && drain_end <= final_p ? drain_end : kInf;
    const int64_t pf = feed_cycle(st);
    const int64_t q = std::min(pf, pd);
    if (q >= kInf) {
      if (st.fed == F.t_len) break;
      throw sim::ModelError("timeline: a systolic fold waits for a transfer that never issues");
    }
    if (pf == q) stream_wait(st, q, std::max(drained, quiet_from(st, tail)));
    advance(st, q);
    const bool feeds = feed_cycle(st) == q;
    if (q == pd) {
      drain_left_ = 0;
      outputs_left(drain_oc_, real(st, q));
    }
    int64_t n = 1;
    if (feeds) {
      const size_t chunk = st.chunk;
      const arch::ChunkPlan& cp = fp.chunks[chunk];
      n = feed_run(st, q, drain_left_ > 0 ? pd : kInf);
      if (stalls_) st.flows.add(q, q + n, feed);
      if (stalls_ && scalesim_ && st.fed == F.t_len) scalesim_writes(st, F);
      if (st.fed == cp.t0 + cp.t_len) chunk_done(st, q + n - 1);
    }
    advance(st, q + n);
  }
  const int64_t final_p = end_stream(st, tail);
  if (drain_left_ > 0) {
    drain_left_ -= final_p + 1;  // rows that left during the stream
    drain_cycles(drain_left_);   // the rest is exposed before the capture
  }
  // Capture: the accumulators move into the output chain once their output slot is free.
  const int64_t oc = dma_.out_index(dma_.chunk_index(f, fp.chunks.size() - 1));
  cyc_ = resume(cyc_, ready(dma_.out_slot_ready(oc), "an output slot"));
  if (scalesim_) {
    dma_.outputs_done(oc, clk_.ps(cyc_));  // SCALE-Sim's convention: no drain cycles
    return;
  }
  drain_oc_ = oc;
  drain_left_ = ar_;
  drain_rows_ = F.rows;
  drain_cols_ = F.cols;
  if (!odb_ || f + 1 == s_.folds.size()) drain_cycles(ar_);
}

}  // namespace

int64_t systolic_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                        int64_t start) {
  if (prog.systolic().folds.empty()) return start;
  return SystolicTimeline(prog, spec).run(start);
}

}  // namespace adasim::workloads::timeline
