// SPDX-License-Identifier: Apache-2.0
// The per-layer choice of the core domain's operating point (clock.policy "per_layer"): given each
// layer's time and energy at every point of the V/f table (its schedule mapped and estimated at
// that point), choose one point per layer for the objective (energy, EDP or latency) under a
// deadline, counting the transitions between consecutive layers' points (time: the domain's halt,
// arch/program/dvfs_transition.hpp; energy: the regulator's plus the leakage during the halt)
// and, when given, what a layer pays at its start given both layers' points (DvfsPlanProblem::
// boundary: the power-gating wake-ups of the per_layer gating policy).
// The domain starts at the first layer's point (no transition at time 0, as under `fixed`).
// This is a multiple-choice knapsack whose item costs depend on the previous choice; it is solved
// exactly by dynamic programming over the layers with, per point of the current layer, the Pareto
// front of (time, energy) of the partial plans ending there (any objective monotone in time and
// energy has its optimum on the front), pruning partial plans that cannot meet the deadline.
// A power cap bounds each layer's average power at its point (its energy over its time: the
// window a power-capping controller averages over is the layer here); a point above the cap is
// not a choice for that layer. The halts between layers draw only leakage and the regulator's
// charge and are not capped.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::workloads {

/// A cost paid between layers (a DVFS halt, a power-gating wake-up): time (ps), energy (pJ).
struct HaltCost {
  double time_ps = 0.0;
  double energy_pj = 0.0;
};

/// One layer at one point: its time (ps), energy (pJ) and leakage power (mW, for the halt).
struct PointOption {
  double time_ps = 0.0;
  double energy_pj = 0.0;
  double leakage_mw = 0.0;
};

struct DvfsPlanProblem {
  std::vector<arch::OperatingPoint> points;      ///< the table
  arch::DvfsTransitionSpec transition;           ///< costs of a switch
  std::vector<std::vector<PointOption>> layers;  ///< [layer][point index]
  arch::Objective objective = arch::Objective::kEnergy;
  std::optional<double> deadline_ps;   ///< total time bound (none: unconstrained)
  std::optional<double> power_cap_mw;  ///< bound on every layer's average power (none: no cap)
  /// [layer][previous layer's point][point]: what layer i pays at its start on top of its
  /// option given the previous layer's point, e.g. the power-gating wake-up of the units its
  /// mapping uses and the previous one's left off; empty (or an empty layer entry): nothing.
  /// Its time may be negative: a wake-up at the layer's start that ends no later than the
  /// layer's first DRAM wait shortens that wait, which the layer's option may count as gated
  /// (then a wait plus a wake-up of its own).
  std::vector<std::vector<std::vector<HaltCost>>> boundary;
};

/// A layer's average power at one point, mW (pJ / ps x 1000).
inline double average_power_mw(const PointOption& o) {
  return o.time_ps > 0 ? o.energy_pj / o.time_ps * 1e3 : 0.0;
}

struct DvfsPlan {
  std::vector<size_t> choice;  ///< point index per layer
  double time_ps = 0.0;        ///< layers + halts
  double energy_pj = 0.0;      ///< layers + transitions (regulator + leakage while halted)
};

/// The halt's time (ps) and energy (pJ) of switching from `from` to point `to` of `p` before
/// `layer` (its option at `to`; zero when the point stays): ramp + relock, or under
/// clock.transition.during = run_at_lower_clock going down, the relock and, unless the layer is
/// the `last`, the rest of the ramp the next boundary waits for when the layer ends inside it.
/// Going up under run_at_lower_clock the layer runs through the ramp at the old clock, which
/// the plan does not credit: ramp + relock halted, an upper bound of the run's time.
HaltCost halt_cost(const DvfsPlanProblem& p, const arch::OperatingPoint& from, size_t to,
                   const PointOption& layer, bool last);

/// The optimal plan. An unmet deadline is a sim::ConfigError at /clock/deadline_us that names
/// the shortest achievable time (under the cap); a cap some layer cannot meet at any point one at
/// /clock/power_cap_mw that names the lowest cap every layer can meet.
DvfsPlan plan_dvfs(const DvfsPlanProblem& p);

/// plan_dvfs without the errors: the plan, or what its errors would name.
struct DvfsPlanOutcome {
  std::optional<DvfsPlan> plan;  ///< none: the cap or the deadline is unmet
  bool cap_unmet = false;        ///< some layer is above the cap at every point
  double lowest_cap_mw = 0.0;    ///< the lowest cap every layer meets
  double shortest_ps = 0.0;      ///< the fastest plan's time under the cap (cap met)
};
DvfsPlanOutcome solve_dvfs(const DvfsPlanProblem& p);
/// The sim::ConfigError plan_dvfs throws for an outcome without a plan.
[[noreturn]] void throw_unmet(const DvfsPlanProblem& p, const DvfsPlanOutcome& o);

}  // namespace adasim::workloads
