// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/search.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "sim/core/errors.hpp"
#include "workloads/mapper/systolic_planner.hpp"

namespace adasim::workloads {

namespace {

/// Group packings to try: every factor for up to 64 groups; beyond, the first 64 and the
/// balanced factor for each pack count up to 64 (ceil(G / packs)).
std::vector<int64_t> group_packs(int64_t groups) {
  std::vector<int64_t> out;
  for (int64_t gp = 1; gp <= std::min<int64_t>(groups, 64); ++gp) out.push_back(gp);
  for (int64_t packs = 1; packs <= 64 && groups > 64; ++packs)
    out.push_back((groups + packs - 1) / packs);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// Ranking: the objective, then fewer DRAM bytes, then fewer folds; earlier enumeration wins ties.
bool better(const Estimate& a, size_t folds_a, const Estimate& b, size_t folds_b,
            arch::Objective o) {
  const double va = a.objective(o), vb = b.objective(o);
  if (va != vb) return va < vb;
  if (a.dram_bytes != b.dram_bytes) return a.dram_bytes < b.dram_bytes;
  return folds_a < folds_b;
}

bool different_choice(const Candidate& a, const Candidate& b) {
  return a.dataflow != b.dataflow || a.group_pack != b.group_pack || a.chunk_outer != b.chunk_outer;
}

constexpr double kNone = std::numeric_limits<double>::infinity();

/// The legal temporal chunks of one (dataflow, packing): multiples of `step` below T, and T.
struct ChunkChoices {
  int64_t T = 1, step = 1, n = 1;  ///< k -> (k + 1) * step for k + 1 < n, then T
  ChunkChoices(int64_t extent, int64_t chunk_step)
      : T(extent), step(std::max<int64_t>(1, chunk_step)), n((extent - 1) / step + 1) {}
  int64_t legal(int64_t k) const { return k + 1 >= n ? T : (k + 1) * step; }
};

/// The chunk grid: the largest multiple m' <= m (m >= 1) of the chunk step with at most three
/// significant bits (1..8, 10, 12, 14, 16, 20, 24, 28, 32, 40, ...: four per octave, each within
/// 25% of the next). The grid does not depend on the SRAM sizes, so a larger level offers every
/// chunk a smaller one did.
int64_t grid_floor(int64_t m) {
  int bits = 0;
  for (int64_t v = m; v > 0; v >>= 1) ++bits;
  return bits <= 3 ? m : (m >> (bits - 3)) << (bits - 3);
}

/// One search over the candidates of a layer; `overcommit`: build them over the SRAM capacity
/// (search_pass below). Keeps the best candidate and the best one of another choice
/// (dataflow, packing or order) as the runner-up.
class SystolicSearch {
 public:
  SystolicSearch(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                 const EnergyCosts& costs, SearchMode mode, bool overcommit, ISearchGuard* guard)
      : planner_(g, l, spec),
        layer_(l.name),
        spec_(spec),
        ms_(spec.mapper),
        costs_(costs),
        mode_(mode),
        overcommit_(overcommit),
        guard_(guard),
        // SCALE-Sim's convention: each fold streams its whole temporal extent (no chunk-outer
        // order unless the config asks for it), and SRAM sizes never refuse a layer.
        scalesim_(spec.pe_array.convention == arch::TimingConvention::kScaleSim) {}

  /// Enumerates every dataflow the array offers and every group packing of the layer.
  void run(const ConvShape& shape);
  bool found() const { return have_best_; }
  /// Candidates skipped for their transfer plan's size (mapper.max_plan_chunks).
  int64_t over_memory() const { return over_memory_; }
  /// The result with the search diagnostics filled in (found() must hold).
  SearchResult result();

 private:
  /// A candidate's lower bound (infinity if it was not built) and objective (infinity if the
  /// bound alone ruled it out).
  struct Score {
    double bound = kNone, value = kNone;
    int64_t dram_bytes = 0;  ///< exact (the tie-breaks of `better`)
    size_t folds = 0;
  };

  /// Whether a candidate whose objective is at least `s.bound` can still rank first or (with
  /// another choice than the best) second: on a tie with the bound, `better`'s tie-breaks
  /// (DRAM bytes, folds) are exact already.
  bool can_rank(const Candidate& c, const Score& s) const;
  /// Branch and bound: no candidate of this packing takes fewer cycles than its folds'
  /// closed-form compute time, nor less energy than its MACs plus leakage over that time.
  bool packing_ruled_out(const std::string& df, int64_t gp) const;
  /// The loop orders worth trying for a packing (chunk-outer only differs when Kred is split).
  std::vector<bool> orders(const std::string& df, int64_t gp, bool outputs_held) const;
  /// The residency flags that can change traffic for this dataflow and order.
  void search_residency(const std::string& df, int64_t gp, bool chunk_outer);
  /// The temporal chunks of one candidate: the configured one, all (exhaustive), or the grid
  /// (grid_floor): its largest fitting chunk now, the rest once every family has been probed.
  void search_chunks(Candidate c);
  /// A family (dataflow, packing, order, residency) on the chunk grid: its largest fitting chunk
  /// (index `top`, -1 when none fits) and that chunk's score.
  struct Family {
    Candidate c;
    ChunkChoices ch;
    int64_t top = -1;
    Score probe;
  };
  /// Scores the family's largest fitting chunk of the grid.
  Family probe(Candidate c, const ChunkChoices& ch);
  /// The family's smaller grid chunks, larger first, while their bound can rank.
  void walk(Family f);
  Score consider(const Candidate& c);
  /// With a single chunk, chunk-outer is the stream-outer mapping again: not a new candidate.
  bool repeats_stream_outer(const Candidate& c) const {
    return c.chunk_outer && c.chunk_len >= planner_.time_extent(c.dataflow, c.group_pack) &&
           ms_.loop_order != arch::LoopOrderConstraint::kChunkOuter;
  }
  /// Ranks a scored candidate against the best and the runner-up.
  void rank(const Candidate& c, LayerSchedule&& s, const Estimate& e);

  const SystolicPlanner planner_;
  const std::string layer_;
  const arch::AcceleratorSpec& spec_;
  const arch::MapperSpec& ms_;
  const EnergyCosts& costs_;
  const SearchMode mode_;
  const bool overcommit_;
  ISearchGuard* const guard_;  ///< the host budget (nullptr: none)
  const bool scalesim_;
  SearchResult res_;
  bool have_best_ = false, have_runner_ = false;
  size_t best_folds_ = 0, runner_folds_ = 0;
  bool exhausted_ = false;    ///< mapper.max_candidates reached
  int64_t over_memory_ = 0;  ///< candidates above mapper.max_plan_chunks
  std::vector<Family> families_;  ///< probed, walked at the end of run()
};

void SystolicSearch::run(const ConvShape& shape) {
  // The spec names the dataflows the array offers; the registry implements them.
  const auto& pe = spec_.pe_array;
  const std::vector<std::string> offered =
      pe.dataflow_auto ? pe.dataflows : std::vector<std::string>{pe.dataflow};
  for (const std::string& df : planner_.allowed(offered)) {
    const bool os = planner_.layout(df).outputs_held();
    for (int64_t gp : group_packs(shape.groups)) {
      if (exhausted_) return;
      if (packing_ruled_out(df, gp)) continue;
      for (bool chunk_outer : orders(df, gp, os)) search_residency(df, gp, chunk_outer);
    }
  }
  // The families with the best largest chunk first, so the bound cuts the others early. The
  // best objective does not depend on the order (every grid chunk is either scored or ruled out
  // by its bound); among exact ties the first scored stays.
  std::stable_sort(families_.begin(), families_.end(), [this](const Family& a, const Family& b) {
    return a.probe.value < b.probe.value ||
           (a.probe.value == b.probe.value && a.probe.bound < b.probe.bound);
  });
  for (Family& f : families_) walk(std::move(f));
  families_.clear();
}

bool SystolicSearch::can_rank(const Candidate& c, const Score& s) const {
  auto could_beat = [&](const Estimate& e, size_t folds) {
    const double v = e.objective(ms_.objective);
    if (s.bound != v) return s.bound < v;
    if (s.dram_bytes != e.dram_bytes) return s.dram_bytes < e.dram_bytes;
    return s.folds < folds;
  };
  if (!have_best_ || could_beat(res_.best_estimate, best_folds_)) return true;
  return different_choice(res_.best_candidate, c) &&
         (!have_runner_ || could_beat(res_.runner_estimate, runner_folds_));
}

bool SystolicSearch::packing_ruled_out(const std::string& df, int64_t gp) const {
  if (!have_best_) return false;
  const double lb_cycles = planner_.compute_lower_bound(df, gp);
  Estimate lb;
  lb.cycles = lb_cycles;
  lb.energy_pj = double(planner_.array_macs(df)) * costs_.mac_pj +
                 costs_.leakage_mw * lb_cycles * 1000.0 / spec_.clock.nominal.freq_mhz;
  return lb.objective(ms_.objective) > res_.best_estimate.objective(ms_.objective);
}

std::vector<bool> SystolicSearch::orders(const std::string& df, int64_t gp,
                                         bool outputs_held) const {
  using arch::LoopOrderConstraint;
  std::vector<bool> out;
  if (ms_.loop_order != LoopOrderConstraint::kChunkOuter) out.push_back(false);
  // Chunk-outer only differs when Kred is split; without a split it only adds refills.
  if (!outputs_held && planner_.kred_split(df, gp) &&
      ms_.loop_order != LoopOrderConstraint::kStreamOuter &&
      !(scalesim_ && ms_.loop_order == LoopOrderConstraint::kAuto))
    out.push_back(true);
  if (out.empty()) out.push_back(!outputs_held);
  return out;
}

void SystolicSearch::search_residency(const std::string& df, int64_t gp, bool chunk_outer) {
  const arch::SystolicLayout lay = planner_.layout(df);
  const bool stat_reuse = chunk_outer;  // the held tile is reloaded per chunk
  const bool can_if =
      lay.streams(arch::Operand::kIfmap) || (stat_reuse && lay.holds(arch::Operand::kIfmap));
  const bool can_w =
      lay.streams(arch::Operand::kWeight) || (stat_reuse && lay.holds(arch::Operand::kWeight));
  const bool can_psum = !lay.outputs_held() && planner_.kred_split(df, gp) && !chunk_outer;
  for (int mask = 0; mask < 8; ++mask) {
    Candidate c;
    c.dataflow = df;
    c.group_pack = gp;
    c.chunk_outer = chunk_outer;
    c.ifmap_resident = mask & 1;
    c.weight_resident = mask & 2;
    c.psums_on_chip = mask & 4;
    if ((c.ifmap_resident && !can_if) || (c.weight_resident && !can_w) ||
        (c.psums_on_chip && !can_psum) || (overcommit_ && mask != 0))
      continue;
    search_chunks(c);
  }
}

void SystolicSearch::search_chunks(Candidate c) {
  const ChunkChoices ch(planner_.time_extent(c.dataflow, c.group_pack),
                        planner_.chunk_step(c.dataflow));
  if (ms_.chunk_len > 0 || overcommit_) {
    c.chunk_len = ms_.chunk_len > 0 ? std::min(ms_.chunk_len, ch.T) : ch.legal(0);
    consider(c);
  } else if (mode_ == SearchMode::kExhaustive) {
    for (int64_t k = 0; k < ch.n; ++k) {
      c.chunk_len = ch.legal(k);
      consider(c);
    }
  } else {
    families_.push_back(probe(c, ch));
  }
}

SystolicSearch::Family SystolicSearch::probe(Candidate c, const ChunkChoices& ch) {
  Family f{c, ch, -1, Score{}};
  // The largest chunk that fits (the footprint grows with the chunk), then the grid's below it.
  f.c.chunk_len = ch.legal(0);
  if (!planner_.fits(f.c)) return f;
  int64_t lo = 0, hi = ch.n - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    f.c.chunk_len = ch.legal(mid);
    if (planner_.fits(f.c))
      lo = mid;
    else
      hi = mid - 1;
  }
  f.top = lo + 1 < ch.n ? grid_floor(lo + 1) - 1 : lo;
  f.c.chunk_len = ch.legal(f.top);
  // With a single chunk, chunk-outer repeats stream-outer: the walk starts below it.
  if (!repeats_stream_outer(f.c)) f.probe = consider(f.c);
  return f;
}

void SystolicSearch::walk(Family f) {
  // A smaller chunk moves at least as many bytes (more halo, more reloads), streams at least as
  // many cycles and waits for at least as many loads, so its bound is no lower: the walk stops
  // at the first bound that cannot rank.
  if (f.top < 0 || (f.probe.bound < kNone && !can_rank(f.c, f.probe))) return;
  for (int64_t k = f.top >= 1 ? grid_floor(f.top) - 1 : -1; k >= 0;
       k = k >= 1 ? grid_floor(k) - 1 : -1) {
    f.c.chunk_len = f.ch.legal(k);
    if (!can_rank(f.c, consider(f.c))) return;
  }
}

SystolicSearch::Score SystolicSearch::consider(const Candidate& c) {
  Score sc;
  if (repeats_stream_outer(c)) return sc;
  if (guard_) guard_->check(layer_);  // throws only: the enumeration is the same without it
  // The budgets (mapper.max_candidates, mapper.max_plan_chunks): counts, so deterministic.
  // The exhaustive enumeration (the tests' reference) has no candidate budget.
  if (mode_ == SearchMode::kPruned && res_.evaluated >= ms_.max_candidates) {
    exhausted_ = true;
    return sc;
  }
  if (planner_.plan_chunks(c) > ms_.max_plan_chunks && (overcommit_ || planner_.fits(c))) {
    ++over_memory_;
    return sc;
  }
  std::optional<LayerSchedule> s =
      overcommit_ ? std::optional<LayerSchedule>(planner_.build_overcommitted(c, guard_))
                  : planner_.build(c, guard_);
  if (!s) return sc;
  ++res_.evaluated;
  // The timeline replay only for a candidate whose lower bound could still make it the best
  // or (with another choice) the runner-up.
  Estimate e = search_bound(*s, spec_, costs_);
  sc.bound = e.objective(ms_.objective);
  sc.dram_bytes = e.dram_bytes;
  sc.folds = s->transfers.folds.size();
  if (!can_rank(c, sc)) return sc;
  e = refine(std::move(e), *s, spec_, costs_);
  sc.value = e.objective(ms_.objective);
  rank(c, std::move(*s), e);
  return sc;
}

void SystolicSearch::rank(const Candidate& c, LayerSchedule&& s, const Estimate& e) {
  const size_t folds = s.transfers.folds.size();
  if (!have_best_ || better(e, folds, res_.best_estimate, best_folds_, ms_.objective)) {
    if (have_best_ && different_choice(res_.best_candidate, c) &&
        (!have_runner_ || better(res_.best_estimate, best_folds_, res_.runner_estimate,
                                 runner_folds_, ms_.objective))) {
      res_.runner_up = res_.best_candidate;
      res_.runner_estimate = res_.best_estimate;
      runner_folds_ = best_folds_;
      have_runner_ = true;
    }
    res_.best = std::move(s);
    res_.best_candidate = c;
    res_.best_estimate = e;
    best_folds_ = folds;
    have_best_ = true;
  } else if (different_choice(res_.best_candidate, c) &&
             (!have_runner_ ||
              better(e, folds, res_.runner_estimate, runner_folds_, ms_.objective))) {
    res_.runner_up = c;
    res_.runner_estimate = e;
    runner_folds_ = folds;
    have_runner_ = true;
  }
}

SearchResult SystolicSearch::result() {
  SearchInfo& info = res_.best.search;
  info.objective = arch::to_string(ms_.objective);
  info.chosen = res_.best_candidate.describe();
  info.est_cycles = res_.best_estimate.cycles;
  info.est_energy_pj = res_.best_estimate.energy_pj;
  info.evaluated = res_.evaluated;
  info.overcommitted = overcommit_;
  info.budget_exhausted = exhausted_;
  info.over_memory_budget = over_memory_;
  info.has_runner_up = have_runner_;
  if (have_runner_) {
    info.runner_up = res_.runner_up->describe();
    info.runner_cycles = res_.runner_estimate.cycles;
    info.runner_energy_pj = res_.runner_estimate.energy_pj;
  }
  return std::move(res_);
}

/// One search over the candidates; `overcommit`: build them over the SRAM capacity (below).
SearchResult search_pass(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                         const EnergyCosts& costs, SearchMode mode, bool overcommit,
                         ISearchGuard* guard) {
  SystolicSearch search(g, l, spec, costs, mode, overcommit, guard);
  search.run(g.shape(l));
  if (search.found()) return search.result();
  const auto& ms = spec.mapper;
  // SCALE-Sim's SRAM sizes change its traffic but never refuse a layer: when no tiling fits,
  // take the least demanding ones (smallest chunk, nothing resident) over the capacity.
  if (spec.pe_array.convention == arch::TimingConvention::kScaleSim && !overcommit)
    return search_pass(g, l, spec, costs, mode, true, guard);
  // (A search that ran out of candidates kept its first one: exhaustion implies a best.)
  if (search.over_memory() > 0)
    throw sim::ConfigError(
        "", "/mapper/max_plan_chunks",
        "layer '" + l.name + "': " + std::to_string(search.over_memory()) +
            " fitting candidate(s), each above " + std::to_string(ms.max_plan_chunks) +
            " transfer-plan chunks",
        "a budget the layer's mappings fit (raise mapper.max_plan_chunks, or give the array "
        "more PEs / SRAM)");
  if (ms.chunk_len > 0)
    throw sim::ConfigError(
        "", "/mapper/chunk_len", std::to_string(ms.chunk_len),
        "a temporal chunk whose tiles fit the SRAM levels for layer '" + l.name + "'");
  throw sim::ConfigError("", "/memory/sram", "too small for layer '" + l.name + "'",
                         "SRAM levels large enough for one array fold with double buffering");
}

}  // namespace

SearchResult search_mappings(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                             const EnergyCosts& costs, SearchMode mode, ISearchGuard* guard) {
  return search_pass(g, l, spec, costs, mode, false, guard);
}

}  // namespace adasim::workloads
