// SPDX-License-Identifier: Apache-2.0
// clock.policy "per_layer": the mapper chooses each layer's operating point together with its
// schedule. The graph is mapped at every point of clock.operating_points (the spec with that
// point as the core domain's: the search sees the clock's bandwidth ratios and prices energy at
// the point's voltage), each layer's schedule estimated there (array layers: the search's
// estimate; vector layers: the vector unit's timeline, timeline/timeline.hpp), and
// dvfs_plan.hpp picks the points; each chosen schedule carries its point to the hardware
// (LayerProgram::point) and the reason (LayerSchedule::dvfs, shown by `adasim map`).
// With a memory domain (clock.domains.memory) of several points the domain keeps one point for
// the whole run (its switches are not modelled): the plan is made at each of them and the best
// that meets the deadline and the cap is taken (LayerSchedule::memory_point, the same on every
// layer; "memory_point" in every layer's reason, "memory_options" in the first layer's).
#pragma once

#include <functional>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/mapper/dvfs_plan.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

/// The graph mapped under one spec, and the energy costs it was priced with.
struct MappedGraph {
  std::vector<LayerSchedule> schedules;
  EnergyCosts costs;
};
using MapAt = std::function<MappedGraph(const arch::AcceleratorSpec&)>;
/// What a layer pays at its start after `prev` under spec `at` (the point it runs at): the
/// power-gating wake-ups (time at that clock, their energy). Supplied by the simulator, which
/// owns the power model.
using BoundaryAt = std::function<HaltCost(const LayerSchedule& prev, const LayerSchedule& cur,
                                          const arch::AcceleratorSpec& at)>;

/// The per-layer options of `spec`'s table: the graph mapped by `map_at` at each point.
/// `mapped[q]` receives the schedules at point q.
DvfsPlanProblem dvfs_problem(const arch::AcceleratorSpec& spec, const MapAt& map_at,
                             std::vector<std::vector<LayerSchedule>>& mapped,
                             const BoundaryAt& boundary_at = {});

/// The schedules of the optimal plan, each with its point and explanation (clock.policy must
/// be "per_layer" with clock.transition set), jointly with the memory domain's point for the run
/// when its table has several. Unmeetable deadline or cap: sim::ConfigError naming the shortest
/// time (the lowest cap) over every choice.
std::vector<LayerSchedule> map_per_layer_points(const arch::AcceleratorSpec& spec,
                                                const MapAt& map_at,
                                                const BoundaryAt& boundary_at = {});

}  // namespace adasim::workloads
