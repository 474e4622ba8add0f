// SPDX-License-Identifier: Apache-2.0
// Post-training quantization of float ONNX models: the float evaluator on hand-computed values,
// min-max and percentile calibration on known data, where the quantizer puts QuantizeLinear /
// DequantizeLinear pairs (fused output stages, lookup-table runs, views, MaxPool) and the
// parameters it gives them (worked out by hand from the calibration ranges and weights), and a
// quantized CNN whose integer outputs (the importer's graph evaluated with the datapath's
// semantics) stay within a few output steps of the float model.
#include "workloads/onnx/quantize/quantizer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "sim/core/errors.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"
#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/cleanup/const_tensor.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/onnx/quantize/calibration.hpp"
#include "workloads/onnx/quantize/float_eval.hpp"

namespace adasim::workloads {
namespace {

using onnx_test::ModelBuilder;
using quantize::FloatEvaluator;
using quantize::FloatTensor;
using Shape = std::vector<int64_t>;
using TP = onnx::TensorProto;

std::vector<float> run1(ModelBuilder& b, const std::vector<FloatTensor>& in) {
  FloatEvaluator e(b.model(), "test");
  return e.run(in).at(0).data;
}

TEST(FloatEvaluator, ConvGemmMatMulPoolOnHandValues) {
  // 3x3 input 1..9, 2x2 kernel {1, 0, 0, 1} (main diagonal), bias 0.5, no pads:
  // {1+5, 2+6, 4+8, 5+9} + 0.5.
  ModelBuilder c;
  c.input("x", TP::FLOAT, {1, 1, 3, 3}).output("y", TP::FLOAT, {1, 1, 2, 2});
  c.init_float("w", {1, 1, 2, 2}, {1, 0, 0, 1}).init_float("b", {1}, {0.5f});
  c.node("Conv", {"x", "w", "b"}, {"y"});
  EXPECT_EQ(run1(c, {{{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}}),
            (std::vector<float>{6.5, 8.5, 12.5, 14.5}));
  // Gemm with transB: A [1,2] {1, 2}, B [3,2] rows {1,1}, {2,0}, {0,3}: {3, 2, 6} + C {1, 1, 1}.
  ModelBuilder g;
  g.input("a", TP::FLOAT, {1, 2}).output("y", TP::FLOAT, {1, 3});
  g.init_float("B", {3, 2}, {1, 1, 2, 0, 0, 3}).init_float("C", {3}, {1, 1, 1});
  ModelBuilder::set_int(g.node("Gemm", {"a", "B", "C"}, {"y"}), "transB", 1);
  EXPECT_EQ(run1(g, {{{1, 2}, {1, 2}}}), (std::vector<float>{4, 3, 7}));
  // MatMul of [2,1,2] by a shared [2,2]: rows {1,2} and {3,4} times {{1,0},{1,1}}.
  ModelBuilder m;
  m.input("a", TP::FLOAT, {2, 1, 2}).output("y", TP::FLOAT, {2, 1, 2});
  m.init_float("B", {2, 2}, {1, 0, 1, 1});
  m.node("MatMul", {"a", "B"}, {"y"});
  EXPECT_EQ(run1(m, {{{2, 1, 2}, {1, 2, 3, 4}}}), (std::vector<float>{3, 2, 7, 4}));
  // AveragePool 2x2 stride 2, pads 1, count_include_pad: corners hold one real element / 4.
  ModelBuilder p;
  p.input("x", TP::FLOAT, {1, 1, 2, 2}).output("y", TP::FLOAT, {1, 1, 2, 2});
  auto& ap = p.node("AveragePool", {"x"}, {"y"});
  ModelBuilder::set_ints(ap, "kernel_shape", {2, 2});
  ModelBuilder::set_ints(ap, "strides", {2, 2});
  ModelBuilder::set_ints(ap, "pads", {1, 1, 1, 1});
  ModelBuilder::set_int(ap, "count_include_pad", 1);
  EXPECT_EQ(run1(p, {{{1, 1, 2, 2}, {4, 8, 12, 16}}}), (std::vector<float>{1, 2, 3, 4}));
}

TEST(FloatEvaluator, SoftmaxLayerNormAndQdq) {
  ModelBuilder s;  // softmax of {0, ln 3}: {1/4, 3/4}
  s.input("x", TP::FLOAT, {1, 2}).output("y", TP::FLOAT, {1, 2});
  s.node("Softmax", {"x"}, {"y"});
  const std::vector<float> sm = run1(s, {{{1, 2}, {0.0f, float(std::log(3.0))}}});
  EXPECT_NEAR(sm[0], 0.25, 1e-7);
  EXPECT_NEAR(sm[1], 0.75, 1e-7);
  ModelBuilder l;  // {1, 3}: mean 2, std 1: {-1, 1} * {2, 2} + {0, 1}
  l.input("x", TP::FLOAT, {1, 2}).output("y", TP::FLOAT, {1, 2});
  l.init_float("g", {2}, {2, 2}).init_float("b", {2}, {0, 1});
  ModelBuilder::set_float(l.node("LayerNormalization", {"x", "g", "b"}, {"y"}), "epsilon", 0.0f);
  EXPECT_EQ(run1(l, {{{1, 2}, {1, 3}}}), (std::vector<float>{-2, 3}));
  ModelBuilder q;  // QuantizeLinear scale 0.5 zero point 10 then back: 1.26 -> 12.52 -> 13 -> 1.5
  q.input("x", TP::FLOAT, {3}).output("y", TP::FLOAT, {3});
  q.init_float("s", {}, {0.5f}).init_int("z", TP::UINT8, {}, {10});
  q.node("QuantizeLinear", {"x", "s", "z"}, {"xq"});
  q.node("DequantizeLinear", {"xq", "s", "z"}, {"y"});
  EXPECT_EQ(run1(q, {{{3}, {1.26f, -9.0f, 200.0f}}}), (std::vector<float>{1.5f, -5.0f, 122.5f}));
}

TEST(FloatEvaluator, ShapesThatDoNotFitAreConfigErrorsNamingTheNode) {
  // The evaluator reads user models before the importer checks them: a conv whose weight
  // expects 3 input channels on a 2-channel input must be an error, not an out-of-bounds read.
  ModelBuilder c;
  c.input("x", TP::FLOAT, {1, 2, 4, 4}).output("y", TP::FLOAT, {1, 1, 4, 4});
  c.init_float("w", {1, 3, 1, 1}, {1, 1, 1});
  c.node("Conv", {"x", "w"}, {"y"}, "bad_conv");
  FloatEvaluator e(c.model(), "bad.onnx");
  try {
    e.run({{{1, 2, 4, 4}, std::vector<float>(32, 1.0f)}});
    ADD_FAILURE() << "evaluated";
  } catch (const sim::ConfigError& err) {
    EXPECT_EQ(err.issues()[0].file, "bad.onnx");
    EXPECT_EQ(err.issues()[0].where, "node 0 'bad_conv' (Conv)");
  }
  ModelBuilder m;  // MatMul of [2,3] by [4,2]: inner dims differ
  m.input("a", TP::FLOAT, {2, 3}).output("y", TP::FLOAT, {2, 2});
  m.init_float("B", {4, 2}, std::vector<float>(8, 1.0f));
  m.node("MatMul", {"a", "B"}, {"y"});
  FloatEvaluator em(m.model(), "bad_mm.onnx");
  EXPECT_THROW(em.run({{{2, 3}, std::vector<float>(6, 1.0f)}}), sim::ConfigError);
}

/// x -> Relu, calibrated on `values` (one sample of shape [1, n]).
std::map<std::string, quantize::Range> relu_ranges(const std::vector<float>& values,
                                                   QuantizeOptions o) {
  ModelBuilder b;
  const int64_t n = int64_t(values.size());
  b.input("x", TP::FLOAT, {1, n}).output("y", TP::FLOAT, {1, n});
  b.node("Relu", {"x"}, {"y"});
  FloatEvaluator e(b.model(), "relu");
  return quantize::calibrate(e, {{FloatTensor{{1, n}, values}}}, o);
}

TEST(Calibration, MinMaxAndPercentileRanges) {
  std::vector<float> v;
  for (int i = -1; i < 999; ++i) v.push_back(float(i));  // -1 .. 998
  QuantizeOptions o;
  auto r = relu_ranges(v, o);
  EXPECT_EQ(r.at("x").lo, -1.0);
  EXPECT_EQ(r.at("x").hi, 998.0);
  EXPECT_EQ(r.at("y").lo, 0.0);
  // Percentile 99: 1 % of the 1000 values (10) may lie beyond each end: the top ten, 989 ..
  // 998, fall outside, so hi is 988 (the end of its histogram bin: bins of 999 / 4096 = 0.244).
  o.method = QuantizeOptions::Method::kPercentile;
  o.percentile = 99.0;
  r = relu_ranges(v, o);
  EXPECT_NEAR(r.at("x").hi, 988.0, 0.25);
  EXPECT_EQ(r.at("x").lo, 0.0);  // the low 1 % are -1 .. 8: the range still holds 0
  EXPECT_NEAR(r.at("y").hi, 988.0, 0.25);
}

TEST(Calibration, FilesImagesAndSyntheticSets) {
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / "adasim_calib_files";
  std::filesystem::create_directories(dir);
  // A batch of two samples in one .npy file, and a 2x2 grey image (P5).
  write_npy((dir / "a.npy").string(),
            HostTensor::make_float("a", {2, 1, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}));
  {
    std::ofstream img(dir / "b.pgm", std::ios::binary);
    img << "P5\n# comment\n2 2\n255\n";
    img.write("\x00\x33\x66\xff", 4);
  }
  const std::vector<quantize::InputSpec> in = {{"x", {1, 1, 2, 2}}};
  const auto s = quantize::calibration_samples({dir.string()}, in, 8, 1);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1][0].data, (std::vector<float>{5, 6, 7, 8}));
  EXPECT_EQ(s[2][0].data, (std::vector<float>{0.0f, 0.2f, 0.4f, 1.0f}));  // pixel / 255
  // The synthetic set: seeded, the same for the same seed.
  const auto a = quantize::calibration_samples({}, in, 3, 7),
             b = quantize::calibration_samples({}, in, 3, 7);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2][0].data, b[2][0].data);
  EXPECT_THROW(
      quantize::calibration_samples({(dir / "b.pgm").string()}, {{"x", {1, 3, 2, 2}}}, 8, 1),
      sim::ConfigError);  // a grey image for an RGB input
}

/// x [1,1,4,4] -> Conv(3x3, 2 filters, pads 1) -> Relu -> MaxPool 2x2 -> Flatten -> Gemm -> y.
ModelBuilder small_cnn() {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 1, 4, 4}).output("y", TP::FLOAT, {1, 3});
  std::vector<float> w(18);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 7) - 3) * (i < 9 ? 0.1f : 0.2f);
  b.init_float("W", {2, 1, 3, 3}, w).init_float("B", {2}, {0.1f, -0.2f});
  std::vector<float> w2(24);
  for (size_t i = 0; i < w2.size(); ++i) w2[i] = float(int(i % 5) - 2) * 0.25f;
  b.init_float("W2", {3, 8}, w2).init_float("C", {3}, {0.5f, 0.0f, -0.5f});
  ModelBuilder::set_ints(b.node("Conv", {"x", "W", "B"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"});
  auto& mp = b.node("MaxPool", {"r"}, {"p"}, "pool");
  ModelBuilder::set_ints(mp, "kernel_shape", {2, 2});
  ModelBuilder::set_ints(mp, "strides", {2, 2});
  b.node("Flatten", {"p"}, {"f"});
  ModelBuilder::set_int(b.node("Gemm", {"f", "W2", "C"}, {"y"}, "fc"), "transB", 1);
  return b;
}

std::vector<std::string> op_types(const onnx::GraphProto& g) {
  std::vector<std::string> ops;
  for (const auto& n : g.node()) ops.push_back(n.op_type());
  return ops;
}

float scalar_init(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& t : g.initializer())
    if (t.name() == name) return float(cleanup::const_from_proto(t)->at(0));
  ADD_FAILURE() << name;
  return 0;
}

TEST(Quantizer, PlacesPairsWhereTheImporterFuses) {
  ModelBuilder b = small_cnn();
  const std::filesystem::path f =
      std::filesystem::path(testing::TempDir()) / "adasim_cnn_calib.npy";
  std::vector<float> x(16);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i) / 5.0f - 1.0f;  // -1 .. 2
  write_npy(f.string(), HostTensor::make_float("x", {1, 1, 4, 4}, x));
  QuantizeOptions o;
  o.mode = QuantizeOptions::Mode::kInt8;
  o.calib = {f.string()};
  const quantize::QuantizeReport rep = quantize::quantize_model(b.model(), "cnn", o);
  EXPECT_EQ(rep.weights, 2);
  EXPECT_EQ(rep.samples, 1);
  EXPECT_EQ(rep.activations, 4);  // x, the Relu, the MaxPool, the Gemm (y)
  const onnx::GraphProto& g = b.model().graph();
  EXPECT_EQ(op_types(g), (std::vector<std::string>{
                             "QuantizeLinear", "DequantizeLinear",             // x
                             "DequantizeLinear", "Conv", "Relu",               // W, no pair
                             "QuantizeLinear", "DequantizeLinear",             // Relu out
                             "MaxPool", "QuantizeLinear", "DequantizeLinear",  // same params
                             "Flatten", "DequantizeLinear", "Gemm",            // a view, W2
                             "QuantizeLinear", "DequantizeLinear"}));          // y
  // x in [-1, 2]: scale 3 / 255, zero point round(1 / (3/255)) = round(85.0) = 85.
  EXPECT_FLOAT_EQ(scalar_init(g, g.node(0).input(1)), 3.0f / 255);
  EXPECT_EQ(scalar_init(g, g.node(0).input(2)), 85.0f);
  // The MaxPool keeps the Relu's parameters.
  EXPECT_EQ(g.node(8).input(1) == g.node(5).input(1) ||
                scalar_init(g, g.node(8).input(1)) == scalar_init(g, g.node(5).input(1)),
            true);
  // W per output channel: filter 0 max |w| = 0.3, filter 1 max |w| = 0.6: scales / 127.
  const onnx::NodeProto& wdq = g.node(2);
  for (const auto& t : g.initializer())
    if (t.name() == wdq.input(1)) {
      const auto c = cleanup::const_from_proto(t);
      EXPECT_EQ(c->dims, (Shape{2}));
      EXPECT_FLOAT_EQ(float(c->reals[0]), 0.3f / 127);
      EXPECT_FLOAT_EQ(float(c->reals[1]), 0.6f / 127);
    }
  EXPECT_EQ(g.node(14).output(0), "y");  // the graph output keeps its name
}

TEST(Quantizer, QuantizedCnnStaysWithinAFewStepsOfTheFloatModel) {
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "adasim_qcnn";
  std::filesystem::create_directories(dir);
  ModelBuilder b = small_cnn();
  const std::string path = b.save("small_cnn.onnx");
  std::vector<float> x(16);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(float(i)) * 1.5f;
  const HostTensor in = HostTensor::make_float("x", {1, 1, 4, 4}, x);
  write_npy((dir / "x.npy").string(), in);
  OnnxImportOptions o;
  o.quantize.mode = QuantizeOptions::Mode::kInt8;
  o.quantize.calib = {(dir / "x.npy").string()};
  o.keep_quantized = true;
  const OnnxModel m = load_onnx_model(path, {in}, o);
  EXPECT_EQ(m.graph.layers.size(), 3u);  // conv (+ ReLU), maxpool, fc
  const std::vector<HostTensor> got = onnx_test::evaluate(m);
  FloatEvaluator e(b.model(), "cnn");
  const std::vector<float> want = e.run({{{1, 1, 4, 4}, x}}).at(0).data;
  // The output step: the y scale of the saved QDQ model. Rounding the input, the Relu output and
  // y each costs half a step of their own scale; through two layers a few steps of y cover it.
  onnx::ModelProto q;
  ASSERT_TRUE(q.ParseFromString(m.quantized_model));
  float y_scale = 0;
  for (const auto& n : q.graph().node())
    if (n.op_type() == "DequantizeLinear" && n.output(0) == "y")
      y_scale = scalar_init(q.graph(), n.input(1));
  ASSERT_GT(y_scale, 0);
  ASSERT_EQ(got.at(0).floats.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[0].floats[i], want[i], 3 * y_scale) << i;
}

TEST(Quantizer, ElementwiseRunsAreOneTableAndViewsStayViews) {
  // x -> MatMul(W) -> Add(b) -> GELU (erf form) -> Reshape -> Transpose -> y: the bias is the
  // MatMul's, the GELU nodes are one lookup table (one pair after the last Mul), the Reshape is a
  // view, and the Transpose output is the graph output (quantized with the GELU's parameters).
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 2, 4}).output("y", TP::FLOAT, {4, 2});
  std::vector<float> w(16);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 5) - 2) * 0.3f;
  b.init_float("W", {4, 4}, w).init_float("bias", {4}, {0.1f, 0.2f, -0.1f, 0.0f});
  b.init_float("r2", {}, {1.4142135f}).init_float("one", {}, {1.0f}).init_float("half", {}, {0.5f});
  b.init_int("shape", TP::INT64, {2}, {2, 4});
  b.node("MatMul", {"x", "W"}, {"mm"});
  b.node("Add", {"mm", "bias"}, {"h"});
  b.node("Div", {"h", "r2"}, {"d"});
  b.node("Erf", {"d"}, {"e"});
  b.node("Add", {"e", "one"}, {"a"});
  b.node("Mul", {"h", "a"}, {"m"});
  b.node("Mul", {"m", "half"}, {"g"});
  b.node("Reshape", {"g", "shape"}, {"v"});
  ModelBuilder::set_ints(b.node("Transpose", {"v"}, {"y"}), "perm", {1, 0});
  QuantizeOptions o;
  o.mode = QuantizeOptions::Mode::kInt8;
  o.samples = 4;
  quantize::quantize_model(b.model(), "gelu", o);
  EXPECT_EQ(
      op_types(b.model().graph()),
      (std::vector<std::string>{"QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "MatMul",
                                "Add", "QuantizeLinear", "DequantizeLinear", "Div", "Erf", "Add",
                                "Mul", "Mul", "QuantizeLinear", "DequantizeLinear", "Reshape",
                                "Transpose", "QuantizeLinear", "DequantizeLinear"}));
  // The importer maps it onto three layers: the MatMul (with bias), the table, the transpose
  // (after a reshape view).
  const std::string path = b.save("gelu_q.onnx");
  const OnnxModel m = load_onnx_model(path, {});
  std::vector<OpType> ops;
  for (const Layer& l : m.graph.layers) ops.push_back(l.op);
  EXPECT_EQ(ops, (std::vector<OpType>{OpType::kMatMul, OpType::kLut, OpType::kReshape,
                                      OpType::kTranspose}));
  EXPECT_FALSE(m.graph.layers[0].bias.empty());
}

TEST(Quantizer, FloatModelsOnlyAndNeverSilently) {
  // A QDQ model is not quantized again.
  ModelBuilder b = small_cnn();
  QuantizeOptions o;
  o.mode = QuantizeOptions::Mode::kInt8;
  quantize::quantize_model(b.model(), "cnn", o);
  const std::string path = b.save("already_qdq.onnx");
  OnnxImportOptions io;
  io.quantize.mode = QuantizeOptions::Mode::kInt8;
  try {
    load_onnx_model(path, {}, io);
    ADD_FAILURE() << "quantized twice";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "--quantize int8");
  }
  // A float model without --quantize: the float exact mode refuses its non-integer weights and
  // names the two ways to run it.
  const std::string fpath = small_cnn().save("float_cnn.onnx");
  try {
    load_onnx_model(fpath, {});
    ADD_FAILURE() << "loaded a float model silently";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--quantize int8"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--quantize none --no-values"), std::string::npos);
  }
  // --no-values: seeded weights, fixed ranges, no calibration.
  OnnxImportOptions nv;
  nv.quantize.no_values = true;
  const OnnxModel m = load_onnx_model(fpath, {}, nv);
  EXPECT_EQ(m.graph.layers.size(), 3u);
  EXPECT_NE(m.quantize_summary.find("0 calibration samples"), std::string::npos);
}

}  // namespace
}  // namespace adasim::workloads
