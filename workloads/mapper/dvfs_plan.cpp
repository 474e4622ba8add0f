// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/dvfs_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "arch/program/dvfs_transition.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/param_doc.hpp"
#include "workloads/mapper/estimate.hpp"

namespace adasim::workloads {
namespace {

// A partial plan: layers 0..i with layer i at some point.
struct Label {
  double time_ps = 0.0;
  double energy_pj = 0.0;
  size_t prev_point = 0;  // the point of layer i - 1
  size_t prev_label = 0;  // index into the front of (i - 1, prev_point)
};
using Front = std::vector<Label>;  // sorted by time, energy strictly falling

// Keeps the labels no other one dominates (<= in both, < in one); equal ones once.
Front pareto(std::vector<Label> in) {
  std::sort(in.begin(), in.end(), [](const Label& a, const Label& b) {
    return a.time_ps != b.time_ps ? a.time_ps < b.time_ps : a.energy_pj < b.energy_pj;
  });
  Front out;
  for (const Label& l : in)
    if (out.empty() || l.energy_pj < out.back().energy_pj) out.push_back(l);
  return out;
}

}  // namespace

HaltCost halt_cost(const DvfsPlanProblem& p, const arch::OperatingPoint& from, size_t to,
                   const PointOption& layer, bool last) {
  const arch::OperatingPoint& next = p.points.at(to);
  HaltCost h;
  if (arch::same_point(from, next)) return h;
  const arch::TransitionCost c = arch::transition_cost(p.transition, from, next);
  const uint64_t period = arch::period_ps(next);
  auto covering = [period](double ps) {
    return ps > 0 ? double(arch::cycles_covering(ps, period) * period) : 0.0;
  };
  if (p.transition.run_at_lower_clock && next.freq_mhz < from.freq_mhz) {
    // The layer starts at the new clock once the PLL has relocked (whole new-clock cycles); the
    // supply falls meanwhile, and a next boundary inside that ramp waits, halted, for its end.
    h.time_ps = covering(c.relock_ps);
    if (!last) h.time_ps += covering(c.relock_ps + c.ramp_ps - h.time_ps - layer.time_ps);
  } else {
    h.time_ps = covering(c.total_ps());
  }
  h.energy_pj = c.energy_pj + layer.leakage_mw * h.time_ps * 1e-3;  // mW x ns = pJ
  return h;
}

namespace {

// allowed[i][q]: layer i may run at point q under the power cap. A layer with no such point makes
// the cap unmeetable (`feasible` false); `lowest_cap` is the lowest cap every layer meets (the
// largest over the layers of each one's least average power).
std::vector<std::vector<bool>> allowed_points(const DvfsPlanProblem& p, bool& feasible,
                                              double& lowest_cap) {
  std::vector<std::vector<bool>> allowed(p.layers.size());
  lowest_cap = 0.0;
  feasible = true;
  for (size_t i = 0; i < p.layers.size(); ++i) {
    double least = std::numeric_limits<double>::infinity();
    bool any = false;
    for (const PointOption& o : p.layers[i]) {
      const double mw = average_power_mw(o);
      const bool ok = !p.power_cap_mw || mw <= *p.power_cap_mw;
      allowed[i].push_back(ok);
      any = any || ok;
      least = std::min(least, mw);
    }
    feasible = feasible && any;
    lowest_cap = std::max(lowest_cap, least);
  }
  return allowed;
}

// The best complete plan of the last layer's fronts that meets the deadline (ties: the faster,
// then the lower point), traced back through the fronts; none when no plan meets it.
std::optional<DvfsPlan> best_plan(const DvfsPlanProblem& p,
                                  const std::vector<std::vector<Front>>& fronts, double limit) {
  const size_t n = fronts.size(), np = p.points.size();
  size_t best_q = np, best_l = 0;
  double best = std::numeric_limits<double>::infinity(), best_t = best;
  for (size_t q = 0; q < np; ++q)
    for (size_t l = 0; l < fronts[n - 1][q].size(); ++l) {
      const Label& lab = fronts[n - 1][q][l];
      if (lab.time_ps > limit) continue;
      const double v = objective_value(p.objective, lab.time_ps, lab.energy_pj);
      if (v < best || (v == best && lab.time_ps < best_t)) {
        best = v;
        best_t = lab.time_ps;
        best_q = q;
        best_l = l;
      }
    }
  if (best_q == np) return std::nullopt;
  DvfsPlan plan;
  plan.choice.assign(n, 0);
  plan.time_ps = fronts[n - 1][best_q][best_l].time_ps;
  plan.energy_pj = fronts[n - 1][best_q][best_l].energy_pj;
  size_t q = best_q, l = best_l;
  for (size_t i = n; i-- > 0;) {
    plan.choice[i] = q;
    const Label& lab = fronts[i][q][l];
    q = lab.prev_point;
    l = lab.prev_label;
  }
  return plan;
}

}  // namespace

void throw_unmet(const DvfsPlanProblem& p, const DvfsPlanOutcome& o) {
  if (o.cap_unmet)
    throw sim::ConfigError("", "/clock/power_cap_mw", sim::number_text(*p.power_cap_mw),
                           "a cap every layer can meet at some operating point: the lowest is " +
                               sim::number_text(std::ceil(o.lowest_cap_mw * 1e3) * 1e-3) +
                               " mW (the most power-hungry layer at its least-power point)");
  throw sim::ConfigError(
      "", "/clock/deadline_us", sim::number_text(p.deadline_ps.value_or(0.0) * 1e-6),
      "a deadline the operating points can meet: the shortest achievable time is " +
          sim::number_text(std::ceil(o.shortest_ps * 1e-3) * 1e-3) +
          " us (every layer at its fastest point" +
          (p.power_cap_mw ? std::string(" under the power cap") : std::string()) +
          ", transitions and wake-ups included)");
}

DvfsPlan plan_dvfs(const DvfsPlanProblem& p) {
  DvfsPlanOutcome o = solve_dvfs(p);
  if (!o.plan) throw_unmet(p, o);
  return *o.plan;
}

DvfsPlanOutcome solve_dvfs(const DvfsPlanProblem& p) {
  const size_t n = p.layers.size(), np = p.points.size();
  DvfsPlanOutcome out;
  if (n == 0) {
    out.plan = DvfsPlan{};
    return out;
  }
  bool cap_ok = true;
  const std::vector<std::vector<bool>> allowed = allowed_points(p, cap_ok, out.lowest_cap_mw);
  if (!cap_ok) {
    out.cap_unmet = true;
    return out;
  }
  // A lower bound of the time the layers from i on still need: halts left out (>= 0), a
  // layer's boundary cost at its least (it may be negative: a wake-up at the layer's start can
  // end a wait the layer's estimate gated, see DvfsPlanProblem::boundary).
  std::vector<double> rest(n + 1, 0.0);
  for (size_t i = n; i-- > 0;) {
    double best = std::numeric_limits<double>::infinity(), least_boundary = 0.0;
    for (size_t q = 0; q < p.layers[i].size(); ++q)
      if (allowed[i][q]) best = std::min(best, p.layers[i][q].time_ps);
    if (i > 0 && i < p.boundary.size())
      for (const std::vector<HaltCost>& from : p.boundary[i])
        for (const HaltCost& b : from) least_boundary = std::min(least_boundary, b.time_ps);
    rest[i] = rest[i + 1] + best + least_boundary;
  }
  const double limit = p.deadline_ps.value_or(std::numeric_limits<double>::infinity());
  // fronts[i][q]: partial plans of layers 0..i with layer i at point q.
  std::vector<std::vector<Front>> fronts(n, std::vector<Front>(np));
  double shortest = std::numeric_limits<double>::infinity();  // of the last layer's labels
  for (size_t i = 0; i < n; ++i) {
    for (size_t q = 0; q < np; ++q) {
      if (!allowed[i].at(q)) continue;  // above the power cap: its front stays empty
      const PointOption& o = p.layers[i].at(q);
      std::vector<Label> cand;
      auto extend = [&](double t0, double e0, const arch::OperatingPoint& from, size_t pp,
                        size_t pl) {
        HaltCost h = halt_cost(p, from, q, o, i + 1 == n);
        if (i > 0 && i < p.boundary.size() && !p.boundary[i].empty()) {
          const HaltCost& b = p.boundary[i].at(pp).at(q);
          h.time_ps += b.time_ps;
          h.energy_pj += b.energy_pj;
        }
        cand.push_back(Label{t0 + h.time_ps + o.time_ps, e0 + h.energy_pj + o.energy_pj, pp, pl});
      };
      if (i == 0) {
        // The domain starts at the first layer's point (as under `fixed`): no halt at time 0.
        extend(0.0, 0.0, p.points[q], 0, 0);
      } else {
        for (size_t pp = 0; pp < np; ++pp)
          for (size_t pl = 0; pl < fronts[i - 1][pp].size(); ++pl) {
            const Label& prev = fronts[i - 1][pp][pl];
            extend(prev.time_ps, prev.energy_pj, p.points[pp], pp, pl);
          }
      }
      // The fastest label is kept whatever the deadline, to name the shortest time.
      Front f = pareto(std::move(cand));
      if (i + 1 == n && !f.empty()) shortest = std::min(shortest, f.front().time_ps);
      Front kept;
      for (size_t k = 0; k < f.size(); ++k)
        if (k == 0 || f[k].time_ps + rest[i + 1] <= limit) kept.push_back(f[k]);
      fronts[i][q] = std::move(kept);
    }
  }
  out.shortest_ps = shortest;
  out.plan = best_plan(p, fronts, limit);
  return out;
}

}  // namespace adasim::workloads
