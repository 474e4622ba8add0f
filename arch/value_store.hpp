// SPDX-License-Identifier: Apache-2.0
// The functional values of a run: every activation and weight tensor, as int8 storage (tensors
// of up to 8 bits) or int32 values (wide tensors: operands of 9..16 bits, accumulators kept as
// outputs, biases). Constants come from the graph when the model carries them (ONNX
// initializers); other missing tensors of up to 16 bits (graph inputs, weights of JSON graphs)
// are produced on first use by a seeded generator. A tensor is dropped after its last consumer so
// that whole networks fit in little memory.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

class ValueStore {
 public:
  /// The widest tensors the generators make (MAC operands of up to 16 bits).
  static constexpr int kGeneratedBits = 16;
  using Generator = std::function<workloads::Int8Buffer(const workloads::TensorInfo&)>;
  /// Values of a tensor of 9..16 bits, held as int32.
  using WideGenerator = std::function<workloads::Int32Buffer(const workloads::TensorInfo&)>;
  /// Without `generate_wide`, wide tensors are never generated (ModelError when one is read).
  ValueStore(const workloads::Graph& graph, Generator generate, WideGenerator generate_wide = {});

  /// The values of `name` (<= 8-bit tensor): the graph's constant, or generated if not present.
  /// With imposed activations, every non-constant tensor read here comes from that generator
  /// instead (the layers' computed outputs stay in all() for dumps).
  const workloads::Int8Buffer& get(const std::string& name);
  /// Sparsity studies without trained weights: every activation a layer reads is generated (with
  /// the study's zero pattern) instead of the previous layer's output, so that the pattern holds
  /// at every depth of the network.
  void impose_activations(Generator g, WideGenerator wide = {}) {
    impose_ = std::move(g);
    impose_wide_ = std::move(wide);
  }
  /// Calls `fn` with the values get(name) would return, without keeping generated values (a
  /// look ahead of the run that leaves what is resident unchanged; generation is deterministic).
  void inspect(const std::string& name,
               const std::function<void(const workloads::Int8Buffer&)>& fn) const;
  void put(const std::string& name, workloads::Int8Buffer values);
  /// Wide (int32) tensors: the graph's constant (biases), a layer output put earlier, or for a
  /// tensor of 9..16 bits the wide generator's values (imposed ones for activations, as get());
  /// throws ModelError otherwise (32-bit tensors are never generated).
  const workloads::Int32Buffer& get_wide(const std::string& name);
  void put_wide(const std::string& name, workloads::Int32Buffer values);
  /// Drops tensors whose last consumer is layer `layer_index` (graph outputs are kept).
  void release_after(size_t layer_index);
  bool has(const std::string& name) const {
    return values_.count(name) != 0 || wide_.count(name) != 0;
  }
  const std::map<std::string, workloads::Int8Buffer>& all() const { return values_; }
  const std::map<std::string, workloads::Int32Buffer>& all_wide() const { return wide_; }

 private:
  const workloads::Graph& graph_;
  Generator generate_;
  WideGenerator generate_wide_;
  std::map<std::string, workloads::Int8Buffer> values_;
  std::map<std::string, workloads::Int32Buffer> wide_;
  Generator impose_;
  WideGenerator impose_wide_;
  std::map<std::string, workloads::Int8Buffer> imposed_;
  std::map<std::string, workloads::Int32Buffer> imposed_wide_;
  std::map<std::string, size_t> last_use_;
};

}  // namespace adasim::arch
