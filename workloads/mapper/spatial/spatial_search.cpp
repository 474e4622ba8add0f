// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_search.hpp"

#include <algorithm>
#include <limits>

#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

constexpr double kSplitBudget = 256;

// Calls f(split) for every buffer/DRAM split of the core's remaining extents.
template <class F>
void for_each_split(const Core& core, const LoopChoices& ch, F&& f) {
  const Constraints& c = ch.constraints();
  std::array<std::vector<std::pair<int64_t, int64_t>>, kNumDims> opts;  // (gbuf, dram)
  for (int d = 0; d < kNumDims; ++d) {
    const int64_t n = core.rem[size_t(d)];
    auto& o = opts[size_t(d)];
    const int64_t vd = c.factor[kAtDram][size_t(d)], vg = c.factor[kAtGbuf][size_t(d)];
    if (vd || vg) {  // the user's factors, if they can cover the extent
      const int64_t dr = vd ? vd : ceil_div(n, vg), g = vg ? vg : ceil_div(n, vd);
      if (dr <= n && g <= n && g * dr >= n) o.push_back({g, dr});
    } else if (n == 1) {
      o.push_back({1, 1});
    } else if (!ch.exhaustive() && d == kG) {
      o.push_back({1, n});  // groups share nothing: all of them at DRAM level, outermost
    } else {
      for (int64_t g : ch.free(n, n, d == kN ? 5 : 7)) o.push_back({g, ceil_div(n, g)});
    }
    if (o.empty()) return;
  }
  // Pruned, when a core has more than kSplitBudget splits: at most two dims besides groups and
  // batch tiled at DRAM (unless the user fixes them); below the budget, every split.
  double count = 1;
  for (const auto& o : opts) count *= double(o.size());
  const bool limited = !ch.exhaustive() && count > kSplitBudget;
  Split s;
  auto rec = [&](auto&& self, int d, int tiled) -> void {
    if (d == kNumDims) {
      f(s);
      return;
    }
    for (const auto& [g, dr] : opts[size_t(d)]) {
      const bool counts =
          dr > 1 && d >= kM && !c.factor[kAtDram][size_t(d)] && !c.factor[kAtGbuf][size_t(d)];
      if (counts && limited && tiled == 2) continue;
      s.gbuf[size_t(d)] = g;
      s.dram[size_t(d)] = dr;
      self(self, d + 1, tiled + (counts ? 1 : 0));
    }
  };
  rec(rec, 0, 0);
}

template <class F>
void for_each_permutation(std::vector<int> v, F&& f) {
  std::sort(v.begin(), v.end());
  do f(v);
  while (std::next_permutation(v.begin(), v.end()));
}

// The DRAM loop orders of a split: the constrained one, else every permutation (with the group
// loop outermost unless the search is exhaustive and unconstrained).
std::vector<std::vector<int>> dram_orders(const Split& s, const LoopChoices& ch) {
  const Constraints& c = ch.constraints();
  std::vector<std::vector<int>> out;
  const bool g_out = s.dram[kG] > 1 && (!ch.exhaustive() || !c.dram_order.empty());
  std::vector<int> rest;
  for (int d = 0; d < kNumDims; ++d)
    if (s.dram[size_t(d)] > 1 && !(g_out && d == kG)) rest.push_back(d);
  if (!c.dram_order.empty()) {
    std::vector<int> o = g_out ? std::vector<int>{kG} : std::vector<int>{};
    for (int d : c.dram_order)
      if (s.dram[size_t(d)] > 1) o.push_back(d);
    out.push_back(o);
  } else {
    for_each_permutation(rest, [&](const std::vector<int>& perm) {
      std::vector<int> o = g_out ? std::vector<int>{kG} : std::vector<int>{};
      o.insert(o.end(), perm.begin(), perm.end());
      out.push_back(o);
    });
  }
  return out;
}

// Buffer loop orders when the RF keeps more than one operand. Each dim is ignored by exactly one
// operand (M by the ifmap; N, P, Q by the weights; C, R, S by the psums), so the innermost
// buffer loop x lowers the refills of one operand o only, and o gains most with all the loops
// it ignores innermost. What else the estimate reads is each operand's innermost loop that
// indexes it: x for the others, and for o the loop y just outside its block (which matters for
// the ifmap only, whose windows slide). One order per (o, x, y) is never worse than any
// permutation with the same three.
std::vector<std::vector<int>> several_kept_gbuf_orders(const Core& core, const Split& s) {
  std::vector<std::vector<int>> out;
  for (int o = 0; o < 3; ++o) {
    std::vector<int> rel, irr;
    for (int d : *core.gbuf_order)
      if (s.gbuf[size_t(d)] > 1) (relevant(o, d) ? rel : irr).push_back(d);
    if (irr.empty()) continue;
    const std::vector<int> ys = o == 0 && !rel.empty() ? rel : std::vector<int>{-1};
    for (int x : irr)
      for (int y : ys) {
        std::vector<int> ord;
        for (int d : rel)
          if (d != y) ord.push_back(d);
        if (y >= 0) ord.push_back(y);
        for (int d : irr)
          if (d != x) ord.push_back(d);
        ord.push_back(x);
        out.push_back(std::move(ord));
      }
  }
  return out;
}

// The buffer loop orders of a split worth estimating (all of them when exhaustive).
std::vector<std::vector<int>> gbuf_orders(const Core& core, const Split& s, const LoopChoices& ch) {
  std::vector<int> gb_dims;
  for (int d = 0; d < kNumDims; ++d)
    if (s.gbuf[size_t(d)] > 1) gb_dims.push_back(d);
  std::vector<std::vector<int>> out;
  int kept = 0, kept_op = -1;
  for (int o = 0; o < 3; ++o)
    if (core.m.rf_keep[size_t(o)]) {
      ++kept;
      kept_op = o;
    }
  if (ch.exhaustive()) {
    // (emplace from iterators: GCC 12 reports a false -Wrestrict on copying `perm` here)
    for_each_permutation(
        gb_dims, [&](const std::vector<int>& perm) { out.emplace_back(perm.begin(), perm.end()); });
  } else if (kept > 1) {
    out = several_kept_gbuf_orders(core, s);
    if (out.empty()) out.push_back(gb_dims);
  } else {
    // Only an RF-kept operand's refills depend on the buffer order: the loops it ignores go
    // innermost (with nothing kept, any order is the same).
    std::vector<int> o, inner;
    for (int d : *core.gbuf_order) {
      if (s.gbuf[size_t(d)] <= 1) continue;
      (kept_op >= 0 && !relevant(kept_op, d) ? inner : o).push_back(d);
    }
    o.insert(o.end(), inner.begin(), inner.end());
    out.push_back(o);
  }
  return out;
}

// Calls f(mapping) for every loop order of a split that the mode and constraints allow.
template <class F>
void for_each_order(const Core& core, const Split& s, const LoopChoices& ch, F&& f) {
  const std::vector<std::vector<int>> gb = gbuf_orders(core, s, ch);
  Mapping m;
  m.dataflow = core.m.dataflow;
  m.rf_keep = core.m.rf_keep;
  for (const auto& dorder : dram_orders(s, ch))
    for (const auto& gorder : gb) {
      m.loops.clear();
      for (int d : dorder) m.loops.push_back({d, s.dram[size_t(d)], Level::kDram});
      for (int d : gorder) m.loops.push_back({d, s.gbuf[size_t(d)], Level::kGbuf});
      m.loops.insert(m.loops.end(), core.m.loops.begin(), core.m.loops.end());
      f(m);  // the core, the split and the orders were generated within the constraints
    }
}

// Whether a split's buffer tiles fit their levels (double-buffered levels hold two copies).
bool split_fits(const Problem& p, const Core& core, const Split& s, const LayerWidths& w,
                const arch::AcceleratorSpec& spec) {
  Idx span = core.span;
  for (int d = 0; d < kNumDims; ++d) span[size_t(d)] *= s.gbuf[size_t(d)];
  return gbuf_fits(p, span, w, spec);
}

}  // namespace

bool gbuf_fits(const Problem& p, const Idx& gb_span, const LayerWidths& w,
               const arch::AcceleratorSpec& spec) {
  for (const arch::SramLevelSpec& l : spec.sram) {
    std::array<bool, 3> held{};
    for (arch::Operand o : l.holds) held[size_t(o)] = true;
    const int slots = l.double_buffered ? 2 : 1;
    if (slots * tiles_bytes(p, gb_span, w, true, held) > l.size_bytes) return false;
  }
  return true;
}

Constraints Constraints::resolve(const arch::MapperSpec& m, const Problem& p) {
  Constraints c;
  auto dim_of = [](const std::string& s) {
    for (int d = 0; d < kNumDims; ++d)
      if (s == dim_name(d)) return d;
    return -1;
  };
  for (const auto& f : m.factors) {
    const int d = dim_of(f.dim);
    const int L = f.level == "dram"    ? kAtDram
                  : f.level == "gbuf"  ? kAtGbuf
                  : f.level == "array" ? kAtArray
                                       : kAtRf;
    if (d < 0) continue;  // validated by the config parser
    c.factor[size_t(L)][size_t(d)] = std::min(f.value, p.bound[size_t(d)]);
  }
  for (const auto& s : m.dram_order)
    if (dim_of(s) >= 0) c.dram_order.push_back(dim_of(s));
  return c;
}

bool Constraints::any() const {
  for (const auto& lv : factor)
    for (int64_t v : lv)
      if (v) return true;
  return !dram_order.empty();
}

std::string Constraints::describe() const {
  static const char* kLevels[4] = {"dram", "gbuf", "array", "rf"};
  std::string s;
  for (size_t L = 0; L < 4; ++L)
    for (int d = 0; d < kNumDims; ++d)
      if (factor[L][size_t(d)])
        s += (s.empty() ? "" : ", ") + std::string(kLevels[L]) + " " + dim_name(d) + "=" +
             std::to_string(factor[L][size_t(d)]);
  if (!dram_order.empty()) {
    s += std::string(s.empty() ? "" : ", ") + "dram order";
    for (int d : dram_order) s += std::string(" ") + dim_name(d);
  }
  return s.empty() ? "none" : s;
}

void for_each_mapping(const Problem& p, const std::string& df, const arch::AcceleratorSpec& spec,
                      const LayerWidths& w, const Constraints& c, SearchMode mode,
                      const std::function<void(const Mapping&)>& f) {
  const LoopChoices ch(mode, c);
  const std::unique_ptr<ISpatialDataflow> impl = make_spatial_dataflow(df);
  CoreSet cores(p, *impl, spec, w, ch);
  impl->cores(p, spec, w, ch, cores);
  for (const Core& core : cores.cores())
    for_each_split(core, ch, [&](const Split& s) {
      if (split_fits(p, core, s, w, spec)) for_each_order(core, s, ch, f);
    });
}

namespace {

// The best and runner-up (another loop nest) by the exact estimate's objective; ties go to the
// earlier `order` (the enumeration's position: the shortlist 0, in the order offered), so the
// result does not depend on the order the candidates are offered in.
class ExactRanking {
 public:
  ExactRanking(SpatialSearchResult& r, arch::Objective obj) : r_(r), obj_(obj) {}
  double best() const {
    return r_.found ? r_.best_e.objective(obj_) : std::numeric_limits<double>::infinity();
  }
  void offer(const Mapping& m, const SpatialEstimate& e, int64_t order = 0) {
    const double v = e.objective(obj_);
    auto before = [&](double w, int64_t o) { return v < w || (v == w && order < o); };
    if (r_.found && !before(best(), best_order_)) {
      if ((r_.has_runner && !before(r_.runner_e.objective(obj_), runner_order_)) ||
          m.describe() == best_text_)
        return;
      r_.runner = m;
      r_.runner_e = e;
      r_.has_runner = true;
      runner_order_ = order;
      return;
    }
    // Described once: the text both tells the nest apart from the best and becomes the best's.
    std::string text = m.describe();
    if (r_.found && text != best_text_) {  // (the same nest replaces itself)
      r_.runner = std::move(r_.best);
      r_.runner_e = r_.best_e;
      r_.has_runner = true;
      runner_order_ = best_order_;
    }
    r_.best = m;
    r_.best_e = e;
    r_.found = true;
    best_text_ = std::move(text);
    best_order_ = order;
  }

 private:
  SpatialSearchResult& r_;
  arch::Objective obj_;
  std::string best_text_;
  int64_t best_order_ = 0, runner_order_ = 0;
};

// Whether a mapping's transfer plan (one chunk per DRAM iteration) stays within
// spec.mapper.max_plan_chunks.
bool plan_fits(const Mapping& m, const arch::MapperSpec& budget) {
  double chunks = 1;
  for (const Loop& l : m.loops)
    if (l.level == Level::kDram) chunks *= double(l.bound);
  return chunks <= double(budget.max_plan_chunks);
}

struct SearchInput {
  const Problem& p;
  const arch::AcceleratorSpec& spec;
  const LayerWidths& w;
  const EnergyCosts& costs;
  const LoopChoices& ch;
  const std::function<void()>& guard;
  bool bounded;
  const Refine& refine;    ///< empty: the exact estimate is final
  int64_t touched_ifmap;   ///< touched_ifmap_elems(p), for every core's ExactBound
  DramTrafficCache* dram;  ///< the DRAM traffic of the nests the exact stage priced
};

// Whether a candidate whose lower bound (its estimate, or a core's or split's bound) is `bound`
// can beat the best ranked: cut only above the best by more than rounding can explain.
bool can_beat(double bound, const ExactRanking& rank) { return bound <= rank.best() * (1 + 1e-9); }

// Offers a mapping with its exact estimate `e` to the ranking; with a Refine, refines it first
// unless `e` (a lower bound of the refined objective) already rules it out and `always` is false.
void rank_candidate(const SearchInput& in, const Mapping& m, SpatialEstimate e, bool always,
                    ExactRanking& rank, SpatialSearchResult& r, int64_t order = 0) {
  if (in.refine) {
    if (!always && !can_beat(e.objective(in.spec.mapper.objective), rank)) return;
    in.refine(m, e);
    ++r.replayed;
  }
  rank.offer(m, e, order);
}

// Screening: the closed-form score (screen_mapping) drives a branch and bound on CoreBound (a
// bound of the score) and keeps the `size` best-screened candidates with distinct loop nests,
// best first. Sets r.screened, r.evaluated, r.cut, r.over_memory, r.exhausted.
std::vector<Mapping> screen_shortlist(const SearchInput& in, const std::vector<Core>& all,
                                      size_t size, SpatialSearchResult& r) {
  const arch::Objective obj = in.spec.mapper.objective;
  struct Listed {
    double score;
    std::string text;
    Mapping m;
  };
  std::vector<Listed> list;  // ascending score
  // A point is cut only when its bound exceeds the best by more than rounding can explain.
  auto beaten = [&](double bound) {
    return !list.empty() && bound > list.front().score * (1 + 1e-9);
  };
  const arch::MapperSpec& budget = in.spec.mapper;
  auto consider = [&](const Mapping& m) {
    if (in.guard) in.guard();  // the host budget: throws only, the enumeration is the same
    // The budgets (mapper.max_candidates, mapper.max_plan_chunks): counts, so deterministic.
    // The exhaustive enumeration (the tests' reference) has no candidate budget.
    if (in.bounded && r.evaluated >= budget.max_candidates) {
      r.exhausted = true;
      return;
    }
    if (!plan_fits(m, budget)) {
      ++r.over_memory;
      return;
    }
    const double v = screen_mapping(in.p, m, in.spec, in.w, in.costs).objective(obj);
    ++r.evaluated;
    if (list.size() == size && v >= list.back().score) return;
    std::string text = m.describe();
    for (const Listed& l : list)
      if (l.text == text) return;  // the same nest (orders that differ in bound-1 loops)
    auto at = std::upper_bound(list.begin(), list.end(), v,
                               [](double x, const Listed& l) { return x < l.score; });
    list.insert(at, Listed{v, std::move(text), m});
    if (list.size() > size) list.pop_back();
  };
  for (size_t i = 0; i < all.size() && !r.exhausted; ++i) {
    const Core& core = all[i];
    if (in.bounded && beaten(core.bound)) {
      r.cut += int64_t(all.size() - i);
      break;
    }
    const CoreBound lb(in.p, core.m, core.rem, in.spec, in.w, in.costs, obj);
    for_each_split(core, in.ch, [&](const Split& s) {
      if (r.exhausted || !split_fits(in.p, core, s, in.w, in.spec)) return;
      if (in.bounded && beaten(lb.of(s))) {
        ++r.cut;
        return;
      }
      for_each_order(core, s, in.ch, consider);
    });
  }
  if (!list.empty()) r.screened = list.front().score;
  std::vector<Mapping> out;
  for (Listed& l : list) out.push_back(std::move(l.m));
  return out;
}

// The exact ranking: a branch and bound on ExactBound, a proven lower bound of the exact
// estimate's objective, seeded with the best exact estimate of the screened shortlist. A core or
// split is cut only when its bound exceeds the best exact objective found, so no mapping of the
// candidate space (every fitting split and order the pruned enumeration generates) that could
// beat the result is skipped: the result is the exact estimate's optimum over that space. The
// space itself does not depend on the SRAM sizes (they only filter splits, split_fits), so a
// larger SRAM level's optimum is never worse than a smaller one's. Cores sorted by `bound`.
// ExactBound is loose (it omits the buffer order's refills and all but one flush of each
// output) and estimate_mapping costs up to a few ms on large layers, so the search is run only
// when at most `budget` mappings survive the bound against the seed (collected first, without
// estimating), and then best first; returns whether it ran.
bool exact_search(const SearchInput& in, const std::vector<Core>& all, ExactRanking& rank,
                  int64_t budget, SpatialSearchResult& r) {
  const arch::Objective obj = in.spec.mapper.objective;
  auto beaten = [&](double bound) { return !can_beat(bound, rank); };
  // The survivors against the seed in enumeration order, up to one past the budget (counting
  // alone enumerated millions of mappings of a large layer before it was cut off at the budget),
  // with their bound (>= their split's and core's).
  struct Survivor {
    Mapping m;
    double bound;
  };
  std::vector<Survivor> survivors;
  // Also given up past kVisits mappings visited: a safety net for a space whose survivors stay
  // few while the visit runs on (ResNet-50's largest visit on configs/eyeriss/rs.json is 2.5 M).
  constexpr int64_t kVisits = int64_t(1) << 22;
  int64_t visits = 0;
  auto over = [&] { return int64_t(survivors.size()) > budget || visits > kVisits; };
  for (size_t k = 0; k < all.size(); ++k) {
    const Core& core = all[k];
    if (beaten(core.bound) || over()) break;
    ExactBound lb(in.p, core.m, core.rem, in.spec, in.w, in.costs, obj, in.touched_ifmap, in.dram);
    for_each_split(core, in.ch, [&](const Split& s) {
      if (over() || !split_fits(in.p, core, s, in.w, in.spec)) return;
      if (beaten(lb.of(s))) return;
      for_each_order(core, s, in.ch, [&](const Mapping& m) {
        if (over() || !plan_fits(m, in.spec.mapper)) return;
        ++visits;
        if (beaten(lb.of_order(s, m))) return;  // cheap first: it cuts most of a large space
        const double own = lb.of(s, m);
        if (!beaten(own)) survivors.push_back(Survivor{m, own});
      });
    });
  }
  if (over()) return false;
  // Best first: in increasing bound (then enumeration order), so the best found improves early
  // and the rest are cut at the first bound it rules out; the ranking's tie-break by enumeration
  // order keeps the result that of ranking them in enumeration order.
  std::vector<size_t> by_bound(survivors.size());
  for (size_t i = 0; i < by_bound.size(); ++i) by_bound[i] = i;
  std::stable_sort(by_bound.begin(), by_bound.end(), [&](size_t a, size_t b) {
    return survivors[a].bound < survivors[b].bound;
  });
  for (size_t i : by_bound) {
    const Survivor& x = survivors[i];
    if (beaten(x.bound)) break;
    if (in.guard) in.guard();
    ++r.estimated;
    // The bound priced x's DRAM traffic into in.dram (ExactBound::of): not walked again.
    const SpatialEstimate e = estimate_mapping(in.p, x.m, in.spec, in.w, in.costs, in.dram);
    rank_candidate(in, x.m, e, false, rank, r, int64_t(i) + 1);
  }
  return true;
}

}  // namespace

SpatialSearchResult search_spatial(const Problem& p, const std::vector<std::string>& dfs,
                                   const arch::AcceleratorSpec& spec, const LayerWidths& w,
                                   const EnergyCosts& costs, const Constraints& c, SearchMode mode,
                                   const std::function<void()>& guard, const Refine& refine) {
  const LoopChoices ch(mode, c);
  const arch::Objective obj = spec.mapper.objective;
  DramTrafficCache dram(p);
  const SearchInput in{
      p,    spec, w, costs, ch, guard, mode == SearchMode::kPruned, refine, touched_ifmap_elems(p),
      &dram};
  std::vector<std::unique_ptr<ISpatialDataflow>> impls;  // the cores point at their orders
  std::vector<Core> all;
  for (const std::string& df : dfs) {
    impls.push_back(make_spatial_dataflow(df));
    CoreSet cores(p, *impls.back(), spec, w, ch);
    impls.back()->cores(p, spec, w, ch, cores);
    for (Core& core : cores.cores()) all.push_back(std::move(core));
  }
  auto sort_by = [&](auto&& bound_of) {
    if (in.bounded)
      for (Core& core : all) core.bound = bound_of(core);
    std::stable_sort(all.begin(), all.end(),
                     [](const Core& a, const Core& b) { return a.bound < b.bound; });
  };
  SpatialSearchResult r;
  // 1. Screening: the kShortlist best-screened nests, ranked by the exact estimate.
  constexpr size_t kShortlist = 16;
  // 2. runs when at most kExactBudget mappings survive its bound (exact_search).
  constexpr int64_t kExactBudget = 1024;
  sort_by([&](const Core& k) { return CoreBound(p, k.m, k.rem, spec, w, costs, obj).any_split(); });
  ExactRanking rank(r, obj);
  // The shortlist by exact estimate; with a Refine, its two best are refined (a winner and a
  // runner-up) and the others only while their estimate can beat the best refined.
  std::vector<std::pair<Mapping, SpatialEstimate>> listed;
  for (Mapping& m : screen_shortlist(in, all, kShortlist, r)) {
    ++r.estimated;
    SpatialEstimate e = estimate_mapping(p, m, spec, w, costs);
    listed.emplace_back(std::move(m), e);
  }
  if (refine)  // (without, the screening order breaks ties, as the ranking keeps the first)
    std::stable_sort(listed.begin(), listed.end(), [&](const auto& a, const auto& b) {
      return a.second.objective(obj) < b.second.objective(obj);
    });
  for (size_t i = 0; i < listed.size(); ++i)
    rank_candidate(in, listed[i].first, listed[i].second, i < 2, rank, r);
  // The exhaustive enumeration (the tests' reference for the screening branch and bound) stops
  // here: estimating every one of its mappings exactly is too slow even on small layers.
  if (!r.found || r.exhausted || !in.bounded) return r;
  // 2. The exact estimate's optimum, seeded with the shortlist's best (a tight incumbent).
  sort_by([&](const Core& k) {
    return ExactBound(p, k.m, k.rem, spec, w, costs, obj, in.touched_ifmap).any_split();
  });
  r.exact_optimum = exact_search(in, all, rank, kExactBudget, r);
  return r;
}

}  // namespace adasim::workloads::spatial
