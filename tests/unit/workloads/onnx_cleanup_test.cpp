// SPDX-License-Identifier: Apache-2.0
// The ONNX clean-up passes, each on a small graph built with the protobuf API, with the expected
// result derived by hand in the test: constant folding of shape subgraphs (the Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape chain torch writes for x.view(x.size(0), -1)) and of every folded
// operator, Identity and no-op Cast removal, BatchNorm and Pad folding into a Conv, the QDQ
// activation fusion, dead-node removal, and the importer's one-line-per-operator summary.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/errors.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"
#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/cleanup/const_tensor.hpp"
#include "workloads/onnx/cleanup/graph_edit.hpp"
#include "workloads/onnx/onnx_loader.hpp"

namespace adasim::workloads {
namespace {

using cleanup::ConstTensor;
using onnx_test::ModelBuilder;
using Shape = std::vector<int64_t>;
using TP = onnx::TensorProto;

std::vector<std::string> op_types(const onnx::GraphProto& g) {
  std::vector<std::string> ops;
  for (const auto& n : g.node()) ops.push_back(n.op_type());
  return ops;
}

ConstTensor initializer(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) {
      auto c = cleanup::const_from_proto(t);
      EXPECT_TRUE(c.has_value()) << name;
      return c.value_or(ConstTensor{});
    }
  ADD_FAILURE() << "no initializer " << name;
  return {};
}

ConstTensor ints(int32_t type, Shape dims, std::vector<int64_t> v) {
  ConstTensor c;
  c.type = type;
  c.dims = std::move(dims);
  c.ints = std::move(v);
  return c;
}

ConstTensor reals(Shape dims, std::vector<double> v) {
  ConstTensor c;
  c.type = TP::FLOAT;
  c.dims = std::move(dims);
  c.reals = std::move(v);
  return c;
}

/// Folds one node of `op` over the given constant inputs.
std::optional<ConstTensor> fold(const std::string& op, const std::vector<ConstTensor>& in,
                                const std::function<void(onnx::NodeProto&)>& attrs = nullptr) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.add_output("y");
  std::vector<const ConstTensor*> ptrs;
  for (const ConstTensor& c : in) ptrs.push_back(&c);
  if (attrs) attrs(n);
  return cleanup::fold_node(n, ptrs, std::nullopt);
}

TEST(OnnxCleanup, ConstantNodesBecomeInitializers) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {2, 3}).output("y", TP::FLOAT, {3, 2});
  auto& c = b.node("Constant", {}, {"shape"});
  ModelBuilder::set_ints(c, "value_ints", {3, 2});
  b.node("Reshape", {"x", "shape"}, {"y"});
  onnx::GraphProto& g = *b.model().mutable_graph();
  EXPECT_EQ(cleanup::constants_to_initializers(g), 1);
  EXPECT_EQ(op_types(g), std::vector<std::string>{"Reshape"});
  const ConstTensor s = initializer(g, "shape");
  EXPECT_EQ(s.type, TP::INT64);
  EXPECT_EQ(s.dims, Shape{2});
  EXPECT_EQ(s.ints, (std::vector<int64_t>{3, 2}));
}

TEST(OnnxCleanup, ShapeSubgraphOfAViewFoldsToItsShape) {
  // torch's x.view(x.size(0), -1) on x [2,3,4,4]: Shape -> Gather(0) -> Unsqueeze -> Concat
  // with [-1] -> Reshape. The Reshape's shape becomes the constant [2, -1] (2 = dim 0 of x).
  ModelBuilder b;
  b.input("x", TP::FLOAT, {2, 3, 4, 4}).output("y", TP::FLOAT, {2, 48});
  b.init_int("zero", TP::INT64, {}, {0}).init_int("axes", TP::INT64, {1}, {0});
  b.init_int("minus1", TP::INT64, {1}, {-1});
  b.node("Relu", {"x"}, {"r"});
  b.node("Shape", {"r"}, {"shape"});
  b.node("Gather", {"shape", "zero"}, {"n"});
  b.node("Unsqueeze", {"n", "axes"}, {"n1"});
  ModelBuilder::set_int(b.node("Concat", {"n1", "minus1"}, {"target"}), "axis", 0);
  b.node("Reshape", {"r", "target"}, {"y"});
  EXPECT_EQ(cleanup::fold_constants(b.model()), 4);
  const onnx::GraphProto& g = b.model().graph();
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"Relu", "Reshape"}));
  const ConstTensor t = initializer(g, "target");
  EXPECT_EQ(t.type, TP::INT64);
  EXPECT_EQ(t.ints, (std::vector<int64_t>{2, -1}));
  // The inputs the folded nodes read alone are gone with them.
  for (const auto& init : g.initializer()) EXPECT_NE(init.name(), "minus1");
}

TEST(OnnxCleanup, FoldedOperatorsGiveTheirSpecifiedValues) {
  // Each expected value is written from the ONNX operator definition.
  auto cast = fold("Cast", {reals({3}, {-1.7, 2.5, 300.0})},
                   [](onnx::NodeProto& n) { ModelBuilder::set_int(n, "to", TP::INT32); });
  ASSERT_TRUE(cast);
  EXPECT_EQ(cast->ints, (std::vector<int64_t>{-1, 2, 300}));  // truncation toward zero
  auto cos = fold("ConstantOfShape", {ints(TP::INT64, {2}, {2, 3})});
  ASSERT_TRUE(cos);
  EXPECT_EQ(cos->type, TP::FLOAT);  // default value: float 0
  EXPECT_EQ(cos->dims, (Shape{2, 3}));
  EXPECT_EQ(cos->reals, std::vector<double>(6, 0.0));
  auto range = fold(
      "Range", {ints(TP::INT64, {}, {1}), ints(TP::INT64, {}, {10}), ints(TP::INT64, {}, {3})});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->ints, (std::vector<int64_t>{1, 4, 7}));  // ceil((10 - 1) / 3) = 3 elements
  const ConstTensor ten = ints(TP::INT64, {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto slice = fold("Slice", {ten, ints(TP::INT64, {1}, {1}), ints(TP::INT64, {1}, {-1}),
                              ints(TP::INT64, {1}, {0}), ints(TP::INT64, {1}, {3})});
  ASSERT_TRUE(slice);
  EXPECT_EQ(slice->ints, (std::vector<int64_t>{1, 4, 7}));  // [1, 9) step 3
  auto back = fold("Slice", {ten, ints(TP::INT64, {1}, {-1}), ints(TP::INT64, {1}, {INT64_MIN}),
                             ints(TP::INT64, {1}, {0}), ints(TP::INT64, {1}, {-4})});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->ints, (std::vector<int64_t>{9, 5, 1}));  // reversed, step -4
  const ConstTensor m = ints(TP::INT32, {2, 3}, {10, 11, 12, 20, 21, 22});
  auto gather = fold("Gather", {m, ints(TP::INT64, {2}, {2, -3})},
                     [](onnx::NodeProto& n) { ModelBuilder::set_int(n, "axis", 1); });
  ASSERT_TRUE(gather);
  EXPECT_EQ(gather->dims, (Shape{2, 2}));
  EXPECT_EQ(gather->ints, (std::vector<int64_t>{12, 10, 22, 20}));
  auto tr = fold("Transpose", {m});
  ASSERT_TRUE(tr);
  EXPECT_EQ(tr->dims, (Shape{3, 2}));
  EXPECT_EQ(tr->ints, (std::vector<int64_t>{10, 20, 11, 21, 12, 22}));
  auto unsq = fold("Unsqueeze", {m, ints(TP::INT64, {2}, {0, -1})});
  ASSERT_TRUE(unsq);
  EXPECT_EQ(unsq->dims, (Shape{1, 2, 3, 1}));
  auto sq = fold("Squeeze", {*unsq});
  ASSERT_TRUE(sq);
  EXPECT_EQ(sq->dims, (Shape{2, 3}));
  auto cat =
      fold("Concat", {m, m}, [](onnx::NodeProto& n) { ModelBuilder::set_int(n, "axis", 1); });
  ASSERT_TRUE(cat);
  EXPECT_EQ(cat->ints, (std::vector<int64_t>{10, 11, 12, 10, 11, 12, 20, 21, 22, 20, 21, 22}));
  auto mul = fold("Mul", {m, ints(TP::INT32, {3}, {1, 0, -1})});  // broadcast over rows
  ASSERT_TRUE(mul);
  EXPECT_EQ(mul->ints, (std::vector<int64_t>{10, 0, -12, 20, 0, -22}));
  auto div = fold("Div", {ints(TP::INT64, {2}, {7, -7}), ints(TP::INT64, {}, {2})});
  ASSERT_TRUE(div);
  EXPECT_EQ(div->ints, (std::vector<int64_t>{3, -3}));  // truncation
  auto eq = fold("Equal", {ints(TP::INT64, {3}, {1, 2, 3}), ints(TP::INT64, {}, {2})});
  ASSERT_TRUE(eq);
  EXPECT_EQ(eq->type, TP::BOOL);
  auto where = fold("Where", {*eq, ints(TP::INT64, {}, {-1}), ints(TP::INT64, {3}, {4, 5, 6})});
  ASSERT_TRUE(where);
  EXPECT_EQ(where->ints, (std::vector<int64_t>{4, -1, 6}));
  auto expand = fold("Expand", {ints(TP::INT64, {2, 1}, {1, 2}), ints(TP::INT64, {2}, {2, 3})});
  ASSERT_TRUE(expand);
  EXPECT_EQ(expand->ints, (std::vector<int64_t>{1, 1, 1, 2, 2, 2}));
  // float32 arithmetic stays float32: 0.1f + 0.2f is the float32 sum, not the double one.
  auto add = fold("Add", {reals({}, {double(0.1f)}), reals({}, {double(0.2f)})});
  ASSERT_TRUE(add);
  EXPECT_EQ(add->reals.at(0), double(0.1f + 0.2f));
  EXPECT_FALSE(fold("Conv", {m}));                                    // not a folded operator
  EXPECT_FALSE(fold("Reshape", {m, ints(TP::INT64, {2}, {4, -1})}));  // 6 elements: no [4, x]
}

TEST(OnnxCleanup, IdentitiesAndNoopCastsDisappear) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 4}).output("y", TP::UINT8, {1, 4});
  b.init_float("s", {}, {0.5f}).init_int("z", TP::UINT8, {}, {3});
  b.node("Identity", {"x"}, {"x1"});
  b.node("QuantizeLinear", {"x1", "s", "z"}, {"q"});
  ModelBuilder::set_int(b.node("Cast", {"q"}, {"q_u8"}), "to", TP::UINT8);  // uint8 -> uint8
  b.node("Identity", {"q_u8"}, {"y"});  // a graph output keeps its name
  onnx::ModelProto& m = b.model();
  EXPECT_EQ(cleanup::remove_identities(*m.mutable_graph()), 2);
  EXPECT_EQ(cleanup::remove_noop_casts(m), 1);
  const onnx::GraphProto& g = m.graph();
  ASSERT_EQ(op_types(g), std::vector<std::string>{"QuantizeLinear"});
  EXPECT_EQ(g.node(0).input(0), "x");
  EXPECT_EQ(g.node(0).output(0), "y");
  // A real conversion stays.
  ModelBuilder c;
  c.input("x", TP::UINT8, {1, 4}).output("y", TP::FLOAT, {1, 4});
  ModelBuilder::set_int(c.node("Cast", {"x"}, {"y"}), "to", TP::FLOAT);
  EXPECT_EQ(cleanup::remove_noop_casts(c.model()), 0);
}

TEST(OnnxCleanup, BatchNormFoldsIntoTheConvWeights) {
  // Two output channels. Channel k: y = (conv_k(x) + b_k - mean_k) * gamma_k / sqrt(var_k + eps)
  // + beta_k. With eps = 1: s_0 = 2 / sqrt(3 + 1) = 1, s_1 = 3 / sqrt(8 + 1) = 1.
  // Weights of channel 1 times 0.5 instead: gamma_1 = 1.5 gives s_1 = 0.5.
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 1, 3, 3}).output("y", TP::FLOAT, {1, 2, 2, 2});
  b.init_float("W", {2, 1, 2, 2}, {1, 2, 3, 4, 4, 8, 12, 16}).init_float("B", {2}, {0.5f, 2.0f});
  b.init_float("gamma", {2}, {2.0f, 1.5f}).init_float("beta", {2}, {1.0f, -1.0f});
  b.init_float("mean", {2}, {0.5f, 4.0f}).init_float("var", {2}, {3.0f, 8.0f});
  b.node("Conv", {"x", "W", "B"}, {"c"}, "conv");
  ModelBuilder::set_float(
      b.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"y"}, "bn"), "epsilon",
      1.0f);
  onnx::GraphProto& g = *b.model().mutable_graph();
  EXPECT_EQ(cleanup::fold_batchnorm(g), 1);
  ASSERT_EQ(op_types(g), std::vector<std::string>{"Conv"});
  EXPECT_EQ(g.node(0).output(0), "y");
  const ConstTensor w = initializer(g, g.node(0).input(1));
  EXPECT_EQ(w.reals, (std::vector<double>{1, 2, 3, 4, 2, 4, 6, 8}));
  // b'_0 = (0.5 - 0.5) * 1 + 1 = 1; b'_1 = (2 - 4) * 0.5 - 1 = -2.
  EXPECT_EQ(initializer(g, g.node(0).input(2)).reals, (std::vector<double>{1, -2}));

  // Not folded: the conv output has a second reader.
  ModelBuilder c;
  c.input("x", TP::FLOAT, {1, 1, 3, 3})
      .output("y", TP::FLOAT, {1, 2, 2, 2})
      .output("c", TP::FLOAT, {1, 2, 2, 2});
  c.init_float("W", {2, 1, 2, 2}, std::vector<float>(8, 1.0f));
  c.init_float("gamma", {2}, {1, 1})
      .init_float("beta", {2}, {0, 0})
      .init_float("mean", {2}, {0, 0});
  c.init_float("var", {2}, {1, 1});
  c.node("Conv", {"x", "W"}, {"c"});
  c.node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"y"});
  EXPECT_EQ(cleanup::fold_batchnorm(*c.model().mutable_graph()), 0);
}

TEST(OnnxCleanup, ZeroPadFoldsIntoConvPads) {
  auto model = [](std::vector<int64_t> pads, float value, const char* mode) {
    ModelBuilder b;
    b.input("x", TP::FLOAT, {1, 1, 4, 4}).output("y", TP::FLOAT, {1, 1, 6, 8});
    b.init_int("pads", TP::INT64, {8}, pads).init_float("value", {}, {value});
    b.init_float("W", {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
    auto& p = b.node("Pad", {"x", "pads", "value"}, {"xp"});
    auto* a = p.add_attribute();
    a->set_name("mode");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(mode);
    ModelBuilder::set_ints(b.node("Conv", {"xp", "W"}, {"y"}), "pads", {1, 1, 1, 1});
    return b;
  };
  ModelBuilder b = model({0, 0, 1, 2, 0, 0, 3, 4}, 0.0f, "constant");
  onnx::GraphProto& g = *b.model().mutable_graph();
  EXPECT_EQ(cleanup::fold_pads(g), 1);
  ASSERT_EQ(op_types(g), std::vector<std::string>{"Conv"});
  EXPECT_EQ(g.node(0).input(0), "x");
  // [t, l, b, r] = [1, 1, 1, 1] + [1, 2, 3, 4].
  EXPECT_EQ(cleanup::node_attr_ints(g.node(0), "pads"), (std::vector<int64_t>{2, 3, 4, 5}));
  // Padding with a non-zero value, along the channels, or by reflection is not a conv's padding.
  EXPECT_EQ(cleanup::fold_pads(
                *model({0, 0, 1, 1, 0, 0, 1, 1}, 1.0f, "constant").model().mutable_graph()),
            0);
  EXPECT_EQ(cleanup::fold_pads(
                *model({0, 1, 1, 1, 0, 0, 1, 1}, 0.0f, "constant").model().mutable_graph()),
            0);
  EXPECT_EQ(
      cleanup::fold_pads(*model({0, 0, 1, 1, 0, 0, 1, 1}, 0.0f, "reflect").model().mutable_graph()),
      0);
}

/// Conv -> Q(ys, yz) -> DQ -> Clip(0, 6) -> Q(s2, z2), as PyTorch exports a quantized ReLU6.
ModelBuilder qdq_relu6(float s2, int64_t z2) {
  ModelBuilder b;
  b.input("x", TP::UINT8, {1, 1, 3, 3}).output("q2", TP::UINT8, {1, 1, 3, 3});
  b.init_float("xs", {}, {0.5f}).init_int("xz", TP::UINT8, {}, {0});
  b.init_int("w", TP::INT8, {1, 1, 1, 1}, {3}).init_float("ws", {}, {0.25f});
  b.init_float("ys", {}, {0.05f}).init_int("yz", TP::UINT8, {}, {10});
  b.init_float("s2", {}, {s2}).init_int("z2", TP::UINT8, {}, {z2});
  b.init_float("lo", {}, {0.0f}).init_float("hi", {}, {6.0f});
  b.node("DequantizeLinear", {"x", "xs", "xz"}, {"xd"});
  b.node("DequantizeLinear", {"w", "ws"}, {"wd"});
  b.node("Conv", {"xd", "wd"}, {"c"}, "conv");
  b.node("QuantizeLinear", {"c", "ys", "yz"}, {"cq"});
  b.node("DequantizeLinear", {"cq", "ys", "yz"}, {"cd"});
  b.node("Clip", {"cd", "lo", "hi"}, {"r"}, "relu6");
  b.node("QuantizeLinear", {"r", "s2", "z2"}, {"q2"});
  return b;
}

TEST(OnnxCleanup, RequantizationBetweenMacAndClipIsRemoved) {
  ModelBuilder b = qdq_relu6(0.05f, 10);
  onnx::GraphProto& g = *b.model().mutable_graph();
  EXPECT_EQ(cleanup::fuse_activations(g), 1);
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"DequantizeLinear", "DequantizeLinear", "Conv",
                                                   "Clip", "QuantizeLinear"}));
  EXPECT_EQ(g.node(3).input(0), "c");
  // Other parameters after the Clip: the two roundings differ, nothing changes.
  ModelBuilder c = qdq_relu6(0.04f, 10);
  EXPECT_EQ(cleanup::fuse_activations(*c.model().mutable_graph()), 0);
}

TEST(OnnxCleanup, FusedClipBecomesTheLayersOutputClamp) {
  // Clip(0, 6) after the conv with output scale 0.05, zero point 10: the clamp bounds are
  // QuantizeLinear(0) = 10 and QuantizeLinear(6) = 6 / 0.05 + 10 = 130.
  const std::string path = qdq_relu6(0.05f, 10).save("qdq_relu6.onnx");
  const OnnxModel m = load_onnx_model(path, {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  const Layer& l = m.graph.layers[0];
  EXPECT_EQ(l.name, "conv");
  EXPECT_EQ(l.act_min, 10);
  EXPECT_EQ(l.act_max, 130);
  EXPECT_FALSE(l.relu);
  EXPECT_EQ(l.output, "q2");
}

TEST(OnnxCleanup, LeakyReluAfterAMacIsItsOutputStage) {
  ModelBuilder b;
  b.input("x", TP::UINT8, {1, 1, 2, 2}).output("y", TP::INT8, {1, 1, 2, 2});
  b.init_float("xs", {}, {0.5f}).init_int("xz", TP::UINT8, {}, {0});
  b.init_int("w", TP::INT8, {1, 1, 1, 1}, {3}).init_float("ws", {}, {0.25f});
  b.init_float("ys", {}, {0.05f}).init_int("yz", TP::INT8, {}, {0});
  b.node("DequantizeLinear", {"x", "xs", "xz"}, {"xd"});
  b.node("DequantizeLinear", {"w", "ws"}, {"wd"});
  b.node("Conv", {"xd", "wd"}, {"c"}, "conv");
  ModelBuilder::set_float(b.node("LeakyRelu", {"c"}, {"r"}), "alpha", 0.1f);
  b.node("QuantizeLinear", {"r", "ys", "yz"}, {"y"});
  const OnnxModel m = load_onnx_model(b.save("leaky.onnx"), {});
  ASSERT_EQ(m.graph.layers.size(), 1u);
  EXPECT_EQ(m.graph.layers[0].negative_slope, double(0.1f));
  EXPECT_FALSE(m.graph.layers[0].relu);
}

TEST(OnnxCleanup, DeadNodesAndTheirInitializersGo) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 4}).output("y", TP::FLOAT, {1, 4});
  b.init_float("unused_w", {4}, {1, 2, 3, 4});
  b.node("Relu", {"x"}, {"y"});
  b.node("Mul", {"x", "unused_w"}, {"dead1"});
  b.node("Relu", {"dead1"}, {"dead2"});
  onnx::GraphProto& g = *b.model().mutable_graph();
  EXPECT_EQ(cleanup::remove_dead_nodes(g), 2);
  EXPECT_EQ(op_types(g), std::vector<std::string>{"Relu"});
  EXPECT_EQ(g.initializer_size(), 0);
}

TEST(OnnxCleanup, UnsupportedOperatorsAreSummarisedPerType) {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 4}).output("y", TP::FLOAT, {1, 4});
  std::string prev = "x";
  for (int i = 0; i < 5; ++i) {
    const std::string out = i == 4 ? "y" : "t" + std::to_string(i);
    b.node(i % 2 ? "Cos" : "Sin", {prev}, {out}, "n" + std::to_string(i));
    prev = out;
  }
  try {
    load_onnx_model(b.save("unsupported.onnx"), {});
    ADD_FAILURE() << "loaded";
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();  // one line per operator type
    EXPECT_EQ(e.issues()[0].value, "op_type Sin");
    EXPECT_EQ(e.issues()[0].where, "3 nodes (first: node 0 'n0', node 2 'n2', node 4 'n4')");
    EXPECT_EQ(e.issues()[1].value, "op_type Cos");
    EXPECT_EQ(e.issues()[1].where, "2 nodes (first: node 1 'n1', node 3 'n3')");
  }
}

}  // namespace
}  // namespace adasim::workloads
