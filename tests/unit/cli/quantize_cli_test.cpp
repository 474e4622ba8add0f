// SPDX-License-Identifier: Apache-2.0
// `adasim run` on a float ONNX model: --quantize int8 with --calib data and --save-quantized
// (the saved QDQ model, run as it is, gives the same integers), --quantize none --no-values
// (timing only), and every flag combination that would be read by nothing or run silently is an
// exit-2 error naming the flag.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli_support.hpp"
#include "tests/unit/workloads/onnx_test_util.hpp"
#include "workloads/onnx/tensor_file.hpp"

namespace adasim {
namespace {

namespace fs = std::filesystem;
using test::run_adasim;
using test::temp_out;
using workloads::HostTensor;
using workloads::onnx_test::ModelBuilder;
using TP = onnx::TensorProto;

/// A float CNN: Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm, and a calibration input.
struct FloatModel {
  std::string model, input;
};

FloatModel float_model() {
  ModelBuilder b;
  b.input("x", TP::FLOAT, {1, 2, 6, 6}).output("y", TP::FLOAT, {1, 4});
  std::vector<float> w(3 * 2 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i * 7 % 11) - 5) * 0.05f;
  b.init_float("W", {3, 2, 3, 3}, w).init_float("B", {3}, {0.1f, 0.0f, -0.1f});
  std::vector<float> w2(12);
  for (size_t i = 0; i < w2.size(); ++i) w2[i] = float(int(i % 5) - 2) * 0.5f;
  b.init_float("W2", {4, 3}, w2);
  ModelBuilder::set_ints(b.node("Conv", {"x", "W", "B"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"});
  b.node("GlobalAveragePool", {"r"}, {"g"}, "gap");
  b.node("Flatten", {"g"}, {"f"});
  ModelBuilder::set_int(b.node("Gemm", {"f", "W2"}, {"y"}, "fc"), "transB", 1);
  FloatModel m;
  m.model = b.save("cli_float_cnn.onnx");
  std::vector<float> x(72);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(int(i * 13 % 17) - 8) / 4.0f;
  m.input = (fs::path(m.model).parent_path() / "cli_float_cnn_x.npy").string();
  workloads::write_npy(m.input, HostTensor::make_float("x", {1, 2, 6, 6}, x));
  return m;
}

TEST(QuantizeCli, Int8WithCalibrationAndTheSavedModelRoundTrips) {
  const FloatModel f = float_model();
  const std::string out = temp_out("qcli_int8");
  const std::string saved = out + "_saved.onnx";
  const auto r =
      run_adasim("run -q --workload '" + f.model + "' --quantize int8 --calib '" + f.input +
                     "' --input '" + f.input + "' --out '" + out + "' --dump-outputs '" + out +
                     "/dump' --save-quantized '" + saved + "'",
                 "qcli_int8");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json rep = test::read_json(out + "/report.json");
  const std::string q = rep["adasim"]["value_patterns"]["quantize"];
  // x, the conv's ReLU, the pool, y (the flatten is a view of the pool's output).
  EXPECT_EQ(q, "int8 minmax: 4 activation tensors, 2 weights, 1 calibration samples");
  ASSERT_TRUE(fs::exists(saved));
  // The saved QDQ model runs as it is (no --quantize) and gives the same dequantized outputs.
  const std::string out2 = temp_out("qcli_saved");
  const auto r2 = run_adasim("run -q --workload '" + saved + "' --input '" + f.input + "' --out '" +
                                 out2 + "' --dump-outputs '" + out2 + "/dump'",
                             "qcli_saved");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  const HostTensor a = workloads::read_tensor_file(out + "/dump/output_0.pb");
  const HostTensor b = workloads::read_tensor_file(out2 + "/dump/output_0.pb");
  EXPECT_EQ(a.shape, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(a.floats, b.floats);
  EXPECT_EQ(test::read_json(out2 + "/report.json")["layers"].size(), rep["layers"].size());
}

/// Scale of the QuantizeLinear reading graph input `name` in a saved QDQ model.
double input_scale(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromIstream(&in)) << path;
  for (const auto& n : m.graph().node())
    if (n.op_type() == "QuantizeLinear" && n.input(0) == name)
      for (const auto& t : m.graph().initializer())
        if (t.name() == n.input(1)) {
          float f;
          std::memcpy(&f, t.raw_data().data(), 4);
          return f;
        }
  ADD_FAILURE() << "no QuantizeLinear of " << name;
  return 0;
}

TEST(QuantizeCli, PercentileCalibrationOnASyntheticSet) {
  // 3 synthetic samples of 72 standard normal values: min / max span about +-2.5; the 90th
  // percentile range is narrower, so the input's scale is smaller.
  const FloatModel f = float_model();
  const std::string base = temp_out("qcli_pct");
  double scale[2] = {0, 0};
  const char* methods[2] = {"--calib-method minmax",
                            "--calib-method percentile --calib-percentile 90"};
  for (int k = 0; k < 2; ++k) {
    const std::string saved = base + std::to_string(k) + ".onnx";
    const auto r = run_adasim("run -q --workload '" + f.model +
                                  "' --quantize int8 --calib-samples 3 " + methods[k] + " --out '" +
                                  base + std::to_string(k) + "' --save-quantized '" + saved + "'",
                              "qcli_pct");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json rep = test::read_json(base + std::to_string(k) + "/report.json");
    const std::string q = rep["adasim"]["value_patterns"]["quantize"];
    EXPECT_NE(q.find(k ? "int8 percentile" : "int8 minmax"), std::string::npos) << q;
    EXPECT_NE(q.find("3 calibration samples"), std::string::npos) << q;
    scale[k] = input_scale(saved, "x");
  }
  EXPECT_GT(scale[0], 0);
  EXPECT_LT(scale[1], 0.95 * scale[0]);
}

TEST(QuantizeCli, NoValuesRunsForTimingOnly) {
  const FloatModel f = float_model();
  const std::string out = temp_out("qcli_novalues");
  const auto r =
      run_adasim("run -q --workload '" + f.model + "' --no-values --out '" + out + "'", "qcli_nv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json rep = test::read_json(out + "/report.json");
  EXPECT_EQ(
      rep["adasim"]["value_patterns"]["quantize"].get<std::string>(),
      "timing only, no values: 4 activation tensors, 2 weights, 0 calibration samples");
  EXPECT_EQ(rep["layers"].size(), 3u);  // conv (+ ReLU), avgpool, fc
  // Timing only: no values computed, the cycles of the model quantized with values (its timing
  // does not depend on the values or scales: no sparsity).
  const std::string q8 = temp_out("qcli_novalues_q8");
  const auto rq = run_adasim(
      "run -q --workload '" + f.model + "' --quantize int8 --out '" + q8 + "'", "qcli_nv_q8");
  ASSERT_EQ(rq.exit_code, 0) << rq.err;
  const nlohmann::json want = test::read_json(q8 + "/report.json");
  EXPECT_EQ(rep["adasim"]["fidelity"], "cycle-no-values");
  ASSERT_EQ(want["layers"].size(), rep["layers"].size());
  for (size_t i = 0; i < rep["layers"].size(); ++i)
    EXPECT_EQ(rep["layers"][i]["cycles"], want["layers"][i]["cycles"]) << i;
  // adasim map takes the same choice.
  const auto m =
      run_adasim("map --no-simulate --workload '" + f.model + "' --no-values", "qcli_map");
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("conv (conv2d)"), std::string::npos) << m.out;
  const auto e = run_adasim(
      "map --no-simulate --workload '" + f.model + "' --quantize int8 --save-quantized /tmp/q.onnx",
      "qcli_map_err");
  EXPECT_EQ(e.exit_code, 2) << e.err;
}

TEST(QuantizeCli, FlagsThatWouldBeIgnoredAreErrors) {
  const FloatModel f = float_model();
  const std::string base =
      "run -q --workload '" + f.model + "' --out '" + temp_out("qcli_err") + "' ";
  struct Case {
    std::string args, needle;
  };
  const Case cases[] = {
      {"", "--quantize int8"},  // a float model without either choice: refused, not run
      {"--quantize int4", "--quantize"},
      {"--calib '" + f.input + "'", "--calib*"},
      {"--save-quantized /tmp/x.onnx", "--save-quantized"},
      {"--quantize int8 --calib-percentile 99.9", "--calib-percentile"},
      {"--quantize int8 --calib-method mean", "--calib-method"},
      {"--no-values --dump-outputs /tmp/adasim_nv_dump", "--no-values"},
      {"--no-values --quantize int8", "--no-values"},
      {"--quantize int8 --calib /nonexistent.npy", "/nonexistent.npy"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    const auto r = run_adasim(base + c.args, "qcli_err");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
  }
  const auto j =
      run_adasim("run -q --workload workloads/models/tiny_cnn.json --quantize int8 --out '" +
                     temp_out("qcli_json") + "'",
                 "qcli_json");
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_NE(j.err.find("an ONNX float model"), std::string::npos) << j.err;
}

}  // namespace
}  // namespace adasim
