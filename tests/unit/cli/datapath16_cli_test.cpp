// SPDX-License-Identifier: Apache-2.0
// 16-bit graphs from the command line: generated and imported (--input int16 .npy) values run on
// a 16-bit spatial array with a psum rule; the refusals (sums beyond the 32-bit accumulators
// under "exact", pooling of 16-bit tensors) exit 2 naming the layer and write nothing; the
// shipped 16-bit Eyeriss config at its own widths gives the reference kernel's outputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "cli_support.hpp"
#include "workloads/ir/json_loader.hpp"
#include "workloads/onnx/tensor_file.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::test {
namespace {

namespace fs = std::filesystem;

std::string write_text(const std::string& name, const std::string& text) {
  const fs::path p = fs::path(::testing::TempDir()) / (name + "_" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

// conv 3x3 (pad 1) -> fc, 16-bit signed tensors; `pool` adds a maxpool between them.
std::string graph16(bool pool) {
  nlohmann::json g = nlohmann::json::parse(R"({
    "format": "adasim-graph", "version": 1, "name": "g16", "batch": 1,
    "inputs": ["x"], "outputs": ["fc.out"],
    "tensors": [{"name": "x", "shape": [1, 4, 6, 6], "bits": 16, "scale": 0.000244140625}],
    "layers": [
      {"name": "conv", "op": "conv2d", "inputs": ["x"], "output": "conv.out", "out_channels": 8,
       "kernel": [3, 3], "padding": [1, 1], "relu": true,
       "weight_quant": {"bits": 16, "scale": 0.00006103515625}},
      {"name": "fc", "op": "fc", "inputs": ["conv.out"], "output": "fc.out", "out_features": 5,
       "weight_quant": {"bits": 16, "scale": 0.00006103515625}}]})");
  if (pool) {
    g["layers"].insert(g["layers"].begin() + 1,
                       nlohmann::json::parse(R"({"name": "pool", "op": "maxpool",
                         "inputs": ["conv.out"], "output": "pool.out", "kernel": [2, 2],
                         "stride": [2, 2]})"));
    g["layers"][2]["inputs"] = {"pool.out"};
  }
  return write_text(pool ? "g16_pool.json" : "g16.json", g.dump());
}

const std::string kArch = "--arch configs/eyeriss_like_16x16.json --set pe_array.mac_bits=16 ";

TEST(Datapath16Cli, ExactSumsBeyondThirtyTwoBitsExitTwoNamingTheLayer) {
  const std::string out = temp_out("g16_exact");
  const auto r = run_adasim(
      "run -q " + kArch + "--workload '" + graph16(false) + "' --out '" + out + "'", "g16_exact");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("layer 'conv'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("psum_overflow"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Datapath16Cli, PoolingOfSixteenBitTensorsExitsTwo) {
  const std::string out = temp_out("g16_pool");
  const auto r = run_adasim("run -q " + kArch + "--set pe_array.psum_overflow=wrap --workload '" +
                                graph16(true) + "' --out '" + out + "'",
                            "g16_pool");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("layer 'pool'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
}

// An int16 .npy of the given shape: element i = (i * 911) mod 65536 - 32768.
int16_t x16(int64_t i) { return int16_t((i * 911) % 65536 - 32768); }

std::string int16_npy(const std::string& name, const std::string& shape, int64_t elements) {
  std::string header = "{'descr': '<i2', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic, version and length take 10 bytes; the header ends in '\n' on a multiple of 64.
  header += std::string((64 - (10 + header.size() + 1) % 64) % 64, ' ') + "\n";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += char(header.size() & 0xFF);
  bytes += char(header.size() >> 8);
  bytes += header;
  for (int64_t i = 0; i < elements; ++i) {
    const uint16_t v = uint16_t(x16(i));
    bytes += char(v & 0xFF);
    bytes += char(v >> 8);
  }
  return write_text(name, bytes);
}

std::string int16_input() { return int16_npy("x16.npy", "(1, 4, 6, 6)", 144); }

TEST(Datapath16Cli, GeneratedAndImportedSixteenBitValuesRunUnderWrap) {
  const std::string base = "run -q " + kArch +
                           "--set pe_array.psum_overflow=wrap --set pe_array.accum_bits=24 "
                           "--workload '" +
                           graph16(false) + "' ";
  const std::string gen = temp_out("g16_gen"), imp = temp_out("g16_imp");
  const auto a =
      run_adasim(base + "--out '" + gen + "' --dump-outputs '" + gen + "/dump'", "g16_gen");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = run_adasim(base + "--input '" + int16_input() + "' --out '" + imp +
                                "' --dump-outputs '" + imp + "/dump'",
                            "g16_imp");
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const nlohmann::json cfg = read_json(gen + "/resolved_config.json");
  EXPECT_EQ(cfg.at("pe_array").at("psum_overflow"), "wrap");
  EXPECT_EQ(cfg.at("pe_array").at("accum_bits"), 24);
  // The imported input changes the outputs; the same run twice gives the same bytes.
  EXPECT_NE(slurp(gen + "/dump/output_0.npy"), slurp(imp + "/dump/output_0.npy"));
  const std::string again = temp_out("g16_imp2");
  const auto c = run_adasim(base + "--input '" + int16_input() + "' --out '" + again +
                                "' --dump-outputs '" + again + "/dump'",
                            "g16_imp2");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(slurp(imp + "/dump/output_0.npy"), slurp(again + "/dump/output_0.npy"));
}

// The issue's case: a 16-bit design at its own widths. configs/eyeriss/rs.json is 16-bit (mac_bits
// 16, accum_bits 16); a conv of 16-bit input (imported int16 .npy) and 16-bit weights (generated
// from the seed) runs with psum_overflow "wrap", and its 16-bit outputs equal the reference
// kernel's sums wrapped to 16 bits. The output scale is in_scale x w_scale (2^-12 x 2^-14), so the
// requantization multiplier is exactly 1 and the stored output is the accumulator itself (which
// fits int16 after the wrap).
TEST(Datapath16Cli, EyerissConfigAtItsOwnWidthsEqualsTheReferenceKernel) {
  const std::string graph = write_text("e16.json", R"({
    "format": "adasim-graph", "version": 1, "name": "e16", "batch": 1,
    "inputs": ["x"], "outputs": ["conv.out"],
    "tensors": [{"name": "x", "shape": [1, 4, 10, 10], "bits": 16, "scale": 0.000244140625},
                {"name": "conv.out", "shape": [1, 8, 8, 8], "bits": 16,
                 "scale": 1.4901161193847656e-08}],
    "layers": [{"name": "conv", "op": "conv2d", "inputs": ["x"], "output": "conv.out",
                "out_channels": 8, "kernel": [3, 3],
                "weight_quant": {"bits": 16, "scale": 0.00006103515625}}]})");
  const std::string input = int16_npy("e16_x.npy", "(1, 4, 10, 10)", 400);
  const std::string out = temp_out("e16");
  const auto r = run_adasim(
      "run -q --arch configs/eyeriss/rs.json --set pe_array.psum_overflow=wrap"
      " --seed 1 --workload '" +
          graph + "' --input '" + input + "' --out '" + out + "' --dump-outputs '" + out + "/dump'",
      "e16");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json cfg = read_json(out + "/resolved_config.json");
  EXPECT_EQ(cfg.at("pe_array").at("mac_bits"), 16);
  EXPECT_EQ(cfg.at("pe_array").at("accum_bits"), 16);
  // Reference: the input as written, the weights as the seed generates them.
  const workloads::Graph g = workloads::load_graph_json(graph);
  const workloads::Layer& l = g.layers.at(0);
  workloads::Int32Buffer in({1, 4, 10, 10});
  for (size_t i = 0; i < in.data.size(); ++i) in.data[i] = x16(int64_t(i));
  const workloads::Int32Buffer w = workloads::generate_wide_values(g.tensor(l.weight), 1);
  using O = workloads::AccumulatorRule::Overflow;
  const workloads::Int32Buffer want =
      workloads::reference_conv2d(in, w, g.shape(l), {O::kWrap, 16});
  const workloads::HostTensor got = workloads::read_tensor_file(out + "/dump/output_0.npy");
  ASSERT_EQ(got.ints.size(), want.data.size());
  for (size_t i = 0; i < want.data.size(); ++i)
    ASSERT_EQ(got.ints[i], want.data[i]) << "output " << i;
  // The 16-bit rule matters here: most 32-bit sums leave the int16 range.
  const workloads::Int32Buffer wide =
      workloads::reference_conv2d(in, w, g.shape(l), {O::kWrap, 32});
  int64_t beyond = 0;
  for (int32_t v : wide.data) beyond += v > 32767 || v < -32768;
  EXPECT_GT(beyond, int64_t(want.data.size()) / 2);
}

}  // namespace
}  // namespace adasim::test
