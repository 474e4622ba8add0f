// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/search.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "sim/core/errors.hpp"
#include "workloads/mapper/systolic_planner.hpp"

namespace adasim::workloads {

namespace {

/// Smaller chunks tried below the largest one that fits before the ladder goes on only while
/// each step improves (mapping time grows with them).
constexpr int kLadder = 1;

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

/// One search over the candidates; `overcommit`: build them over the SRAM capacity (below).
SearchResult search_pass(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                         const EnergyCosts& costs, SearchMode mode, bool overcommit) {
  const SystolicPlanner planner(g, l, spec);
  const auto& pe = spec.pe_array;
  const auto& ms = spec.mapper;
  // The spec names the dataflows the array offers; the registry implements them.
  const std::vector<std::string> offered =
      pe.dataflow_auto ? pe.dataflows : std::vector<std::string>{pe.dataflow};
  const std::vector<std::string> dataflows = planner.allowed(offered);
  const ConvShape shape = g.shape(l);

  SearchResult res;
  bool have_best = false, have_runner = false;
  size_t best_folds = 0, runner_folds = 0;

  // SCALE-Sim's convention: each fold streams its whole temporal extent (no chunk-outer order
  // unless the config asks for it), and SRAM sizes never refuse a layer (see below).
  const bool scalesim = pe.convention == arch::TimingConvention::kScaleSim;

  // Whether a candidate whose objective is at least `bound` can still rank first or (with
  // another choice than the best) second.
  auto can_rank = [&](const Candidate& c, double bound) {
    if (!have_best || bound <= res.best_estimate.objective(ms.objective)) return true;
    return different_choice(res.best_candidate, c) &&
           (!have_runner || bound <= res.runner_estimate.objective(ms.objective));
  };
  // Scores a candidate; `bound` receives its lower bound (infinity if it was not built),
  // `value` its objective (infinity if the bound alone ruled it out).
  constexpr double kNone = std::numeric_limits<double>::infinity();
  double value = kNone;
  bool exhausted = false;
  int64_t over_memory = 0;
  auto consider = [&](const Candidate& c, double& bound) {
    bound = value = kNone;
    // With a single chunk, chunk-outer is the stream-outer mapping again: not a new candidate.
    if (c.chunk_outer && c.chunk_len >= planner.time_extent(c.dataflow, c.group_pack) &&
        ms.loop_order != arch::LoopOrderConstraint::kChunkOuter)
      return;
    // The budgets (mapper.max_candidates, mapper.max_plan_chunks): counts, so deterministic.
    // The exhaustive enumeration (the tests' reference) has no candidate budget.
    if (mode == SearchMode::kPruned && res.evaluated >= ms.max_candidates) {
      exhausted = true;
      return;
    }
    if (planner.plan_chunks(c) > ms.max_plan_chunks && (overcommit || planner.fits(c))) {
      ++over_memory;
      return;
    }
    std::optional<LayerSchedule> s =
        overcommit ? std::optional<LayerSchedule>(planner.build_overcommitted(c))
                   : planner.build(c);
    if (!s) return;
    ++res.evaluated;
    // The timeline replay only for a candidate whose lower bound could still make it the best
    // or (with another choice) the runner-up.
    Estimate e = estimate_bound(*s, spec, costs);
    bound = e.objective(ms.objective);
    if (!can_rank(c, bound)) return;
    e = refine(std::move(e), *s, spec, costs);
    value = e.objective(ms.objective);
    if (!have_best ||
        better(e, s->transfers.folds.size(), res.best_estimate, best_folds, ms.objective)) {
      if (have_best && different_choice(res.best_candidate, c) &&
          (!have_runner || better(res.best_estimate, best_folds, res.runner_estimate, runner_folds,
                                  ms.objective))) {
        res.runner_up = res.best_candidate;
        res.runner_estimate = res.best_estimate;
        runner_folds = best_folds;
        have_runner = true;
      }
      res.best = std::move(*s);
      res.best_candidate = c;
      res.best_estimate = e;
      best_folds = res.best.transfers.folds.size();
      have_best = true;
    } else if (different_choice(res.best_candidate, c) &&
               (!have_runner || better(e, s->transfers.folds.size(), res.runner_estimate,
                                       runner_folds, ms.objective))) {
      res.runner_up = c;
      res.runner_estimate = e;
      runner_folds = s->transfers.folds.size();
      have_runner = true;
    }
  };
  double bound = kNone;

  for (const std::string& df : dataflows) {
    const arch::SystolicLayout lay = planner.layout(df);
    for (int64_t gp : group_packs(shape.groups)) {
      if (exhausted) break;
      // Branch and bound: no candidate of this packing takes fewer cycles than its folds'
      // closed-form compute time, nor less energy than its MACs plus leakage over that time.
      if (have_best) {
        const double lb_cycles = planner.compute_lower_bound(df, gp);
        const double lb_energy =
            double(planner.array_macs(df)) * costs.mac_pj +
            costs.leakage_mw * lb_cycles * 1000.0 / spec.clock.nominal.freq_mhz;
        Estimate lb;
        lb.cycles = lb_cycles;
        lb.energy_pj = lb_energy;
        if (lb.objective(ms.objective) > res.best_estimate.objective(ms.objective)) continue;
      }
      const bool split = planner.kred_split(df, gp);
      const int64_t T = planner.time_extent(df, gp);
      const bool os = lay.outputs_held();
      std::vector<bool> orders;
      if (ms.loop_order != arch::LoopOrderConstraint::kChunkOuter) orders.push_back(false);
      // Chunk-outer only differs when Kred is split; without a split it only adds refills.
      if (!os && split && ms.loop_order != arch::LoopOrderConstraint::kStreamOuter &&
          !(scalesim && ms.loop_order == arch::LoopOrderConstraint::kAuto))
        orders.push_back(true);
      if (orders.empty()) orders.push_back(os ? false : true);
      for (bool chunk_outer : orders) {
        // Residency flags that can change traffic for this dataflow and order.
        const bool stream_if = lay.streams(arch::Operand::kIfmap);
        const bool stream_w = lay.streams(arch::Operand::kWeight);
        const bool stat_reuse = chunk_outer;  // the held tile is reloaded per chunk
        const bool can_if = stream_if || (stat_reuse && lay.holds(arch::Operand::kIfmap));
        const bool can_w = stream_w || (stat_reuse && lay.holds(arch::Operand::kWeight));
        const bool can_psum = !os && split && !chunk_outer;
        for (int mask = 0; mask < 8; ++mask) {
          Candidate c;
          c.dataflow = df;
          c.group_pack = gp;
          c.chunk_outer = chunk_outer;
          c.ifmap_resident = mask & 1;
          c.weight_resident = mask & 2;
          c.psums_on_chip = mask & 4;
          if ((c.ifmap_resident && !can_if) || (c.weight_resident && !can_w) ||
              (c.psums_on_chip && !can_psum) || (overcommit && mask != 0))
            continue;
          // Legal chunks: multiples of `step` below T, and T itself.
          const int64_t step = std::max<int64_t>(1, planner.chunk_step(df));
          const int64_t legal_n = (T - 1) / step + 1;  // k -> k * step (k < legal_n), then T
          auto legal = [&](int64_t k) { return k + 1 >= legal_n ? T : (k + 1) * step; };
          if (ms.chunk_len > 0 || overcommit) {
            c.chunk_len = ms.chunk_len > 0 ? std::min(ms.chunk_len, T) : legal(0);
            consider(c, bound);
          } else if (mode == SearchMode::kExhaustive) {
            for (int64_t k = 0; k < legal_n; ++k) {
              c.chunk_len = legal(k);
              consider(c, bound);
            }
          } else {
            // The largest legal chunk that fits (the footprint grows with the chunk), then
            // (when that one ranks first or second) power-of-two multiples of the chunk step
            // below it, larger first, kLadder of them and then on while they improve: a smaller
            // chunk exposes less of the first fill and the last store, which can outweigh its
            // per-chunk overhead. The ladder stops early when
            // the bound of the last chunk tried cannot rank: a smaller chunk moves at least as
            // many bytes (more halo, more reloads), so its bound is no lower.
            c.chunk_len = legal(0);
            if (!planner.fits(c)) continue;
            int64_t lo = 0, hi = legal_n - 1;
            while (lo < hi) {
              const int64_t mid = lo + (hi - lo + 1) / 2;
              c.chunk_len = legal(mid);
              if (planner.fits(c))
                lo = mid;
              else
                hi = mid - 1;
            }
            c.chunk_len = legal(lo);
            consider(c, bound);
            if (!(value < kNone) || !can_rank(c, value)) continue;
            int64_t k = 1;
            while (2 * k - 1 < lo) k *= 2;
            double prev = value;
            for (int steps = 0; k >= 1 && k - 1 < lo && can_rank(c, bound); k /= 2, ++steps) {
              c.chunk_len = legal(k - 1);
              consider(c, bound);
              if (steps + 1 >= kLadder && !(value < prev)) break;
              prev = std::min(prev, value);
            }
          }
        }
      }
    }
  }
  if (!have_best) {
    // SCALE-Sim's SRAM sizes change its traffic but never refuse a layer: when no tiling fits,
    // take the least demanding ones (smallest chunk, nothing resident) over the capacity.
    if (scalesim && !overcommit) return search_pass(g, l, spec, costs, mode, true);
    // (A search that ran out of candidates kept its first one: `exhausted` implies a best.)
    if (over_memory > 0)
      throw sim::ConfigError(
          "", "/mapper/max_plan_chunks",
          "layer '" + l.name + "': " + std::to_string(over_memory) +
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
  SearchInfo& info = res.best.search;
  info.objective = arch::to_string(ms.objective);
  info.chosen = res.best_candidate.describe();
  info.est_cycles = res.best_estimate.cycles;
  info.est_energy_pj = res.best_estimate.energy_pj;
  info.evaluated = res.evaluated;
  info.overcommitted = overcommit;
  info.budget_exhausted = exhausted;
  info.over_memory_budget = over_memory;
  info.has_runner_up = have_runner;
  if (have_runner) {
    info.runner_up = res.runner_up->describe();
    info.runner_cycles = res.runner_estimate.cycles;
    info.runner_energy_pj = res.runner_estimate.energy_pj;
  }
  return res;
}

}  // namespace

SearchResult search_mappings(const Graph& g, const Layer& l, const arch::AcceleratorSpec& spec,
                             const EnergyCosts& costs, SearchMode mode) {
  return search_pass(g, l, spec, costs, mode, false);
}

}  // namespace adasim::workloads
