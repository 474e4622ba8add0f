// SPDX-License-Identifier: Apache-2.0
// Mapper: lowers one layer onto the accelerator. Array layers (conv / FC / matmul) are mapped by
// searching dataflows, group packings, loop orders, residency and temporal chunks (search.hpp);
// pooling and elementwise add go to the vector path with chunks that fit the SRAM levels.
#pragma once

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/estimate.hpp"
#include "workloads/mapper/schedule.hpp"
#include "workloads/mapper/search_guard.hpp"

namespace adasim::workloads {

/// Maps one layer: array layers go through the mapping search (search.hpp) for the spec's
/// objective and constraints, priced with `costs`; pooling / add go to the vector path.
/// Throws sim::ConfigError when no tiling fits the SRAM levels (the design point is too small).
/// `guard` (optional) is checked between the search's candidates (search_guard.hpp).
LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec,
                        const EnergyCosts& costs, ISearchGuard* guard = nullptr);
/// Same with all energy costs zero (enough for the latency objective).
LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec);

}  // namespace adasim::workloads
