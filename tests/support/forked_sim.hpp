// SPDX-License-Identifier: Apache-2.0
// Runs a simulation in a child process and hands its per-layer figures back: SystemC elaborates
// once per process, and the estimate-vs-engine tests compare many specs and schedules in one test.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::test {

struct LayerFigures {
  uint64_t cycles = 0, stall = 0;
  uint64_t wakeup_stall = 0;  ///< stall cause "wakeup" (power gating), part of `stall`
  double energy_pj = 0;
  std::map<std::string, uint64_t> accesses;  ///< "<module>.<counter>", as in the report
};

/// Simulates `graph` on `spec` with the given schedules (one per layer) in a forked child, with
/// operands from test_generator(seed). Throws std::runtime_error with the child's message when
/// the simulation fails.
std::vector<LayerFigures> simulate_forked(const arch::AcceleratorSpec& spec,
                                          const workloads::Graph& graph,
                                          const std::vector<workloads::LayerSchedule>& schedules,
                                          uint64_t seed = 7);

/// Maps `graph` on `spec` (sim::map_graph) and simulates the schedules it chose; false, with
/// nothing simulated, when a layer does not fit the spec (the mapper's sim::ConfigError).
bool map_and_simulate(const arch::AcceleratorSpec& spec, const workloads::Graph& graph,
                      std::vector<workloads::LayerSchedule>& schedules,
                      std::vector<LayerFigures>& figures);

}  // namespace adasim::test
