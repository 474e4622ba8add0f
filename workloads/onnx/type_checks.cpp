// SPDX-License-Identifier: Apache-2.0
#include "workloads/onnx/type_checks.hpp"

#include <onnx/defs/schema.h>

#include <algorithm>
#include <climits>
#include <cstdint>

#include "sim/core/errors.hpp"

namespace adasim::workloads::onnx_import {
namespace {

std::string kind_of(const onnx::TypeProto& t) {
  switch (t.value_case()) {
    case onnx::TypeProto::kTensorType:
      return "a dense tensor";
    case onnx::TypeProto::kSparseTensorType:
      return "a sparse tensor type";
    case onnx::TypeProto::kSequenceType:
      return "a sequence type";
    case onnx::TypeProto::kMapType:
      return "a map type";
    case onnx::TypeProto::kOptionalType:
      return "an optional type";
    default:
      return "a type of unknown kind (TypeProto field " + std::to_string(t.value_case()) + ")";
  }
}

void check_declared(const onnx::ValueInfoProto& v, const std::string& role,
                    const std::string& path) {
  if (!v.has_type() || v.type().value_case() == onnx::TypeProto::VALUE_NOT_SET ||
      v.type().has_tensor_type())
    return;  // undeclared: ONNX infers it (as a tensor, from the tensors it is computed from)
  throw sim::ConfigError(path, role + " '" + v.name() + "'", kind_of(v.type()),
                         "a dense tensor type (adasim maps graphs of dense tensors)");
}

int64_t opset_of(const onnx::ModelProto& m, const std::string& domain) {
  const bool default_domain = domain.empty() || domain == "ai.onnx";
  for (const auto& o : m.opset_import())
    if (o.domain() == domain || (default_domain && (o.domain().empty() || o.domain() == "ai.onnx")))
      return o.version();
  return INT_MAX;
}

// True when the schema of n's operator (at the model's opset) lets an output be a dense tensor
// (or when ONNX does not know the operator: its inference skips it).
bool may_output_tensor(const onnx::NodeProto& n, const onnx::ModelProto& m) {
  const onnx::OpSchema* s = onnx::OpSchemaRegistry::Schema(
      n.op_type(), int(std::min<int64_t>(opset_of(m, n.domain()), INT_MAX)), n.domain());
  if (s == nullptr || s->outputs().empty()) return true;
  for (const onnx::OpSchema::FormalParameter& out : s->outputs())
    for (onnx::DataType t : out.GetTypes())
      if (t != nullptr && t->rfind("tensor(", 0) == 0) return true;
  return false;
}

void check_graph(const onnx::GraphProto& g, const onnx::ModelProto& m, const std::string& path) {
  for (const auto& v : g.input()) check_declared(v, "graph input", path);
  for (const auto& v : g.output()) check_declared(v, "graph output", path);
  for (const auto& v : g.value_info()) check_declared(v, "value_info", path);
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    const std::string where =
        "node " + std::to_string(i) + " '" + n.name() + "' (" + n.op_type() + ")";
    for (const onnx::AttributeProto& a : n.attribute())
      if (a.has_g() || a.graphs_size() > 0)
        throw sim::ConfigError(path, where + " attribute " + a.name(), "a subgraph",
                               "a node without subgraphs (adasim does not map control flow)");
    if (!may_output_tensor(n, m))
      throw sim::ConfigError(path, where, "an operator whose outputs are never dense tensors",
                             "operators on dense tensors (adasim maps graphs of dense tensors)");
  }
}

}  // namespace

void check_value_kinds(const onnx::ModelProto& m, const std::string& path) {
  check_graph(m.graph(), m, path);
}

}  // namespace adasim::workloads::onnx_import
