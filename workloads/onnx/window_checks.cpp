// SPDX-License-Identifier: Apache-2.0
#include "workloads/onnx/window_checks.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"

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

}  // namespace

int window_weight_input(const std::string& op) {
  if (op == "QLinearConv") return 3;
  if (op == "Conv" || op == "ConvInteger" || op == "ConvTranspose") return 1;
  return -1;
}

bool is_window_op(const std::string& op) {
  return window_weight_input(op) >= 0 || op.find("Pool") != std::string::npos;
}

namespace {

int rank_of(const std::map<std::string, int>& ranks, const onnx::NodeProto& n, int input) {
  if (input < 0 || input >= n.input_size()) return -1;
  const auto it = ranks.find(n.input(input));
  return it == ranks.end() ? -1 : it->second;
}

}  // namespace

void check_window_node(const onnx::NodeProto& n, int index, const std::map<std::string, int>& ranks,
                       const std::string& path) {
  const std::string where =
      "node " + std::to_string(index) + " '" + n.name() + "' (" + n.op_type() + ")";
  const int x = rank_of(ranks, n, 0);
  const int w = rank_of(ranks, n, window_weight_input(n.op_type()));
  if (x >= 0 && x < 3)
    throw sim::ConfigError(path, where + " input " + n.input(0), "rank " + std::to_string(x),
                           "rank >= 3 (batch, channels and at least one spatial axis)");
  if (x >= 0 && w >= 0 && x != w)
    throw sim::ConfigError(
        path, where + " weight " + n.input(window_weight_input(n.op_type())),
        "rank " + std::to_string(w),
        "the data input's rank " + std::to_string(x) + " (one kernel axis per spatial axis)");
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

void check_window_attributes(const onnx::GraphProto& g, const std::string& path) {
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    for (const onnx::AttributeProto& a : n.attribute()) {
      if (a.has_g()) check_window_attributes(a.g(), path);
      for (const onnx::GraphProto& sub : a.graphs()) check_window_attributes(sub, path);
      const bool window = n.op_type().find("Conv") != std::string::npos ||
                          n.op_type().find("Pool") != std::string::npos;
      const std::string& name = a.name();
      if (!window || (name != "strides" && name != "dilations" && name != "kernel_shape" &&
                      name != "pads" && name != "group"))
        continue;
      // group: only >= 1 here (the importer relates a larger one to the channels).
      const int64_t lo = name == "pads" ? 0 : 1;
      const int64_t hi = name == "group" ? INT64_MAX : kMaxWindowAttr;
      std::vector<int64_t> v(a.ints().begin(), a.ints().end());
      if (name == "group") v = {a.i()};
      if (std::all_of(v.begin(), v.end(), [&](int64_t x) { return x >= lo && x <= hi; })) continue;
      std::string text = "[";
      for (size_t k = 0; k < v.size(); ++k) text += (k ? "," : "") + std::to_string(v[k]);
      throw sim::ConfigError(
          path,
          "node " + std::to_string(i) + " '" + n.name() + "' (" + n.op_type() + ") attribute " +
              name,
          name == "group" ? std::to_string(v[0]) : text + "]",
          name == "group" ? "a group count >= 1"
                          : "values in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
  }
}

void check_window_ranks(const onnx::GraphProto& g, const std::string& path) {
  const std::map<std::string, int> ranks = declared_ranks(g);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    for (const onnx::AttributeProto& a : n.attribute()) {
      if (a.has_g()) check_window_ranks(a.g(), path);
      for (const onnx::GraphProto& sub : a.graphs()) check_window_ranks(sub, path);
    }
    if (is_window_op(n.op_type())) check_window_node(n, i, ranks, path);
  }
}

}  // namespace adasim::workloads::onnx_import
