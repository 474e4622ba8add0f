// SPDX-License-Identifier: Apache-2.0
// pass_terms: the per-pass figures (refills and flushes, spatial_refills.cpp; per-step figures,
// spatial_steps.cpp) summed over every pass of a mapping, by class instead of pass by pass.
//
// The passes are an odometer over the DRAM and buffer loops [0, y0). Counting argument:
//  1. A pass other than the first is reached by a carry at some level k: loop k steps up by one,
//     the loops inside it wrap from their last value to 0, the loops outside it stay. So the
//     passes reached at level k are those with it[k] >= 1 and it[l] = 0 for l > k, and each
//     dim d moved by the same delta_d(k) = base[d] - prev[d] at all of them: which dims changed
//     (so which tiles change, and whether the psum tile does) depends on k only.
//  2. Each loop runs over one dim, so for a fixed k (or over all passes) the set of passes is a
//     Cartesian product over the dims of their coordinate lists. The figures couple dims only
//     within the components {G} {N} {M} {C} {P, R} {Q, S} (an ifmap axis follows P and R, or Q
//     and S; every other axis, and every step and flush class, one dim): the passes are the
//     product of the components' partial coordinates.
//  3. A sum over the passes of a product of per-component factors is the product over the
//     components of their sums (the refills' deliveries). A function of a per-component class
//     (the step and flush caches' keys; the refill cycles, which take a max over the operands
//     and a ceil, are a function of the per-component partial products of the axis figures) is
//     summed over the product of per-component histograms: one evaluation per class, times the
//     product of the classes' counts.
// Every figure is an integer held in a double; the products and sums stay exact below 2^53 as
// the per-pass sums did. The work is one enumeration of each component's coordinates per carry
// level plus one evaluation per class, instead of one per pass.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <vector>

#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/spatial/spatial_pass_figures.hpp"
#include "workloads/mapper/spatial/spatial_steps.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

// The dims whose coordinates the figures couple (point 2 above); d2 = -1: one dim.
struct Component {
  int d1, d2;
  bool has(int d) const { return d == d1 || d == d2; }
};
constexpr std::array<Component, 6> kComponents{
    {{kG, -1}, {kN, -1}, {kM, -1}, {kC, -1}, {kP, kR}, {kQ, kS}}};
constexpr int kEveryPass = -1;  // carry level of "all passes"

// The passes of a mapping by carry level (point 1 above); with `dram` (the indices of the DRAM
// loops [0, gb0)), the passes of that one DRAM iteration: the DRAM loops stay at their indices,
// so a carry at a DRAM level k reaches one pass, the iteration's first.
class PassSpace {
 public:
  explicit PassSpace(const Mapping& m, const std::vector<int64_t>* dram = nullptr)
      : m_(m), y0_(m.first_at(Level::kArrayY)), inner_(m.inner_strides()), dram_(dram) {}
  size_t levels() const { return y0_; }
  /// Whether some pass is reached by a carry at level k (a loop of bound 1 never carries).
  bool carries(size_t k) const { return m_.loops[k].bound > 1; }
  /// base[d] - prev[d] at every pass reached by a carry at level k.
  int64_t delta(int d, size_t k) const {
    int64_t v = m_.loops[k].dim == d ? inner_[k] : 0;
    for (size_t l = k + 1; l < y0_; ++l)
      if (m_.loops[l].dim == d) v -= (m_.loops[l].bound - 1) * inner_[l];
    return v;
  }
  /// Whether a tile of operand o changes at a carry at level k.
  bool moves(int o, size_t k) const {
    for (int d = 0; d < kNumDims; ++d)
      if (relevant(o, d) && delta(d, k) != 0) return true;
    return false;
  }
  /// The partial coordinates (the component's dims; others 0) of the passes reached at carry
  /// level k (kEveryPass: of every pass), one per iteration of the component's loops, in the
  /// odometer's order.
  std::vector<Idx> coords(const Component& c, int k) const {
    std::vector<Idx> out{Idx{}};
    for (size_t l = 0; l < y0_; ++l) {
      const Loop& lp = m_.loops[l];
      if (!c.has(lp.dim)) continue;
      int64_t lo = int(l) == k ? 1 : 0;
      int64_t hi = k != kEveryPass && int(l) > k ? 1 : lp.bound;
      if (dram_ && l < dram_->size()) {
        lo = (*dram_)[l];
        hi = lo + 1;
      }
      std::vector<Idx> next;
      next.reserve(out.size() * size_t(std::max<int64_t>(0, hi - lo)));
      for (const Idx& b : out)
        for (int64_t i = lo; i < hi; ++i) {
          Idx x = b;
          x[size_t(lp.dim)] += i * inner_[l];
          next.push_back(x);
        }
      out.swap(next);
    }
    return out;
  }

 private:
  const Mapping& m_;
  size_t y0_;
  std::vector<int64_t> inner_;
  const std::vector<int64_t>* dram_;
};

// A class of partial coordinates: its first member in the odometer's order and its size.
struct Class {
  Idx rep;
  int64_t count;
};
using Classes = std::vector<Class>;

// The classes of `coords` under key(x) (an Idx). The odometer's first pass of a product of
// classes is the product of the classes' first members, so rep is the pass the per-pass walk
// would have filled the cache with.
template <class Key>
Classes classes_of(const std::vector<Idx>& coords, Key key) {
  std::map<Idx, size_t> at;
  Classes out;
  for (const Idx& x : coords) {
    const auto [it, added] = at.emplace(key(x), out.size());
    if (added)
      out.push_back({x, 1});
    else
      ++out[it->second].count;
  }
  return out;
}

// Calls f(base, count) for every product of one class per component (point 3).
template <class F>
void for_each_product(const std::array<Classes, kComponents.size()>& cs, F f) {
  std::array<size_t, kComponents.size()> at{};
  for (const Classes& c : cs)
    if (c.empty()) return;
  for (;;) {
    Idx base{};
    int64_t count = 1;
    for (size_t c = 0; c < cs.size(); ++c) {
      const Class& k = cs[c][at[c]];
      for (int d = 0; d < kNumDims; ++d) base[size_t(d)] += k.rep[size_t(d)];
      count *= k.count;
    }
    f(base, count);
    size_t c = cs.size();
    while (c-- > 0) {
      if (++at[c] < cs[c].size()) break;
      at[c] = 0;
    }
    if (c == size_t(-1)) return;
  }
}

// The refills at the passes reached at carry level k (or, with prev == nullptr, at the first
// pass). Per component and kept input o whose tile changes, the partial products over o's axes
// in the component of |U_a| and |U_a| - |D_a| (which the distinct values, so the buffer reads
// and the pass's cycles, are functions of), and the sums of those of the deliveries. The
// histograms are multiplied out component by component, merging equal partial products.
class RefillSum {
 public:
  RefillSum(const Problem& p, const Mapping& m, const int bits[3], const double width[3],
            arch::NocClock clock)
      : rc_(p, m), keep_(m.rf_keep), bits_(bits), width_(width), clock_(clock) {}

  void add(const PassSpace& ps, int k, PassTerms& r) {
    std::array<bool, 2> on{};
    for (int o = 0; o < 2; ++o)
      on[size_t(o)] = keep_[size_t(o)] && (k < 0 || ps.moves(o, size_t(k)));
    if (!on[0] && !on[1]) return;
    using Key = std::array<int64_t, 4>;  // U and U - D of the ifmap, of the weights
    std::map<Key, int64_t> joint{{Key{1, 1, 1, 1}, 1}};
    std::array<double, 2> n{1, 1}, kept{1, 1};  // deliveries: sum of prod |N|, of prod |N and O|
    for (const Component& c : kComponents) {
      std::map<Key, int64_t> part;
      std::array<int64_t, 2> sn{}, sk{};
      const std::vector<Idx> now = k < 0 ? std::vector<Idx>{Idx{}} : ps.coords(c, k);
      for (const Idx& x : now) {
        Idx prev = x;
        for (int d : {c.d1, c.d2})
          if (d >= 0 && k >= 0) prev[size_t(d)] -= ps.delta(d, size_t(k));
        Key key{1, 1, 1, 1};
        for (int o = 0; o < 2; ++o) {
          if (!on[size_t(o)]) continue;
          int64_t pn = 1, pk = 1;
          for (int a = 0; a < kAxes; ++a) {
            if (!c.has(kAxisDims[o][a][0])) continue;
            const auto f = rc_.axis(o, a, x, k < 0 ? nullptr : &prev);
            key[size_t(2 * o)] *= f.u;
            key[size_t(2 * o + 1)] *= f.u - f.d;
            pn *= f.n;
            pk *= f.keep;
          }
          sn[size_t(o)] += pn;
          sk[size_t(o)] += pk;
        }
        ++part[key];
      }
      for (int o = 0; o < 2; ++o) {
        n[size_t(o)] *= double(sn[size_t(o)]);
        kept[size_t(o)] *= double(sk[size_t(o)]);
      }
      joint = multiply(joint, part);
    }
    for (int o = 0; o < 2; ++o)
      if (on[size_t(o)])
        r.noc[size_t(o)] += (n[size_t(o)] - kept[size_t(o)]) * double(rc_.sharing(o));
    for (const auto& [key, count] : joint) {
      double cycles = 0;
      for (int o = 0; o < 2; ++o) {
        if (!on[size_t(o)]) continue;
        const double distinct = double(key[size_t(2 * o)]) - double(key[size_t(2 * o + 1)]);
        r.gbuf[size_t(o)] += distinct * double(count);
        cycles = std::max(cycles, std::ceil(distinct * bits_[o] / width_[o]));
      }
      r.refill_cycles += refill_core_cycles(clock_, cycles) * double(count);
    }
  }

 private:
  template <class Map>
  static Map multiply(const Map& a, const Map& b) {
    Map out;
    for (const auto& [ka, ca] : a)
      for (const auto& [kb, cb] : b) {
        typename Map::key_type k;
        for (size_t i = 0; i < k.size(); ++i) k[i] = ka[i] * kb[i];
        out[k] += ca * cb;
      }
    return out;
  }

  RefillCounter rc_;
  std::array<bool, 3> keep_;
  const int* bits_;
  const double* width_;
  arch::NocClock clock_;
};

// The passes reached at carry level k by classes of their psum flush (FlushCounter::at's key:
// a dim's coordinate where some PE's tile crosses the layer's edge, -1 inside).
std::array<Classes, kComponents.size()> flush_classes(const FlushCounter& fc, const PassSpace& ps,
                                                      int k) {
  auto key = [&](const Idx& x) {
    Idx c = x;
    for (int d = 0; d < kNumDims; ++d)
      if (fc.inside(d, x[size_t(d)])) c[size_t(d)] = -1;
    return c;
  };
  std::array<Classes, kComponents.size()> cs;
  for (size_t c = 0; c < kComponents.size(); ++c)
    cs[c] = classes_of(ps.coords(kComponents[c], k), key);
  return cs;
}

}  // namespace

PassTerms pass_terms(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                     const int bits[3], const double width[3], arch::NocClock clock) {
  PassTerms r;
  const PassSpace ps(m);
  // Refills: the first fill, then per carry level.
  RefillSum refills(p, m, bits, width, clock);
  refills.add(ps, kEveryPass, r);
  for (size_t k = 0; k < ps.levels(); ++k)
    if (ps.carries(k)) refills.add(ps, int(k), r);
  // Bypassed operands, step by step: every pass, by its StepCounter class.
  if (!m.rf_keep[0] || !m.rf_keep[1] || !m.rf_keep[2]) {
    StepCounter sc(p, m, noc, bits, clock);
    std::array<Classes, kComponents.size()> cs;
    for (size_t c = 0; c < kComponents.size(); ++c)
      cs[c] = classes_of(ps.coords(kComponents[c], kEveryPass),
                         [&](const Idx& x) { return sc.key_of(x); });
    for_each_product(cs, [&](const Idx& base, int64_t count) {
      const StepCounter::PassSteps& st = sc.at(base);
      const double n = double(count);
      r.step_stall += st.stall * n;
      for (size_t o = 0; o < 2; ++o) {
        r.step_gbuf[o] += st.gbuf_reads[o] * n;
        r.step_noc[o] += st.deliveries[o] * n;
      }
      r.step_writes += st.psum_writes * n;
      r.step_macs += st.macs * n;
      r.step_link_hops += st.link_hops * n;
    });
  }
  if (!m.rf_keep[2]) return r;
  // Kept psums: one flush per run of passes on one psum tile, by the run's first pass: the first
  // pass and every pass reached by a carry that moves the psum tile.
  FlushCounter fc(p, m, noc, bits[2], clock);
  auto flush = [&](const Idx& base, int64_t count) {
    const FlushCounter::Flush& f = fc.at(base);
    const double n = double(count);
    r.flush_cycles += f.cycles * n;
    r.sent += f.sent * n;
    r.writes += f.writes * n;
    r.link_hops += f.link_hops * n;
  };
  flush(Idx{}, 1);
  for (size_t k = 0; k < ps.levels(); ++k)
    if (ps.carries(k) && ps.moves(2, k)) for_each_product(flush_classes(fc, ps, int(k)), flush);
  return r;
}

// ---- The same figures per DRAM iteration (iteration_cycles) ----
//
// The engine runs a DRAM iteration as one step: its passes (the buffer loops [gb0, y0) under the
// iteration's DRAM indices), each pass's refills and step stalls, and the psum flushes that fall
// within it. The register files keep their tiles across iterations, so the iteration's first pass
// refills relative to the previous iteration's last pass (a carry at the DRAM level k: the same
// delta as in the whole-layer sums). The kept psums of a run (the passes on one psum tile) are
// flushed where the run ends: at the next run's first pass, or at the end of the iteration when
// the buffer's output tile changes there (the engine then flushes before the DMA drains it).
namespace {

// The innermost loop above the array over a psum dim (bound > 1): a carry at level k moves the
// psum tile iff k <= it (point 1 above). -1: every pass works on one psum tile.
int psum_level(const Mapping& m) {
  int L = -1;
  for (size_t l = 0; l < m.first_at(Level::kArrayY); ++l)
    if (relevant(2, m.loops[l].dim) && m.loops[l].bound > 1) L = int(l);
  return L;
}

// Whether every coordinate of dim d in [lo, hi) keeps every tile inside the layer (no ragged
// factor, no padding in the ifmap window): the figures are then the same wherever the dim sits.
// `reach`: per dim, the coordinates the nest reaches (the product of its loops' bounds: beyond
// the layer with ragged factors), which the coupled dim of an ifmap window (R for P, ...) spans.
bool interior(const Problem& p, const Idx& reach, int d, int64_t lo, int64_t hi) {
  if (hi > p.bound[size_t(d)]) return false;
  // Rows a * stride + b * dil - pad for a in [alo, ahi) and b in [blo, bhi) inside [0, ext).
  auto window = [](int64_t alo, int64_t ahi, int64_t blo, int64_t bhi, int stride, int dil, int pad,
                   int64_t ext) {
    return alo * stride + blo * dil - pad >= 0 && (ahi - 1) * stride + (bhi - 1) * dil - pad < ext;
  };
  switch (d) {
    case kP:
      return window(lo, hi, 0, reach[kR], p.stride_h, p.dil_h, p.pad_t, p.h);
    case kR:
      return window(0, reach[kP], lo, hi, p.stride_h, p.dil_h, p.pad_t, p.h);
    case kQ:
      return window(lo, hi, 0, reach[kS], p.stride_w, p.dil_w, p.pad_l, p.w);
    case kS:
      return window(0, reach[kQ], lo, hi, p.stride_w, p.dil_w, p.pad_l, p.w);
    default:
      return true;
  }
}

// One DRAM iteration: its loop indices, the level of the carry that reached it (kEveryPass: the
// first), and whether the output tile leaves the buffer before it (after the previous one) and
// after it.
struct DramIteration {
  std::vector<int64_t> it;
  int carry = kEveryPass;
  bool out_before = false, out_after = false;
};

class IterationCycles {
 public:
  IterationCycles(const Problem& p, const Mapping& m, const arch::NocSpec& noc, const int bits[3],
                  const double width[3], arch::NocClock clock)
      : m_(m),
        gb0_(m.first_at(Level::kGbuf)),
        y0_(m.first_at(Level::kArrayY)),
        psum_level_(psum_level(m)),
        inner_(m.inner_strides()),
        compute_(double(m.product(gb0_, y0_) * m.product(m.first_at(Level::kRf), m.loops.size()))),
        refills_(p, m, bits, width, clock),
        sc_(p, m, noc, bits, clock),
        fc_(p, m, noc, bits[2], clock) {}

  /// Cycles of iteration `d` (`prev`: the previous one's indices, nullptr for the first).
  double of(const DramIteration& d, const std::vector<int64_t>* prev) {
    const PassSpace ps(m_, &d.it);
    PassTerms t;
    refills_.add(ps, d.carry, t);  // the first pass (kEveryPass: the first fill)
    for (size_t k = gb0_; k < y0_; ++k)
      if (ps.carries(k)) refills_.add(ps, int(k), t);
    double c = std::max(1.0, compute_) + t.refill_cycles;
    if (!m_.rf_keep[0] || !m_.rf_keep[1] || !m_.rf_keep[2]) {
      std::array<Classes, kComponents.size()> cs;
      for (size_t i = 0; i < kComponents.size(); ++i)
        cs[i] = classes_of(ps.coords(kComponents[i], kEveryPass),
                           [&](const Idx& x) { return sc_.key_of(x); });
      for_each_product(cs,
                       [&](const Idx& base, int64_t n) { c += sc_.at(base).stall * double(n); });
    }
    if (m_.rf_keep[2]) c += flushes(d, prev, ps);
    return c;
  }

  /// The pass coordinates of the DRAM indices `it` (buffer loops at 0).
  Idx origin(const std::vector<int64_t>& it) const {
    Idx b{};
    for (size_t l = 0; l < gb0_; ++l) b[size_t(m_.loops[l].dim)] += it[l] * inner_[l];
    return b;
  }
  /// The first pass of the psum run holding the last pass of DRAM iteration `it`.
  Idx last_run(const std::vector<int64_t>& it) const { return run_start(it, psum_level_); }

 private:
  // Loops [0, L] at the iteration's last pass (its DRAM indices, buffer loops at their last
  // index), loops inside L at 0.
  Idx run_start(const std::vector<int64_t>& it, int L) const {
    Idx b{};
    for (size_t l = 0; int(l) <= L && l < y0_; ++l) {
      const int64_t i = l < gb0_ ? it[l] : m_.loops[l].bound - 1;
      b[size_t(m_.loops[l].dim)] += i * inner_[l];
    }
    return b;
  }

  // The psum flushes the engine runs within iteration d.
  double flushes(const DramIteration& d, const std::vector<int64_t>* prev, const PassSpace& ps) {
    double f = 0;
    const double last = fc_.at(last_run(d.it)).cycles;
    if (psum_level_ >= int(gb0_)) {
      // Runs lie within an iteration: each run that starts in it but the last ends in it.
      f += fc_.at(origin(d.it)).cycles - last;
      for (int k = int(gb0_); k <= psum_level_; ++k)
        if (ps.carries(size_t(k)))
          for_each_product(flush_classes(fc_, ps, k), [&](const Idx& base, int64_t n) {
            f += fc_.at(base).cycles * double(n);
          });
    }
    // The previous iteration's last run, when its output tile stayed and this one moves the psums.
    if (prev && !d.out_before && ps.moves(2, size_t(d.carry))) f += fc_.at(last_run(*prev)).cycles;
    if (d.out_after) f += last;
    return f;
  }

  const Mapping& m_;
  size_t gb0_, y0_;
  int psum_level_;
  std::vector<int64_t> inner_;
  double compute_;
  RefillSum refills_;
  StepCounter sc_;
  FlushCounter fc_;
};

}  // namespace

std::vector<int64_t> iteration_cycles(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                                      const int bits[3], arch::NocClock clock) {
  const size_t gb0 = m.first_at(Level::kGbuf);
  const double width[3] = {double(noc.bus_width(0)), double(noc.bus_width(1)),
                           double(noc.bus_width(2))};
  IterationCycles ic(p, m, noc, bits, width, clock);
  const Idx span = m.spans_from(gb0), reach = m.spans_from(0);
  // Memo by class: the carry level, the output-tile flags and, per dim, its coordinate where the
  // iteration (with the previous one and their runs) touches the layer's edge, -1 inside.
  std::map<std::array<int64_t, kNumDims + 3>, int64_t> memo;
  std::vector<int64_t> out;
  out.reserve(size_t(m.product(0, gb0)));
  DramIteration cur, next;
  cur.it.assign(gb0, 0);
  std::vector<int64_t> prev;
  Box out_box = operand_box(2, p, ic.origin(cur.it), span);
  for (bool more = true; more;) {
    // The next iteration: the odometer over the DRAM loops, and whether the output tile moves.
    next = DramIteration{cur.it, kEveryPass, false, false};
    more = false;
    for (size_t k = gb0; k-- > 0;) {
      if (++next.it[k] < m.loops[k].bound) {
        next.carry = int(k);
        more = true;
        break;
      }
      next.it[k] = 0;
    }
    const Box next_box = more ? operand_box(2, p, ic.origin(next.it), span) : Box{};
    cur.out_after = !more || !(next_box == out_box);
    std::array<int64_t, kNumDims + 3> key{cur.carry, cur.out_before, cur.out_after};
    std::array<Idx, 4> at{ic.origin(cur.it), ic.last_run(cur.it), ic.origin(cur.it),
                          ic.last_run(cur.it)};
    if (!prev.empty()) at[2] = ic.origin(prev), at[3] = ic.last_run(prev);
    for (int d = 0; d < kNumDims; ++d) {
      int64_t lo = at[0][size_t(d)], hi = lo;
      for (const Idx& x : at) lo = std::min(lo, x[size_t(d)]), hi = std::max(hi, x[size_t(d)]);
      key[size_t(d) + 3] = interior(p, reach, d, lo, hi + span[size_t(d)]) ? -1 : at[0][size_t(d)];
    }
    auto [it, fresh] = memo.emplace(key, 0);
    if (fresh) it->second = std::llround(ic.of(cur, prev.empty() ? nullptr : &prev));
    out.push_back(it->second);
    prev = cur.it;
    next.out_before = cur.out_after;
    cur = next;
    out_box = next_box;
  }
  return out;
}

}  // namespace adasim::workloads::spatial
