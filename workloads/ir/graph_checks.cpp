// SPDX-License-Identifier: Apache-2.0
#include "workloads/ir/graph_checks.hpp"

#include "sim/core/checked_math.hpp"
#include "workloads/ir/json_fields.hpp"

namespace adasim::workloads {
namespace {

bool is_array_op(OpType op) {
  return op == OpType::kConv2d || op == OpType::kFullyConnected || op == OpType::kMatMul;
}

}  // namespace

std::string size_limit_text(const std::string& what) { return what + " of at most 2^62"; }

std::vector<sim::InputIssue> graph_size_issues(const Graph& g, const std::string& file,
                                               const GraphLocator& where) {
  std::vector<sim::InputIssue> issues;
  auto add = [&](std::string at, std::string value, std::string expected) {
    issues.push_back(sim::InputIssue{file, std::move(at), std::move(value), std::move(expected)});
  };
  for (const auto& [name, t] : g.tensors) {
    const std::string text = "tensor '" + name + "' of shape " + render_shape(t.shape);
    bool dims_ok = true;
    for (int64_t d : t.shape) dims_ok = dims_ok && d >= 1;
    if (!dims_ok) {
      add(where.tensor(name), text, "dimensions >= 1 (no empty tensors)");
      continue;
    }
    const auto n = sim::checked_product(t.shape);
    const auto bits = n ? sim::checked_mul(*n, t.bits) : std::nullopt;
    if (!n || !bits || *bits > sim::kMaxSizeProduct)
      add(where.tensor(name), text, size_limit_text("an element count (and bit count)"));
  }
  if (!issues.empty()) return issues;  // layer shapes derive from the tensors

  int64_t total = 0;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer& l = g.layers[i];
    if (l.op == OpType::kAdd) continue;  // elementwise: covered by its tensors
    const ConvShape s = g.shape(l);
    if (s.p < 1 || s.q < 1) {
      add(where.layer(i),
          "layer '" + l.name + "' with an output of " + std::to_string(s.p) + "x" +
              std::to_string(s.q),
          "an output of at least 1x1");
      continue;
    }
    if (!is_array_op(l.op)) continue;
    const auto macs = sim::checked_product({s.n, s.p, s.q, s.k, s.c_per_group(), s.r, s.s});
    const auto sum = macs ? sim::checked_add(total, *macs) : std::nullopt;
    if (!macs) {
      add(where.layer(i), "layer '" + l.name + "' (N*P*Q*K*C/G*R*S multiply-accumulates)",
          size_limit_text("a MAC count"));
    } else if (!sum || *sum > sim::kMaxSizeProduct) {
      add(where.layer(i), "layer '" + l.name + "' bringing the graph's MAC count past 2^62",
          size_limit_text("a total MAC count"));
    } else {
      total = *sum;
    }
  }
  return issues;
}

void check_graph_sizes(const Graph& g, const std::string& file, const GraphLocator& where) {
  std::vector<sim::InputIssue> issues = graph_size_issues(g, file, where);
  if (!issues.empty()) throw sim::ConfigError(std::move(issues));
}

}  // namespace adasim::workloads
