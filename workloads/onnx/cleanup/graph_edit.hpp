// SPDX-License-Identifier: Apache-2.0
// Internal to the ONNX clean-up: an index over an onnx::GraphProto (which node produces a value,
// which nodes and graph outputs consume it, the initializers by name) and the edits the passes
// make: redirecting the uses of a value, marking nodes for removal, adding initializers. Edits
// that change the index (rename, new initializers) keep it current; removals are applied by
// commit(), which keeps the remaining nodes in their order.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workloads/onnx/cleanup/const_tensor.hpp"

namespace adasim::workloads::cleanup {

class GraphEdit {
 public:
  explicit GraphEdit(onnx::GraphProto& g);

  onnx::GraphProto& graph() { return g_; }
  int nodes() const { return g_.node_size(); }
  onnx::NodeProto& node(int i) { return *g_.mutable_node(i); }
  bool removed(int i) const { return removed_.count(i) != 0; }

  /// The initializer named `value`, or nullptr.
  const onnx::TensorProto* initializer(const std::string& value) const;
  /// The values of initializer `value` (nullopt if none or of an unsupported type).
  std::optional<ConstTensor> constant(const std::string& value) const;
  /// Adds (or replaces) initializer `name` with c's values.
  void set_initializer(const std::string& name, const ConstTensor& c);
  /// Index of the live node producing `value`, or -1 (graph input, initializer, unknown).
  int producer(const std::string& value) const;
  /// Live nodes that read `value` (once per input slot that names it).
  std::vector<int> consumers(const std::string& value) const;
  bool is_graph_output(const std::string& value) const;
  bool is_graph_input(const std::string& value) const;
  /// Number of reads of `value`: node input slots plus graph outputs.
  int uses(const std::string& value) const;

  /// Every node input that reads `from` reads `to` instead (graph outputs are not renamed).
  void redirect(const std::string& from, const std::string& to);
  /// Renames the value `from` everywhere: its producer's output, the node inputs reading it.
  /// The caller makes sure `to` is not defined elsewhere.
  void rename(const std::string& from, const std::string& to);
  void remove(int node_index) { removed_.insert(node_index); }
  /// Drops the removed nodes and initializers no node or graph output reads any more.
  void commit();

 private:
  void index();

  onnx::GraphProto& g_;
  std::map<std::string, int> producer_;
  std::map<std::string, std::vector<int>> consumers_;
  std::map<std::string, int> init_;
  std::set<std::string> outputs_, inputs_;
  std::set<int> removed_;
};

/// The attribute `name` of `n`, or nullptr.
const onnx::AttributeProto* node_attr(const onnx::NodeProto& n, const char* name);
int64_t node_attr_int(const onnx::NodeProto& n, const char* name, int64_t dflt);
float node_attr_float(const onnx::NodeProto& n, const char* name, float dflt);
std::string node_attr_string(const onnx::NodeProto& n, const char* name, const char* dflt);
std::vector<int64_t> node_attr_ints(const onnx::NodeProto& n, const char* name);
void set_attr_ints(onnx::NodeProto& n, const char* name, const std::vector<int64_t>& v);

}  // namespace adasim::workloads::cleanup
