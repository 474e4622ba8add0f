// SPDX-License-Identifier: Apache-2.0
// ONNX import of the vector operators in QDQ form, on tiny models built with the protobuf API:
// requantized Add with a fused Relu, a MatMul's bias Add, GlobalAveragePool, Concat, Softmax,
// LayerNormalization (gamma / beta as int32 constants), Transpose, the views Reshape / Squeeze /
// Unsqueeze in front of a layer, and elementwise functions of one tensor (Sigmoid, the erf form of
// GELU that torch exports, x * HardSigmoid(x)) as lookup tables whose entries are worked out by
// hand here.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/errors.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"
#include "workloads/onnx/onnx_loader.hpp"

namespace adasim::workloads {
namespace {

using onnx_test::ModelBuilder;
using Shape = std::vector<int64_t>;
using TP = onnx::TensorProto;

/// A builder whose graph input x (uint8 [shape], scale xs, zero point xz) is dequantized to xd.
ModelBuilder with_input(const Shape& shape, float xs, int64_t xz, int type = TP::UINT8) {
  ModelBuilder b;
  b.input("x", type, shape);
  b.init_float("xs", {}, {xs}).init_int("xz", type, {}, {xz});
  b.node("DequantizeLinear", {"x", "xs", "xz"}, {"xd"});
  return b;
}

/// value -> QuantizeLinear(ys, yz) -> output y (uint8).
void quantize_out(ModelBuilder& b, const std::string& value, const Shape& shape, float ys,
                  int64_t yz, int type = TP::UINT8) {
  b.init_float("ys", {}, {ys}).init_int("yz", type, {}, {yz});
  b.node("QuantizeLinear", {value, "ys", "yz"}, {"y"});
  b.output("y", type, shape);
}

int table_entry(const OnnxModel& m, const Layer& l, int byte) {
  const TensorInfo& t = m.graph.tensor(l.weight);
  const int8_t v = m.graph.constant_values.at(l.weight).data.at(size_t(byte));
  return t.is_signed ? int(v) : int(uint8_t(v));
}

TEST(OnnxVectorImport, AddOfTwoTensorsWithFusedRelu) {
  ModelBuilder b = with_input({1, 4}, 0.5f, 10);
  b.input("z", TP::INT8, {1, 4});
  b.init_float("zs", {}, {0.25f}).init_int("zz", TP::INT8, {}, {0});
  b.node("DequantizeLinear", {"z", "zs", "zz"}, {"zd"});
  b.node("Add", {"xd", "zd"}, {"sum"}, "add");
  b.node("Relu", {"sum"}, {"r"});
  quantize_out(b, "r", {1, 4}, 0.1f, 5);
  const OnnxModel m = load_onnx_model(b.save("qdq_add.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.op, OpType::kAdd);
  EXPECT_EQ(l.name, "add");
  EXPECT_EQ(l.inputs, (std::vector<std::string>{"x", "z"}));
  EXPECT_TRUE(l.relu);
  EXPECT_EQ(m.graph.tensor("y").scale, double(0.1f));
  EXPECT_EQ(m.graph.tensor("y").zero_point, 5);
}

TEST(OnnxVectorImport, ConstantAddedToAMatMulIsItsBias) {
  // x scale 0.5, w scale 0.25: the accumulators count 0.125; bias {1, -0.5} = {8, -4}.
  ModelBuilder b = with_input({1, 2, 3}, 0.5f, 0);
  b.init_int("w", TP::INT8, {3, 2}, {1, 2, 3, 4, 5, 6}).init_float("ws", {}, {0.25f});
  b.node("DequantizeLinear", {"w", "ws"}, {"wd"});
  b.node("MatMul", {"xd", "wd"}, {"mm"}, "proj");
  b.init_float("bias", {2}, {1.0f, -0.5f});
  b.node("Add", {"mm", "bias"}, {"mb"});
  quantize_out(b, "mb", {1, 2, 2}, 0.2f, 0, TP::INT8);
  const OnnxModel m = load_onnx_model(b.save("matmul_bias.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.op, OpType::kMatMul);
  ASSERT_FALSE(l.bias.empty());
  EXPECT_EQ(m.graph.constant_values_wide.at(l.bias).data, (std::vector<int32_t>{8, -4}));
}

TEST(OnnxVectorImport, GlobalAveragePoolConcatSoftmax) {
  ModelBuilder b = with_input({1, 2, 3, 3}, 0.5f, 0);
  b.node("GlobalAveragePool", {"xd"}, {"gap"}, "gap");
  b.init_float("gs", {}, {0.5f}).init_int("gz", TP::UINT8, {}, {0});
  b.node("QuantizeLinear", {"gap", "gs", "gz"}, {"gq"});
  b.node("DequantizeLinear", {"gq", "gs", "gz"}, {"gd"});
  ModelBuilder::set_int(b.node("Concat", {"gd", "gd"}, {"cat"}, "cat"), "axis", 1);
  b.init_float("cs", {}, {0.5f}).init_int("cz", TP::UINT8, {}, {0});
  b.node("QuantizeLinear", {"cat", "cs", "cz"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "cs", "cz"}, {"cd"});
  ModelBuilder::set_int(b.node("Softmax", {"cd"}, {"sm"}, "softmax"), "axis", 1);
  quantize_out(b, "sm", {1, 4, 1, 1}, 1.0f / 256, 0);
  const OnnxModel m = load_onnx_model(b.save("gap_concat_softmax.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 3u);
  const Layer& gap = m.graph.layers[0];
  EXPECT_EQ(gap.op, OpType::kAvgPool);
  EXPECT_EQ(gap.kernel_h, 3);
  EXPECT_EQ(gap.kernel_w, 3);
  EXPECT_EQ(m.graph.tensor("gq").shape, (Shape{1, 2, 1, 1}));
  const Layer& cat = m.graph.layers[1];
  EXPECT_EQ(cat.op, OpType::kConcat);
  EXPECT_EQ(cat.axis, 1);
  EXPECT_EQ(cat.inputs, (std::vector<std::string>{"gq", "gq"}));
  EXPECT_EQ(m.graph.tensor("cq").shape, (Shape{1, 4, 1, 1}));
  EXPECT_EQ(m.graph.layers[2].op, OpType::kSoftmax);
  EXPECT_EQ(m.graph.layers[2].axis, 1);
}

TEST(OnnxVectorImport, SigmoidIsALookupTable) {
  // x int8 scale 0.1: byte 10 is x = 1.0, sigmoid 0.7311 / (1/256) = 187.2 -> 187; byte 246
  // (-10) is x = -1.0: 0.2689 * 256 = 68.8 -> 69; byte 0: 0.5 * 256 = 128.
  ModelBuilder b = with_input({1, 8}, 0.1f, 0, TP::INT8);
  b.node("Sigmoid", {"xd"}, {"s"}, "sigmoid");
  quantize_out(b, "s", {1, 8}, 1.0f / 256, 0);
  const OnnxModel m = load_onnx_model(b.save("sigmoid.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.op, OpType::kLut);
  EXPECT_EQ(m.graph.tensor(l.weight).shape, (Shape{256}));
  EXPECT_EQ(table_entry(m, l, 10), 187);
  EXPECT_EQ(table_entry(m, l, 246), 69);
  EXPECT_EQ(table_entry(m, l, 0), 128);
}

TEST(OnnxVectorImport, ErfGeluAndHardSwishSubgraphsCollapseIntoOneTable) {
  // torch's GELU: x * 0.5 * (1 + erf(x / sqrt(2))). x int8 scale 1/16: byte 16 = 1.0:
  // gelu(1) = 0.841345, / (1/64) = 53.8 -> 54; byte 240 = -1.0: -0.158655 * 64 = -10.2 -> -10.
  ModelBuilder b = with_input({1, 8}, 1.0f / 16, 0, TP::INT8);
  b.init_float("sqrt2", {}, {1.4142135f})
      .init_float("one", {}, {1.0f})
      .init_float("half", {}, {0.5f});
  b.node("Div", {"xd", "sqrt2"}, {"d"});
  b.node("Erf", {"d"}, {"e"});
  b.node("Add", {"e", "one"}, {"a"});
  b.node("Mul", {"xd", "a"}, {"m"});
  b.node("Mul", {"m", "half"}, {"g"}, "gelu");
  quantize_out(b, "g", {1, 8}, 1.0f / 64, 0, TP::INT8);
  const OnnxModel m = load_onnx_model(b.save("gelu.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.op, OpType::kLut);
  EXPECT_EQ(l.inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(table_entry(m, l, 16), 54);
  EXPECT_EQ(table_entry(m, l, 240), -10);
  EXPECT_EQ(table_entry(m, l, 0), 0);

  // HardSwish as opset 13 exports it: x * HardSigmoid(x, 1/6, 0.5). x = 1.0 -> 1 * 4/6 =
  // 0.6667 * 64 = 42.7 -> 43; x = -4 (byte 192) -> 0.
  ModelBuilder h = with_input({1, 8}, 1.0f / 16, 0, TP::INT8);
  auto& hs = h.node("HardSigmoid", {"xd"}, {"hs"});
  ModelBuilder::set_float(hs, "alpha", 1.0f / 6);
  ModelBuilder::set_float(hs, "beta", 0.5f);
  h.node("Mul", {"xd", "hs"}, {"hw"});
  quantize_out(h, "hw", {1, 8}, 1.0f / 64, 0, TP::INT8);
  const OnnxModel mh = load_onnx_model(h.save("hardswish.onnx"), {});
  ASSERT_EQ(mh.graph.layers.size(), 1u);
  EXPECT_EQ(table_entry(mh, mh.graph.layers[0], 16), 43);
  EXPECT_EQ(table_entry(mh, mh.graph.layers[0], 192), 0);
}

TEST(OnnxVectorImport, LayerNormGammaAndBetaBecomeInt32Constants) {
  // gamma {1, 2}: scale 2 / (2^23 - 1); 1 / scale = 4194303.5 -> 4194304 (half to even),
  // 2 / scale = 8388607. beta {0, 0}: scale 1, values 0.
  ModelBuilder b = with_input({2, 2}, 0.5f, 0, TP::INT8);
  b.init_float("gamma", {2}, {1.0f, 2.0f}).init_float("beta", {2}, {0.0f, 0.0f});
  auto& ln = b.node("LayerNormalization", {"xd", "gamma", "beta"}, {"n"}, "ln");
  ModelBuilder::set_float(ln, "epsilon", 1e-3f);
  quantize_out(b, "n", {2, 2}, 1.0f / 32, 0, TP::INT8);
  b.model().mutable_opset_import(0)->set_version(17);
  const OnnxModel m = load_onnx_model(b.save("layernorm.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.op, OpType::kLayerNorm);
  EXPECT_EQ(l.axis, 1);
  EXPECT_EQ(l.epsilon, double(1e-3f));
  EXPECT_EQ(m.graph.tensor(l.weight).scale, 2.0 / 8388607.0);
  EXPECT_EQ(m.graph.constant_values_wide.at(l.weight).data,
            (std::vector<int32_t>{4194304, 8388607}));
  EXPECT_EQ(m.graph.constant_values_wide.at(l.bias).data, (std::vector<int32_t>{0, 0}));
}

TEST(OnnxVectorImport, TransposeMovesDataAndViewsBecomeReshapeLayers) {
  // x [1, 6] -> Reshape [2, 3] -> Transpose -> [3, 2] -> Unsqueeze(0) -> MaxPool needs 4-D:
  // the views feeding a layer in a new shape are materialised as reshape layers.
  ModelBuilder b = with_input({1, 6}, 0.5f, 0);
  b.init_int("shape", TP::INT64, {2}, {2, 3}).init_int("axes", TP::INT64, {2}, {0, 1});
  b.node("Reshape", {"xd", "shape"}, {"r"});
  b.node("Transpose", {"r"}, {"t"}, "transpose");
  b.node("Unsqueeze", {"t", "axes"}, {"u"});
  auto& mp = b.node("MaxPool", {"u"}, {"p"}, "pool");
  ModelBuilder::set_ints(mp, "kernel_shape", {1, 2});
  quantize_out(b, "p", {1, 1, 3, 1}, 0.5f, 0);
  const OnnxModel m = load_onnx_model(b.save("layout.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 4u);
  EXPECT_EQ(m.graph.layers[0].op, OpType::kReshape);
  EXPECT_EQ(m.graph.layers[0].output, "r");
  EXPECT_EQ(m.graph.tensor("r").shape, (Shape{2, 3}));
  EXPECT_EQ(m.graph.layers[1].op, OpType::kTranspose);
  EXPECT_EQ(m.graph.layers[1].perm, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(m.graph.tensor("t").shape, (Shape{3, 2}));
  EXPECT_EQ(m.graph.layers[2].op, OpType::kReshape);
  EXPECT_EQ(m.graph.tensor("u").shape, (Shape{1, 1, 3, 2}));
  EXPECT_EQ(m.graph.layers[3].op, OpType::kMaxPool);
}

TEST(OnnxVectorImport, AnOutputViewOfATensorOthersReadIsAReshapeLayer) {
  // y1 = Flatten(x_q) is a graph output while a MaxPool reads x_q in its own shape: the output
  // gets a reshape layer of its own; and a graph input flattened straight to an output too.
  ModelBuilder b = with_input({1, 1, 2, 2}, 0.5f, 0);
  b.init_float("s", {}, {0.5f}).init_int("z", TP::UINT8, {}, {0});
  b.node("Relu", {"xd"}, {"r"});
  b.node("QuantizeLinear", {"r", "s", "z"}, {"rq"});
  b.node("Flatten", {"rq"}, {"flat"});
  auto& mp = b.node("MaxPool", {"rq"}, {"p"}, "pool");
  ModelBuilder::set_ints(mp, "kernel_shape", {2, 2});
  b.output("flat", TP::UINT8, {1, 4}).output("p", TP::UINT8, {1, 1, 1, 1});
  const OnnxModel m = load_onnx_model(b.save("output_view.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 3u);  // the ReLU table, the pool, the view
  EXPECT_EQ(m.graph.layers[2].op, OpType::kReshape);
  EXPECT_EQ(m.graph.tensor(m.graph.output_boundary.at(0).tensor).shape, (Shape{1, 4}));
  EXPECT_EQ(m.graph.tensor("rq").shape, (Shape{1, 1, 2, 2}));  // the pool's input keeps its shape
}

TEST(OnnxVectorImport, IntegerClipIsATableOnTheIntegers) {
  ModelBuilder b;
  b.input("x", TP::INT8, {1, 4}).output("y", TP::INT8, {1, 4});
  b.init_int("lo", TP::INT8, {}, {-3}).init_int("hi", TP::INT8, {}, {5});
  b.node("Clip", {"x", "lo", "hi"}, {"y"}, "clip");
  const OnnxModel m = load_onnx_model(b.save("int_clip.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(table_entry(m, l, 0), 0);
  EXPECT_EQ(table_entry(m, l, 100), 5);
  EXPECT_EQ(table_entry(m, l, 200), -3);  // byte 200 = -56
}

TEST(OnnxVectorImport, ElementwiseOfUnquantizedResultsIsAClearError) {
  ModelBuilder b = with_input({1, 4}, 0.5f, 0);
  b.input("z", TP::UINT8, {1, 4});
  b.node("DequantizeLinear", {"z", "xs", "xz"}, {"zd"});
  b.node("Sigmoid", {"zd"}, {"s"});
  b.node("Add", {"xd", "s"}, {"sum"}, "add");  // s is a float function of z, not quantized
  quantize_out(b, "sum", {1, 4}, 0.1f, 0);
  try {
    load_onnx_model(b.save("unquantized_add.onnx"), {});
    ADD_FAILURE() << "loaded";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "node 3 'add' (Add) input 1 (B 's')") << e.what();
    EXPECT_NE(e.issues()[0].expected.find("quantize results before Add"), std::string::npos);
  }
}

}  // namespace
}  // namespace adasim::workloads
