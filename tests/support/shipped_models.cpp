// SPDX-License-Identifier: Apache-2.0
#include "shipped_models.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/config/arch_config.hpp"
#include "workloads/ir/json_loader.hpp"

namespace adasim::test {

using workloads::Graph;
using workloads::Layer;

namespace {

const std::string kRoot = std::string(ADASIM_TEST_DIR) + "/..";

bool is_array(const Layer& l) {
  return l.op == workloads::OpType::kConv2d || l.op == workloads::OpType::kFullyConnected ||
         l.op == workloads::OpType::kMatMul;
}

Graph load_model(const std::string& model) {
  return workloads::load_graph_json(kRoot + "/workloads/models/" + model + ".json");
}

/// Adds layer `l` of `full` to `g` with its tensors; its activation inputs become graph inputs
/// (once each, `inputs` holding those already added), its output a graph output.
void add_independent(Graph& g, const Graph& full, const Layer& l, std::set<std::string>& inputs) {
  for (const std::string& t : l.inputs) {
    g.tensors[t] = full.tensor(t);
    if (!full.tensor(t).is_constant && inputs.insert(t).second) g.graph_inputs.push_back(t);
  }
  if (!l.weight.empty()) g.tensors[l.weight] = full.tensor(l.weight);
  g.tensors[l.output] = full.tensor(l.output);
  g.graph_outputs.push_back(l.output);
  g.layers.push_back(l);
}

}  // namespace

const std::vector<std::string>& ranking_models() {
  static const std::vector<std::string> models{"resnet50", "mobilenet_v2", "alexnet",
                                               "bert_base_encoder"};
  return models;
}

Graph sample_layers(const std::string& model, size_t count) {
  const Graph full = load_model(model);
  std::vector<const Layer*> array;
  for (const Layer& l : full.layers)
    if (is_array(l)) array.push_back(&l);
  Graph g;
  g.name = model + "_sample";
  std::set<std::string> inputs;
  for (size_t i = 0; i < count && i < array.size(); ++i)
    add_independent(g, full, *array[i * array.size() / count], inputs);
  return g;
}

Graph smallest_layers(const std::string& model, size_t count) {
  const Graph full = load_model(model);
  std::vector<std::pair<int64_t, const Layer*>> array;
  for (const Layer& l : full.layers)
    if (is_array(l)) array.push_back({full.shape(l).macs(), &l});
  std::stable_sort(array.begin(), array.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Graph g;
  g.name = model + "_smallest";
  std::set<std::string> inputs, shapes;
  for (const auto& [macs, lp] : array) {
    if (g.layers.size() == count) break;
    const Layer& l = *lp;
    const workloads::ConvShape s = full.shape(l);
    const std::string key =
        std::to_string(int(l.op)) + ":" + std::to_string(s.n) + "," + std::to_string(s.k) + "," +
        std::to_string(s.c) + "," + std::to_string(s.p) + "," + std::to_string(s.q) + "," +
        std::to_string(s.r) + "," + std::to_string(s.s) + "," + std::to_string(s.groups) + "," +
        std::to_string(s.h) + "," + std::to_string(s.stride_h);
    if (!shapes.insert(key).second) continue;
    add_independent(g, full, l, inputs);
  }
  return g;
}

arch::AcceleratorSpec shipped_spec(const std::string& file, const std::vector<std::string>& sets) {
  return sim::load_arch_config(kRoot + "/configs/" + file, sets).spec;
}

std::vector<workloads::LayerSchedule> map_all(const Graph& g, const arch::AcceleratorSpec& spec) {
  return sim::map_graph(g, spec, arch::EnergyTable(spec.energy));
}

double objective_of(const LayerFigures& f, arch::Objective o) {
  switch (o) {
    case arch::Objective::kLatency:
      return double(f.cycles);
    case arch::Objective::kEnergy:
      return f.energy_pj;
    case arch::Objective::kEdp:
      return double(f.cycles) * f.energy_pj;
  }
  return double(f.cycles);
}

}  // namespace adasim::test
