// SPDX-License-Identifier: Apache-2.0
// Exact per-step NoC stall of a pass, as the engine's compute() pays it: in every register-file
// step each bypassed input moves the distinct in-tensor values its valid PEs read when the step
// changes the datum (multicast: one buffer read per value), bypassed psums go back to the buffer
// (one write per distinct output), and with psum links a column group with two or more valid PEs
// passes psums down the column. A step lasts the busiest of its buses (each operand has its own)
// and its link transfer, at least one cycle; the stall is the rest.
//
// The PEs' offsets form a grid over the dims and each operand axis depends on its own dims, so the
// distinct values of a step are the product over axes of the distinct in-tensor coordinates.
// Passes whose tiles lie inside the layer (no ragged factor, no padding) have the same figures
// wherever they sit; they share one cache entry, edge passes get their own.
#include "workloads/mapper/spatial/spatial_steps.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace adasim::workloads::spatial {

std::vector<std::pair<std::array<int64_t, kNumDims>, int64_t>> pe_offsets(const Mapping& m) {
  const size_t y0 = m.first_at(Level::kArrayY), x0 = m.first_at(Level::kArrayX),
               rf0 = m.first_at(Level::kRf);
  const std::vector<int64_t> inner = m.inner_strides();
  std::vector<std::pair<std::array<int64_t, kNumDims>, int64_t>> out;
  const int64_t rows = m.rows(), cols = m.cols();
  for (int64_t y = 0; y < rows; ++y)
    for (int64_t x = 0; x < cols; ++x) {
      std::array<int64_t, kNumDims> off{};
      int64_t ry = y, rx = x;
      for (size_t l = x0; l-- > y0;) {
        off[size_t(m.loops[l].dim)] += (ry % m.loops[l].bound) * inner[l];
        ry /= m.loops[l].bound;
      }
      for (size_t l = rf0; l-- > x0;) {
        off[size_t(m.loops[l].dim)] += (rx % m.loops[l].bound) * inner[l];
        rx /= m.loops[l].bound;
      }
      out.emplace_back(off, x);
    }
  return out;
}

StepCounter::StepCounter(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                         const int bits[3], arch::NocClock clock)
    : p_(p), noc_(noc), clock_(clock), keep_(m.rf_keep) {
  for (int o = 0; o < 3; ++o) bits_[size_t(o)] = bits[o];
  const size_t rf0 = m.first_at(Level::kRf);
  arr_span_ = m.spans_from(m.first_at(Level::kArrayY));
  const std::vector<int64_t> inner = m.inner_strides();
  pe_ = pe_offsets(m);
  // Register-file steps (the engine's order) and whether each changes an operand's datum.
  std::vector<int64_t> ri(m.loops.size() - rf0, 0);
  std::array<Box, 3> prev{};
  Idx one;
  one.fill(1);
  for (bool more = true; more;) {
    Step s;
    for (size_t l = rf0; l < m.loops.size(); ++l)
      s.rf[size_t(m.loops[l].dim)] += ri[l - rf0] * inner[l];
    for (int o = 0; o < 3; ++o) {
      const Box b = unclipped_box(o, p, s.rf, one);
      s.changes[size_t(o)] = steps_.empty() || !(b == prev[size_t(o)]);
      prev[size_t(o)] = b;
    }
    steps_.push_back(s);
    more = false;
    for (size_t k = ri.size(); k-- > 0;) {
      if (++ri[k] < m.loops[rf0 + k].bound) {
        more = true;
        break;
      }
      ri[k] = 0;
    }
  }
  links_ = !keep_[2] && noc.psum_link_bits > 0;
  for (int o = 0; o < 3; ++o) {
    const Box t = tensor_box(o, p);
    for (int a = 0; a < kAxes; ++a) stamp_[size_t(o)][size_t(a)].assign(size_t(t.hi[size_t(a)]), 0);
  }
}

StepCounter::Idx StepCounter::key_of(const Idx& base) const {
  Idx key;
  auto inside = [&](int d) {
    return base[size_t(d)] + arr_span_[size_t(d)] <= p_.bound[size_t(d)];
  };
  for (int d = 0; d < kNumDims; ++d) key[size_t(d)] = inside(d) ? -1 : base[size_t(d)];
  // The ifmap window: interior when its rows (columns) lie inside the ifmap.
  const Box b = unclipped_box(0, p_, base, arr_span_);
  const int pr[2][2] = {{kP, kR}, {kQ, kS}};
  const int64_t ext[2] = {p_.h, p_.w};
  for (int v = 0; v < 2; ++v) {
    const bool in = b.lo[size_t(3 + v)] >= 0 && b.hi[size_t(3 + v)] <= ext[v];
    if (in) continue;
    for (int d : pr[v]) key[size_t(d)] = base[size_t(d)];
  }
  return key;
}

const StepCounter::PassSteps& StepCounter::at(const Idx& base) {
  const Idx key = key_of(base);
  const auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  PassSteps r;
  const Box tb[3] = {tensor_box(0, p_), tensor_box(1, p_), tensor_box(2, p_)};
  Idx one;
  one.fill(1);
  std::map<std::pair<int64_t, Idx>, int64_t> groups;
  for (const Step& s : steps_) {
    ++event_;
    std::array<std::array<int64_t, kAxes>, 3> distinct{};
    groups.clear();
    int64_t valid = 0;
    for (const auto& [off, col] : pe_) {
      Idx x;
      bool ok = true;
      for (int d = 0; d < kNumDims && ok; ++d) {
        x[size_t(d)] = base[size_t(d)] + off[size_t(d)] + s.rf[size_t(d)];
        ok = x[size_t(d)] < p_.bound[size_t(d)];
      }
      if (!ok) continue;
      ++valid;
      for (int o = 0; o < 3; ++o) {
        if (keep_[size_t(o)] || (o < 2 && !s.changes[size_t(o)])) continue;
        const Box b = unclipped_box(o, p_, x, one);
        if (!tb[o].contains(b.lo)) continue;
        if (o < 2) r.deliveries[size_t(o)] += 1;
        for (int a = 0; a < kAxes; ++a) {
          uint64_t& st = stamp_[size_t(o)][size_t(a)][size_t(b.lo[size_t(a)])];
          if (st != event_) {
            st = event_;
            ++distinct[size_t(o)][size_t(a)];
          }
        }
      }
      if (links_) {
        Idx ps{};
        for (int d = 0; d < kNumDims; ++d)
          if (relevant(2, d)) ps[size_t(d)] = off[size_t(d)];
        ++groups[{col, ps}];
      }
    }
    std::array<double, 3> n{};
    for (int o = 0; o < 3; ++o) {
      if (keep_[size_t(o)]) continue;
      double v = 1;
      for (int a = 0; a < kAxes; ++a) v *= double(distinct[size_t(o)][size_t(a)]);
      n[size_t(o)] = v;
    }
    r.gbuf_reads[0] += n[0];
    r.gbuf_reads[1] += n[1];
    r.psum_writes += n[2];
    if (!keep_[2]) r.macs += double(valid);
    double need = 1;
    bool chained = false;
    for (const auto& g : groups)
      if (g.second > 1) {
        r.link_hops += double(g.second - 1);
        chained = true;
      }
    // A step takes one cycle, or its link and bus cycles (each operand on its own bus) at the
    // NoC's clock, whichever is longer.
    if (chained)
      need = core_cycles(clock_, std::ceil(double(bits_[2]) / noc_.psum_link_bits));
    double bus = 0;
    for (int o = 0; o < 3; ++o)
      bus = std::max(bus, std::ceil(n[size_t(o)] * bits_[size_t(o)] / noc_.bus_width(o)));
    need = std::max(need, core_cycles(clock_, bus));
    r.stall += need - 1;
  }
  return cache_.emplace(key, r).first->second;
}

}  // namespace adasim::workloads::spatial
