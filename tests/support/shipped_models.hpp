// SPDX-License-Identifier: Apache-2.0
// The shipped models and configs as test inputs: a few array layers of a model (evenly spaced or
// the smallest) as a graph of independent layers, a shipped arch config's spec, the mapper's
// schedules for them, and a simulated layer's figure on an objective. Shared by the ranking tests
// (tests/systemc/ranking_properties_test.cpp, spatial_ranking_test.cpp).
#pragma once

#include <string>
#include <vector>

#include "arch/spec.hpp"
#include "forked_sim.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::test {

/// The models of the ranking tests' regression sets: ResNet-50, MobileNetV2, AlexNet and the
/// BERT-base encoder (workloads/models/<name>.json).
const std::vector<std::string>& ranking_models();

/// `count` array layers (conv2d, fully connected, matmul) of workloads/models/<model>.json,
/// evenly spaced in the model's order, as independent layers (their activation inputs become
/// graph inputs, generated from the test's seed). Named "<model>_sample".
workloads::Graph sample_layers(const std::string& model, size_t count);

/// The `count` array layers of workloads/models/<model>.json with the fewest MACs (one per
/// distinct shape), as independent layers. Named "<model>_smallest".
workloads::Graph smallest_layers(const std::string& model, size_t count);

/// The spec of configs/<file> with the `--set` overrides `sets`.
arch::AcceleratorSpec shipped_spec(const std::string& file,
                                   const std::vector<std::string>& sets = {});

/// The mapper's schedules for every layer of `g` on `spec` (sim::map_graph, the spec's energy).
std::vector<workloads::LayerSchedule> map_all(const workloads::Graph& g,
                                              const arch::AcceleratorSpec& spec);

/// A simulated layer's figure on objective `o`: cycles, energy (pJ) or their product.
double objective_of(const LayerFigures& f, arch::Objective o);

}  // namespace adasim::test
