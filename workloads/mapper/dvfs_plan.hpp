// SPDX-License-Identifier: Apache-2.0
// The per-layer choice of the core domain's operating point (clock.policy "per_layer"): given each
// layer's time and energy at every point of the V/f table (its schedule mapped and estimated at
// that point), choose one point per layer for the objective (energy, EDP or latency) under a
// deadline, counting the transitions between consecutive layers' points (time: the domain's halt,
// arch/program/dvfs_transition.hpp; energy: the regulator's plus the leakage during the halt).
// This is a multiple-choice knapsack whose item costs depend on the previous choice; it is solved
// exactly by dynamic programming over the layers with, per point of the current layer, the Pareto
// front of (time, energy) of the partial plans ending there (any objective monotone in time and
// energy has its optimum on the front), pruning partial plans that cannot meet the deadline.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::workloads {

/// One layer at one point: its time (ps), energy (pJ) and leakage power (mW, for the halt).
struct PointOption {
  double time_ps = 0.0;
  double energy_pj = 0.0;
  double leakage_mw = 0.0;
};

struct DvfsPlanProblem {
  std::vector<arch::OperatingPoint> points;      ///< the table
  arch::OperatingPoint start;                    ///< the point before the first layer
  arch::DvfsTransitionSpec transition;           ///< costs of a switch
  std::vector<std::vector<PointOption>> layers;  ///< [layer][point index]
  arch::Objective objective = arch::Objective::kEnergy;
  std::optional<double> deadline_ps;  ///< total time bound (none: unconstrained)
};

struct DvfsPlan {
  std::vector<size_t> choice;  ///< point index per layer
  double time_ps = 0.0;        ///< layers + halts
  double energy_pj = 0.0;      ///< layers + transitions (regulator + leakage while halted)
};

/// The halt's time (ps) and energy (pJ) of switching from `from` to point `to` of `p` before a
/// layer whose leakage at `to` is `leak_mw` (zero when the point stays).
struct HaltCost {
  double time_ps = 0.0;
  double energy_pj = 0.0;
};
HaltCost halt_cost(const DvfsPlanProblem& p, const arch::OperatingPoint& from, size_t to,
                   double leak_mw);

/// The optimal plan. An unmet deadline is a sim::ConfigError at /clock/deadline_us that names
/// the shortest achievable time.
DvfsPlan plan_dvfs(const DvfsPlanProblem& p);

}  // namespace adasim::workloads
