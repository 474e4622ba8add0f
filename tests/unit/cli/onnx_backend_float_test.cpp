// SPDX-License-Identifier: Apache-2.0
// ONNX backend conformance of the vector-unit operators on float data: every applicable
// libonnx-testdata node case runs through the real executable with post-training quantization,
//   adasim run --workload model.onnx --quantize int8 --calib <inputs> --input <inputs>
//              --dump-outputs DIR --save-quantized q.onnx
// (calibrated on the case's own inputs, so nothing saturates), and every dumped output element
// must lie within the error that quantization allows of the expected output, which the ONNX
// project's reference implementation wrote:
//
//   |got - want| <= s_out / 2 + L * sum_i s_i / 2 (+ s_a s_b / 4 for Mul) + 1e-5
//
// s_i are the scales of the inputs' QuantizeLinear and s_out that of the output's
// DequantizeLinear, read from the saved QDQ model: the inputs are rounded to half a step of
// their scale, the operator (Lipschitz constant L w.r.t. each input) carries that error to the
// output, and the output is rounded to half a step of its scale. L: 1 for Add / Sum, pooling,
// Concat, layout and Relu / Clip / LeakyRelu (slope <= 1) / Tanh; 2/sqrt(pi) for Erf; 1/4 for
// Sigmoid; alpha for HardSigmoid; 3/2 for HardSwish; 1/2 for Softmax (sum_j |dp_i/dx_j| =
// 2 p_i (1 - p_i)); max |inputs| for Mul; max|gamma| (2 + max|x_hat|) / sigma_min for
// LayerNormalization, from the case's data. Bit-exact integer cases are in onnx_backend_test.cpp.
//
// Run: test_add, test_add_bcast, test_sum_*, test_mul, test_mul_bcast, test_mul_example,
// test_globalaveragepool*, test_averagepool_2d_* (all 11), test_maxpool_2d_{default, pads,
// same_lower, same_upper, strides}, test_clip (all 8 float cases), test_concat_* (12),
// test_transpose_* (7), test_flatten_* (9), test_reshape_* (9), test_squeeze*, test_unsqueeze_*
// (8), test_softmax_* (7), test_layer_normalization_* (19, with the Mean / InvStdDev outputs
// removed from the model: training outputs, not computed), test_sigmoid*, test_tanh*,
// test_erf, test_hardsigmoid*, test_hardswish, test_hardswish_expanded, test_leakyrelu*,
// test_relu.
// Skipped, with the reason:
//  - test_add_uint8, test_mul_uint8 (and test_sub_uint8, test_div_uint8): ONNX integer Add / Mul
//    wrap modulo 2^8; the vector unit's requantizing adder saturates. adasim adds quantized
//    tensors (QDQ form), as the models it targets do.
//  - test_sub*, test_div*: Sub / Div of two tensors are not vector-unit layers (they are taken
//    only inside elementwise functions of one tensor, as lookup tables).
//  - test_*_1d_*, test_*_3d_*, test_maxpool_with_argmax_*: 1-D / 3-D pooling and MaxPool's
//    Indices output (2-D pooling of values only).
//  - test_reshape_allowzero_reordered: a tensor with a zero-sized dim.
//  - *_expanded forms of Softmax / LayerNormalization: ReduceMax / ReduceSum / ReduceMean are not
//    imported (the fused operators are).
//  - test_identity*: no computation (a graph input passed through).
//  - test_batchnorm_*: BatchNormalization is folded into the Conv in front of it by the clean-up
//    (onnx_cleanup_test, and the Fashion-MNIST export with BatchNorm kept); alone it is no layer.
//  - test_globalmaxpool*: GlobalMaxPool is not imported (no export of the issue uses it).
// The shape-subgraph operators that constant folding evaluates (Cast, Shape, Gather, Range, ...)
// are checked against their backend cases in tests/unit/workloads/onnx_fold_backend_test.cpp.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli_support.hpp"
#include "reference_data.hpp"
#include "workloads/onnx/tensor_file.hpp"

namespace adasim {
namespace {

namespace fs = std::filesystem;
using test::run_adasim;
using test::temp_out;
using workloads::HostTensor;
using workloads::read_tensor_file;

std::vector<std::string> float_cases() {
  std::vector<std::string> c = {"test_add",
                                "test_add_bcast",
                                "test_sum_example",
                                "test_sum_one_input",
                                "test_sum_two_inputs",
                                "test_mul",
                                "test_mul_bcast",
                                "test_mul_example",
                                "test_globalaveragepool",
                                "test_globalaveragepool_precomputed",
                                "test_relu",
                                "test_erf",
                                "test_sigmoid",
                                "test_sigmoid_example",
                                "test_tanh",
                                "test_tanh_example",
                                "test_hardsigmoid",
                                "test_hardsigmoid_default",
                                "test_hardsigmoid_example",
                                "test_hardswish",
                                "test_hardswish_expanded",
                                "test_leakyrelu",
                                "test_leakyrelu_default",
                                "test_leakyrelu_example",
                                "test_squeeze",
                                "test_squeeze_negative_axes"};
  for (const char* s : {"ceil", "default", "pads", "pads_count_include_pad", "precomputed_pads",
                        "precomputed_pads_count_include_pad", "precomputed_same_upper",
                        "precomputed_strides", "same_lower", "same_upper", "strides"})
    c.push_back(std::string("test_averagepool_2d_") + s);
  for (const char* s : {"default", "pads", "same_lower", "same_upper", "strides"})
    c.push_back(std::string("test_maxpool_2d_") + s);
  for (const char* s : {"", "_default_inbounds", "_default_max", "_default_min", "_example",
                        "_inbounds", "_outbounds", "_splitbounds"})
    c.push_back(std::string("test_clip") + s);
  for (const char* s :
       {"1d_axis_0", "1d_axis_negative_1", "2d_axis_0", "2d_axis_1", "2d_axis_negative_1",
        "2d_axis_negative_2", "3d_axis_0", "3d_axis_1", "3d_axis_2", "3d_axis_negative_1",
        "3d_axis_negative_2", "3d_axis_negative_3"})
    c.push_back(std::string("test_concat_") + s);
  for (int i = 0; i < 6; ++i) c.push_back("test_transpose_all_permutations_" + std::to_string(i));
  c.push_back("test_transpose_default");
  for (const char* s : {"axis0", "axis1", "axis2", "axis3", "default_axis", "negative_axis1",
                        "negative_axis2", "negative_axis3", "negative_axis4"})
    c.push_back(std::string("test_flatten_") + s);
  for (const char* s :
       {"extended_dims", "negative_dim", "negative_extended_dims", "one_dim", "reduced_dims",
        "reordered_all_dims", "reordered_last_dims", "zero_and_negative_dim", "zero_dim"})
    c.push_back(std::string("test_reshape_") + s);
  for (const char* s : {"axis_0", "axis_1", "axis_2", "axis_3", "negative_axes", "three_axes",
                        "two_axes", "unsorted_axes"})
    c.push_back(std::string("test_unsqueeze_") + s);
  for (const char* s :
       {"axis_0", "axis_1", "axis_2", "default_axis", "example", "large_number", "negative_axis"})
    c.push_back(std::string("test_softmax_") + s);
  for (const char* s :
       {"2d_axis0", "2d_axis1", "2d_axis_negative_1", "2d_axis_negative_2", "3d_axis0_epsilon",
        "3d_axis1_epsilon", "3d_axis2_epsilon", "3d_axis_negative_1_epsilon",
        "3d_axis_negative_2_epsilon", "3d_axis_negative_3_epsilon", "4d_axis0", "4d_axis1",
        "4d_axis2", "4d_axis3", "4d_axis_negative_1", "4d_axis_negative_2", "4d_axis_negative_3",
        "4d_axis_negative_4", "default_axis"})
    c.push_back(std::string("test_layer_normalization_") + s);
  return c;
}

std::vector<std::string> numbered(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> f;
  for (int i = 0; fs::exists(dir + "/" + prefix + std::to_string(i) + ".pb"); ++i)
    f.push_back(dir + "/" + prefix + std::to_string(i) + ".pb");
  return f;
}

onnx::ModelProto read_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&in)) << path;
  return m;
}

float attr_f(const onnx::NodeProto& n, const char* name, float dflt) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return dflt;
}

int64_t attr_i(const onnx::NodeProto& n, const char* name, int64_t dflt) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.i();
  return dflt;
}

double max_abs(const HostTensor& t) {
  double m = 0;
  for (float v : t.floats) m = std::max(m, double(std::fabs(v)));
  return m;
}

/// LayerNormalization: max|gamma| (2 + max|x_hat|) / sigma_min over the case's groups.
double layernorm_lipschitz(const onnx::NodeProto& n, const HostTensor& x, const HostTensor& gamma) {
  int64_t axis = attr_i(n, "axis", -1);
  if (axis < 0) axis += int64_t(x.shape.size());
  int64_t len = 1;
  for (size_t d = size_t(axis); d < x.shape.size(); ++d) len *= x.shape[d];
  const double eps = attr_f(n, "epsilon", 1e-5f);
  double sigma_min = 1e30, xhat_max = 0;
  for (size_t g = 0; g < x.floats.size(); g += size_t(len)) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < len; ++i) mean += x.floats[g + size_t(i)];
    mean /= double(len);
    for (int64_t i = 0; i < len; ++i) var += std::pow(x.floats[g + size_t(i)] - mean, 2);
    const double sigma = std::sqrt(var / double(len) + eps);
    sigma_min = std::min(sigma_min, sigma);
    for (int64_t i = 0; i < len; ++i)
      xhat_max = std::max(xhat_max, std::fabs(x.floats[g + size_t(i)] - mean) / sigma);
  }
  return max_abs(gamma) * (2 + xhat_max) / sigma_min;
}

/// L of the case's (single) operator, from its attributes and data (see the file comment).
double lipschitz(const onnx::ModelProto& m, const std::vector<HostTensor>& in) {
  const onnx::NodeProto& n = m.graph().node(m.graph().node_size() - 1);
  const std::string& op = n.op_type();
  if (op == "Erf") return 2 / std::sqrt(M_PI);
  if (op == "Sigmoid") return 0.25;
  if (op == "HardSigmoid") return attr_f(n, "alpha", 0.2f);
  if (op == "HardSwish" || m.graph().node_size() == 2) return 1.5;  // HardSwish (expanded form)
  if (op == "Softmax") return 0.5;
  if (op == "Mul") return std::max(max_abs(in.at(0)), max_abs(in.at(1)));
  if (op == "LayerNormalization") return layernorm_lipschitz(n, in.at(0), in.at(1));
  return 1.0;
}

/// Scale of the QuantizeLinear reading graph input `name` / the DequantizeLinear writing graph
/// output `name` in the saved QDQ model.
double scale_of(const onnx::ModelProto& q, const std::string& op, const std::string& name,
                bool input) {
  for (const auto& n : q.graph().node())
    if (n.op_type() == op && (input ? n.input(0) : n.output(0)) == name)
      for (const auto& t : q.graph().initializer())
        if (t.name() == n.input(1))
          return double(t.float_data_size() ? t.float_data(0) : [&] {
            float f;
            std::memcpy(&f, t.raw_data().data(), 4);
            return f;
          }());
  return 0;
}

class OnnxBackendFloat : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxBackendFloat, QuantizedOutputsWithinTheQuantizationError) {
  const std::string name = GetParam();
  const std::string dir = test::kOnnxNodeData + name;
  ASSERT_TRUE(fs::exists(dir + "/model.onnx")) << "install libonnx-testdata";
  const std::vector<std::string> inputs = numbered(dir + "/test_data_set_0", "input_");
  const std::vector<std::string> expected = numbered(dir + "/test_data_set_0", "output_");
  const std::string tag = "onnxbkf_" + name;
  const std::string out = temp_out(tag);
  fs::create_directories(out);
  std::string model = dir + "/model.onnx";
  onnx::ModelProto m = read_model(model);
  if (name.rfind("test_layer_normalization", 0) == 0) {  // drop the training outputs
    m.mutable_graph()->mutable_node(0)->mutable_output()->DeleteSubrange(
        1, m.graph().node(0).output_size() - 1);
    m.mutable_graph()->mutable_output()->DeleteSubrange(1, m.graph().output_size() - 1);
    model = out + "/model.onnx";
    std::ofstream f(model, std::ios::binary);
    m.SerializeToOstream(&f);
  }
  std::string args = "run -q --workload '" + model + "' --quantize int8";
  for (const std::string& f : inputs) args += " --calib '" + f + "'";
  for (const std::string& f : inputs) args += " --input '" + f + "'";
  args += " --out '" + out + "/run' --dump-outputs '" + out + "/dump' --save-quantized '" + out +
          "/q.onnx'";
  const auto r = run_adasim(args, tag);
  ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.err;

  std::vector<HostTensor> in;
  for (const std::string& f : inputs) in.push_back(read_tensor_file(f));
  const onnx::ModelProto q = read_model(out + "/q.onnx");
  double in_steps = 0, product = 1;  // sum of s_i and (Mul) s_a s_b over the quantized inputs
  int quantized = 0;
  for (const HostTensor& t : in) {
    const double s = scale_of(q, "QuantizeLinear", t.name, true);
    if (s == 0) continue;  // an input the graph reads as a parameter (bounds, shapes, gamma)
    in_steps += s;
    product *= s;
    ++quantized;
  }
  ASSERT_GT(quantized, 0);
  const HostTensor want = read_tensor_file(expected.at(0));
  const HostTensor got = read_tensor_file(out + "/dump/output_0.pb");
  const double s_out = scale_of(q, "DequantizeLinear", want.name, false);
  ASSERT_GT(s_out, 0);
  const double mul = m.graph().node(0).op_type() == "Mul" ? product / 4 : 0;
  const double tol = s_out / 2 + lipschitz(m, in) * in_steps / 2 + mul + 1e-5;
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.type, want.type);
  ASSERT_EQ(got.shape, want.shape);
  for (size_t i = 0; i < want.floats.size(); ++i)
    ASSERT_NEAR(got.floats[i], want.floats[i], tol) << "element " << i << ", s_out " << s_out;
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param.substr(5);
}

INSTANTIATE_TEST_SUITE_P(FloatCases, OnnxBackendFloat, ::testing::ValuesIn(float_cases()),
                         case_name);

}  // namespace
}  // namespace adasim
