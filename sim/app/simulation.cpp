// SPDX-License-Identifier: Apache-2.0
#include "sim/app/simulation.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <systemc>

#include "arch/accelerator.hpp"
#include "arch/energy/action_costs.hpp"
#include "arch/power/power_manager.hpp"
#include "arch/program/dvfs_transition.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "sim/app/interrupt.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/layer_report.hpp"
#include "workloads/mapper/dvfs_mapping.hpp"
#include "workloads/mapper/mapper.hpp"
#include "workloads/mapper/tiling_util.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::sim {

workloads::EnergyCosts mapper_costs(const arch::EnergyTable& t, const arch::AcceleratorSpec& spec) {
  return arch::action_costs(t, spec);
}

namespace {
// Every name listed in sparsity.structured.layers is a layer with a weight tensor.
void check_structured_names(const workloads::Graph& graph, const arch::StructuredSparsity& nm) {
  for (size_t i = 0; i < nm.layers.size(); ++i) {
    const std::string& name = nm.layers[i];
    const workloads::Layer* found = nullptr;
    for (const workloads::Layer& l : graph.layers)
      if (l.name == name) found = &l;
    const std::string where = "/sparsity/structured/layers/" + std::to_string(i);
    if (!found)
      throw ConfigError("", where, "\"" + name + "\"",
                        "the name of a layer of workload '" + graph.name + "'");
    if (found->weight.empty())
      throw ConfigError("", where, "\"" + name + "\"",
                        "a layer with a weight tensor (conv, FC or matmul by a constant): '" +
                            name + "' is a " + workloads::to_string(found->op) +
                            (found->op == workloads::OpType::kMatMul ? " of two activations" : ""));
  }
}
}  // namespace

arch::AcceleratorSpec resolve_structured(const arch::AcceleratorSpec& spec,
                                         const workloads::Graph& graph,
                                         const arch::ValueStore& values) {
  const arch::StructuredSparsity& nm = spec.sparsity.structured;
  if (!nm.enabled || !nm.unfit_dense) return spec;
  check_structured_names(graph, nm);
  arch::AcceleratorSpec out = spec;
  std::vector<std::string> fitting;
  for (const workloads::Layer& l : graph.layers)
    if (nm.covers(l.name, !l.weight.empty()) && arch::nm_pattern_fits(nm, graph, l, values))
      fitting.push_back(l.name);
  out.sparsity.structured.layers = fitting;
  out.sparsity.structured.unfit_dense =
      false;  // resolved: the list holds exactly the fitting layers
  // No layer fits: the array runs dense (an empty list would mean every layer).
  if (fitting.empty()) out.sparsity.structured.enabled = false;
  return out;
}

namespace {

std::vector<workloads::LayerSchedule> map_graph_at(const workloads::Graph& graph,
                                                   const arch::AcceleratorSpec& spec,
                                                   const workloads::EnergyCosts& costs,
                                                   workloads::ISearchGuard* guard) {
  std::vector<workloads::LayerSchedule> out;
  out.reserve(graph.layers.size());
  // Layers with the same operator, shape and bit widths have the same mapping space, so they
  // share one search (ResNet-50 repeats most of its shapes).
  std::map<std::string, size_t> searched;
  const arch::StructuredSparsity& nm = spec.sparsity.structured;
  check_structured_names(graph, nm);
  for (const workloads::Layer& l : graph.layers) {
    if (!workloads::is_mac_op(l.op)) {
      out.push_back(workloads::map_layer(graph, l, spec, costs, guard));
      continue;
    }
    const workloads::ConvShape s = graph.shape(l);
    auto bits = [&](const std::string& t) {
      return std::to_string(workloads::tiling::bits_of(graph, t, 8));
    };
    std::string key = std::to_string(int(l.op)) + (l.weight.empty() ? " act" : " const") +
                      (nm.covers(l.name, !l.weight.empty()) ? " nm" : "");
    for (int64_t v : {s.n, s.c, s.h, s.w, s.k, s.r, s.s, s.p, s.q, int64_t(s.stride_h),
                      int64_t(s.stride_w), int64_t(s.dil_h), int64_t(s.dil_w), int64_t(s.pad_t),
                      int64_t(s.pad_l), int64_t(s.pad_b), int64_t(s.pad_r), s.groups})
      key += " " + std::to_string(v);
    key += " " + bits(l.inputs.at(0)) + " " + bits(l.weight.empty() ? l.inputs.back() : l.weight) +
           " " + bits(l.output);
    const auto hit = searched.find(key);
    if (hit != searched.end()) {
      workloads::LayerSchedule sch = out[hit->second];
      sch.layer = l.name;
      sch.quant = arch::quant_params(graph, l, s);  // its own tensors, scales and zero points
      out.push_back(std::move(sch));
      continue;
    }
    searched.emplace(key, out.size());
    throw_if_interrupted();
    out.push_back(workloads::map_layer(graph, l, spec, costs, guard));
  }
  return out;
}

// A power-gating wake-up at a layer's start, for the DVFS plan: the power manager, replayed on
// the pair of layers, gives the wake-up's stall and energy.
//  - per_layer gating: it follows from the two layers' mappings alone (each powers exactly the
//    units it uses).
//  - idle_timeout: a block the layer uses and the previous one did not (the array after vector
//    layers, the vector unit after array layers) has idled since, and is off once that idle run
//    passes idle_cycles. How long it ran depends on every layer since the block was last used,
//    at their points; the plan counts the wake-up whenever the previous layer left the block
//    idle. That is exact when the previous layer alone idles it past the timeout, an upper
//    bound of the run's time otherwise, so a plan that meets the deadline stays met. (Its
//    wake-ups ending a wait inside a layer are in the layer's estimate: the timelines replay
//    them.)
// The engine holds the layer's first step for the wake-up while the DMA already loads, so the
// stall costs the layer only what the DMA's first waits do not hide: the layer's timeline
// replayed with its first step at the wake-up's end, less the replay without (per layer and
// point, cached: it does not depend on the previous layer's point).
workloads::BoundaryAt layer_start_wakeups(const arch::AcceleratorSpec& spec,
                                          const arch::EnergyTable& energy) {
  if (!spec.power.enabled || spec.power.power_gated.empty()) return {};
  const bool idle = spec.power.policy == "idle_timeout";
  if (!idle && spec.power.policy != "per_layer") return {};
  using Key = std::pair<const workloads::LayerSchedule*, uint64_t>;
  auto delay = std::make_shared<std::map<Key, int64_t>>();  // extra cycles by layer and stall
  return [&energy, idle, delay](const workloads::LayerSchedule& prev,
                                const workloads::LayerSchedule& cur,
                                const arch::AcceleratorSpec& at) {
    arch::PowerManager pm(at, energy);
    workloads::HaltCost h;
    uint64_t stall = 0;
    try {
      pm.begin_layer(prev.layer, prev);
      if (idle) pm.idle_through(uint64_t(1) << 50);  // past any timeout
      stall = pm.begin_layer(cur.layer, cur);
    } catch (const sim::ModelError&) {
      // cur reads data prev's footprint switched off: a pair the run cannot take.
      h.time_ps = h.energy_pj = std::numeric_limits<double>::infinity();
      return h;
    }
    if (stall == 0) return h;
    auto [it, fresh] = delay->emplace(Key{&cur, stall}, 0);
    if (fresh)
      it->second = workloads::timeline::layer_cycles(cur, at, int64_t(stall)) -
                   workloads::timeline::layer_cycles(cur, at, 0);
    h.time_ps = double(it->second) * double(arch::period_ps(at.clock.nominal));
    h.energy_pj = pm.wakeup_pj(at.clock.nominal.voltage_v);
    return h;
  };
}

}  // namespace

std::vector<workloads::LayerSchedule> map_graph(const workloads::Graph& graph,
                                                const arch::AcceleratorSpec& spec,
                                                const arch::EnergyTable& energy,
                                                workloads::ISearchGuard* guard) {
  if (spec.clock.policy != "per_layer")
    return map_graph_at(graph, spec, mapper_costs(energy, spec), guard);
  // The mapper chooses each layer's point with its schedule (workloads/mapper/dvfs_mapping.hpp).
  return workloads::map_per_layer_points(
      spec,
      [&](const arch::AcceleratorSpec& at) {
        workloads::EnergyCosts costs = mapper_costs(energy, at);
        return workloads::MappedGraph{map_graph_at(graph, at, costs, guard), costs};
      },
      layer_start_wakeups(spec, energy));
}

namespace {

SimulationResult run_schedules(const arch::AcceleratorSpec& planned,
                               const workloads::Graph& graph, const arch::EnergyTable& energy,
                               arch::ValueStore& values,
                               std::vector<workloads::LayerSchedule> schedules, VcdWriter* vcd,
                               std::map<std::string, workloads::Int32Buffer>* accumulators,
                               arch::RunMode mode, IRunObserver* observer,
                               const PowerTraceRequest* power) {
  const arch::AcceleratorSpec spec = spec_for_run(planned, schedules);
  SimulationResult result;
  result.schedules = std::move(schedules);
  if (result.schedules.size() != graph.layers.size())
    throw ModelError("simulate: one schedule per layer expected");
  if (observer) observer->before_run(graph, result.schedules);
  // The SystemC banner would pollute stdout (the summary table and machine-read output).
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  {
    // The clock domain the accelerator runs in, with its DVFS controller.
    arch::ClockDomain clock(spec.clock);
    arch::DvfsController dvfs("dvfs", spec.clock, clock);
    std::vector<std::string> names;
    for (const workloads::Layer& l : graph.layers) names.push_back(l.name);
    dvfs.check_layers(names);
    arch::Accelerator top("top", spec, energy, clock, dvfs, mode);
    std::vector<const arch::LayerProgram*> programs;
    for (const workloads::LayerSchedule& s : result.schedules) programs.push_back(&s);
    top.load_program(graph, std::move(programs), values);
    top.attach_tracer(vcd);
    top.set_accumulator_sink(accumulators);
    if (observer) top.set_watchdog(observer->watchdog_cycles());
    std::optional<arch::PowerTraceRecorder> recorder;
    if (power) {
      recorder.emplace(spec, energy, power->window_us * 1e3, kMaxPowerWindows, "command line",
                       "--power-window-us", power->window_text);
      top.attach_power_trace(&*recorder);
    }
    // Slices of 4096 nominal cycles (kept within 1 ns .. 1 s): a signal stops the run within one.
    const double slice_ps = std::clamp(4096 * 1.0e6 / spec.clock.nominal.freq_mhz, 1.0e3, 1.0e12);
    std::function<void()> between;
    if (observer) between = [&] { observer->between_slices(top.layers_done(), top.cycle()); };
    run_kernel_until_idle(uint64_t(slice_ps), between);
    if (top.error()) std::rethrow_exception(top.error());
    if (!top.finished())
      throw ModelError("simulation stopped before the last layer finished (layer " +
                       std::to_string(top.results().size()) + " never completed)");
    for (const arch::LayerResult& r : top.results()) result.layers.push_back(layer_report(r));
    if (recorder) result.power_trace = recorder->settle(top.results());
  }
  // The mapper's description of each layer's schedule (the models never see it).
  for (size_t i = 0; i < result.layers.size(); ++i) {
    result.layers[i].dataflow = result.schedules[i].dataflow;
    result.layers[i].schedule = result.schedules[i].to_json();
  }
  return result;
}

void check_layer_modes(const arch::AcceleratorSpec& spec, const workloads::Graph& graph) {
  for (const auto& [name, mode] : spec.sparsity.layer_modes) {
    bool found = false;
    for (const workloads::Layer& l : graph.layers) found = found || l.name == name;
    if (!found)
      throw ConfigError("", "/sparsity/layers/" + name, "\"" + name + "\"",
                        "the name of a layer of workload '" + graph.name + "'");
  }
}

}  // namespace

arch::AcceleratorSpec spec_for_run(const arch::AcceleratorSpec& spec,
                                   const std::vector<workloads::LayerSchedule>& schedules) {
  if (schedules.empty() || !schedules.front().memory_point || !spec.clock.memory) return spec;
  arch::AcceleratorSpec out = spec;
  out.clock.memory->nominal = *schedules.front().memory_point;
  return out;
}

SimulationResult simulate(const arch::AcceleratorSpec& spec_in, const workloads::Graph& graph,
                          const arch::EnergyTable& energy, arch::ValueStore& values, VcdWriter* vcd,
                          std::map<std::string, workloads::Int32Buffer>* accumulators,
                          arch::RunMode mode, IRunObserver* observer,
                          const PowerTraceRequest* power) {
  const arch::AcceleratorSpec spec = resolve_structured(spec_in, graph, values);
  check_layer_modes(spec, graph);
  return run_schedules(
      spec, graph, energy, values,
      map_graph(graph, spec, energy, observer ? observer->search_guard() : nullptr), vcd,
      accumulators, mode, observer, power);
}

SimulationResult simulate_schedules(const arch::AcceleratorSpec& spec_in,
                                    const workloads::Graph& graph, const arch::EnergyTable& energy,
                                    arch::ValueStore& values,
                                    std::vector<workloads::LayerSchedule> schedules) {
  const arch::AcceleratorSpec spec = resolve_structured(spec_in, graph, values);
  check_layer_modes(spec, graph);
  return run_schedules(spec, graph, energy, values, std::move(schedules), nullptr, nullptr,
                       arch::RunMode{}, nullptr, nullptr);
}

}  // namespace adasim::sim
