// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/dvfs_mapping.hpp"

#include <algorithm>
#include <sstream>
#include <variant>

#include "arch/program/dvfs_transition.hpp"
#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

std::string label(const arch::OperatingPoint& p) {
  std::ostringstream os;
  os << p.freq_mhz << "MHz@" << p.voltage_v << "V";
  return os.str();
}

// A layer's cycles and energy at `spec`'s point: an array layer's are the search's estimate of
// its chosen schedule (equal to the engine's cycles: the systolic timeline, the spatial one with
// finite DRAM); a vector layer's cycles its
// timeline's (the mapper's estimate: lanes, port stalls and DRAM waits), with its DRAM energy
// and the leakage over those cycles (its lane energy is left out).
PointOption layer_option(const LayerSchedule& s, const arch::AcceleratorSpec& spec,
                         const EnergyCosts& costs) {
  const double period = double(arch::period_ps(spec.clock.nominal));
  const auto* v = std::get_if<arch::VectorProgram>(&s.engine);
  if (v == nullptr)
    return PointOption{s.search.est_cycles * period, s.search.est_energy_pj, costs.leakage_mw};
  const double bytes = double(s.dram_load_bytes() + s.dram_store_bytes());
  const double time_ps = s.estimated_cycles() * period;
  return PointOption{time_ps, bytes * costs.dram_pj_per_byte + costs.leakage_mw * time_ps * 1e-3,
                     costs.leakage_mw};
}

}  // namespace

DvfsPlanProblem dvfs_problem(const arch::AcceleratorSpec& spec, const MapAt& map_at,
                             std::vector<std::vector<LayerSchedule>>& mapped,
                             const BoundaryAt& boundary_at) {
  if (!spec.clock.transition)
    throw sim::ModelError("per_layer DVFS without clock.transition (the parser checks it)");
  DvfsPlanProblem p;
  p.points = spec.clock.operating_points;
  p.transition = *spec.clock.transition;
  p.objective = spec.mapper.objective;
  if (spec.clock.policy_params.has("deadline_us"))
    p.deadline_ps = spec.clock.policy_params.number("deadline_us") * 1e6;
  if (spec.clock.policy_params.has("power_cap_mw"))
    p.power_cap_mw = spec.clock.policy_params.number("power_cap_mw");
  mapped.clear();
  for (const arch::OperatingPoint& pt : p.points) {
    arch::AcceleratorSpec at = spec;
    at.clock.nominal = pt;
    MappedGraph g = map_at(at);
    if (p.layers.empty()) p.layers.resize(g.schedules.size());
    if (g.schedules.size() != p.layers.size())
      throw sim::ModelError("per_layer DVFS: the graph mapped to a different number of layers");
    for (size_t i = 0; i < g.schedules.size(); ++i)
      p.layers[i].push_back(layer_option(g.schedules[i], at, g.costs));
    mapped.push_back(std::move(g.schedules));
  }
  if (boundary_at) {
    p.boundary.assign(p.layers.size(), {});
    for (size_t i = 1; i < p.layers.size(); ++i) {
      p.boundary[i].assign(p.points.size(), std::vector<HaltCost>(p.points.size()));
      for (size_t q = 0; q < p.points.size(); ++q) {
        arch::AcceleratorSpec at = spec;
        at.clock.nominal = p.points[q];
        for (size_t pp = 0; pp < p.points.size(); ++pp)
          p.boundary[i][pp][q] = boundary_at(mapped[pp][i - 1], mapped[q][i], at);
      }
    }
  }
  return p;
}

namespace {

// The schedules of `plan`, each with its point and the explanation `adasim map` shows.
std::vector<LayerSchedule> explained(const DvfsPlanProblem& p, const DvfsPlan& plan,
                                     const std::vector<std::vector<LayerSchedule>>& mapped) {
  std::vector<LayerSchedule> out;
  for (size_t i = 0; i < plan.choice.size(); ++i) {
    const size_t q = plan.choice[i];
    LayerSchedule s = mapped.at(q).at(i);
    s.point = p.points[q];
    nlohmann::json why = {{"point", label(p.points[q])},
                          {"objective", arch::to_string(p.objective)},
                          {"plan_time_us", plan.time_ps * 1e-6},
                          {"plan_energy_pj", plan.energy_pj}};
    if (p.deadline_ps) why["deadline_us"] = *p.deadline_ps * 1e-6;
    if (p.power_cap_mw) why["power_cap_mw"] = *p.power_cap_mw;
    if (i > 0 && !p.boundary.empty() && !p.boundary[i].empty()) {
      const HaltCost& b = p.boundary[i][plan.choice[i - 1]][q];
      if (b.time_ps > 0 || b.energy_pj > 0) {
        why["wakeup_ns"] = b.time_ps * 1e-3;
        why["wakeup_pj"] = b.energy_pj;
      }
    }
    nlohmann::json options = nlohmann::json::array();
    for (size_t k = 0; k < p.points.size(); ++k)
      options.push_back({{"point", label(p.points[k])},
                         {"time_ns", p.layers[i][k].time_ps * 1e-3},
                         {"energy_pj", p.layers[i][k].energy_pj},
                         {"power_mw", average_power_mw(p.layers[i][k])}});
    why["options"] = std::move(options);
    s.dvfs = std::move(why);
    out.push_back(std::move(s));
  }
  return out;
}

// One memory-domain point's problem and its solution.
struct MemoryChoice {
  arch::OperatingPoint point;
  DvfsPlanProblem problem;
  std::vector<std::vector<LayerSchedule>> mapped;
  DvfsPlanOutcome outcome;
};

// The per_layer plan at each point of the memory domain's table (the domain keeps one point for
// the run), and the best of those that meet the deadline under the cap (ties: the faster, then
// the earlier in the table). None meets them: the error names the shortest time over the memory
// points whose layers all meet the cap, else the lowest cap over all of them.
std::vector<LayerSchedule> plan_with_memory_points(const arch::AcceleratorSpec& spec,
                                                   const MapAt& map_at,
                                                   const BoundaryAt& boundary_at) {
  std::vector<MemoryChoice> choices;
  for (const arch::OperatingPoint& m : spec.clock.memory->operating_points) {
    arch::AcceleratorSpec at = spec;
    at.clock.memory->nominal = m;
    MemoryChoice c{m, {}, {}, {}};
    c.problem = dvfs_problem(at, map_at, c.mapped, boundary_at);
    c.outcome = solve_dvfs(c.problem);
    choices.push_back(std::move(c));
  }
  const MemoryChoice* best = nullptr;
  for (const MemoryChoice& c : choices) {
    if (!c.outcome.plan) continue;
    const DvfsPlan& pl = *c.outcome.plan;
    if (best == nullptr) {
      best = &c;
      continue;
    }
    const DvfsPlan& b = *best->outcome.plan;
    const double v = objective_value(c.problem.objective, pl.time_ps, pl.energy_pj);
    const double bv = objective_value(c.problem.objective, b.time_ps, b.energy_pj);
    if (v < bv || (v == bv && pl.time_ps < b.time_ps)) best = &c;
  }
  if (best == nullptr) {
    const MemoryChoice* named = &choices.front();
    for (const MemoryChoice& c : choices) {
      const DvfsPlanOutcome &o = c.outcome, &n = named->outcome;
      if (n.cap_unmet != o.cap_unmet ? n.cap_unmet
                                     : (o.cap_unmet ? o.lowest_cap_mw < n.lowest_cap_mw
                                                    : o.shortest_ps < n.shortest_ps))
        named = &c;
    }
    throw_unmet(named->problem, named->outcome);
  }
  std::vector<LayerSchedule> out = explained(best->problem, *best->outcome.plan, best->mapped);
  nlohmann::json options = nlohmann::json::array();
  for (const MemoryChoice& c : choices) {
    nlohmann::json o = {{"point", label(c.point)}};
    if (c.outcome.plan) {
      o["plan_time_us"] = c.outcome.plan->time_ps * 1e-6;
      o["plan_energy_pj"] = c.outcome.plan->energy_pj;
    } else {
      o["unmet"] = c.outcome.cap_unmet ? "power_cap_mw" : "deadline_us";
    }
    options.push_back(std::move(o));
  }
  for (LayerSchedule& s : out) {
    s.memory_point = best->point;
    s.dvfs["memory_point"] = label(best->point);
  }
  if (!out.empty()) out.front().dvfs["memory_options"] = std::move(options);  // once per run
  return out;
}

}  // namespace

std::vector<LayerSchedule> map_per_layer_points(const arch::AcceleratorSpec& spec,
                                                const MapAt& map_at,
                                                const BoundaryAt& boundary_at) {
  if (spec.clock.memory && spec.clock.memory->operating_points.size() > 1)
    return plan_with_memory_points(spec, map_at, boundary_at);
  std::vector<std::vector<LayerSchedule>> mapped;
  const DvfsPlanProblem p = dvfs_problem(spec, map_at, mapped, boundary_at);
  return explained(p, plan_dvfs(p), mapped);
}

}  // namespace adasim::workloads
