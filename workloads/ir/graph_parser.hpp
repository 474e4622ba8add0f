// SPDX-License-Identifier: Apache-2.0
// The JSON graph parser of json_loader.cpp (internal to the IR library): it validates the file
// section by section and infers every layer's output shape (layer_shapes.cpp), collecting the
// issues in one JsonIssues.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/checked_math.hpp"
#include "sim/core/json_input.hpp"
#include "workloads/ir/graph.hpp"
#include "workloads/ir/graph_checks.hpp"
#include "workloads/ir/json_fields.hpp"
#include "workloads/ir/json_layer_attrs.hpp"

namespace adasim::workloads::detail {
using nlohmann::json;
using Shape = std::vector<int64_t>;

struct DeclaredTensor {
  TensorInfo info;
  std::string ptr;
  int64_t file_first_dim = 0;  ///< shape[0] as written in the file (before a batch override)
  bool used = false;
};

enum class Resolve { kKnown, kUnknown, kBad };

inline int64_t product(const Shape& s, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t p = 1;
  for (size_t i = from; i < s.size() && i < to; ++i) p *= s[i];
  return p;
}

inline std::string tensor_text(const std::string& name, const Shape& shape) {
  return json(name).dump() + " with shape " + render_shape(shape);
}

/// Parses one graph file; the layer shape inference lives in layer_shapes.cpp.
class GraphParser {
 public:
  GraphParser(const json& j, const std::string& file, int64_t batch_override)
      : j_(j), is_(file), batch_override_(batch_override) {
    g_.source_file = file;
  }
  Graph parse();

 private:
  GraphLocator locator() const;
  void parse_tensors(const json& arr);
  void parse_inputs(int64_t file_batch);
  void parse_layer(const json& l, size_t i);
  /// The keys a layer of this op may have.
  void check_layer_keys(OpType op, const json& l, const std::string& ptr);
  /// Defines the layer's output tensor `out` (its shape when known: else it stays poisoned so
  /// that nothing downstream cascades) and appends the layer to the graph.
  void define_output(const std::string& ptr, const std::string& out,
                     const std::optional<Shape>& shape, Layer& layer);
  Resolve resolve_activation(const std::string& name, const std::string& where, size_t i,
                             Shape& shape);
  /// The output shape of a layer (and its kernel, and its created weight), or nullopt after
  /// reporting why its inputs, weight or attributes do not fit together.
  std::optional<Shape> infer(OpType op, const json& l, const std::string& ptr, Layer& layer,
                             const LayerAttrs& a, const std::vector<Shape>& in);
  std::optional<Shape> infer_conv(const json& l, const std::string& ptr, Layer& layer,
                                  const LayerAttrs& a, const Shape& x);
  /// The shape of the given 2-D weight `name` whose dim d is `extent` (else an issue at the
  /// layer's "weight" with `expected`).
  std::optional<Shape> matrix_weight(const std::string& ptr, const std::string& name, size_t d,
                                     int64_t extent, const std::string& expected);
  std::optional<Shape> infer_fc(const std::string& ptr, Layer& layer, const LayerAttrs& a,
                                const Shape& x);
  std::optional<Shape> infer_matmul(const std::string& ptr, Layer& layer, const LayerAttrs& a,
                                    const std::vector<Shape>& in);
  /// MatMul of two activations A (x) and B (b): no weight, batch dims equal, B = [.., Kd, N].
  std::optional<Shape> matmul_activations(const std::string& ptr, const Layer& layer,
                                          const LayerAttrs& a, const Shape& x, const Shape& b);
  std::optional<Shape> infer_pool(const json& l, const std::string& ptr, Layer& layer,
                                  const LayerAttrs& a, const Shape& x);
  /// Reports the first input's shape `x` at /layers/i/inputs/0.
  void bad_input(const std::string& ptr, const Layer& layer, const Shape& x,
                 const std::string& expected);
  std::optional<Shape> weight_shape(const std::string& name, const std::string& where);
  bool create_weight(const std::string& ptr, Layer& layer, const Shape& shape,
                     const TensorInfo& quant);
  std::optional<Shape> conv_extent(const std::string& where, const Shape& in, const Layer& l);
  /// False (with an issue at `where`) when `shape` has more than sim::kMaxSizeProduct elements.
  bool size_fits(const Shape& shape, const std::string& where, const std::string& name) {
    if (sim::checked_product(shape)) return true;
    is_.add(where, tensor_text(name, shape), size_limit_text("an element count"));
    return false;
  }
  void missing(const std::string& ptr, const char* key, const std::string& expected) {
    is_.add(child_ptr(ptr, key), "nothing (key missing)", expected);
  }

  const json& j_;
  JsonIssues is_;
  int64_t batch_override_;
  Graph g_;
  std::map<std::string, DeclaredTensor> declared_;
  std::set<std::string> bad_declared_;      ///< named in /tensors but invalid (already reported)
  std::map<std::string, size_t> producer_;  ///< output name -> first layer index producing it
  std::map<std::string, std::optional<Shape>> avail_;  ///< activations defined so far
  std::map<std::string, size_t> layer_names_;
};

}  // namespace adasim::workloads::detail
