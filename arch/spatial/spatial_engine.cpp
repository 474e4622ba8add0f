// SPDX-License-Identifier: Apache-2.0
#include "arch/spatial/spatial_engine.hpp"

#include <algorithm>
#include <map>

#include "arch/pe/wrapping_add.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch::spatial {

namespace {

constexpr int kIf = 0, kW = 1, kPs = 2;

// Operand coordinates of a dim vector, without the padding offset (linear in x).
Coord lin(int o, const Problem& p, const std::array<int64_t, kNumDims>& x) {
  if (o == kIf)
    return {x[kG], x[kN], x[kC], x[kP] * p.stride_h + x[kR] * p.dil_h,
            x[kQ] * p.stride_w + x[kS] * p.dil_w};
  if (o == kW) return {x[kG], x[kM], x[kC], x[kR], x[kS]};
  return {x[kG], x[kN], x[kM], x[kP], x[kQ]};
}

Coord pad_of(int o, const Problem& p) {
  return o == kIf ? Coord{0, 0, 0, p.pad_t, p.pad_l} : Coord{};
}

Coord layout_strides(const Box& frame) {
  Coord st{};
  int64_t n = 1;
  for (size_t a = size_t(kAxes); a-- > 0;) {
    st[a] = n;
    n *= std::max<int64_t>(0, frame.hi[a] - frame.lo[a]);
  }
  return st;
}

int64_t dot(const Coord& a, const Coord& b) {
  int64_t s = 0;
  for (size_t i = 0; i < size_t(kAxes); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

SpatialEngine::SpatialEngine(const Problem& p, const Mapping& m, const INoc& noc, int in_bits,
                             int w_bits, int psum_bits, NocClock clock)
    : p_(p), m_(m), noc_(noc), clock_(clock), bits_{in_bits, w_bits, psum_bits} {
  gb0_ = m.first_at(Level::kGbuf);
  y0_ = m.first_at(Level::kArrayY);
  x0_ = m.first_at(Level::kArrayX);
  rf0_ = m.first_at(Level::kRf);
  inner_ = m.inner_strides();
  it_.assign(y0_, 0);
  dram_iters_ = m.product(0, gb0_);
  gb_span_ = m.spans_from(gb0_);
  rf_span_ = m.spans_from(rf0_);

  // PEs: one per combination of the spatial loop indices; Y loops give the row.
  const int64_t rows = m.rows(), cols = m.cols();
  for (int64_t y = 0; y < rows; ++y)
    for (int64_t x = 0; x < cols; ++x) {
      Idx off{};
      int64_t ry = y, rx = x;
      for (size_t l = x0_; l-- > y0_;) {
        off[size_t(m.loops[l].dim)] += (ry % m.loops[l].bound) * inner_[l];
        ry /= m.loops[l].bound;
      }
      for (size_t l = rf0_; l-- > x0_;) {
        off[size_t(m.loops[l].dim)] += (rx % m.loops[l].bound) * inner_[l];
        rx /= m.loops[l].bound;
      }
      pe_off_.push_back(off);
      pe_row_.push_back(int(y));
    }

  // Register-file steps, with the offset of each step's datum inside the RF tile (kept operands)
  // and inside the buffer tile (bypassed operands). Both layouts are fixed per layer.
  std::array<Coord, 3> rf_st{}, gb_st{};
  for (int o = 0; o < 3; ++o) {
    rf_st[size_t(o)] = layout_strides(unclipped_box(o, p_, Idx{}, rf_span_));
    gb_st[size_t(o)] = layout_strides(unclipped_box(o, p_, Idx{}, gb_span_));
  }
  std::vector<int64_t> ri(m.loops.size() - rf0_, 0);
  std::array<Coord, 3> prev{};
  for (bool more = true; more;) {
    Step s;
    for (size_t l = rf0_; l < m.loops.size(); ++l)
      s.rf[size_t(m.loops[l].dim)] += ri[l - rf0_] * inner_[l];
    for (int o = 0; o < 3; ++o) {
      const Coord c = lin(o, p_, s.rf);
      s.coord[size_t(o)] = c;
      s.rf_off[size_t(o)] = dot(c, rf_st[size_t(o)]);
      s.gb_off[size_t(o)] = dot(c, gb_st[size_t(o)]);
      s.changes[size_t(o)] = steps_.empty() || c != prev[size_t(o)];
      prev[size_t(o)] = c;
    }
    steps_.push_back(s);
    more = false;
    for (size_t k = ri.size(); k-- > 0;) {
      if (++ri[k] < m.loops[rf0_ + k].bound) {
        more = true;
        break;
      }
      ri[k] = 0;
    }
  }

  if (noc_.psum_links()) build_link_groups();
  const size_t npe = pe_off_.size();
  rf_in_.resize(npe);
  rf_w_.resize(npe);
  rf_ps_.resize(npe);
  rf_ps_touched_.resize(npe);
}

void SpatialEngine::bind(const int16_t* ifmap, const int16_t* weight, int32_t* out) {
  in_ = ifmap;
  w_ = weight;
  out_ = out;
  dram_touched_.assign(size_t(p_.ofmap_elems), 0);
}

SpatialEngine::Idx SpatialEngine::temporal_base() const {
  Idx b{};
  for (size_t l = 0; l < y0_; ++l) b[size_t(m_.loops[l].dim)] += it_[l] * inner_[l];
  return b;
}

int64_t SpatialEngine::noc_cycles_for(const std::array<int64_t, 3>& to_pes,
                                      int64_t psums_back) const {
  NocTraffic t;
  for (size_t o = 0; o < 2; ++o)
    t.to_pes_bits[o] = uint64_t(std::max<int64_t>(0, to_pes[o]) * bits_[o]);
  t.from_pes_bits = uint64_t(std::max<int64_t>(0, psums_back) * bits_[kPs]);
  return int64_t(clock_.core_cycles(noc_.cycles(t)));
}

void SpatialEngine::add_psum_to_gbuf(size_t i, int32_t v, uint64_t ev) {
  gb_ps_.data[i] = wrap_add(gb_ps_.data[i], v);
  if (stamp_[kPs][i] == ev) {
    ++counts_.psum_hops;  // reduced with another PE's psum on the way
    return;
  }
  stamp_[kPs][i] = ev;
  ++counts_.gbuf_writes[kPs];
  if (gb_ps_valid_.data[i]) ++counts_.gbuf_reads[kPs];  // read-modify-write
  gb_ps_valid_.data[i] = 1;
}

SpatialEngine::Idx SpatialEngine::dram_lo(const std::vector<int64_t>& it) const {
  Idx lo{};
  for (size_t l = 0; l < gb0_; ++l) lo[size_t(m_.loops[l].dim)] += it[l] * inner_[l];
  return lo;
}

bool SpatialEngine::advance(size_t from, size_t to) {
  for (size_t k = to; k-- > from;) {
    if (++it_[k] < m_.loops[k].bound) return true;
    it_[k] = 0;
  }
  return false;
}

IterationResult SpatialEngine::run_iteration() {
  if (done()) throw sim::ModelError("spatial engine: run past the last DRAM iteration");
  IterationResult r;
  begin_dram_iteration(r);
  do {
    run_pass(r);
  } while (advance(gb0_, y0_));
  // Outputs leave the buffer when the next iteration works on other outputs (or none).
  std::vector<int64_t> next = it_;
  bool last = true;
  for (size_t k = gb0_; k-- > 0;) {
    if (++next[k] < m_.loops[k].bound) {
      last = false;
      break;
    }
    next[k] = 0;
  }
  const Box cur = gb_ps_.held;
  const Box nxt =
      last ? Box{}
           : intersect(unclipped_box(kPs, p_, dram_lo(next), gb_span_), tensor_box(kPs, p_));
  if (last || !(nxt == cur)) {
    if (m_.rf_keep[kPs] && rf_valid_[kPs]) flush_rf_psums(r);
    flush_gbuf_psums(r, nxt);
  }
  advance(0, gb0_);
  ++iter_;
  return r;
}

void SpatialEngine::run_pass(IterationResult& r) {
  const Idx base = temporal_base();
  std::array<bool, 3> changed{};
  for (int o = 0; o < 3; ++o) {
    changed[size_t(o)] = first_pass_ || !rf_valid_[size_t(o)];
    for (int d = 0; d < kNumDims && !changed[size_t(o)]; ++d)
      changed[size_t(o)] = relevant(o, d) && base[size_t(d)] != last_base_[size_t(d)];
  }
  if (m_.rf_keep[kPs] && changed[kPs] && rf_valid_[kPs]) flush_rf_psums(r);
  std::array<int64_t, 3> refilled{};  // distinct values each operand's refill moves
  for (int o = 0; o < 3; ++o)
    if (m_.rf_keep[size_t(o)] && changed[size_t(o)]) refilled[size_t(o)] = refill_rf(o);
  // The pass waits for the refilled values, then for their synchroniser into the core domain.
  int64_t refill = noc_cycles_for(refilled, 0);
  if (refill > 0) refill += clock_.refill_sync;
  r.noc_cycles += refill;
  counts_.noc_cycles += refill;
  compute(r);
  last_base_ = base;
  first_pass_ = false;
  ++counts_.passes;
}

void SpatialEngine::begin_dram_iteration(IterationResult& r) {
  const Idx dlo = dram_lo(it_);
  auto clip = [&](int o, const Box& b) { return intersect(b, tensor_box(o, p_)); };
  // Inputs and weights: keep the overlap, fetch the rest from DRAM.
  const int16_t* src[2] = {in_, w_};
  TileBuffer<int16_t>* gb[2] = {&gb_in_, &gb_w_};
  for (int o = 0; o < 2; ++o) {
    const Box frame = unclipped_box(o, p_, dlo, gb_span_);
    const Box held = clip(o, frame);
    const int16_t* s = src[o];
    const int64_t n = gb[o]->refill(
        frame, held, [&](const Coord& x) { return s[size_t(tensor_offset(o, p_, x))]; },
        scratch16_);
    r.dram_reads[size_t(o)] += n;
    counts_.dram_reads[size_t(o)] += n;
    counts_.gbuf_fills[size_t(o)] += n;
  }
  // Partial sums: elements written to DRAM earlier come back.
  const Box frame = unclipped_box(kPs, p_, dlo, gb_span_);
  const Box held = clip(kPs, frame);
  gb_ps_valid_.refill(
      frame, held, [&](const Coord& x) { return dram_touched_[size_t(tensor_offset(kPs, p_, x))]; },
      scratch_valid_);
  int64_t reloaded = 0;
  gb_ps_.refill(
      frame, held,
      [&](const Coord& x) {
        const size_t off = size_t(tensor_offset(kPs, p_, x));
        if (!dram_touched_[off]) return int32_t{0};
        ++reloaded;
        return out_[off];
      },
      scratch32_);
  r.dram_reads[kPs] += reloaded;
  counts_.dram_reads[kPs] += reloaded;
  counts_.gbuf_fills[kPs] += reloaded;
  if (stamp_[kIf].size() < gb_in_.data.size()) stamp_[kIf].resize(gb_in_.data.size(), 0);
  if (stamp_[kW].size() < gb_w_.data.size()) stamp_[kW].resize(gb_w_.data.size(), 0);
  if (stamp_[kPs].size() < gb_ps_.data.size()) stamp_[kPs].resize(gb_ps_.data.size(), 0);
}

void SpatialEngine::flush_gbuf_psums(IterationResult& r, const Box& keep) {
  int64_t written = 0;
  for_each_in(gb_ps_.held, [&](const Coord& x) {
    if (keep.contains(x)) return;
    const int64_t i = gb_ps_.index(x);
    if (!gb_ps_valid_.data[size_t(i)]) return;
    const size_t off = size_t(tensor_offset(kPs, p_, x));
    out_[off] = gb_ps_.data[size_t(i)];
    dram_touched_[off] = 1;
    ++written;
  });
  r.dram_writes += written;
  counts_.dram_writes[kPs] += written;
  counts_.gbuf_drains[kPs] += written;
}

void SpatialEngine::build_link_groups() {
  // A group: the PEs of one column whose psum coordinates agree (they differ only in dims the
  // psums ignore: C, R, S), so their psums can meet over the links down the column.
  std::map<std::array<int64_t, kNumDims + 1>, int> ids;
  const int64_t cols = m_.cols();
  group_of_.assign(pe_off_.size(), 0);
  for (size_t pe = 0; pe < pe_off_.size(); ++pe) {
    std::array<int64_t, kNumDims + 1> key{};
    key[0] = int64_t(pe) % cols;
    for (int d = 0; d < kNumDims; ++d)
      key[size_t(d) + 1] = relevant(kPs, d) ? pe_off_[pe][size_t(d)] : 0;
    const auto [it, fresh] = ids.emplace(key, int(groups_.size()));
    if (fresh) groups_.emplace_back();
    group_of_[pe] = it->second;
    groups_[size_t(it->second)].push_back(pe);
  }
  group_count_.assign(groups_.size(), 0);
}

int64_t SpatialEngine::send_rf_psums(size_t pe) {
  TileBuffer<int32_t>& t = rf_ps_[pe];
  const std::vector<uint8_t>& touched = rf_ps_touched_[pe];
  int64_t sent = 0;
  for_each_in(t.held, [&](const Coord& x) {
    const int64_t i = t.index(x);
    if (!touched[size_t(i)]) return;  // no MAC reached it (ragged factors)
    if (!gb_ps_.held.contains(x))
      throw sim::ModelError("spatial engine: partial sum outside the buffer's output tile");
    add_psum_to_gbuf(size_t(gb_ps_.index(x)), t.data[size_t(i)], event_);
    ++counts_.rf_reads[kPs];
    ++sent;
  });
  return sent;
}

int64_t SpatialEngine::flush_over_links() {
  // Within a group the psums of one output meet in the last PE (contributions - outputs link
  // hops); the group's sums cross the psum bus, after the slowest chain has delivered them.
  int64_t bus = 0;
  uint64_t chain = 0;
  for (const std::vector<size_t>& g : groups_) {
    seen_.assign(rf_ps_touched_[g.front()].size(), 0);
    int64_t sums = 0, contributions = 0, most = 0, senders = 0;
    for (size_t pe : g) {
      const std::vector<uint8_t>& touched = rf_ps_touched_[pe];
      if (touched.size() != seen_.size())
        throw sim::ModelError("spatial engine: a link group's PEs hold different psum tiles");
      int64_t n = 0;
      for (size_t i = 0; i < touched.size(); ++i) {
        if (!touched[i]) continue;
        ++n;
        sums += 1 - seen_[i];
        seen_[i] = 1;
      }
      if (n == 0) continue;
      send_rf_psums(pe);
      contributions += n;
      most = std::max(most, n);
      ++senders;
    }
    counts_.psum_link_hops += contributions - sums;
    bus += sums;
    if (senders > 1)
      chain = std::max(chain, noc_.psum_chain_cycles(uint64_t(most) * uint64_t(bits_[kPs]),
                                                     uint64_t(senders - 1)));
  }
  return int64_t(clock_.core_cycles(chain)) + noc_cycles_for({0, 0, 0}, bus);
}

void SpatialEngine::flush_rf_psums(IterationResult& r) {
  // Every PE sends its psums toward the buffer; PEs holding the same outputs (spatial reduction)
  // add theirs on the way (over the links, or on the psum bus), so the buffer sees one write per
  // output.
  ++event_;
  int64_t c = 0;
  if (groups_.empty()) {
    int64_t sent = 0;
    for (size_t pe = 0; pe < rf_ps_.size(); ++pe) sent += send_rf_psums(pe);
    c = noc_cycles_for({0, 0, 0}, sent);
  } else {
    c = flush_over_links();
  }
  rf_valid_[kPs] = false;
  r.noc_cycles += c;
  counts_.noc_cycles += c;
}

int64_t SpatialEngine::refill_rf(int o) {
  const Idx base = temporal_base();
  ++event_;
  int64_t distinct = 0, delivered = 0;
  const Box tbox = tensor_box(o, p_);
  for (size_t pe = 0; pe < pe_off_.size(); ++pe) {
    Idx lo = base;
    for (int d = 0; d < kNumDims; ++d) lo[size_t(d)] += pe_off_[pe][size_t(d)];
    const Box frame = unclipped_box(o, p_, lo, rf_span_);
    const Box held = intersect(frame, tbox);
    if (o == kPs) {
      // A new output tile starts from zero; earlier partial sums wait in the buffer.
      rf_ps_[pe].held = Box{};
      rf_ps_[pe].refill(
          frame, held, [](const Coord&) { return int32_t{0}; }, scratch32_);
      rf_ps_touched_[pe].assign(rf_ps_[pe].data.size(), 0);
      continue;
    }
    TileBuffer<int16_t>& gb = o == kIf ? gb_in_ : gb_w_;
    TileBuffer<int16_t>& rf = o == kIf ? rf_in_[pe] : rf_w_[pe];
    delivered += rf.refill(
        frame, held,
        [&](const Coord& x) {
          if (!gb.held.contains(x))
            throw sim::ModelError(
                "spatial engine: a register-file tile reaches outside the buffer tile");
          const int64_t i = gb.index(x);
          if (stamp_[size_t(o)][size_t(i)] != event_) {
            stamp_[size_t(o)][size_t(i)] = event_;
            ++distinct;
          }
          return gb.data[size_t(i)];
        },
        scratch16_);
  }
  rf_valid_[size_t(o)] = true;
  counts_.gbuf_reads[size_t(o)] += distinct;
  counts_.noc_deliveries[size_t(o)] += delivered;
  counts_.rf_writes[size_t(o)] += delivered;
  return distinct;
}

int64_t SpatialEngine::step_link_cycles() {
  // Bypassed psums: in a step, each PE of a group passes one psum to its neighbour (the chain is
  // pipelined over the steps, so a step needs one link transfer of a psum).
  bool any = false;
  for (int64_t& n : group_count_) {
    if (n > 1) {
      counts_.psum_link_hops += n - 1;
      any = true;
    }
    n = 0;
  }
  return any ? int64_t(clock_.core_cycles(noc_.psum_chain_cycles(uint64_t(bits_[kPs]), 1))) : 0;
}

void SpatialEngine::compute(IterationResult& r) {
  prepare_pe_states(temporal_base());
  PassSetup ps;
  for (int o = 0; o < 3; ++o) ps.keep[size_t(o)] = m_.rf_keep[size_t(o)];
  ps.tensor = {tensor_box(kIf, p_), tensor_box(kW, p_)};
  ps.sparse = sparse_mode_ != SparsityMode::kNone;
  ps.skip = sparse_mode_ == SparsityMode::kSkip;
  ps.links = !ps.keep[kPs] && !groups_.empty();
  pe_zero_.assign(pe_off_.size(), 0);
  PassTally t;
  run_steps(ps, t);
  close_pass(t, r);
}

inline void SpatialEngine::prepare_pe_states(const Idx& base) {
  // Per PE: whether every step is a real MAC (no ragged factor) and, for bypassed operands, the
  // buffer offset and operand coordinates of its step-0 datum.
  const size_t npe = pe_off_.size();
  pe_state_.assign(npe, PeState{});
  const TileBuffer<int16_t>* gbo[2] = {&gb_in_, &gb_w_};
  for (size_t pe = 0; pe < npe; ++pe) {
    PeState& s = pe_state_[pe];
    for (int d = 0; d < kNumDims; ++d) {
      s.lo[size_t(d)] = base[size_t(d)] + pe_off_[pe][size_t(d)];
      if (s.lo[size_t(d)] + rf_span_[size_t(d)] > p_.bound[size_t(d)]) s.all_valid = false;
    }
    for (int o = 0; o < 3; ++o) {
      Coord c = lin(o, p_, s.lo);
      const Coord pad = pad_of(o, p_);
      for (size_t a = 0; a < size_t(kAxes); ++a) c[a] -= pad[a];
      s.c0[size_t(o)] = c;
      const Box& fr = o < 2 ? gbo[o]->frame : gb_ps_.frame;
      const Coord& ls = o < 2 ? gbo[o]->lstride : gb_ps_.lstride;
      int64_t g = 0;
      for (size_t a = 0; a < size_t(kAxes); ++a) g += (c[a] - fr.lo[a]) * ls[a];
      s.gb0[size_t(o)] = g;
    }
  }
}

inline void SpatialEngine::run_steps(const PassSetup& setup, PassTally& tally) {
  // Local copies: the MAC loop keeps them in registers (stores into the engine's byte arrays
  // could otherwise alias them).
  const PassSetup ps = setup;
  PassTally t;
  const size_t npe = pe_state_.size();
  for (const Step& step : steps_) {
    StepEvents e;
    e.multicast[kIf] = ++event_;
    e.multicast[kW] = ++event_;
    e.reduction = ++event_;
    const int64_t ps_writes0 = counts_.gbuf_writes[kPs];
    for (size_t pe = 0; pe < npe; ++pe) {
      const PeState& s = pe_state_[pe];
      if (!s.all_valid) {
        bool ok = true;
        for (int d = 0; d < kNumDims && ok; ++d)
          ok = s.lo[size_t(d)] + step.rf[size_t(d)] < p_.bound[size_t(d)];
        if (!ok) continue;
      }
      // Two calls rather than a loop over the operands: each inlines with its operand known.
      Operands v;
      fetch_operand(kIf, pe, s, step, ps, e, v);
      fetch_operand(kW, pe, s, step, ps, e, v);
      mac(pe, s, step, v, ps, e.reduction, t);
    }
    t.stall += step_cycles(e, counts_.gbuf_writes[kPs] - ps_writes0, ps.links) - 1;
  }
  tally = t;
}

int64_t SpatialEngine::step_cycles(const StepEvents& e, int64_t psums_back, bool links) {
  // Each operand has its own bus; a step whose datums do not fit one bus cycle stalls.
  for (int o = 0; o < 2; ++o) counts_.gbuf_reads[size_t(o)] += e.distinct[size_t(o)];
  return std::max<int64_t>(std::max<int64_t>(1, links ? step_link_cycles() : 0),
                           noc_cycles_for({e.distinct[kIf], e.distinct[kW], 0}, psums_back));
}

inline void SpatialEngine::fetch_operand(int o, size_t pe, const PeState& s, const Step& step,
                                         const PassSetup& ps, StepEvents& e, Operands& v) {
  const size_t u = size_t(o);
  if (ps.keep[u]) {
    const TileBuffer<int16_t>& t = o == kIf ? rf_in_[pe] : rf_w_[pe];
    v.value[u] = t.data[size_t(step.rf_off[u])];
    v.kept[u] = true;
    return;
  }
  // Bypassed: the datum comes from the buffer over the NoC when it changes.
  Coord x = s.c0[u];
  for (size_t a = 0; a < size_t(kAxes); ++a) x[a] += step.coord[u][a];
  if (!ps.tensor[u].contains(x)) {
    v.value[u] = 0;  // padding: nothing to move
    return;
  }
  const int64_t i = s.gb0[u] + step.gb_off[u];
  v.value[u] = (o == kIf ? gb_in_ : gb_w_).data[size_t(i)];
  if (step.changes[u]) {
    ++counts_.noc_deliveries[u];
    if (stamp_[u][size_t(i)] != e.multicast[u]) {
      stamp_[u][size_t(i)] = e.multicast[u];
      ++e.distinct[u];
    }
  }
}

inline void SpatialEngine::mac(size_t pe, const PeState& s, const Step& step, const Operands& v,
                               const PassSetup& ps, uint64_t reduction, PassTally& t) {
  ++t.macs;
  // Branch-free on the (data-dependent, unpredictable) zero test: a checked zero operand
  // makes the product 0, so adding it changes nothing; only the counts depend on it.
  const int32_t z = int32_t(ps.sparse) & ((int32_t(check_[0]) & int32_t(v.value[kIf] == 0)) |
                                          (int32_t(check_[1]) & int32_t(v.value[kW] == 0)));
  const int32_t nz = 1 - z;
  t.zero += z;
  pe_zero_[pe] += z;
  const int32_t product = v.value[kIf] * v.value[kW];
  if (ps.keep[kPs]) {
    // Skipped (left out of the compressed streams: no step of the PE's time) or gated (zero
    // flags beside the register files): no multiply and no register-file reads or writes.
    // The output still leaves the PE when its tile does, even if all its MACs were zero.
    t.rf_reads[kIf] += int32_t(v.kept[kIf]) & nz;
    t.rf_reads[kW] += int32_t(v.kept[kW]) & nz;
    const size_t i = size_t(step.rf_off[kPs]);
    uint8_t& touched = rf_ps_touched_[pe][i];
    rf_ps_[pe].data[i] = wrap_add(rf_ps_[pe].data[i], product);
    t.rf_reads[kPs] += int32_t(touched) & nz;  // read-modify-write after the first MAC
    t.rf_ps_writes += nz;
    touched = 1;
    return;
  }
  const size_t i = size_t(s.gb0[kPs] + step.gb_off[kPs]);
  if (z && ps.skip) {
    // Skipped, bypassed psum: nothing reaches the buffer, but the output is still written
    // back when it leaves.
    gb_ps_valid_.data[i] = 1;
    return;
  }
  // Gated MACs move their (zero) psum exactly as in a dense run: gating saves energy,
  // never cycles or traffic. Bypassed psums go straight to the buffer, reduced with the
  // other PEs' on the way; valid steps only reach outputs of the buffer tile.
  t.rf_reads[kIf] += int32_t(v.kept[kIf]) & nz;
  t.rf_reads[kW] += int32_t(v.kept[kW]) & nz;
  add_psum_to_gbuf(i, product, reduction);
  if (ps.links) ++group_count_[size_t(group_of_[pe])];
}

void SpatialEngine::close_pass(const PassTally& t, IterationResult& r) {
  // Lockstep PEs: a pass lasts as long as its slowest PE. With skipping, a PE spends no step on
  // the zeros it skips; balanced lanes would spread the nonzero work evenly over all PEs.
  const bool skip = sparse_mode_ == SparsityMode::kSkip;
  const int64_t npe = int64_t(pe_off_.size());
  counts_.macs += t.macs;
  for (int o = 0; o < 3; ++o) counts_.rf_reads[size_t(o)] += t.rf_reads[size_t(o)];
  counts_.rf_writes[kPs] += t.rf_ps_writes;
  (skip ? counts_.macs_skipped : counts_.macs_gated) += t.zero;
  int64_t steps = int64_t(steps_.size());
  if (skip && npe > 0) {
    const int64_t least = *std::min_element(pe_zero_.begin(), pe_zero_.end());
    counts_.steps_skipped += least;
    steps -= least;
  }
  if (npe > 0) {
    const int64_t work = int64_t(steps_.size()) * npe - t.zero;
    counts_.ideal_cycles += (work + npe - 1) / npe;
  }
  r.compute_cycles += steps;
  r.noc_cycles += t.stall;
  r.pe_cycles += t.macs - (skip ? t.zero : 0);
  counts_.compute_cycles += steps;
  counts_.noc_cycles += t.stall;
}

}  // namespace adasim::arch::spatial
