// SPDX-License-Identifier: Apache-2.0
// The size rules shared by every workload front end (JSON graph, ONNX model, SCALE-Sim CSV), so
// that one defect gives the same kind of error whatever the format: every tensor dimension >= 1
// (a zero dimension would give 0-MAC layers and empty buffers), and element counts, byte sizes
// and MAC counts that fit, with headroom, in 64-bit arithmetic (at most sim::kMaxSizeProduct).
// Each front end also bounds the values it reads with the same limits (kMaxTensorDim,
// kMaxWindowAttr) before it multiplies them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph.hpp"

namespace adasim::workloads {

/// Largest tensor dimension (and channel / filter / group count) a workload file may give.
inline constexpr int64_t kMaxTensorDim = int64_t(1) << 31;
/// Largest kernel, stride, dilation or padding value (2-D windows).
inline constexpr int64_t kMaxWindowAttr = int64_t(1) << 20;

/// How a front end names places of its file in issues.
struct GraphLocator {
  std::function<std::string(size_t layer_index)> layer;          ///< "/layers/3", "line 7", ...
  std::function<std::string(const std::string& tensor)> tensor;  ///< where the tensor is defined
};

/// The size rules above, checked on a built graph: every tensor's dimensions (>= 1), element
/// count and byte size; every layer's output extent (>= 1 x 1), MAC count and GEMM extents; the
/// graph's total MAC count. One issue per offending tensor or layer.
std::vector<sim::InputIssue> graph_size_issues(const Graph& g, const std::string& file,
                                               const GraphLocator& where);

/// Throws sim::ConfigError with graph_size_issues() if there are any.
void check_graph_sizes(const Graph& g, const std::string& file, const GraphLocator& where);

/// "a shape whose element count is at most 2^62" and similar texts for issues.
std::string size_limit_text(const std::string& what);

}  // namespace adasim::workloads
