// SPDX-License-Identifier: Apache-2.0
#include "arch/value_store.hpp"

#include <algorithm>

namespace adasim::arch {

ValueStore::ValueStore(const workloads::Graph& graph, Generator generate)
    : graph_(graph), generate_(std::move(generate)) {
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const workloads::Layer& l = graph.layers[i];
    for (const std::string& in : l.inputs) last_use_[in] = i;
    if (!l.weight.empty()) last_use_[l.weight] = i;
  }
}

const workloads::Int8Buffer& ValueStore::get(const std::string& name) {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  return values_.emplace(name, generate_(graph_.tensor(name))).first->second;
}

void ValueStore::put(const std::string& name, workloads::Int8Buffer values) {
  values_[name] = std::move(values);
}

void ValueStore::release_after(size_t layer_index) {
  for (auto it = values_.begin(); it != values_.end();) {
    const auto lu = last_use_.find(it->first);
    const bool is_output = std::find(graph_.graph_outputs.begin(), graph_.graph_outputs.end(),
                                     it->first) != graph_.graph_outputs.end();
    if (!is_output && lu != last_use_.end() && lu->second <= layer_index)
      it = values_.erase(it);
    else
      ++it;
  }
}

}  // namespace adasim::arch
