// SPDX-License-Identifier: Apache-2.0
// Graph IR -> full-form "adasim-graph" JSON (every tensor declared, every attribute explicit), the
// inverse of parse_graph_json.
#include <set>

#include "sim/core/errors.hpp"
#include "workloads/ir/json_loader.hpp"

namespace adasim::workloads {
namespace {
using nlohmann::json;

json tensor_json(const TensorInfo& t) {
  return json{{"name", t.name},       {"shape", t.shape},           {"bits", t.bits},
              {"signed", t.is_signed}, {"scale", t.scale},           {"zero_point", t.zero_point},
              {"constant", t.is_constant}};
}

json layer_json(const Layer& l) {
  json j{{"name", l.name}, {"op", to_string(l.op)}, {"inputs", l.inputs}, {"output", l.output}};
  const json pads = json::array({l.pad_t, l.pad_l, l.pad_b, l.pad_r});
  switch (l.op) {
    case OpType::kConv2d:
      j["weight"] = l.weight;
      j["stride"] = {l.stride_h, l.stride_w};
      j["padding"] = pads;
      j["dilation"] = {l.dil_h, l.dil_w};
      j["groups"] = l.groups;
      j["relu"] = l.relu;
      break;
    case OpType::kFullyConnected:
      j["weight"] = l.weight;
      j["relu"] = l.relu;
      break;
    case OpType::kMatMul:
      if (!l.weight.empty()) j["weight"] = l.weight;
      j["relu"] = l.relu;
      break;
    case OpType::kMaxPool:
    case OpType::kAvgPool:
      j["kernel"] = {l.kernel_h, l.kernel_w};
      j["stride"] = {l.stride_h, l.stride_w};
      j["padding"] = pads;
      break;
    case OpType::kAdd:
      j["relu"] = l.relu;
      break;
    default:
      // Vector layers that only ONNX models produce have no JSON form (yet).
      throw sim::ModelError(std::string("graph_to_json: layer '") + l.name + "' (" +
                            to_string(l.op) + ") has no form in adasim-graph JSON");
  }
  return j;
}
}  // namespace

json graph_to_json(const Graph& g) {
  json tensors = json::array();
  std::set<std::string> done;
  auto emit = [&](const std::string& name) {
    if (name.empty() || !done.insert(name).second) return;
    tensors.push_back(tensor_json(g.tensor(name)));
  };
  // Declaration order: graph inputs, then per layer its weight and output (first appearance).
  for (const std::string& n : g.graph_inputs) emit(n);
  json layers = json::array();
  for (const Layer& l : g.layers) {
    emit(l.weight);
    emit(l.output);
    layers.push_back(layer_json(l));
  }
  json j{{"format", kGraphFormat}, {"version", kGraphFormatVersion}, {"name", g.name},
         {"batch", g.batch}};
  j["inputs"] = g.graph_inputs;
  j["outputs"] = g.graph_outputs;
  j["tensors"] = std::move(tensors);
  j["layers"] = std::move(layers);
  return j;
}

}  // namespace adasim::workloads
