// SPDX-License-Identifier: Apache-2.0
// Mapper v1: lowers one layer onto the accelerator for the array's configured systolic dataflow
// (ws / os / is). Picks the group packing, the folds, the temporal chunk that fits every SRAM level
// with double buffering, residency of reusable operands, and the DMA transfer plan.
#pragma once

#include "arch/spec.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

/// Throws sim::ConfigError when no tiling fits the SRAM levels (the design point is too small).
LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec);

/// Same, with the dataflow forced (must be one the array supports).
LayerSchedule map_layer(const Graph& graph, const Layer& layer, const arch::AcceleratorSpec& spec,
                        arch::Dataflow dataflow);

}  // namespace adasim::workloads
