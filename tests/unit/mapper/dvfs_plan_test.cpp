// SPDX-License-Identifier: Apache-2.0
// The per-layer DVFS plan (workloads/mapper/dvfs_plan.hpp) against an exhaustive enumeration of
// every point combination written here, on seeded random problems of 1-6 layers and 2-4 points
// (half of them with costs between consecutive layers that depend on both points, as wake-ups):
// the same optimum for every objective, a feasible deadline always met, never more energy than
// the slowest single point that meets the same deadline, and an unmeetable deadline named with
// the shortest achievable time. The transition costs of the enumeration are derived here from the
// model's definition (README "Clocking and DVFS"): halt = ramp |dV| / slew + relock, rounded up
// to whole periods of the new clock; energy (1 - eta) C |V1^2 - V0^2| + leakage x halt.
#include "workloads/mapper/dvfs_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

struct Totals {
  double time_ps = 0.0, energy_pj = 0.0;
};

// The halt before a layer at `to` after `from`, by hand.
Totals hand_halt(const DvfsPlanProblem& p, const arch::OperatingPoint& from, size_t to,
                 double leak_mw) {
  const arch::OperatingPoint& t = p.points[to];
  if (from.freq_mhz == t.freq_mhz && from.voltage_v == t.voltage_v) return {};
  const double ramp_ps =
      std::round(std::fabs(t.voltage_v - from.voltage_v) * 1e3 / p.transition.slew_mv_per_us * 1e6);
  // Times in whole ps (the kernel's resolution).
  const double relock_ps =
      from.freq_mhz != t.freq_mhz ? std::round(p.transition.relock_us * 1e6) : 0.0;
  const double period = std::round(1e6 / t.freq_mhz);
  const double halt = std::ceil((ramp_ps + relock_ps) / period) * period;
  const double e = (1 - p.transition.regulator_efficiency) * p.transition.supply_cap_nf *
                   std::fabs(t.voltage_v * t.voltage_v - from.voltage_v * from.voltage_v) * 1e3;
  return {halt, e + leak_mw * halt * 1e-3};
}

Totals hand_totals(const DvfsPlanProblem& p, const std::vector<size_t>& choice) {
  Totals s;
  // The domain starts at the first layer's point: no halt before it.
  arch::OperatingPoint at = choice.empty() ? arch::OperatingPoint{} : p.points[choice[0]];
  for (size_t i = 0; i < choice.size(); ++i) {
    const PointOption& o = p.layers[i][choice[i]];
    const Totals h = hand_halt(p, at, choice[i], o.leakage_mw);
    s.time_ps += h.time_ps + o.time_ps;
    s.energy_pj += h.energy_pj + o.energy_pj;
    if (i > 0 && i < p.boundary.size() && !p.boundary[i].empty()) {  // e.g. a wake-up
      s.time_ps += p.boundary[i][choice[i - 1]][choice[i]].time_ps;
      s.energy_pj += p.boundary[i][choice[i - 1]][choice[i]].energy_pj;
    }
    at = p.points[choice[i]];
  }
  return s;
}

double value(arch::Objective o, const Totals& t) {
  switch (o) {
    case arch::Objective::kLatency:
      return t.time_ps;
    case arch::Objective::kEnergy:
      return t.energy_pj;
    case arch::Objective::kEdp:
      return t.time_ps * t.energy_pj;
  }
  return 0;
}

// Every combination of points, odometer style.
template <class F>
void for_each_choice(size_t layers, size_t points, F f) {
  std::vector<size_t> c(layers, 0);
  for (;;) {
    f(c);
    size_t i = 0;
    while (i < layers && ++c[i] == points) c[i++] = 0;
    if (i == layers) return;
  }
}

// Every combination accepted by `keep`: the fastest and the slowest total time.
template <class Keep>
std::pair<double, double> time_range(const DvfsPlanProblem& p, Keep keep) {
  double fastest = std::numeric_limits<double>::infinity(), slowest = 0;
  for_each_choice(p.layers.size(), p.points.size(), [&](const std::vector<size_t>& c) {
    if (!keep(c)) return;
    const Totals t = hand_totals(p, c);
    fastest = std::min(fastest, t.time_ps);
    slowest = std::max(slowest, t.time_ps);
  });
  return {fastest, slowest};
}

// The best value of objective `o` over every combination accepted by `keep` that meets the
// problem's deadline (infinity when none does).
template <class Keep>
double best_value(const DvfsPlanProblem& p, arch::Objective o, Keep keep) {
  double best = std::numeric_limits<double>::infinity();
  for_each_choice(p.layers.size(), p.points.size(), [&](const std::vector<size_t>& c) {
    const Totals t = hand_totals(p, c);
    if (!keep(c) || (p.deadline_ps && t.time_ps > *p.deadline_ps)) return;
    best = std::min(best, value(o, t));
  });
  return best;
}

const auto kEvery = [](const std::vector<size_t>&) { return true; };

// A random problem: points with rising f and V; a layer's time falls with f (a compute share
// ~1/f plus a fixed memory share) and its dynamic energy rises with V^2.
DvfsPlanProblem random_problem(std::mt19937& rng) {
  std::uniform_int_distribution<int> nl(1, 6), np(2, 4);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  DvfsPlanProblem p;
  const int points = np(rng);
  for (int k = 0; k < points; ++k)
    p.points.push_back({200.0 * (k + 1), 0.6 + 0.1 * k + 0.05 * u(rng)});
  p.transition = {5.0 + 20 * u(rng), 2.0 * u(rng), 100.0 * u(rng), 0.8 + 0.15 * u(rng)};
  const int layers = nl(rng);
  for (int i = 0; i < layers; ++i) {
    const double cycles = 1e4 + 1e5 * u(rng), mem_ps = 1e7 * u(rng), dyn = 1e5 + 1e6 * u(rng);
    const double leak = 10 * u(rng);
    std::vector<PointOption> opts;
    for (const arch::OperatingPoint& pt : p.points) {
      const double t = cycles * std::round(1e6 / pt.freq_mhz) + mem_ps;
      opts.push_back({t, dyn * pt.voltage_v * pt.voltage_v + leak * pt.voltage_v * t * 1e-3,
                      leak * pt.voltage_v});
    }
    p.layers.push_back(opts);
  }
  return p;
}

// Costs between consecutive layers that depend on both their points (power-gating wake-ups:
// the units a layer's mapping at its point uses that the previous one's left off): zero for
// about half the pairs, else a random stall and energy. `negative`: a fifth of the pairs take
// a negative time instead, down to half the layer's time at its point (a wake-up at the layer's
// start that ends a wait its estimate gated: DvfsPlanProblem::boundary).
void add_random_boundary(DvfsPlanProblem& p, std::mt19937& rng, bool negative = false) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const size_t np = p.points.size();
  p.boundary.assign(p.layers.size(), {});
  for (size_t i = 1; i < p.layers.size(); ++i) {
    p.boundary[i].assign(np, std::vector<HaltCost>(np));
    for (auto& row : p.boundary[i])
      for (size_t q = 0; q < np; ++q) {
        const double r = u(rng);
        if (r < 0.5) row[q] = {1e6 * u(rng), 1e5 * u(rng)};
        if (negative && r >= 0.8) row[q] = {-0.5 * u(rng) * p.layers[i][q].time_ps, 1e5 * u(rng)};
      }
  }
}

TEST(DvfsPlan, EqualsExhaustiveEnumeration) {
  std::mt19937 rng(2026), wake_rng(7);
  int with_deadline = 0, slow_chosen = 0;
  for (int trial = 0; trial < 300; ++trial) {
    DvfsPlanProblem p = random_problem(rng);
    if (trial % 2) add_random_boundary(p, wake_rng, trial % 4 == 3);
    const size_t nl = p.layers.size(), np = p.points.size();
    const auto [fastest, slowest] = time_range(p, kEvery);
    // No deadline, then one between the fastest and the slowest plan.
    for (int d = 0; d < 2; ++d) {
      if (d == 1) {
        // (1e-12 relative: the plan sums the same times in another order)
        p.deadline_ps = (fastest + (slowest - fastest) * (trial % 7) / 7.0) * (1 + 1e-12);
        ++with_deadline;
      }
      for (arch::Objective o :
           {arch::Objective::kEnergy, arch::Objective::kEdp, arch::Objective::kLatency}) {
        p.objective = o;
        const double best = best_value(p, o, kEvery);
        const DvfsPlan plan = plan_dvfs(p);
        ASSERT_EQ(plan.choice.size(), nl);
        const Totals got = hand_totals(p, plan.choice);
        EXPECT_NEAR(got.time_ps, plan.time_ps, 1e-6 * got.time_ps) << trial;
        EXPECT_NEAR(got.energy_pj, plan.energy_pj, 1e-6 * got.energy_pj) << trial;
        EXPECT_NEAR(value(o, got), best, 1e-9 * best)
            << "trial " << trial << " objective " << arch::to_string(o);
        if (p.deadline_ps) {
          EXPECT_LE(plan.time_ps, *p.deadline_ps) << trial;
        }
        for (size_t c : plan.choice) slow_chosen += c + 1 < np ? 1 : 0;
      }
    }
  }
  EXPECT_EQ(with_deadline, 300);
  EXPECT_GT(slow_chosen, 0);  // the problems are not all won by the fastest point
}

TEST(DvfsPlan, NeverMoreEnergyThanTheSlowestSinglePointMeetingTheDeadline) {
  std::mt19937 rng(7);
  int compared = 0;
  for (int trial = 0; trial < 200; ++trial) {
    DvfsPlanProblem p = random_problem(rng);
    p.objective = arch::Objective::kEnergy;
    const size_t nl = p.layers.size(), np = p.points.size();
    // Deadline: the time of the all-at-point-1 plan (so some single point meets it).
    const std::vector<size_t> one(nl, 1);
    p.deadline_ps = hand_totals(p, one).time_ps;
    // The slowest single point that meets it, and its energy.
    double static_energy = -1;
    for (size_t q = 0; q < np; ++q) {
      const Totals t = hand_totals(p, std::vector<size_t>(nl, q));
      if (t.time_ps <= *p.deadline_ps) {
        static_energy = t.energy_pj;
        break;  // points are in rising frequency: the first that meets it is the slowest
      }
    }
    ASSERT_GE(static_energy, 0.0);
    const DvfsPlan plan = plan_dvfs(p);
    EXPECT_LE(plan.time_ps, *p.deadline_ps);
    EXPECT_LE(plan.energy_pj, static_energy * (1 + 1e-12)) << trial;
    ++compared;
  }
  EXPECT_EQ(compared, 200);
}

// Whether every layer's average power at its chosen point is within `cap` (mW = pJ / ps x 1e3).
bool under_cap(const DvfsPlanProblem& p, const std::vector<size_t>& choice, double cap) {
  for (size_t i = 0; i < choice.size(); ++i) {
    const PointOption& o = p.layers[i][choice[i]];
    if (o.energy_pj / o.time_ps * 1e3 > cap) return false;
  }
  return true;
}

TEST(DvfsPlan, PowerCapEqualsExhaustiveEnumerationOfTheLayersUnderIt) {
  // A cap between the lowest feasible one (max over layers of the least power) and the highest
  // layer power: the plan equals the best combination whose every layer is under the cap, with
  // and without a deadline (one the capped combinations can meet).
  std::mt19937 rng(314);
  int capped = 0, binding = 0;
  for (int trial = 0; trial < 300; ++trial) {
    DvfsPlanProblem p = random_problem(rng);
    double lowest = 0, highest = 0;
    for (const auto& layer : p.layers) {
      double least = std::numeric_limits<double>::infinity();
      for (const PointOption& o : layer) {
        least = std::min(least, o.energy_pj / o.time_ps * 1e3);
        highest = std::max(highest, o.energy_pj / o.time_ps * 1e3);
      }
      lowest = std::max(lowest, least);
    }
    const double cap = lowest + (highest - lowest) * (trial % 5) / 5.0;
    p.power_cap_mw = cap;
    const auto capped_only = [&](const std::vector<size_t>& c) { return under_cap(p, c, cap); };
    const auto [fastest, slowest] = time_range(p, capped_only);
    for (int d = 0; d < 2; ++d) {
      if (d == 1) p.deadline_ps = fastest + (slowest - fastest) * (trial % 3) / 3.0;
      for (arch::Objective o :
           {arch::Objective::kEnergy, arch::Objective::kEdp, arch::Objective::kLatency}) {
        p.objective = o;
        const double best = best_value(p, o, capped_only);
        const double uncapped = best_value(p, o, kEvery);
        const DvfsPlan plan = plan_dvfs(p);
        EXPECT_TRUE(under_cap(p, plan.choice, cap)) << trial;
        EXPECT_NEAR(value(o, hand_totals(p, plan.choice)), best, 1e-9 * best) << trial;
        ++capped;
        binding += best > uncapped * (1 + 1e-9) ? 1 : 0;
      }
    }
  }
  EXPECT_EQ(capped, 300 * 2 * 3);
  EXPECT_GT(binding, 0);  // the cap changes some optima: it is not vacuous
}

TEST(DvfsPlan, UnmeetablePowerCapNamesTheLowestFeasibleCap) {
  // Two layers at 500 MHz / 1000 MHz: layer 0 draws 1 nJ / 2 us = 0.5 mW or 2 nJ / 1 us = 2 mW,
  // layer 1 draws 3 nJ / 2 us = 1.5 mW or 4 nJ / 1 us = 4 mW: the lowest feasible cap is 1.5 mW.
  DvfsPlanProblem p;
  p.points = {{500.0, 0.8}, {1000.0, 1.0}};
  p.transition = {10.0, 5.0, 100.0, 0.9};
  p.layers.push_back({{2e6, 1e3, 0.0}, {1e6, 2e3, 0.0}});
  p.layers.push_back({{2e6, 3e3, 0.0}, {1e6, 4e3, 0.0}});
  p.power_cap_mw = 1.0;
  try {
    plan_dvfs(p);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].where, "/clock/power_cap_mw");
    EXPECT_EQ(e.issues()[0].value, "1");
    EXPECT_NE(e.issues()[0].expected.find("the lowest is 1.5 mW"), std::string::npos)
        << e.issues()[0].expected;
  }
  // At 1.5 mW both layers must run at 500 MHz (1000 MHz draws 2 and 4 mW), even when the
  // objective is latency; without the cap latency takes 1000 MHz throughout.
  p.objective = arch::Objective::kLatency;
  p.power_cap_mw.reset();
  EXPECT_EQ(plan_dvfs(p).choice, (std::vector<size_t>{1, 1}));
  p.power_cap_mw = 1.5;
  EXPECT_EQ(plan_dvfs(p).choice, (std::vector<size_t>{0, 0}));
}

TEST(DvfsPlan, UnmeetableDeadlineNamesTheShortestTime) {
  // Two layers, two points (500 MHz @ 0.8 V, 1000 MHz @ 1 V): the fastest plan runs both at
  // 1000 MHz: 2 x 1000 cycles x 1 ns = 2 us.
  DvfsPlanProblem p;
  p.points = {{500.0, 0.8}, {1000.0, 1.0}};
  p.transition = {10.0, 5.0, 100.0, 0.9};
  for (int i = 0; i < 2; ++i) p.layers.push_back({{2e6, 1.0, 0.0}, {1e6, 2.0, 0.0}});
  p.deadline_ps = 1.5e6;
  try {
    plan_dvfs(p);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].where, "/clock/deadline_us");
    EXPECT_EQ(e.issues()[0].value, "1.5");
    EXPECT_NE(e.issues()[0].expected.find("shortest achievable time is 2 us"), std::string::npos)
        << e.issues()[0].expected;
  }
  // At 2 us exactly it is met, at 1000 MHz throughout (a switch would cost 25 us).
  p.deadline_ps = 2e6;
  const DvfsPlan plan = plan_dvfs(p);
  EXPECT_EQ(plan.choice, (std::vector<size_t>{1, 1}));
  EXPECT_DOUBLE_EQ(plan.time_ps, 2e6);
}

TEST(DvfsPlan, StartsAtTheFirstLayersPointWithoutATransition) {
  // Two layers of 1000 cycles, 500 MHz @ 0.8 V (2 us, 1 pJ each) or 1000 MHz @ 1 V (1 us, 2 pJ):
  // for energy both run at 500 MHz, and the domain starts there: 4 us and 2 pJ, no halt. A
  // switch costs 0.2 V / 10 mV/us = 20 us of ramp + 5 us of relock, so the fastest plan under a
  // 3 us deadline keeps one point too: 1000 MHz throughout, 2 us and 4 pJ.
  DvfsPlanProblem p;
  p.points = {{500.0, 0.8}, {1000.0, 1.0}};
  p.transition = {10.0, 5.0, 100.0, 0.9};
  for (int i = 0; i < 2; ++i) p.layers.push_back({{2e6, 1.0, 0.0}, {1e6, 2.0, 0.0}});
  p.objective = arch::Objective::kEnergy;
  DvfsPlan plan = plan_dvfs(p);
  EXPECT_EQ(plan.choice, (std::vector<size_t>{0, 0}));
  EXPECT_DOUBLE_EQ(plan.time_ps, 4e6);
  EXPECT_DOUBLE_EQ(plan.energy_pj, 2.0);
  p.deadline_ps = 3e6;
  plan = plan_dvfs(p);
  EXPECT_EQ(plan.choice, (std::vector<size_t>{1, 1}));
  EXPECT_DOUBLE_EQ(plan.time_ps, 2e6);
  EXPECT_DOUBLE_EQ(plan.energy_pj, 4.0);
}

}  // namespace
}  // namespace adasim::workloads
