// SPDX-License-Identifier: Apache-2.0
// Quantized graph IR: tensors (shape, bit width, quantization) and layers (conv2d, fc, matmul,
// pooling, elementwise add). Loaders (JSON graph, SCALE-Sim CSV, later ONNX) all produce this.
// Layout conventions: activations are NCHW, conv weights KCRS (K output channels, C/groups input
// channels per group, R x S kernel), FC weights [K][C], matmul A[batch][M][Kd] x B[Kd][N].
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace adasim::workloads {

enum class OpType { kConv2d, kFullyConnected, kMatMul, kMaxPool, kAvgPool, kAdd };
const char* to_string(OpType op);

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;  ///< NCHW for activations; see header comment for weights
  int bits = 8;                ///< storage bit width of one element
  bool is_signed = true;
  double scale = 1.0;          ///< real = scale * (q - zero_point)
  int32_t zero_point = 0;
  bool is_constant = false;    ///< weights / initializers
  int64_t elements() const;
  int64_t bytes() const;       ///< ceil(elements * bits / 8)
};

/// The loop bounds of a conv-like layer (conv2d, FC, matmul all fit; see Layer::shape()).
/// Output P x Q from input H x W:  P = (H + pad_t + pad_b - dil_h*(R-1) - 1) / stride_h + 1.
struct ConvShape {
  int64_t n = 1;        ///< batch
  int64_t c = 1;        ///< input channels (total, all groups)
  int64_t h = 1, w = 1; ///< input height / width
  int64_t k = 1;        ///< output channels (total)
  int64_t r = 1, s = 1; ///< kernel height / width
  int64_t p = 1, q = 1; ///< output height / width
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int64_t groups = 1;

  int64_t c_per_group() const { return c / groups; }
  int64_t k_per_group() const { return k / groups; }
  /// Multiply-accumulates of the layer: N * K * P * Q * (C/G) * R * S.
  int64_t macs() const { return n * k * p * q * c_per_group() * r * s; }
  /// GEMM view per group: M = N*P*Q output pixels, Kred = (C/G)*R*S, Ncols = K/G filters.
  int64_t gemm_m() const { return n * p * q; }
  int64_t gemm_kred() const { return c_per_group() * r * s; }
  int64_t gemm_n() const { return k_per_group(); }
};

struct Layer {
  std::string name;
  OpType op = OpType::kConv2d;
  std::vector<std::string> inputs;  ///< activation input tensor names (1, or 2 for add/matmul)
  std::string weight;               ///< weight tensor name (conv/fc; for matmul empty when B is
                                    ///< an activation, then inputs[1] is B)
  std::string output;               ///< output tensor name
  // Conv / pool attributes (also used for pool windows: kernel_h/w, strides, pads).
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dil_h = 1, dil_w = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int64_t groups = 1;
  bool relu = false;                ///< fused ReLU on the output (applied after requantization)
};

struct Graph {
  std::string name;
  std::string source_file;          ///< where it was loaded from (for error messages/reports)
  int64_t batch = 1;
  std::map<std::string, TensorInfo> tensors;
  std::vector<std::string> graph_inputs;   ///< activation tensors fed from outside
  std::vector<std::string> graph_outputs;
  std::vector<Layer> layers;        ///< in a valid execution (topological) order

  const TensorInfo& tensor(const std::string& name) const;  ///< throws ModelError if missing
  /// Loop bounds of a conv2d / fc / matmul / pool layer derived from its tensors.
  ConvShape shape(const Layer& layer) const;
  int64_t total_macs() const;
};

}  // namespace adasim::workloads
