// SPDX-License-Identifier: Apache-2.0
// Graph loader helpers: tensor quantization fields and the per-op layer attributes (kernel, stride,
// padding, dilation, groups, relu, weight / out_* / weight_quant), read before any shape is known.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workloads/ir/graph.hpp"
#include "workloads/ir/json_fields.hpp"

namespace adasim::workloads {

/// Attributes read from a layer object before any shape is known.
struct LayerAttrs {
  std::optional<std::string> weight;
  std::optional<int64_t> out_count;  ///< out_channels (conv) or out_features (fc/matmul)
  std::optional<std::vector<int64_t>> kernel;
  TensorInfo weight_quant;
  bool ok = true;
};

/// Reads bits / signed / scale / zero_point of obj (at ptr) into t, keeping t's defaults.
void parse_quant(JsonIssues& issues, const nlohmann::json& obj, const std::string& ptr,
                 TensorInfo& t);

/// Reads the attributes of a layer with this op into layer (stride, padding, ...) and the
/// returned LayerAttrs (weight naming and kernel); ok = false if a present attribute was invalid.
LayerAttrs parse_layer_attrs(JsonIssues& issues, OpType op, const nlohmann::json& l,
                             const std::string& ptr, Layer& layer);

}  // namespace adasim::workloads
