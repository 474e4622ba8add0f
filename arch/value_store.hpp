// SPDX-License-Identifier: Apache-2.0
// The functional values of a run: every activation and weight tensor as int8 data. Missing
// tensors (graph inputs, weights) are produced on first use by a seeded generator; a tensor is
// dropped after its last consumer so that whole networks fit in little memory.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class ValueStore {
 public:
  using Generator = std::function<workloads::Int8Buffer(const workloads::TensorInfo&)>;
  ValueStore(const workloads::Graph& graph, Generator generate);

  /// The values of `name`, generated if not present yet.
  const workloads::Int8Buffer& get(const std::string& name);
  void put(const std::string& name, workloads::Int8Buffer values);
  /// Drops tensors whose last consumer is layer `layer_index` (graph outputs are kept).
  void release_after(size_t layer_index);
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, workloads::Int8Buffer>& all() const { return values_; }

 private:
  const workloads::Graph& graph_;
  Generator generate_;
  std::map<std::string, workloads::Int8Buffer> values_;
  std::map<std::string, size_t> last_use_;
};

}  // namespace adasim::arch
