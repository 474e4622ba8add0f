// SPDX-License-Identifier: Apache-2.0
// Quantized graph IR: tensors (shape, bit width, quantization) and layers: MAC layers (conv2d, fc,
// matmul) for the array, and vector layers (pooling, elementwise add / mul, concat, table lookup,
// softmax, layer normalization, transpose, reshape view) for the vector unit. Loaders (JSON
// graph, SCALE-Sim CSV, ONNX) all produce this. Integer semantics of the vector layers:
// workloads/reference/vector_reference.hpp.
// Layout conventions: activations are NCHW, conv weights KCRS (K output channels, C/groups input
// channels per group, R x S kernel), FC weights [K][C], matmul A[batch][M][Kd] x B[Kd][N].
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/ir/tensor_data.hpp"

namespace adasim::workloads {

enum class OpType {
  kConv2d,
  kFullyConnected,
  kMatMul,  // MAC layers (the array)
  kMaxPool,
  kAvgPool,  // pooling windows
  kAdd,
  kMul,     // elementwise with broadcasting, requantized
  kConcat,  // along `axis`, each input requantized
  kLut,     // table lookup: out = table[in] (unary functions)
  kSoftmax,
  kLayerNorm,  // normalisations along `axis`
  kTranspose,  // permutation `perm` (moves data)
  kReshape,    // view: same values, new shape (no data moves)
};
const char* to_string(OpType op);
/// True for the layers the MAC array runs (conv2d, fc, matmul); the others are vector layers.
bool is_mac_op(OpType op);

/// How requantization rounds acc * multiplier to an integer. adasim's JSON graphs round half
/// away from zero; ONNX models round half to even (the QuantizeLinear / QLinear* definition).
enum class Rounding { kHalfAwayFromZero, kHalfToEven };
const char* to_string(Rounding r);

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;  ///< NCHW for activations; see header comment for weights
  int bits = 8;                ///< storage bit width of one element (<= 8: MAC operands; 32:
                               ///< int32 accumulators kept as a tensor, e.g. ConvInteger outputs)
  bool is_signed = true;
  double scale = 1.0;          ///< real = scale * (q - zero_point)
  int32_t zero_point = 0;
  /// Weights quantized per output channel (ONNX per-axis quantization): entry k is the scale /
  /// zero point of the consuming layer's output channel k (conv K, FC K, matmul column N).
  /// Empty: `scale` / `zero_point` hold for every element.
  std::vector<double> channel_scales;
  std::vector<int32_t> channel_zero_points;
  bool is_constant = false;    ///< weights / initializers
  int64_t elements() const;
  int64_t bytes() const;       ///< ceil(elements * bits / 8)
  bool wide() const { return bits > 8; }  ///< held as int32 values, not int8 storage
  double scale_of(int64_t channel) const;
  int32_t zero_point_of(int64_t channel) const;
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
  /// Fused clamp of the output stage (an ONNX Clip after the layer), in output integers, applied
  /// after requantization together with the storage range. Defaults: no clamp.
  int32_t act_min = INT32_MIN, act_max = INT32_MAX;
  /// Fused LeakyRelu: a negative pre-activation (accumulator + bias < 0) is scaled by this slope
  /// in the output stage's multiplier. 1 = none.
  double negative_slope = 1.0;
  // Vector layers.
  bool ceil_mode = false;          ///< pools: output extent rounds up (ONNX ceil_mode)
  bool count_include_pad = false;  ///< avgpool: padded elements count in the divisor
  int axis = 0;                    ///< concat / softmax / layernorm: first (softmax: only)
                                   ///< normalised axis, 0 <= axis < rank
  std::vector<int64_t> perm;       ///< transpose: output dim i is input dim perm[i]
  double epsilon = 0.0;            ///< layernorm: added to the variance (real units)
  /// Optional int32 bias tensor [K] (conv / FC / matmul columns), in units of
  /// input scale x weight scale: the accumulators start from it (ONNX QLinearConv's B).
  std::string bias;
  Rounding rounding = Rounding::kHalfAwayFromZero;  ///< requantization rounding of the output
};

/// How a graph input or output crosses the host boundary when the model comes from a file format
/// with its own element types (ONNX): the external value's name and element type, and whether
/// the host quantizes it on the way in (QuantizeLinear with the tensor's scale / zero point) or
/// dequantizes it on the way out (DequantizeLinear). Types: "float32", "uint8", "int8", "int32".
struct BoundaryTensor {
  std::string tensor;         ///< graph tensor (integer, as the accelerator holds it)
  std::string external_name;  ///< name of the value in the model file
  std::string external_type;  ///< element type at the boundary
  bool convert = false;       ///< input: quantize from float; output: dequantize to float
};

struct Graph {
  std::string name;
  std::string source_file;          ///< where it was loaded from (for error messages/reports)
  int64_t batch = 1;
  std::map<std::string, TensorInfo> tensors;
  std::vector<std::string> graph_inputs;   ///< activation tensors fed from outside
  std::vector<std::string> graph_outputs;
  std::vector<Layer> layers;        ///< in a valid execution (topological) order
  /// Real values of constant tensors that come with the model (ONNX initializers): <= 8-bit
  /// tensors (weights) as int8 storage, wide ones (int32 biases) as int32. Constants without
  /// values here are generated from the run's seed.
  std::map<std::string, Int8Buffer> constant_values;
  std::map<std::string, Int32Buffer> constant_values_wide;
  /// Host-boundary conversions of graph inputs / outputs (empty for JSON graphs: the files then
  /// hold the integer tensors themselves). Inputs are listed in the model's input order.
  std::vector<BoundaryTensor> input_boundary, output_boundary;

  const TensorInfo& tensor(const std::string& name) const;  ///< throws ModelError if missing
  /// Loop bounds of a conv2d / fc / matmul / pool layer derived from its tensors; for the other
  /// vector layers n = dim 0 of the output and c = k = its other elements (p = q = 1).
  ConvShape shape(const Layer& layer) const;
  int64_t total_macs() const;
};

}  // namespace adasim::workloads
