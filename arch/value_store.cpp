// SPDX-License-Identifier: Apache-2.0
#include "arch/value_store.hpp"

#include <algorithm>

#include "sim/core/errors.hpp"

namespace adasim::arch {

ValueStore::ValueStore(const workloads::Graph& graph, Generator generate,
                       WideGenerator generate_wide)
    : graph_(graph), generate_(std::move(generate)), generate_wide_(std::move(generate_wide)) {
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const workloads::Layer& l = graph.layers[i];
    for (const std::string& in : l.inputs) last_use_[in] = i;
    if (!l.weight.empty()) last_use_[l.weight] = i;
    if (!l.bias.empty()) last_use_[l.bias] = i;
  }
}

const workloads::Int8Buffer& ValueStore::get(const std::string& name) {
  if (impose_ && !graph_.tensor(name).is_constant) {
    auto im = imposed_.find(name);
    if (im != imposed_.end()) return im->second;
    return imposed_.emplace(name, impose_(graph_.tensor(name))).first->second;
  }
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  const auto c = graph_.constant_values.find(name);
  if (c != graph_.constant_values.end()) return values_.emplace(name, c->second).first->second;
  const workloads::TensorInfo& t = graph_.tensor(name);
  if (t.wide())
    throw sim::ModelError("tensor '" + name + "' is a " + std::to_string(t.bits) +
                          "-bit tensor: its values are held as int32 (get_wide)");
  return values_.emplace(name, generate_(t)).first->second;
}

void ValueStore::inspect(const std::string& name,
                         const std::function<void(const workloads::Int8Buffer&)>& fn) const {
  if (auto it = values_.find(name); it != values_.end()) return fn(it->second);
  if (auto c = graph_.constant_values.find(name); c != graph_.constant_values.end())
    return fn(c->second);
  const workloads::TensorInfo& t = graph_.tensor(name);
  if (t.wide())
    throw sim::ModelError("tensor '" + name + "' is a " + std::to_string(t.bits) +
                          "-bit tensor: its values are held as int32 (get_wide)");
  fn(generate_(t));
}

void ValueStore::put(const std::string& name, workloads::Int8Buffer values) {
  values_[name] = std::move(values);
}

const workloads::Int32Buffer& ValueStore::get_wide(const std::string& name) {
  const workloads::TensorInfo& t = graph_.tensor(name);
  const bool operand = t.bits <= kGeneratedBits;
  if (impose_wide_ && operand && !t.is_constant) {
    auto im = imposed_wide_.find(name);
    if (im != imposed_wide_.end()) return im->second;
    return imposed_wide_.emplace(name, impose_wide_(t)).first->second;
  }
  auto it = wide_.find(name);
  if (it != wide_.end()) return it->second;
  const auto c = graph_.constant_values_wide.find(name);
  if (c != graph_.constant_values_wide.end()) return wide_.emplace(name, c->second).first->second;
  if (operand && generate_wide_) return wide_.emplace(name, generate_wide_(t)).first->second;
  throw sim::ModelError("wide tensor '" + name + "' (" + std::to_string(t.bits) +
                        " bits) has no values (tensors wider than " +
                        std::to_string(kGeneratedBits) + " bits are not generated)");
}

void ValueStore::put_wide(const std::string& name, workloads::Int32Buffer values) {
  wide_[name] = std::move(values);
}

void ValueStore::release_after(size_t layer_index) {
  auto drop = [&](auto& map) {
    for (auto it = map.begin(); it != map.end();) {
      const auto lu = last_use_.find(it->first);
      const bool is_output = std::find(graph_.graph_outputs.begin(), graph_.graph_outputs.end(),
                                       it->first) != graph_.graph_outputs.end();
      if (!is_output && lu != last_use_.end() && lu->second <= layer_index)
        it = map.erase(it);
      else
        ++it;
    }
  };
  drop(values_);
  drop(wide_);
  drop(imposed_);
  drop(imposed_wide_);
}

}  // namespace adasim::arch
