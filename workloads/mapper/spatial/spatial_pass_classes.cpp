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

// The passes of a mapping by carry level (point 1 above).
class PassSpace {
 public:
  explicit PassSpace(const Mapping& m)
      : m_(m), y0_(m.first_at(Level::kArrayY)), inner_(m.inner_strides()) {}
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
      const int64_t lo = int(l) == k ? 1 : 0;
      const int64_t hi = k != kEveryPass && int(l) > k ? 1 : lp.bound;
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
  RefillSum(const Problem& p, const Mapping& m, const int bits[3], const double width[3])
      : rc_(p, m), keep_(m.rf_keep), bits_(bits), width_(width) {}

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
      r.refill_cycles += cycles * double(count);
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
};

}  // namespace

PassTerms pass_terms(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                     const int bits[3], const double width[3]) {
  PassTerms r;
  const PassSpace ps(m);
  // Refills: the first fill, then per carry level.
  RefillSum refills(p, m, bits, width);
  refills.add(ps, kEveryPass, r);
  for (size_t k = 0; k < ps.levels(); ++k)
    if (ps.carries(k)) refills.add(ps, int(k), r);
  // Bypassed operands, step by step: every pass, by its StepCounter class.
  if (!m.rf_keep[0] || !m.rf_keep[1] || !m.rf_keep[2]) {
    StepCounter sc(p, m, noc, bits);
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
  FlushCounter fc(p, m, noc, bits[2]);
  auto flush = [&](const Idx& base, int64_t count) {
    const FlushCounter::Flush& f = fc.at(base);
    const double n = double(count);
    r.flush_cycles += f.cycles * n;
    r.sent += f.sent * n;
    r.writes += f.writes * n;
    r.link_hops += f.link_hops * n;
  };
  flush(Idx{}, 1);
  auto key = [&](const Idx& x) {
    Idx k = x;
    for (int d = 0; d < kNumDims; ++d)
      if (fc.inside(d, x[size_t(d)])) k[size_t(d)] = -1;
    return k;
  };
  for (size_t k = 0; k < ps.levels(); ++k) {
    if (!ps.carries(k) || !ps.moves(2, k)) continue;
    std::array<Classes, kComponents.size()> cs;
    for (size_t c = 0; c < kComponents.size(); ++c)
      cs[c] = classes_of(ps.coords(kComponents[c], int(k)), key);
    for_each_product(cs, flush);
  }
  return r;
}

}  // namespace adasim::workloads::spatial
