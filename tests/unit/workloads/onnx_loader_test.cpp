// SPDX-License-Identifier: Apache-2.0
// ONNX import: the ONNX backend test models of libonnx-testdata (QLinearConv, QLinearMatMul,
// ConvInteger, MatMulInteger, integer-valued float Conv / MaxPool) load into the graphs read off
// the models by hand, and a plain-loop evaluation of those graphs with the datapath's semantics
// reproduces each test's expected outputs bit for bit. Then tiny QDQ models built with the
// protobuf API (fusion, boundaries, flatten / reshape, batch) and the loader's errors.
#include "workloads/onnx/onnx_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "sim/core/errors.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"

namespace adasim::workloads {
namespace {

using onnx_test::case_dir;
using onnx_test::evaluate;
using onnx_test::load_case;
using Shape = std::vector<int64_t>;

const Layer& only_layer(const Graph& g) {
  EXPECT_EQ(g.layers.size(), 1u);
  return g.layers.at(0);
}

void expect_boundary(const BoundaryTensor& b, const std::string& tensor, const std::string& ext,
                     const std::string& type, bool convert) {
  EXPECT_EQ(b.tensor, tensor);
  EXPECT_EQ(b.external_name, ext);
  EXPECT_EQ(b.external_type, type);
  EXPECT_EQ(b.convert, convert);
}

void expect_quant(const TensorInfo& t, int bits, bool is_signed, float scale, int32_t zp) {
  EXPECT_EQ(t.bits, bits) << t.name;
  EXPECT_EQ(t.is_signed, is_signed) << t.name;
  EXPECT_EQ(t.scale, double(scale)) << t.name;  // the float32 value from the file, exactly
  EXPECT_EQ(t.zero_point, zp) << t.name;
}

// ---- libonnx-testdata models ------------------------------------------------------------------

TEST(OnnxLoaderTestData, QLinearConv) {
  const std::string dir = case_dir("test_qlinearconv");
  ASSERT_FALSE(dir.empty());
  const OnnxModel m = load_case(dir);
  const Graph& g = m.graph;
  const Layer& l = only_layer(g);
  EXPECT_EQ(l.name, "QLinearConv_0");  // the node has no name
  EXPECT_EQ(l.op, OpType::kConv2d);
  EXPECT_EQ(l.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(l.weight, "w");
  EXPECT_EQ(l.output, "y");
  EXPECT_EQ(l.rounding, Rounding::kHalfToEven);
  EXPECT_TRUE(l.bias.empty());
  EXPECT_EQ(l.kernel_h, 1);
  EXPECT_EQ(l.stride_h, 1);
  EXPECT_EQ(l.pad_t + l.pad_l + l.pad_b + l.pad_r, 0);
  // Values from input_1..7.pb: x 0.003692047 / 132, w 0.0017279458 / 255, y 0.0016268126 / 123.
  expect_quant(g.tensor("x"), 8, false, 0.003692046971991658f, 132);
  expect_quant(g.tensor("w"), 8, false, 0.0017279457533732057f, 255);
  expect_quant(g.tensor("y"), 8, false, 0.001626812620088458f, 123);
  EXPECT_TRUE(g.tensor("w").is_constant);
  EXPECT_EQ(g.tensor("w").shape, (Shape{1, 1, 1, 1}));
  EXPECT_EQ(g.tensor("y").shape, (Shape{1, 1, 7, 7}));
  EXPECT_EQ(g.constant_values.at("w").data, (std::vector<int8_t>{0}));
  EXPECT_EQ(g.graph_inputs, (std::vector<std::string>{"x"}));  // scales and w were folded
  ASSERT_EQ(g.input_boundary.size(), 1u);
  expect_boundary(g.input_boundary[0], "x", "x", "uint8", false);
  ASSERT_EQ(g.output_boundary.size(), 1u);
  expect_boundary(g.output_boundary[0], "y", "y", "uint8", false);
  EXPECT_EQ(m.input_values.at("x").data.size(), 49u);
}

TEST(OnnxLoaderTestData, QLinearMatMul2D) {
  const std::string dir = case_dir("test_qlinearmatmul_2D");
  ASSERT_FALSE(dir.empty());
  const Graph g = load_case(dir).graph;
  const Layer& l = only_layer(g);
  EXPECT_EQ(l.op, OpType::kMatMul);
  EXPECT_EQ(l.inputs, (std::vector<std::string>{"a"}));
  EXPECT_EQ(l.weight, "b");  // a 2-D B fed as graph input becomes the constant weight [Kd][N]
  EXPECT_EQ(g.tensor("b").shape, (Shape{4, 3}));
  expect_quant(g.tensor("a"), 8, false, 0.0066f, 113);
  expect_quant(g.tensor("b"), 8, false, 0.00705f, 114);
  expect_quant(g.tensor("y"), 8, false, 0.0107f, 118);
  EXPECT_EQ(g.tensor("y").shape, (Shape{2, 3}));
  // b = [152, 51, 244, 60, ...] as uint8, stored bit for bit: 152 -> -104, 244 -> -12.
  EXPECT_EQ(g.constant_values.at("b").data[0], int8_t(-104));
  EXPECT_EQ(g.constant_values.at("b").data[2], int8_t(-12));
  const ConvShape s = g.shape(l);
  EXPECT_EQ(s.gemm_m(), 2);
  EXPECT_EQ(s.gemm_kred(), 4);
  EXPECT_EQ(s.gemm_n(), 3);
}

TEST(OnnxLoaderTestData, QLinearMatMul3D) {
  const std::string dir = case_dir("test_qlinearmatmul_3D");
  ASSERT_FALSE(dir.empty());
  const OnnxModel m = load_case(dir);
  const Graph& g = m.graph;
  const Layer& l = only_layer(g);
  EXPECT_EQ(l.op, OpType::kMatMul);
  // A 3-D B cannot be the shared [Kd][N] weight: it stays an activation input (per-batch B).
  EXPECT_EQ(l.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(l.weight.empty());
  EXPECT_EQ(g.graph_inputs, (std::vector<std::string>{"a", "b"}));
  expect_quant(g.tensor("b"), 8, false, 0.00705f, 114);
  EXPECT_EQ(g.tensor("y").shape, (Shape{2, 2, 3}));
  EXPECT_EQ(m.input_values.count("b"), 1u);
  expect_boundary(g.input_boundary[1], "b", "b", "uint8", false);
}

TEST(OnnxLoaderTestData, ConvInteger) {
  struct Case {
    const char* name;
    Shape out;
    int pad;
  };
  for (const Case& c : {Case{"test_convinteger_with_padding", {1, 1, 4, 4}, 1},
                        Case{"test_convinteger_without_padding", {1, 1, 2, 2}, 0},
                        Case{"test_basic_convinteger", {1, 1, 2, 2}, 0}}) {
    SCOPED_TRACE(c.name);
    const std::string dir = case_dir(c.name);
    ASSERT_FALSE(dir.empty());
    const Graph g = load_case(dir).graph;
    const Layer& l = only_layer(g);
    EXPECT_EQ(l.op, OpType::kConv2d);
    EXPECT_EQ(l.pad_t, c.pad);
    EXPECT_EQ(l.pad_r, c.pad);
    expect_quant(g.tensor("x"), 8, false, 1.0f, 1);  // x_zero_point = 1, no scale
    expect_quant(g.tensor("w"), 8, false, 1.0f, 0);  // no w_zero_point
    const TensorInfo& y = g.tensor("y");
    EXPECT_TRUE(y.wide());
    EXPECT_EQ(y.bits, 32);
    EXPECT_EQ(y.scale, 1.0);
    EXPECT_EQ(y.shape, c.out);
    expect_boundary(g.output_boundary.at(0), "y", "y", "int32", false);
  }
}

TEST(OnnxLoaderTestData, MatMulInteger) {
  const std::string dir = case_dir("test_matmulinteger");
  ASSERT_FALSE(dir.empty());
  const Graph g = load_case(dir).graph;
  const Layer& l = only_layer(g);
  EXPECT_EQ(l.op, OpType::kMatMul);
  EXPECT_EQ(l.weight, "B");
  expect_quant(g.tensor("A"), 8, false, 1.0f, 12);
  expect_quant(g.tensor("B"), 8, false, 1.0f, 0);
  EXPECT_EQ(g.tensor("Y").shape, (Shape{4, 2}));
  EXPECT_TRUE(g.tensor("Y").wide());
  expect_boundary(g.output_boundary.at(0), "Y", "Y", "int32", false);
}

TEST(OnnxLoaderTestData, FloatConvExactMode) {
  struct Case {
    const char* name;
    Shape out;
    int pads[4];
    int stride;
  };
  const Case cases[] = {
      {"test_basic_conv_with_padding", {1, 1, 5, 5}, {1, 1, 1, 1}, 1},
      {"test_basic_conv_without_padding", {1, 1, 3, 3}, {0, 0, 0, 0}, 1},
      {"test_conv_with_strides_padding", {1, 1, 4, 3}, {1, 1, 1, 1}, 2},
      {"test_conv_with_strides_no_padding", {1, 1, 3, 2}, {0, 0, 0, 0}, 2},
      {"test_conv_with_strides_and_asymmetric_padding", {1, 1, 4, 2}, {1, 0, 1, 0}, 2},
      {"test_conv_with_autopad_same", {1, 1, 3, 3}, {1, 1, 1, 1}, 2},  // SAME_LOWER, 5x5, k3 s2
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = case_dir(c.name);
    ASSERT_FALSE(dir.empty());
    const OnnxModel m = load_case(dir);
    const Graph& g = m.graph;
    const Layer& l = only_layer(g);
    EXPECT_EQ(l.op, OpType::kConv2d);
    EXPECT_EQ((std::vector<int>{l.pad_t, l.pad_l, l.pad_b, l.pad_r}),
              (std::vector<int>{c.pads[0], c.pads[1], c.pads[2], c.pads[3]}));
    EXPECT_EQ(l.stride_h, c.stride);
    EXPECT_EQ(l.stride_w, c.stride);
    EXPECT_EQ(l.kernel_h, 3);
    // x holds 0..24 / 0..34 and W ones: both non-negative integers -> uint8, scale 1.
    expect_quant(g.tensor("x"), 8, false, 1.0f, 0);
    expect_quant(g.tensor("W"), 8, false, 1.0f, 0);
    EXPECT_TRUE(g.tensor("y").wide());
    EXPECT_EQ(g.tensor("y").shape, c.out);
    expect_boundary(g.input_boundary.at(0), "x", "x", "float32", true);
    expect_boundary(g.output_boundary.at(0), "y", "y", "float32", true);
    EXPECT_EQ(g.constant_values.at("W").data, std::vector<int8_t>(9, 1));
  }
}

TEST(OnnxLoaderTestData, IntegerMaxPool) {
  const std::string dir = case_dir("test_maxpool_2d_uint8");
  ASSERT_FALSE(dir.empty());
  const Graph g = load_case(dir).graph;
  const Layer& l = only_layer(g);
  EXPECT_EQ(l.op, OpType::kMaxPool);
  EXPECT_EQ(l.kernel_h, 5);
  EXPECT_EQ(l.pad_t, 2);
  EXPECT_EQ(g.tensor("y").shape, (Shape{1, 1, 5, 5}));
  expect_boundary(g.output_boundary.at(0), "y", "y", "uint8", false);
  const Graph d = load_case(case_dir("test_maxpool_2d_dilations")).graph;  // float exact mode
  EXPECT_EQ(only_layer(d).dil_h, 2);
  expect_boundary(d.output_boundary.at(0), "y", "y", "float32", true);
}

TEST(OnnxLoaderTestData, SameUpperAndLowerPadTheOddPixel) {
  // 2x2 kernel, stride 1 over 32x32: one pad pixel, at the end (UPPER) or the start (LOWER).
  // The data is not integer-valued, so the models load without their input files (seeded).
  for (const auto& [name, pads] : {std::pair<const char*, std::vector<int>>{"test_maxpool_2d_same_upper", {0, 0, 1, 1}},
                                   {"test_maxpool_2d_same_lower", {1, 1, 0, 0}}}) {
    SCOPED_TRACE(name);
    const std::string dir = case_dir(name);
    ASSERT_FALSE(dir.empty());
    const Graph g = load_graph_onnx(dir + "/model.onnx");
    const Layer& l = only_layer(g);
    EXPECT_EQ((std::vector<int>{l.pad_t, l.pad_l, l.pad_b, l.pad_r}), pads);
    EXPECT_EQ(g.tensor("y").shape, (Shape{1, 3, 32, 32}));
    EXPECT_TRUE(g.tensor("x").is_signed);  // a float input without a file: int8, scale 1
  }
}

/// End to end: the loaded graph, evaluated with plain loops on the datapath's semantics
/// (zero-point-corrected int32 MACs, bias, requantization round-half-even(acc * m) + zp with
/// m = double(x_scale) * double(w_scale) / double(y_scale), wide outputs kept), then turned into
/// host tensors by output_tensors, equals the test's expected output_*.pb bit for bit.
TEST(OnnxLoaderTestData, EvaluatedOutputsMatchExpected) {
  for (const char* name :
       {"test_qlinearconv", "test_qlinearmatmul_2D", "test_qlinearmatmul_3D",
        "test_convinteger_with_padding", "test_convinteger_without_padding", "test_basic_convinteger",
        "test_matmulinteger", "test_basic_conv_with_padding", "test_basic_conv_without_padding",
        "test_conv_with_strides_padding", "test_conv_with_strides_no_padding",
        "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_autopad_same",
        "test_maxpool_2d_uint8", "test_maxpool_2d_precomputed_pads", "test_maxpool_2d_precomputed_same_upper",
        "test_maxpool_2d_precomputed_strides", "test_maxpool_2d_dilations"}) {
    SCOPED_TRACE(name);
    const std::string dir = case_dir(name);
    ASSERT_FALSE(dir.empty());
    const OnnxModel m = load_case(dir);
    const std::vector<HostTensor> got = evaluate(m);
    ASSERT_EQ(got.size(), 1u);  // every case has one output
    for (size_t i = 0; i < got.size(); ++i) {
      const HostTensor want = read_tensor_file(dir + "/test_data_set_0/output_" + std::to_string(i) + ".pb");
      EXPECT_EQ(got[i].name, want.name);
      EXPECT_EQ(got[i].type, want.type);
      EXPECT_EQ(got[i].shape, want.shape);
      EXPECT_EQ(got[i].ints, want.ints);
      EXPECT_EQ(got[i].floats, want.floats);
    }
  }
}

/// The Fashion-MNIST CNN of workloads/fashion_mnist in both forms: the same five layers
/// (conv, maxpool, conv, maxpool, fc), and the expected int8 / float logits of its data sets.
TEST(OnnxLoaderFashionMnist, QOperatorAndQdqGiveTheExpectedLogits) {
  const std::string dir = ADASIM_SOURCE_DIR "/workloads/fashion_mnist/";
  struct Case {
    const char* model;
    const char* data;
    const char* input;
    const char* out_type;
  };
  for (const Case& c : {Case{"fmnist_qop.onnx", "test_data_set_0", "input_0.npy", "int8"},
                        Case{"fmnist_qdq.onnx", "test_data_set_qdq", "input_0.pb", "float32"}}) {
    SCOPED_TRACE(c.model);
    const HostTensor image = read_tensor_file(dir + c.data + "/" + c.input);
    const OnnxModel m = load_onnx_model(dir + c.model, {image});
    const Graph& g = m.graph;
    std::vector<OpType> ops;
    for (const Layer& l : g.layers) ops.push_back(l.op);
    EXPECT_EQ(ops, (std::vector<OpType>{OpType::kConv2d, OpType::kMaxPool, OpType::kConv2d,
                                        OpType::kMaxPool, OpType::kFullyConnected}));
    EXPECT_EQ(g.layers[0].name, "conv1");
    EXPECT_EQ(g.layers[4].name, "fc");
    EXPECT_EQ(g.layers[4].weight, "fc_w_quantized.transposed");  // MatMul B [784,10] as FC [10][784]
    EXPECT_EQ(g.tensor("fc_w_quantized.transposed").shape, (Shape{10, 784}));
    EXPECT_EQ(g.layers[0].bias, "conv1_b_quantized");
    EXPECT_EQ(g.tensor("conv1_out").scale, double(0.00741125363856554f));
    EXPECT_FALSE(g.tensor("conv1_out").is_signed);
    EXPECT_EQ(g.tensor(g.layers[4].output).shape, (Shape{16, 10}));
    EXPECT_TRUE(g.tensor(g.layers[4].output).is_signed);
    EXPECT_EQ(g.output_boundary.at(0).external_type, c.out_type);
    const std::vector<HostTensor> got = evaluate(m);
    const HostTensor want = read_tensor_file(dir + c.data + "/output_0.pb");
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].name, "logits");
    EXPECT_EQ(got[0].type, want.type);
    EXPECT_EQ(got[0].shape, want.shape);
    EXPECT_EQ(got[0].ints, want.ints);
    EXPECT_EQ(got[0].floats, want.floats);
  }
}

TEST(OnnxLoaderTestData, UnsuitableCasesAreClearErrors) {
  struct Case {
    const char* name;
    std::string where, needle;
  };
  const Case cases[] = {
      // Non-integer float data: the exact mode refuses and says to quantize the model.
      {"test_gemm_default_no_bias", "graph input 'a' element 0", "quantize the model"},
      {"test_matmul_2d", "graph input 'a' element 0", "quantize the model"},
      {"test_gemm_alpha", "node 0 (Gemm) attribute alpha", "alpha = beta = 1"},
      {"test_gemm_transposeA", "node 0 (Gemm) attribute transA", "0"},
      {"test_maxpool_1d_default", "node 0 (MaxPool) input 0 (X 'x')", "NCHW"},
      {"test_quantizelinear", "graph output 'y'", "the result of a layer"},  // no layer at all
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string dir = case_dir(c.name);
    ASSERT_FALSE(dir.empty());
    try {
      load_case(dir);
      ADD_FAILURE() << "loaded";
    } catch (const sim::ConfigError& e) {
      ASSERT_FALSE(e.issues().empty());
      EXPECT_EQ(e.issues()[0].where, c.where) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.needle), std::string::npos) << e.what();
    }
  }
}

TEST(OnnxLoaderTestData, MissingScaleNamesNodeAndSlot) {
  const std::string dir = case_dir("test_qlinearconv");
  ASSERT_FALSE(dir.empty());
  // Only x is bound: x_scale (input 1) is a graph input without a value.
  const HostTensor x = read_tensor_file(dir + "/test_data_set_0/input_0.pb");
  try {
    load_onnx_model(dir + "/model.onnx", {x});
    ADD_FAILURE() << "loaded without scales";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "node 0 (QLinearConv) input 1 (x_scale 'x_scale')");
    EXPECT_EQ(e.issues()[0].expected, "an initializer or an --input file");
  }
  const HostTensor f = HostTensor::make_float("x", {1, 1, 7, 7}, std::vector<float>(49, 1.0f));
  EXPECT_THROW(load_onnx_model(dir + "/model.onnx", {f}), sim::ConfigError);  // wrong type
  std::vector<HostTensor> nine;
  for (int i = 0; i < 8; ++i)
    nine.push_back(read_tensor_file(dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb"));
  nine.push_back(x);
  EXPECT_THROW(load_onnx_model(dir + "/model.onnx", nine), sim::ConfigError);  // 9 files, 8 inputs
}

}  // namespace
}  // namespace adasim::workloads
