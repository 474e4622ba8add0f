// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/spatial/spatial_search.hpp"

#include <algorithm>
#include <limits>

#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

using arch::SpatialDataflow;
using Idx = std::array<int64_t, kNumDims>;
using tiling::ceil_div;

// Keeps at most k values, spread over the range, both ends included.
std::vector<int64_t> thin(const std::vector<int64_t>& v, size_t k) {
  if (v.size() <= k) return v;
  std::vector<int64_t> out;
  for (size_t i = 0; i < k; ++i) out.push_back(v[i * (v.size() - 1) / (k - 1)]);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The bounds a loop may take.
class Choices {
 public:
  Choices(SearchMode mode, const Constraints& c) : mode_(mode), c_(c) {}
  bool exhaustive() const { return mode_ == SearchMode::kExhaustive; }
  const Constraints& constraints() const { return c_; }

  // Free bounds for a loop over extent n, at most cap: every value (exhaustive), or the
  // smallest bound of each iteration count ceil(n / t) (a larger bound with as many iterations
  // only moves more per tile), thinned to k values.
  std::vector<int64_t> free(int64_t n, int64_t cap, size_t k) const {
    cap = std::min(cap, n);
    std::vector<int64_t> out;
    if (cap < 1) return out;
    if (exhaustive()) {
      for (int64_t f = 1; f <= cap; ++f) out.push_back(f);
      return out;
    }
    for (int64_t t = 1;;) {  // distinct ceil(n / t), descending, in O(sqrt n) steps
      const int64_t f = ceil_div(n, t);
      if (f <= cap) out.push_back(f);
      if (f == 1) break;
      t = ceil_div(n, f - 1);
    }
    std::reverse(out.begin(), out.end());
    return thin(out, k);
  }
  // Whether a core's array and RF loops multiply to the user's factors at those levels.
  bool core_admitted(const Mapping& core) const {
    std::array<Idx, 2> prod;
    for (auto& lv : prod) lv.fill(1);
    for (const Loop& l : core.loops) prod[l.level == Level::kRf ? 1 : 0][size_t(l.dim)] *= l.bound;
    for (int d = 0; d < kNumDims; ++d)
      if ((c_.factor[kAtArray][size_t(d)] && prod[0][size_t(d)] != c_.factor[kAtArray][size_t(d)]) ||
          (c_.factor[kAtRf][size_t(d)] && prod[1][size_t(d)] != c_.factor[kAtRf][size_t(d)]))
        return false;
    return true;
  }
  // A loop that alone carries dim d at constraint level L.
  std::vector<int64_t> at(int L, int d, int64_t n, int64_t cap, size_t k) const {
    const int64_t v = c_.factor[size_t(L)][size_t(d)];
    if (v) return v <= std::min(n, cap) ? std::vector<int64_t>{v} : std::vector<int64_t>{};
    return free(n, cap, k);
  }

 private:
  SearchMode mode_;
  const Constraints& c_;
};

struct Core {
  Mapping m;   // spatial and register-file loops only
  Idx span{};  // per-dim extent of those loops
  Idx rem{};   // extent left for the temporal loops
  double bound = 0;
};

int64_t tiles_bytes(const Problem& p, const Idx& span, const LayerWidths& w, bool kept_only,
                    const std::array<bool, 3>& keep) {
  const int bytes[3] = {w.in_bytes, w.w_bytes, w.psum_bytes};
  int64_t total = 0;
  for (int o = 0; o < 3; ++o)
    if (!kept_only || keep[size_t(o)]) total += tile_elems(o, p, span) * bytes[o];
  return total;
}

// Spatial unrollings and register-file loops of each dataflow (Chen et al., ISCA 2016, Sec. IV).
std::vector<Core> cores(const Problem& p, SpatialDataflow df, const arch::AcceleratorSpec& spec,
                        const LayerWidths& w, const Choices& ch) {
  const auto& b = p.bound;
  const int64_t rows = spec.pe_array.rows, cols = spec.pe_array.cols, rf = spec.pe_array.rf_bytes;
  std::vector<Core> out;
  auto add = [&](std::vector<Loop> sp, std::vector<Loop> rfl, std::array<bool, 3> keep) {
    Core c;
    c.m.dataflow = df;
    c.m.rf_keep = keep;
    for (const Loop& l : sp)
      if (l.bound > 1) c.m.loops.push_back(l);
    for (const Loop& l : rfl)
      if (l.bound > 1) c.m.loops.push_back(l);
    if (!ch.core_admitted(c.m)) return;
    const Idx span = c.m.spans_from(0);
    if (tiles_bytes(p, c.m.spans_from(c.m.first_at(Level::kRf)), w, true, keep) > rf) return;
    for (int d = 0; d < kNumDims; ++d) c.rem[size_t(d)] = ceil_div(b[size_t(d)], span[size_t(d)]);
    c.span = span;
    out.push_back(std::move(c));
  };
  const auto Y = Level::kArrayY, X = Level::kArrayX, RF = Level::kRf;
  switch (df) {
    case SpatialDataflow::kRs: {
      // PE set: filter rows down a column (psums accumulate vertically), output rows across;
      // sets replicated over channels (Y) and filters (X). RF: a filter row of S weights per
      // (filter, channel) pair, the matching ifmap row segment, and the psum row. The caps
      // are what the RF can hold at all (psum row qr x mr, weights mr x cr x S).
      if (b[kR] > rows) return out;
      const int64_t ws = w.w_bytes * b[kS];
      for (int64_t cy : ch.at(kAtArray, kC, b[kC], rows / b[kR], 6))
        for (int64_t px : ch.at(kAtArray, kP, b[kP], cols, 6))
          for (int64_t mx : ch.at(kAtArray, kM, b[kM], cols / px, 5))
            for (int64_t qr : ch.at(kAtRf, kQ, b[kQ], rf / w.psum_bytes, 5))
              for (int64_t mr : ch.at(kAtRf, kM, ceil_div(b[kM], mx),
                                      std::min(rf / (w.psum_bytes * qr), rf / ws), 5))
                for (int64_t cr : ch.at(kAtRf, kC, ceil_div(b[kC], cy), rf / (ws * mr), 5))
                  add({{kC, cy, Y}, {kR, b[kR], Y}, {kM, mx, X}, {kP, px, X}},
                      {{kQ, qr, RF}, {kM, mr, RF}, {kC, cr, RF}, {kS, b[kS], RF}}, {true, true, true});
      break;
    }
    case SpatialDataflow::kWs:
      // One weight per PE; ifmaps multicast along a row, psums reduced down the columns.
      if (rf < w.w_bytes) return out;
      for (int64_t ry : ch.at(kAtArray, kR, b[kR], rows, 3))
        for (int64_t sy : ch.at(kAtArray, kS, b[kS], rows / ry, 3))
          for (int64_t cy : ch.at(kAtArray, kC, b[kC], rows / (ry * sy), 6))
            for (int64_t mx : ch.at(kAtArray, kM, b[kM], cols, 6))
              add({{kC, cy, Y}, {kR, ry, Y}, {kS, sy, Y}, {kM, mx, X}}, {}, {false, true, false});
      break;
    case SpatialDataflow::kOsA:
      // One output channel, a 2-D patch of output pixels; one psum per PE.
      if (rf < w.psum_bytes) return out;
      for (int64_t py : ch.at(kAtArray, kP, b[kP], rows, 6))
        for (int64_t qx : ch.at(kAtArray, kQ, b[kQ], cols, 6))
          add({{kP, py, Y}, {kQ, qx, X}}, {}, {false, false, true});
      break;
    case SpatialDataflow::kOsB:
      // Several output channels (X) times several output pixels (Y).
      if (rf < w.psum_bytes) return out;
      for (int64_t qy : ch.at(kAtArray, kQ, b[kQ], rows, 5))
        for (int64_t py : ch.at(kAtArray, kP, b[kP], rows / qy, 5))
          for (int64_t mx : ch.at(kAtArray, kM, b[kM], cols, 6))
            add({{kP, py, Y}, {kQ, qy, Y}, {kM, mx, X}}, {}, {false, false, true});
      break;
    case SpatialDataflow::kOsC: {
      // Many output channels of a single output pixel (M over both Y and X).
      if (rf < w.psum_bytes) return out;
      const int64_t v = ch.constraints().factor[kAtArray][kM];
      if (v) {
        for (int64_t my = 1; my <= std::min(v, rows); ++my)
          if (v % my == 0 && v / my <= cols) add({{kM, my, Y}, {kM, v / my, X}}, {}, {false, false, true});
        break;
      }
      for (int64_t my : ch.free(b[kM], rows, 6))
        for (int64_t mx : ch.free(ceil_div(b[kM], my), cols, 6))
          add({{kM, my, Y}, {kM, mx, X}}, {}, {false, false, true});
      break;
    }
    case SpatialDataflow::kNlr:
      // No register files: channels down the columns (psums reduced), filters across.
      for (int64_t cy : ch.at(kAtArray, kC, b[kC], rows, 6))
        for (int64_t mx : ch.at(kAtArray, kM, b[kM], cols, 6))
          add({{kC, cy, Y}, {kM, mx, X}}, {}, {false, false, false});
      break;
  }
  return out;
}

// Buffer-level order (outermost first) that keeps each dataflow's RF operand stationary.
std::vector<int> base_gbuf_order(SpatialDataflow df) {
  switch (df) {
    case SpatialDataflow::kRs: return {kG, kN, kC, kM, kR, kS, kP, kQ};
    case SpatialDataflow::kWs: return {kG, kM, kC, kR, kS, kN, kP, kQ};
    default: return {kG, kN, kM, kP, kQ, kC, kR, kS};
  }
}

constexpr double kSplitBudget = 256;

// Calls f(split) for every buffer/DRAM split of the core's remaining extents.
template <class F>
void for_each_split(const Core& core, const Choices& ch, F&& f) {
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
      const bool counts = dr > 1 && d >= kM && !c.factor[kAtDram][size_t(d)] && !c.factor[kAtGbuf][size_t(d)];
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

// Calls f(mapping) for every loop order of a split that the mode and constraints allow.
template <class F>
void for_each_order(const Core& core, const Split& s, const Choices& ch, F&& f) {
  const Constraints& c = ch.constraints();
  std::vector<int> dram_dims, gb_dims;
  for (int d = 0; d < kNumDims; ++d) {
    if (s.dram[size_t(d)] > 1) dram_dims.push_back(d);
    if (s.gbuf[size_t(d)] > 1) gb_dims.push_back(d);
  }
  std::vector<std::vector<int>> dram_orders;
  const bool g_out = s.dram[kG] > 1 && (!ch.exhaustive() || !c.dram_order.empty());
  std::vector<int> rest;
  for (int d : dram_dims)
    if (!(g_out && d == kG)) rest.push_back(d);
  if (!c.dram_order.empty()) {
    std::vector<int> o = g_out ? std::vector<int>{kG} : std::vector<int>{};
    for (int d : c.dram_order)
      if (s.dram[size_t(d)] > 1) o.push_back(d);
    dram_orders.push_back(o);
  } else {
    for_each_permutation(rest, [&](const std::vector<int>& perm) {
      std::vector<int> o = g_out ? std::vector<int>{kG} : std::vector<int>{};
      o.insert(o.end(), perm.begin(), perm.end());
      dram_orders.push_back(o);
    });
  }
  std::vector<std::vector<int>> gb_orders;
  int kept = 0, kept_op = -1;
  for (int o = 0; o < 3; ++o)
    if (core.m.rf_keep[size_t(o)]) {
      ++kept;
      kept_op = o;
    }
  if (ch.exhaustive()) {
    for_each_permutation(gb_dims, [&](const std::vector<int>& perm) { gb_orders.push_back(perm); });
  } else if (kept > 1) {
    // Each dim is ignored by exactly one operand (M by the ifmap; N, P, Q by the weights; C, R,
    // S by the psums), so the innermost buffer loop x lowers the refills of one operand o only,
    // and o gains most with all the loops it ignores innermost. What else the estimate reads
    // is each operand's innermost loop that indexes it: x for the others, and for o the loop
    // y just outside its block (which matters for the ifmap only, whose windows slide). One
    // order per (o, x, y) is never worse than any permutation with the same three.
    for (int o = 0; o < 3; ++o) {
      std::vector<int> rel, irr;
      for (int d : base_gbuf_order(core.m.dataflow))
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
          gb_orders.push_back(std::move(ord));
        }
    }
    if (gb_orders.empty()) gb_orders.push_back(gb_dims);
  } else {
    // Only an RF-kept operand's refills depend on the buffer order: the loops it ignores go
    // innermost (with nothing kept, any order is the same).
    std::vector<int> o, inner;
    for (int d : base_gbuf_order(core.m.dataflow)) {
      if (s.gbuf[size_t(d)] <= 1) continue;
      (kept_op >= 0 && !relevant(kept_op, d) ? inner : o).push_back(d);
    }
    o.insert(o.end(), inner.begin(), inner.end());
    gb_orders.push_back(o);
  }
  Mapping m;
  m.dataflow = core.m.dataflow;
  m.rf_keep = core.m.rf_keep;
  for (const auto& dorder : dram_orders)
    for (const auto& gorder : gb_orders) {
      m.loops.clear();
      for (int d : dorder) m.loops.push_back({d, s.dram[size_t(d)], Level::kDram});
      for (int d : gorder) m.loops.push_back({d, s.gbuf[size_t(d)], Level::kGbuf});
      m.loops.insert(m.loops.end(), core.m.loops.begin(), core.m.loops.end());
      f(m);  // the core, the split and the orders were generated within the constraints
    }
}

// Buffer bytes of a split's tiles (one copy each).
int64_t split_bytes(const Problem& p, const Core& core, const Split& s, const LayerWidths& w) {
  Idx span = core.span;
  for (int d = 0; d < kNumDims; ++d) span[size_t(d)] *= s.gbuf[size_t(d)];
  return tiles_bytes(p, span, w, false, {});
}

}  // namespace

Constraints Constraints::resolve(const arch::MapperSpec& m, const Problem& p) {
  Constraints c;
  auto dim_of = [](const std::string& s) {
    for (int d = 0; d < kNumDims; ++d)
      if (s == dim_name(d)) return d;
    return -1;
  };
  for (const auto& f : m.factors) {
    const int d = dim_of(f.dim);
    const int L = f.level == "dram" ? kAtDram : f.level == "gbuf" ? kAtGbuf : f.level == "array" ? kAtArray : kAtRf;
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

void for_each_mapping(const Problem& p, SpatialDataflow df, const arch::AcceleratorSpec& spec,
                      const LayerWidths& w, const Constraints& c, SearchMode mode,
                      const std::function<void(const Mapping&)>& f) {
  const Choices ch(mode, c);
  const int slots = spec.sram.at(0).double_buffered ? 2 : 1;
  for (const Core& core : cores(p, df, spec, w, ch))
    for_each_split(core, ch, [&](const Split& s) {
      if (slots * split_bytes(p, core, s, w) <= spec.sram.at(0).size_bytes) for_each_order(core, s, ch, f);
    });
}

SpatialSearchResult search_spatial(const Problem& p, const std::vector<SpatialDataflow>& dfs,
                                   const arch::AcceleratorSpec& spec, const LayerWidths& w,
                                   const EnergyCosts& costs, const Constraints& c, SearchMode mode) {
  const Choices ch(mode, c);
  const arch::Objective obj = spec.mapper.objective;
  const bool bounded = mode == SearchMode::kPruned;
  const int slots = spec.sram.at(0).double_buffered ? 2 : 1;
  std::vector<Core> all;
  for (SpatialDataflow df : dfs)
    for (Core& core : cores(p, df, spec, w, ch)) {
      if (bounded) core.bound = CoreBound(p, core.m, core.rem, spec, w, costs, obj).any_split();
      all.push_back(std::move(core));
    }
  std::stable_sort(all.begin(), all.end(), [](const Core& a, const Core& b) { return a.bound < b.bound; });
  SpatialSearchResult r;
  // A point is cut only when its bound exceeds the best by more than rounding can explain.
  auto beaten = [&](double bound) {
    return r.found && bound > r.best_e.objective(obj) * (1 + 1e-9);
  };
  std::string best_text;
  auto consider = [&](const Mapping& m) {
    const SpatialEstimate e = estimate_mapping(p, m, spec, w, costs);
    ++r.evaluated;
    const double v = e.objective(obj);
    if (!r.found || v < r.best_e.objective(obj)) {
      std::string text = m.describe();
      if (r.found && text != best_text) {
        r.runner = std::move(r.best);
        r.runner_e = r.best_e;
        r.has_runner = true;
      }
      r.best = m;
      r.best_e = e;
      best_text = std::move(text);
      r.found = true;
    } else if (!r.has_runner || v < r.runner_e.objective(obj)) {
      if (m.describe() == best_text) return;
      r.runner = m;
      r.runner_e = e;
      r.has_runner = true;
    }
  };
  for (size_t i = 0; i < all.size(); ++i) {
    const Core& core = all[i];
    if (bounded && beaten(core.bound)) {
      r.cut += int64_t(all.size() - i);
      break;
    }
    const CoreBound lb(p, core.m, core.rem, spec, w, costs, obj);
    for_each_split(core, ch, [&](const Split& s) {
      if (slots * split_bytes(p, core, s, w) > spec.sram.at(0).size_bytes) return;
      if (bounded && beaten(lb.of(s))) {
        ++r.cut;
        return;
      }
      for_each_order(core, s, ch, consider);
    });
  }
  return r;
}

}  // namespace adasim::workloads::spatial
