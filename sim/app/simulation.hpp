// SPDX-License-Identifier: Apache-2.0
// One simulation: map every layer, elaborate the accelerator from the spec, run the SystemC
// kernel until the last layer finishes, and return the per-layer reports. SystemC allows one
// elaboration per process, so call this once per process.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "arch/engine/step.hpp"
#include "arch/power/power_trace.hpp"
#include "arch/spec.hpp"
#include "arch/value_store.hpp"
#include "sim/stats/report.hpp"
#include "sim/trace/vcd_writer.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/search_guard.hpp"

namespace adasim::sim {

struct SimulationResult {
  std::vector<LayerReport> layers;
  std::vector<workloads::LayerSchedule> schedules;
  std::optional<arch::PowerTrace> power_trace;  ///< when a PowerTraceRequest was given
};

/// A power trace of the run (arch/power/power_trace.hpp) at windows of `window_us`; a window
/// giving more than kMaxPowerWindows windows is a ConfigError naming --power-window-us.
struct PowerTraceRequest {
  double window_us = 1.0;
  std::string window_text = "1";  ///< as the user gave it (for the error)
};
constexpr size_t kMaxPowerWindows = 1000000;

/// Watches a run from outside the model: sees the schedules before the kernel starts (and may
/// refuse them by throwing), and the run's position between slices of simulated time (and may
/// stop it by throwing). run_limits.hpp's RunMonitor: budgets, progress, the watchdog's limit.
class IRunObserver {
 public:
  virtual ~IRunObserver() = default;
  /// After mapping, before simulating.
  virtual void before_run(const workloads::Graph& graph,
                          const std::vector<workloads::LayerSchedule>& schedules) = 0;
  /// Between slices: layers finished so far and the core clock's cycle.
  virtual void between_slices(size_t layers_done, uint64_t cycle) = 0;
  /// Cycles without forward progress the accelerator's watchdog tolerates.
  virtual uint64_t watchdog_cycles() const = 0;
  /// The host budget the mapping searches answer to (nullptr: none).
  virtual workloads::ISearchGuard* search_guard() { return nullptr; }
};

/// The per-action prices the mapper ranks candidates with, from the energy table at the
/// nominal operating point.
workloads::EnergyCosts mapper_costs(const arch::EnergyTable& energy,
                                    const arch::AcceleratorSpec& spec);

/// sparsity.structured with "unfit": "dense": the spec with `layers` set to the covered layers
/// whose weights keep the N:M pattern (arch::nm_pattern_fits; the datapath is off when none
/// does). Any other spec is returned unchanged. simulate() runs on the resolved spec, so the
/// schedules show which layers ran on the N:M datapath ("nm").
arch::AcceleratorSpec resolve_structured(const arch::AcceleratorSpec& spec,
                                         const workloads::Graph& graph,
                                         const arch::ValueStore& values);

/// Maps every layer of `graph` (searching mappings for the spec's objective and constraints;
/// throws ConfigError if a layer cannot be tiled onto the SRAM levels). `guard` (optional): the
/// host budget checked between the searches' candidates (workloads/mapper/search_guard.hpp).
std::vector<workloads::LayerSchedule> map_graph(const workloads::Graph& graph,
                                                const arch::AcceleratorSpec& spec,
                                                const arch::EnergyTable& energy,
                                                workloads::ISearchGuard* guard = nullptr);

/// The spec the schedules run on: `spec` with the memory domain at the point a per_layer plan
/// chose for the run (LayerSchedule::memory_point), else `spec` itself.
arch::AcceleratorSpec spec_for_run(const arch::AcceleratorSpec& spec,
                                   const std::vector<workloads::LayerSchedule>& schedules);

/// Runs the whole graph. `values` supplies inputs/weights and receives every layer's outputs.
/// `accumulators`, if given, receives every array layer's int32 results by output tensor name.
SimulationResult simulate(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                          const arch::EnergyTable& energy, arch::ValueStore& values,
                          VcdWriter* vcd = nullptr,
                          std::map<std::string, workloads::Int32Buffer>* accumulators = nullptr,
                          arch::RunMode mode = {}, IRunObserver* observer = nullptr,
                          const PowerTraceRequest* power = nullptr);

/// Runs the whole graph on the given schedules (one per layer, in order) instead of the mapper's:
/// e.g. a runner-up mapping, to compare what the search ranked with what the engine does.
SimulationResult simulate_schedules(const arch::AcceleratorSpec& spec,
                                    const workloads::Graph& graph, const arch::EnergyTable& energy,
                                    arch::ValueStore& values,
                                    std::vector<workloads::LayerSchedule> schedules);

}  // namespace adasim::sim
