// SPDX-License-Identifier: Apache-2.0
// ONNX backend conformance through the real executable: every libonnx-testdata node case that the
// ONNX loader accepts runs with `adasim run --workload model.onnx --input input_<i>.pb ...
// --dump-outputs DIR` on several arrays, and each dumped output_<i>.pb equals the case's expected
// test_data_set_0/output_<i>.pb: same element type, same shape, same values bit for bit. The
// expected tensors were written by the ONNX project's reference implementation, so nothing here
// comes from adasim.
//
// Cases (/usr/share/libonnx-testdata/data/node/<case>): the QOperator and integer operators
// (QLinearConv, QLinearMatMul 2-D / 3-D, ConvInteger, MatMulInteger) and the float Conv cases
// whose data are integer-valued (run in the loader's float exact mode), on every array below;
// and the vector-unit operators on integer data (kVectorCases: MaxPool on uint8 and on
// integer-valued floats, with ceil_mode, dilations, precomputed pads / strides / SAME_UPPER;
// Clip on int8), on one systolic and one spatial array. The float cases of the vector-unit
// operators run with post-training quantization in onnx_backend_float_test.cpp (with the list of
// cases skipped there and why).
//
// Not included, because the loader rejects them without --quantize (exit code 2, checked by
// hand with this build):
//  - test_gemm_default_{no_bias,zero_bias,scalar_bias,vector_bias,matrix_bias,
//    single_elem_vector_bias}, test_gemm_transposeB, test_matmul_2d / _3d / _4d: random float
//    data (e.g. a[0] = 0.5488), which the float exact mode refuses ("quantize the model").
//  - test_gemm_alpha, test_gemm_beta, test_gemm_all_attributes: alpha / beta != 1.
//  - test_gemm_transposeA: transA = 1 (only A as [N][C]).
//
// Arrays: the default 32x32 systolic array with each dataflow (ws, os, is), the Eyeriss-like
// spatial array with row stationary (configs/eyeriss/rs.json) and no local reuse
// (configs/eyeriss/nlr.json), and two sparse datapaths (IS and RS with sparsity.mode=skip), since
// skipping zero operands must not change a value either.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

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

const std::vector<std::string> kCases = {
    "test_qlinearconv",
    "test_qlinearmatmul_2D",
    "test_qlinearmatmul_3D",
    "test_convinteger_with_padding",
    "test_convinteger_without_padding",
    "test_basic_convinteger",
    "test_matmulinteger",
    "test_basic_conv_with_padding",
    "test_basic_conv_without_padding",
    "test_conv_with_strides_padding",
    "test_conv_with_strides_no_padding",
    "test_conv_with_strides_and_asymmetric_padding",
    "test_conv_with_autopad_same",
};

// Vector-unit operators on integer data (bit for bit): MaxPool on uint8 and on integer-valued
// floats (float exact mode), with dilations, precomputed pads / strides / SAME_UPPER and
// ceil_mode, and Clip on int8 tensors (a lookup table on the integers themselves).
const std::vector<std::string> kVectorCases = {
    "test_maxpool_2d_uint8",
    "test_maxpool_2d_ceil",
    "test_maxpool_2d_dilations",
    "test_maxpool_2d_precomputed_pads",
    "test_maxpool_2d_precomputed_strides",
    "test_maxpool_2d_precomputed_same_upper",
    "test_clip_default_int8_inbounds",
    "test_clip_default_int8_max",
    "test_clip_default_int8_min",
};

struct Arch {
  const char* name;  ///< suffix of the ctest name
  const char* args;  ///< adasim options selecting the array
};
/// Printed in the ctest names' "GetParam() = ..." (gtest would print the bytes, addresses
/// included).
void PrintTo(const Arch& a, std::ostream* os) { *os << a.name; }

const Arch kArchs[] = {
    {"ws", "--arch configs/default.json --set pe_array.dataflow=ws"},
    {"os", "--arch configs/default.json --set pe_array.dataflow=os"},
    {"is", "--arch configs/default.json --set pe_array.dataflow=is"},
    {"is_skip", "--arch configs/default.json --set pe_array.dataflow=is --set sparsity.mode=skip"},
    {"eyeriss_rs", "--arch configs/eyeriss/rs.json"},
    {"eyeriss_rs_skip", "--arch configs/eyeriss/rs.json --set sparsity.mode=skip"},
    {"eyeriss_nlr", "--arch configs/eyeriss/nlr.json"},
};

/// Files `<dir>/<prefix><i>.pb` for i = 0, 1, ... while they exist.
std::vector<std::string> numbered_files(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> files;
  for (int i = 0;; ++i) {
    const std::string f = dir + "/" + prefix + std::to_string(i) + ".pb";
    if (!fs::exists(f)) break;
    files.push_back(f);
  }
  return files;
}

/// Bit patterns of float values, so that -0.0 vs 0.0 or NaN payloads would count as different.
std::vector<uint32_t> float_bits(const std::vector<float>& v) {
  std::vector<uint32_t> bits(v.size());
  for (size_t i = 0; i < v.size(); ++i) std::memcpy(&bits[i], &v[i], sizeof(float));
  return bits;
}

using Param = std::tuple<std::string, Arch>;

class OnnxBackend : public ::testing::TestWithParam<Param> {};

TEST_P(OnnxBackend, DumpedOutputsEqualExpectedBitForBit) {
  const std::string name = std::get<0>(GetParam());
  const Arch arch = std::get<1>(GetParam());
  const std::string dir = test::kOnnxNodeData + name;
  // The test data are a declared dependency: missing data is a failure, not a skip.
  ASSERT_TRUE(fs::exists(dir + "/model.onnx"))
      << dir << "/model.onnx not found: install the Debian package libonnx-testdata "
      << "(apt-get install libonnx-testdata)";
  const std::string data = dir + "/test_data_set_0";
  const std::vector<std::string> inputs = numbered_files(data, "input_");
  const std::vector<std::string> expected = numbered_files(data, "output_");
  ASSERT_FALSE(inputs.empty()) << data;
  ASSERT_FALSE(expected.empty()) << data;

  const std::string tag = "onnxbk_" + name + "_" + arch.name;
  const std::string out = temp_out(tag);
  std::string args = "run -q " + std::string(arch.args) + " --workload '" + dir + "/model.onnx'";
  for (const std::string& f : inputs) args += " --input '" + f + "'";
  args += " --out '" + out + "' --dump-outputs '" + out + "/dump'";
  const auto r = run_adasim(args, tag);
  ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.err;

  // Exactly the model's outputs are dumped: no output_<n>.pb beyond the expected ones.
  EXPECT_FALSE(fs::exists(out + "/dump/output_" + std::to_string(expected.size()) + ".pb"));
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("output_" + std::to_string(i));
    const std::string got_file = out + "/dump/output_" + std::to_string(i) + ".pb";
    ASSERT_TRUE(fs::exists(got_file)) << got_file;
    const HostTensor got = read_tensor_file(got_file);
    const HostTensor want = read_tensor_file(expected[i]);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.type, want.type);
    EXPECT_EQ(got.shape, want.shape);
    EXPECT_EQ(got.ints, want.ints);
    EXPECT_EQ(float_bits(got.floats), float_bits(want.floats));
    // The .npy copy holds the same tensor (it has no name).
    const HostTensor npy = read_tensor_file(out + "/dump/output_" + std::to_string(i) + ".npy");
    EXPECT_EQ(npy.type, want.type);
    EXPECT_EQ(npy.shape, want.shape);
    EXPECT_EQ(npy.ints, want.ints);
    EXPECT_EQ(float_bits(npy.floats), float_bits(want.floats));
  }
}

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  // "test_qlinearconv" + "ws" -> "qlinearconv_ws" (gtest names: letters, digits, underscores).
  std::string n = std::get<0>(info.param);
  if (n.rfind("test_", 0) == 0) n = n.substr(5);
  return n + "_" + std::get<1>(info.param).name;
}

INSTANTIATE_TEST_SUITE_P(NodeCases, OnnxBackend,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::ValuesIn(kArchs)),
                         param_name);

// The vector unit is the same beside every array: one systolic and one spatial design point.
INSTANTIATE_TEST_SUITE_P(VectorCases, OnnxBackend,
                         ::testing::Combine(::testing::ValuesIn(kVectorCases),
                                            ::testing::Values(kArchs[0], kArchs[4])),
                         param_name);

}  // namespace
}  // namespace adasim
