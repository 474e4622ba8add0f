// SPDX-License-Identifier: Apache-2.0
#include "workloads/onnx/window_ranks.hpp"

#include <map>

#include "sim/core/errors.hpp"

namespace adasim::workloads::onnx_import {
namespace {

// Declared ranks: graph inputs and value_info with a shape, initializers by their dims.
std::map<std::string, int> declared_ranks(const onnx::GraphProto& g) {
  std::map<std::string, int> r;
  auto take = [&](const onnx::ValueInfoProto& v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      r[v.name()] = v.type().tensor_type().shape().dim_size();
  };
  for (const auto& v : g.input()) take(v);
  for (const auto& v : g.value_info()) take(v);
  for (const auto& t : g.initializer()) r[t.name()] = t.dims_size();
  return r;
}

// Index of the weight input of a conv-like node, or -1 for pools.
int weight_input(const std::string& op) {
  if (op == "QLinearConv") return 3;
  if (op == "Conv" || op == "ConvInteger" || op == "ConvTranspose") return 1;
  return -1;
}

bool is_window_op(const std::string& op) {
  return weight_input(op) >= 0 || op.find("Pool") != std::string::npos;
}

int rank_of(const std::map<std::string, int>& ranks, const onnx::NodeProto& n, int input) {
  if (input < 0 || input >= n.input_size()) return -1;
  const auto it = ranks.find(n.input(input));
  return it == ranks.end() ? -1 : it->second;
}

void check_node(const onnx::NodeProto& n, int index, const std::map<std::string, int>& ranks,
                const std::string& path) {
  const std::string where =
      "node " + std::to_string(index) + " '" + n.name() + "' (" + n.op_type() + ")";
  const int x = rank_of(ranks, n, 0);
  const int w = rank_of(ranks, n, weight_input(n.op_type()));
  if (x >= 0 && x < 3)
    throw sim::ConfigError(path, where + " input " + n.input(0), "rank " + std::to_string(x),
                           "rank >= 3 (batch, channels and at least one spatial axis)");
  if (x >= 0 && w >= 0 && x != w)
    throw sim::ConfigError(path, where + " weight " + n.input(weight_input(n.op_type())),
                           "rank " + std::to_string(w),
                           "the data input's rank " + std::to_string(x) +
                               " (one kernel axis per spatial axis)");
  const int rank = x >= 0 ? x : w;
  if (rank < 0) return;  // nothing declared: ONNX's inference works the ranks out in order
  const int spatial = rank - 2;
  for (const onnx::AttributeProto& a : n.attribute()) {
    const std::string& name = a.name();
    int want = -1;
    if (name == "kernel_shape" || name == "strides" || name == "dilations") want = spatial;
    if (name == "pads") want = 2 * spatial;
    if (want < 0 || a.ints_size() == want) continue;
    throw sim::ConfigError(path, where + " attribute " + name,
                           std::to_string(a.ints_size()) + " values",
                           std::to_string(want) + " values for " + std::to_string(spatial) +
                               " spatial axes (input rank " + std::to_string(rank) + ")");
  }
}

}  // namespace

void check_window_ranks(const onnx::GraphProto& g, const std::string& path) {
  const std::map<std::string, int> ranks = declared_ranks(g);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    for (const onnx::AttributeProto& a : n.attribute()) {
      if (a.has_g()) check_window_ranks(a.g(), path);
      for (const onnx::GraphProto& sub : a.graphs()) check_window_ranks(sub, path);
    }
    if (is_window_op(n.op_type())) check_node(n, i, ranks, path);
  }
}

}  // namespace adasim::workloads::onnx_import
