// SPDX-License-Identifier: Apache-2.0
// ONNX import of tiny models built with the protobuf API: QDQ fusion (Conv + Relu + Q with
// per-channel weights and an int32 bias, MaxPool, Flatten + Gemm with a float bias, a final
// Reshape), graph boundary Q / DQ, --batch, float exact mode with negative values, and the errors
// (unsupported op, foreign domain, non-integer float weight, unquantized result, external data).
#include <gtest/gtest.h>

#include "sim/core/errors.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"
#include "workloads/onnx/onnx_loader.hpp"

namespace adasim::workloads {
namespace {

using onnx_test::ModelBuilder;
using Shape = std::vector<int64_t>;
using TP = onnx::TensorProto;

/// The single issue of the ConfigError that loading `path` throws.
sim::InputIssue load_error(const std::string& path, const std::vector<HostTensor>& bound = {}) {
  try {
    load_onnx_model(path, bound);
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues().size(), 1u) << e.what();
    return e.issues().at(0);
  }
  ADD_FAILURE() << "no ConfigError for " << path;
  return {};
}

/// x (float [1,2,4,4]) -> Q -> DQ -> Conv(DQ(w) per channel, DQ(bias)) -> Relu -> Q -> DQ -> y.
ModelBuilder conv_relu_model() {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 2, 4, 4}).output("y", TP::FLOAT, {1, 3, 4, 4});
  b.init_float("xs", {}, {0.05f}).init_int("xz", TP::UINT8, {}, {128});
  std::vector<int64_t> w(3 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int64_t(i % 7) - 3;
  b.init_int("w", TP::INT8, {3, 2, 3, 3}, w);
  b.init_float("ws", {3}, {0.01f, 0.02f, 0.03f}).init_int("wz", TP::INT8, {3}, {0, 0, 0});
  b.init_int("bias", TP::INT32, {3}, {100, -200, 300});
  b.init_float("bs", {3}, {0.05f * 0.01f, 0.05f * 0.02f, 0.05f * 0.03f}).init_int("bz", TP::INT32, {3}, {0, 0, 0});
  b.init_float("ys", {}, {0.1f}).init_int("yz", TP::UINT8, {}, {3});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, {"x_q"});
  b.node("DequantizeLinear", {"x_q", "xs", "xz"}, {"x_dq"});
  ModelBuilder::set_int(b.node("DequantizeLinear", {"w", "ws", "wz"}, {"w_dq"}), "axis", 0);
  ModelBuilder::set_int(b.node("DequantizeLinear", {"bias", "bs", "bz"}, {"b_dq"}), "axis", 0);
  ModelBuilder::set_ints(b.node("Conv", {"x_dq", "w_dq", "b_dq"}, {"conv"}, "conv0"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"conv"}, {"relu"});
  b.node("QuantizeLinear", {"relu", "ys", "yz"}, {"y_q"});
  b.node("DequantizeLinear", {"y_q", "ys", "yz"}, {"y"});
  return b;
}

TEST(OnnxLoaderQdq, ConvReluQuantizeFuses) {
  const std::string path = conv_relu_model().save("conv_relu.onnx");
  std::vector<float> x(32);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.025f * float(i) - 0.4f;
  const OnnxModel m = load_onnx_model(path, {HostTensor::make_float("x", {1, 2, 4, 4}, x)});
  const Graph& g = m.graph;
  ASSERT_EQ(g.layers.size(), 1u);
  const Layer& l = g.layers[0];
  EXPECT_EQ(l.name, "conv0");
  EXPECT_EQ(l.op, OpType::kConv2d);
  EXPECT_EQ(l.inputs, (std::vector<std::string>{"x_q"}));
  EXPECT_EQ(l.weight, "w");
  EXPECT_EQ(l.bias, "bias");
  EXPECT_EQ(l.output, "y_q");
  EXPECT_TRUE(l.relu);
  EXPECT_EQ(l.rounding, Rounding::kHalfToEven);
  EXPECT_EQ(l.pad_t, 1);
  const TensorInfo& w = g.tensor("w");
  EXPECT_TRUE(w.is_signed);
  EXPECT_EQ(w.channel_scales, (std::vector<double>{0.01f, 0.02f, 0.03f}));
  EXPECT_EQ(w.channel_zero_points, (std::vector<int32_t>{0, 0, 0}));
  EXPECT_EQ(g.constant_values.at("w").data[0], int8_t(-3));
  EXPECT_EQ(g.constant_values_wide.at("bias").data, (std::vector<int32_t>{100, -200, 300}));
  EXPECT_EQ(g.tensor("bias").bits, 32);
  const TensorInfo& y = g.tensor("y_q");
  EXPECT_EQ(y.scale, double(0.1f));
  EXPECT_EQ(y.zero_point, 3);
  EXPECT_FALSE(y.is_signed);
  ASSERT_EQ(g.input_boundary.size(), 1u);
  EXPECT_EQ(g.input_boundary[0].tensor, "x_q");  // the quantized value, named as in the model
  EXPECT_EQ(g.input_boundary[0].external_name, "x");
  EXPECT_EQ(g.input_boundary[0].external_type, "float32");
  EXPECT_TRUE(g.input_boundary[0].convert);
  ASSERT_EQ(g.output_boundary.size(), 1u);
  EXPECT_EQ(g.output_boundary[0].tensor, "y_q");
  EXPECT_EQ(g.output_boundary[0].external_name, "y");
  EXPECT_TRUE(g.output_boundary[0].convert);
  // x quantized on the host: round_half_to_even(x / 0.05) + 128; x[0] = -0.4 -> 120, x[4] = -0.3 -> 122.
  const Int8Buffer& xq = m.input_values.at("x_q");
  EXPECT_EQ(uint8_t(xq.data[0]), 120);
  EXPECT_EQ(uint8_t(xq.data[4]), 122);
  const std::vector<HostTensor> out = onnx_test::evaluate(m);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "y");
  EXPECT_EQ(out[0].type, "float32");
  EXPECT_EQ(out[0].shape, (Shape{1, 3, 4, 4}));
  for (float v : out[0].floats) EXPECT_GE(v, 0.0f);  // ReLU: y >= zero point
}

TEST(OnnxLoaderQdq, BiasWithOtherScaleIsRescaled) {
  ModelBuilder b = conv_relu_model();
  // bias scale twice x_scale * w_scale: the int32 values double (rounded half to even).
  for (auto& t : *b.model().mutable_graph()->mutable_initializer())
    if (t.name() == "bs") {
      t.clear_float_data();
      for (float s : {0.05f * 0.01f, 0.05f * 0.02f, 0.05f * 0.03f}) t.add_float_data(2 * s);
    }
  const Graph g = load_graph_onnx(b.save("conv_bias_scale.onnx"));
  EXPECT_EQ(g.constant_values_wide.at("bias").data, (std::vector<int32_t>{200, -400, 600}));
}

/// img (uint8 [N,1,4,4]) -> DQ -> MaxPool -> Q -> DQ -> Flatten -> Gemm(transB=1, float C) -> Q
/// -> Reshape [0,5,1,1] -> DQ -> out.
ModelBuilder pool_gemm_model() {
  ModelBuilder b;
  b.input("img", TP::UINT8, {-1, 1, 4, 4}).output("out", TP::FLOAT, {-1, 5, 1, 1});
  b.init_float("s", {}, {0.5f}).init_int("z", TP::UINT8, {}, {10});
  std::vector<int64_t> w(20);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int64_t(i) - 10;
  b.init_int("fc_w", TP::INT8, {5, 4}, w).init_float("fc_ws", {}, {0.25f});
  b.init_float("fc_b", {5}, {0.5f, -1.0f, 0.3125f, -0.1875f, 2.0f});
  b.init_float("ys", {}, {0.2f}).init_int("yz", TP::INT8, {}, {-3});
  b.init_int("shape", TP::INT64, {4}, {0, 5, 1, 1});
  b.node("DequantizeLinear", {"img", "s", "z"}, {"img_dq"});
  auto& pool = b.node("MaxPool", {"img_dq"}, {"pool"}, "pool0");
  ModelBuilder::set_ints(pool, "kernel_shape", {2, 2});
  ModelBuilder::set_ints(pool, "strides", {2, 2});
  b.node("QuantizeLinear", {"pool", "s", "z"}, {"pool_q"});
  b.node("DequantizeLinear", {"pool_q", "s", "z"}, {"pool_dq"});
  b.node("Flatten", {"pool_dq"}, {"flat"});
  b.node("DequantizeLinear", {"fc_w", "fc_ws"}, {"fc_w_dq"});
  ModelBuilder::set_int(b.node("Gemm", {"flat", "fc_w_dq", "fc_b"}, {"fc"}, "fc0"), "transB", 1);
  b.node("QuantizeLinear", {"fc", "ys", "yz"}, {"fc_q"});
  b.node("Reshape", {"fc_q", "shape"}, {"fc_r"});
  b.node("DequantizeLinear", {"fc_r", "ys", "yz"}, {"out"});
  return b;
}

TEST(OnnxLoaderQdq, MaxPoolFlattenGemmReshape) {
  const std::string path = pool_gemm_model().save("pool_gemm.onnx");
  const OnnxModel m = load_onnx_model(path, {}, 3);  // --batch 3 for the symbolic N
  const Graph& g = m.graph;
  ASSERT_EQ(g.layers.size(), 2u);
  const Layer& pool = g.layers[0];
  EXPECT_EQ(pool.name, "pool0");
  EXPECT_EQ(pool.op, OpType::kMaxPool);
  EXPECT_EQ(pool.inputs, (std::vector<std::string>{"img"}));
  EXPECT_EQ(pool.output, "pool_q");
  EXPECT_EQ(pool.kernel_h, 2);
  EXPECT_EQ(pool.stride_w, 2);
  EXPECT_EQ(g.tensor("img").shape, (Shape{3, 1, 4, 4}));
  EXPECT_EQ(g.tensor("pool_q").shape, (Shape{3, 1, 2, 2}));
  EXPECT_EQ(g.tensor("pool_q").scale, 0.5);
  EXPECT_EQ(g.tensor("pool_q").zero_point, 10);
  const Layer& fc = g.layers[1];
  EXPECT_EQ(fc.op, OpType::kFullyConnected);
  EXPECT_EQ(fc.inputs, (std::vector<std::string>{"pool_q"}));  // the Flatten is folded
  EXPECT_EQ(fc.weight, "fc_w");  // transB = 1: already [K][C]
  EXPECT_EQ(g.tensor("fc_w").shape, (Shape{5, 4}));
  // Float bias / (0.5 * 0.25), half to even: 4, -8, 2.5 -> 2, -1.5 -> -2, 16.
  EXPECT_EQ(g.constant_values_wide.at(fc.bias).data, (std::vector<int32_t>{4, -8, 2, -2, 16}));
  EXPECT_EQ(g.shape(fc).c, 4);
  // The final Reshape [0,5,1,1] is a shape change of the FC output.
  EXPECT_EQ(g.tensor("fc_q").shape, (Shape{3, 5, 1, 1}));
  EXPECT_TRUE(g.tensor("fc_q").is_signed);
  EXPECT_EQ(g.batch, 3);
  ASSERT_EQ(g.input_boundary.size(), 1u);
  EXPECT_EQ(g.input_boundary[0].external_type, "uint8");
  EXPECT_FALSE(g.input_boundary[0].convert);
  EXPECT_EQ(g.output_boundary.at(0).tensor, "fc_q");
  EXPECT_EQ(g.output_boundary.at(0).external_name, "out");
  EXPECT_TRUE(g.output_boundary.at(0).convert);
  EXPECT_TRUE(m.input_values.empty());  // no --input files: seeded
}

TEST(OnnxLoaderQdq, GemmTransposesBIntoFcLayout) {
  ModelBuilder b;  // float exact mode: a [2,3] x B [3,2] (transB = 0) + C
  b.input("a", TP::FLOAT, {2, 3}).output("y", TP::FLOAT, {2, 2});
  b.init_float("B", {3, 2}, {1, 2, 3, 4, 5, 6}).init_float("C", {2}, {10, -20});
  b.node("Gemm", {"a", "B", "C"}, {"y"});
  const OnnxModel m = load_onnx_model(b.save("gemm_exact.onnx"),
                                      {HostTensor::make_float("a", {2, 3}, {1, -2, 3, 0, 1, -1})});
  const Graph& g = m.graph;
  ASSERT_EQ(g.layers.size(), 1u);
  EXPECT_EQ(g.layers[0].weight, "B.transposed");
  EXPECT_EQ(g.tensor("B.transposed").shape, (Shape{2, 3}));
  EXPECT_EQ(g.constant_values.at("B.transposed").data, (std::vector<int8_t>{1, 3, 5, 2, 4, 6}));
  EXPECT_TRUE(g.tensor("a").is_signed);  // a negative value -> int8
  const std::vector<HostTensor> y = onnx_test::evaluate(m);
  // [1,-2,3]·[1,3,5] + 10 = 20, [1,-2,3]·[2,4,6] - 20 = -8; [0,1,-1]·[1,3,5] + 10 = 8, ... - 20 = -22.
  EXPECT_EQ(y.at(0).floats, (std::vector<float>{20, -8, 8, -22}));
}

TEST(OnnxLoaderQOperator, GroupedPerChannelQLinearConvWithBoundaries) {
  // x (float) -> Q -> QLinearConv (2 groups, per-channel w, int32 B, SAME_UPPER, stride 2) -> DQ -> y
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 4, 5, 5}).output("y", TP::FLOAT, {1, 6, 3, 3});
  b.init_float("xs", {}, {0.02f}).init_int("xz", TP::UINT8, {}, {100});
  std::vector<int64_t> w(6 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int64_t(i * 37 % 255) - 127;
  b.init_int("w", TP::INT8, {6, 2, 3, 3}, w);
  b.init_float("ws", {6}, {0.001f, 0.002f, 0.003f, 0.004f, 0.005f, 0.006f});
  b.init_int("wz", TP::INT8, {6}, {0, 1, -1, 2, 0, 0});
  b.init_int("B", TP::INT32, {6}, {10, 20, -30, 40, -50, 60});
  b.init_float("ys", {}, {0.05f}).init_int("yz", TP::INT8, {}, {-5});
  b.node("QuantizeLinear", {"x", "xs", "xz"}, {"x_q"});
  auto& conv = b.node("QLinearConv", {"x_q", "xs", "xz", "w", "ws", "wz", "ys", "yz", "B"}, {"y_q"}, "qconv");
  ModelBuilder::set_int(conv, "group", 2);
  ModelBuilder::set_ints(conv, "strides", {2, 2});
  conv.add_attribute()->CopyFrom([] {
    onnx::AttributeProto a;
    a.set_name("auto_pad");
    a.set_type(onnx::AttributeProto::STRING);
    a.set_s("SAME_UPPER");
    return a;
  }());
  b.node("DequantizeLinear", {"y_q", "ys", "yz"}, {"y"});
  std::vector<float> x(100);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i % 13) - 6) * 0.1f;
  const OnnxModel m = load_onnx_model(b.save("qconv_groups.onnx"), {HostTensor::make_float("x", {1, 4, 5, 5}, x)});
  const Graph& g = m.graph;
  ASSERT_EQ(g.layers.size(), 1u);
  const Layer& l = g.layers[0];
  EXPECT_EQ(l.name, "qconv");
  EXPECT_EQ(l.groups, 2);
  EXPECT_EQ(l.stride_h, 2);
  // SAME_UPPER, 5 -> ceil(5 / 2) = 3: total pad (3 - 1) * 2 + 3 - 5 = 2, split 1 / 1.
  EXPECT_EQ((std::vector<int>{l.pad_t, l.pad_l, l.pad_b, l.pad_r}), (std::vector<int>{1, 1, 1, 1}));
  EXPECT_EQ(g.tensor("w").channel_scales.size(), 6u);
  EXPECT_EQ(g.tensor("w").channel_zero_points, (std::vector<int32_t>{0, 1, -1, 2, 0, 0}));
  EXPECT_EQ(g.constant_values_wide.at("B").data, (std::vector<int32_t>{10, 20, -30, 40, -50, 60}));
  EXPECT_EQ(g.tensor("B").channel_scales.size(), 6u);
  EXPECT_EQ(g.tensor("y_q").shape, (Shape{1, 6, 3, 3}));
  EXPECT_TRUE(g.tensor("y_q").is_signed);
  EXPECT_EQ(g.input_boundary.at(0).tensor, "x_q");
  EXPECT_TRUE(g.input_boundary.at(0).convert);
  EXPECT_EQ(g.output_boundary.at(0).tensor, "y_q");
  EXPECT_EQ(g.output_boundary.at(0).external_type, "float32");
  EXPECT_EQ(g.shape(l).gemm_kred(), 2 * 3 * 3);
  const std::vector<HostTensor> y = onnx_test::evaluate(m);
  EXPECT_EQ(y.at(0).shape, (Shape{1, 6, 3, 3}));
}

TEST(OnnxLoaderQdq, FlattenMatMulReadsAsFc) {
  ModelBuilder b;  // DQ(x [N,2,2,2]) -> Flatten -> MatMul(DQ(W [8,3]) per column) -> Q
  b.input("x", TP::INT8, {2, 2, 2, 2}).output("y", TP::INT8, {2, 3});
  b.init_float("s", {}, {0.1f}).init_int("z", TP::INT8, {}, {0});
  std::vector<int64_t> w(24);
  for (size_t i = 0; i < w.size(); ++i) w[i] = int64_t(i) - 12;
  b.init_int("W", TP::INT8, {8, 3}, w).init_float("Ws", {3}, {0.5f, 0.25f, 0.125f});
  b.node("DequantizeLinear", {"x", "s", "z"}, {"x_dq"});
  b.node("Flatten", {"x_dq"}, {"flat"});
  ModelBuilder::set_int(b.node("DequantizeLinear", {"W", "Ws"}, {"W_dq"}), "axis", 1);
  b.node("MatMul", {"flat", "W_dq"}, {"mm"}, "mm0");
  b.node("QuantizeLinear", {"mm", "s", "z"}, {"y"});
  const Graph g = load_graph_onnx(b.save("flatten_matmul.onnx"));
  ASSERT_EQ(g.layers.size(), 1u);
  EXPECT_EQ(g.layers[0].op, OpType::kFullyConnected);
  EXPECT_EQ(g.layers[0].weight, "W.transposed");
  EXPECT_EQ(g.tensor("W.transposed").shape, (Shape{3, 8}));
  EXPECT_EQ(g.tensor("W.transposed").channel_scales, (std::vector<double>{0.5, 0.25, 0.125}));
  EXPECT_EQ(g.constant_values.at("W.transposed").data[1], int8_t(-9));  // W[1][0] = 3 - 12
  EXPECT_EQ(g.output_boundary.at(0).external_type, "int8");
  EXPECT_FALSE(g.output_boundary.at(0).convert);
}

TEST(OnnxLoaderErrors, UnsupportedOpsAreAllListed) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 4}).output("z", TP::FLOAT, {1, 4});
  b.node("Sin", {"x"}, {"y"}, "sin");
  b.node("Cos", {"y"}, {"z"});
  const std::string path = b.save("sin_cos.onnx");
  try {
    load_onnx_model(path, {});
    ADD_FAILURE() << "loaded";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].file, path);
    EXPECT_EQ(e.issues()[0].where, "1 node (first: node 0 'sin')");
    EXPECT_EQ(e.issues()[0].value, "op_type Sin");
    EXPECT_NE(e.issues()[0].expected.find("QLinearConv, QLinearMatMul"), std::string::npos);
    EXPECT_EQ(e.issues()[1].where, "1 node (first: node 1)");
    EXPECT_EQ(e.issues()[1].value, "op_type Cos");
  }
}

TEST(OnnxLoaderErrors, ForeignDomain) {
  ModelBuilder b;
  b.input("x", TP::UINT8, {1, 4}).output("y", TP::UINT8, {1, 4});
  b.node("QLinearAdd", {"x", "x"}, {"y"}).set_domain("com.microsoft");
  const sim::InputIssue i = load_error(b.save("domain.onnx"));
  EXPECT_EQ(i.value, "op_type com.microsoft::QLinearAdd");
  EXPECT_EQ(i.expected, "an operator of the default ONNX domain (\"\" / ai.onnx)");
}

TEST(OnnxLoaderErrors, NonIntegerFloatWeight) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 1, 3, 3}).output("y", TP::FLOAT, {1, 1, 3, 3});
  b.init_float("W", {1, 1, 1, 1}, {0.5f});
  b.node("Conv", {"x", "W"}, {"y"});
  const std::string path = b.save("float_weight.onnx");
  const sim::InputIssue i = load_error(path);
  EXPECT_EQ(i.file, path);
  EXPECT_EQ(i.where, "weight 'W' element 0");
  EXPECT_EQ(i.value, "0.5");
  EXPECT_NE(i.expected.find("--quantize int8 (post-training quantization)"), std::string::npos);
}

TEST(OnnxLoaderErrors, UnquantizedResultAndLoneRelu) {
  ModelBuilder b = conv_relu_model();
  auto* nodes = b.model().mutable_graph()->mutable_node();
  nodes->DeleteSubrange(nodes->size() - 2, 2);  // drop the final Q / DQ: Relu feeds y
  nodes->Mutable(nodes->size() - 1)->set_output(0, "y");
  EXPECT_EQ(load_error(b.save("unquantized.onnx")).where, "graph output 'y'");

  ModelBuilder r;
  r.input("x", TP::UINT8, {1, 4}).output("y", TP::FLOAT, {1, 4});
  r.init_float("s", {}, {1.0f});
  r.node("DequantizeLinear", {"x", "s"}, {"x_dq"});
  r.node("Relu", {"x_dq"}, {"y"});
  // A Relu on a DequantizeLinear output is a function of its integers (a lookup table once
  // quantized); without a QuantizeLinear the graph output is a float result.
  EXPECT_EQ(load_error(r.save("lone_relu.onnx")).where, "graph output 'y'");
}

TEST(OnnxLoaderErrors, ExternalDataAndBadFiles) {
  ModelBuilder b = conv_relu_model();
  auto* w = b.model().mutable_graph()->mutable_initializer(2);
  w->clear_int32_data();
  w->set_data_location(TP::EXTERNAL);
  const sim::InputIssue i = load_error(b.save("external.onnx"));
  EXPECT_EQ(i.where, "initializer 'w'");
  EXPECT_EQ(i.value, "external data");
  EXPECT_EQ(load_error("/nonexistent/model.onnx").file, "/nonexistent/model.onnx");
}

TEST(OnnxLoaderErrors, BatchWithInputFilesAndTooManyFiles) {
  const std::string path = pool_gemm_model().save("pool_gemm_batch.onnx");
  const HostTensor img = HostTensor::make_int("img", "uint8", {2, 1, 4, 4}, std::vector<int64_t>(32, 7));
  try {
    load_onnx_model(path, {img}, 4);
    ADD_FAILURE() << "loaded";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "--batch");
  }
  const OnnxModel m = load_onnx_model(path, {img});  // the file gives the batch: 2
  EXPECT_EQ(m.graph.tensor("fc_q").shape, (Shape{2, 5, 1, 1}));
  EXPECT_EQ(m.input_values.at("img").data, std::vector<int8_t>(32, 7));
  EXPECT_THROW(load_onnx_model(path, {img, img}), sim::ConfigError);
}

}  // namespace
}  // namespace adasim::workloads
