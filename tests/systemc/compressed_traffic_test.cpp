// SPDX-License-Identifier: Apache-2.0
// Compressed storage (sparsity.storage) changes memory traffic and nothing else: with weights of
// a known zero pattern loaded exactly once, the layer's DRAM reads are the dense ifmap bytes plus
// the encoded weight bytes counted by hand; reloaded weights move whole encoded copies; the SRAM
// reads toward the array shrink by the same bytes; dense formats leave the spine's traffic
// untouched; outputs stay bit-exact.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "sim/core/errors.hpp"
#include "test_support.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using Dataflow = std::string;  // a registered dataflow's name
using workloads::Int8Buffer;

/// [rows][cols] values from f(row, col) (stored as bytes).
Int8Buffer matrix(int64_t rows, int64_t cols, const std::function<int(int64_t, int64_t)>& f) {
  Int8Buffer b({rows, cols});
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) b.data[size_t(r * cols + c)] = int8_t(f(r, c));
  return b;
}

/// Every 4th reduction element nonzero: 1 + (k + c) % 100 at c % 4 == 0.
Int8Buffer quarter_weights(int64_t k, int64_t c) {
  return matrix(k, c, [](int64_t r, int64_t j) { return j % 4 == 0 ? int(1 + (r + j) % 100) : 0; });
}

struct FcRun {
  sim::SimulationResult res;
  Int8Buffer in, w;
  std::map<std::string, workloads::Int32Buffer> acc;
  const std::map<std::string, uint64_t>& a() const { return res.layers.at(0).accesses; }
};

/// One FC layer (batch n, c inputs, k outputs) with weights `w` and, if given, inputs `in`.
FcRun run_fc(arch::AcceleratorSpec spec, const arch::StorageFormats& formats, int64_t n, int64_t c,
             int64_t k, const Int8Buffer& w, const std::optional<Int8Buffer>& in = std::nullopt) {
  workloads::Graph g;
  test::add_fc(g, "fc", n, c, k);
  g.constant_values["fc.w"] = w;
  spec.sparsity.storage = formats;
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  if (in) values.put("fc.in", *in);
  FcRun run;
  run.in = values.get("fc.in");  // copied before the layer releases it
  run.w = w;
  run.res = sim::simulate(spec, g, energy, values, nullptr, &run.acc);
  return run;
}

void expect_exact_outputs(const FcRun& run) {
  const workloads::Int32Buffer ref = workloads::reference_fc(run.in, run.w);
  ASSERT_EQ(run.acc.count("fc.out"), 1u);
  EXPECT_EQ(run.acc.at("fc.out").data, ref.data);
}

/// The weights of the schedule's layer are loaded exactly once, the ifmap too.
void expect_single_copies(const workloads::LayerSchedule& s, int64_t ifmap_bytes,
                          int64_t weight_bytes) {
  int64_t w = 0, in = 0;
  for (const auto& f : s.transfers.folds) {
    w += f.stationary_load_bytes[0];
    for (const auto& c : f.chunks) {
      w += c.load_bytes[size_t(arch::Operand::kWeight)][0];
      in += c.load_bytes[size_t(arch::Operand::kIfmap)][0];
    }
  }
  ASSERT_EQ(w, weight_bytes);
  ASSERT_EQ(in, ifmap_bytes);
}

// FC 8 x 64 -> 16 on a 16x16 WS array with 1 MiB: 4 Kred folds of 16x16 weights, one column
// fold, so every weight and every input byte is loaded once. Weights: 256 nonzeros of 1024.
constexpr int64_t kN = 8, kC = 64, kK = 16;
// Array-side reads of the dense layer: the ifmap streamed once (8 x 64), every weight shifted in
// once (1024) and the psums of folds 2..4 read back (8 x 16 x 4 B x 3).
constexpr uint64_t kIfmapStream = 512, kPsumRmw = 8 * 16 * 4 * 3;

struct FormatCase {
  const char* format;
  uint64_t encoded_bytes;  // by hand, below
  uint64_t decode_cycles;  // of the whole tensor, decoded once
};

// Per output channel: 64 elements, 16 nonzeros (c = 0, 4, .., 60), then 3 trailing zeros.
//  bitmask: 1024 mask bits + 256 x 8 = 3072 bits = 384 B; decode max(16, 1) per row = 256.
//  rle (5-bit runs): (0,v) then 15 x (3,v) and a trailing (2,0) = 17 words per row, 272 x 13
//       bits = 3536 bits = 442 B; one word per cycle = 272.
//  csr: one [16][64] tile, 17 ptrs x ceil(log2(1025)) = 11 bits + 256 x 6-bit columns
//       = 1723 bits + 2048 payload = 3771 bits = 472 B (471.4 rounded up); 16 + 256 cycles.
//  nm 2:4: 16 groups per row x 2 slots (one padding zero) = 512 slots x (2 + 8) = 5120 bits
//       = 640 B; one slot per cycle = 512.
class WeightsOnce : public ::testing::TestWithParam<FormatCase> {};

TEST_P(WeightsOnce, DramReadsAreDenseIfmapPlusEncodedWeights) {
  const FormatCase fc = GetParam();
  arch::StorageFormats f;
  f.weight = fc.format;
  const FcRun run = run_fc(test::real_spec(16, 16, "ws", 1000.0, 1 << 20), f, kN, kC, kK,
                           quarter_weights(kK, kC));
  expect_single_copies(run.res.schedules.at(0), kN * kC, kK * kC);
  const auto& a = run.a();
  EXPECT_EQ(a.at("dma.load_bytes_weight"), fc.encoded_bytes);
  EXPECT_EQ(a.at("dma.load_bytes_ifmap"), uint64_t(kN * kC));
  EXPECT_EQ(a.at("dram.read_bytes"), uint64_t(kN * kC) + fc.encoded_bytes);
  EXPECT_EQ(a.at("dram.write_bytes"), uint64_t(kN * kK));  // outputs stay dense
  EXPECT_EQ(a.at("gbuf.fill_bytes"), uint64_t(kN * kC) + fc.encoded_bytes);
  // The weights cross the SRAM read port once, encoded.
  EXPECT_EQ(a.at("gbuf.read_bytes"), kIfmapStream + fc.encoded_bytes + kPsumRmw);
  EXPECT_EQ(a.at("compression.weight.dense_bits"), uint64_t(kK * kC * 8));
  EXPECT_EQ(
      (a.at("compression.weight.payload_bits") + a.at("compression.weight.metadata_bits") + 7) / 8,
      fc.encoded_bytes);
  EXPECT_EQ(a.at("compression.weight.decoded_values"), uint64_t(kK * kC));
  EXPECT_EQ(a.at("compression.weight.decode_cycles"), fc.decode_cycles);
  EXPECT_EQ(a.count("compression.ifmap.dense_bits"), 0u);
  uint64_t decoder_rows = 0;
  for (const auto& e : run.res.layers[0].energy)
    if (e.module == "decoder") {
      ++decoder_rows;
      EXPECT_EQ(e.action, "weight_decode");
      EXPECT_EQ(e.count, uint64_t(kK * kC));
    }
  EXPECT_EQ(decoder_rows, 1u);
  expect_exact_outputs(run);
}

INSTANTIATE_TEST_SUITE_P(Formats, WeightsOnce,
                         ::testing::Values(FormatCase{"bitmask", 384, 256},
                                           FormatCase{"rle", 442, 272}, FormatCase{"csr", 472, 272},
                                           FormatCase{"nm", 640, 512}),
                         [](const ::testing::TestParamInfo<FormatCase>& i) {
                           return std::string(i.param.format);
                         });

TEST(CompressedTraffic, AllNonzeroBitmaskCostsDensePlusOneBitPerValue) {
  arch::StorageFormats f;
  f.weight = "bitmask";
  const Int8Buffer w =
      matrix(kK, kC, [](int64_t r, int64_t j) { return int(1 + (r * kC + j) % 120); });
  const FcRun run = run_fc(test::real_spec(16, 16, "ws", 1000.0, 1 << 20), f, kN, kC, kK, w);
  // 1024 values x 8 bits + 1024 mask bits = 1152 B.
  EXPECT_EQ(run.a().at("dram.read_bytes"), uint64_t(kN * kC) + 1024u + 128u);
  EXPECT_EQ(run.a().at("compression.weight.metadata_bits"), 1024u);
  EXPECT_EQ(run.a().at("compression.weight.payload_bits"), 8192u);
  expect_exact_outputs(run);
}

TEST(CompressedTraffic, CompressedIfmapAndWeights) {
  arch::StorageFormats f;
  f.ifmap = "rle";
  f.weight = "csr";
  // Inputs: odd columns nonzero. Per row of 64: 32 words (1, v), no trailing run; 8 rows x 32
  // words x (5 + 8) bits = 3328 bits = 416 B.
  const Int8Buffer in =
      matrix(kN, kC, [](int64_t r, int64_t j) { return j % 2 ? int(1 + (r + j) % 90) : 0; });
  const FcRun run = run_fc(test::real_spec(16, 16, "ws", 1000.0, 1 << 20), f, kN, kC, kK,
                           quarter_weights(kK, kC), in);
  const auto& a = run.a();
  EXPECT_EQ(a.at("dma.load_bytes_ifmap"), 416u);
  EXPECT_EQ(a.at("dram.read_bytes"), 416u + 472u);
  EXPECT_EQ(a.at("compression.ifmap.metadata_bits"), 256u * 5u);
  EXPECT_EQ(a.at("compression.ifmap.payload_bits"), 256u * 8u);
  EXPECT_EQ(a.at("gbuf.read_bytes"), 416u + 472u + kPsumRmw);
  EXPECT_EQ(a.at("compression.ifmap.decoded_values"), uint64_t(kN * kC));
  expect_exact_outputs(run);
}

TEST(CompressedTraffic, NmOnWeightsThatBreakThePatternIsAConfigError) {
  arch::StorageFormats f;
  f.weight = "nm";  // 2:4; channel 5 gets three nonzeros in its group 2 (elements 8..11)
  Int8Buffer w = quarter_weights(kK, kC);
  w.data[5 * kC + 9] = 1;
  w.data[5 * kC + 10] = 1;
  try {
    run_fc(test::real_spec(16, 16, "ws", 1000.0, 1 << 20), f, kN, kC, kK, w);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("/sparsity/storage/weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layer 'fc'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("output channel 5, group 2"), std::string::npos) << msg;
  }
}

// The FC of memory_traffic_test (64 x 100 -> 70, 16x16 WS array).
TEST(CompressedTraffic, DenseFormatsLeaveTheSpineUnchanged) {
  arch::StorageFormats f;  // explicit dense everywhere, other knobs changed
  f.rle_run_bits = 3;
  f.nm_n = 1;
  const FcRun run = run_fc(test::real_spec(16, 16, "ws", 1000.0, 1 << 20), f, 64, 100, 70,
                           quarter_weights(70, 100));
  const auto& a = run.a();
  EXPECT_EQ(a.at("dram.read_bytes"), 7000u + 6400u);
  EXPECT_EQ(a.at("dram.write_bytes"), 64u * 70u);
  EXPECT_EQ(a.at("gbuf.read_bytes"), 5u * 64u * 100u + 100u * 70u + 64u * 70u * 4u * 6u);
  for (const auto& [key, v] : a) EXPECT_NE(key.rfind("compression.", 0), 0u) << key;
  for (const auto& e : run.res.layers[0].energy) EXPECT_NE(e.module, "decoder");
  expect_exact_outputs(run);
}

TEST(CompressedTraffic, ReloadedWeightsMoveWholeEncodedCopies) {
  // memory_traffic_test's 4 KiB case: the M stream is chunked outside the Kred folds and every
  // chunk reloads all weights. CSR of [70][100] with 25 nonzeros per row: 71 ptrs x
  // ceil(log2(7001)) = 13 bits + 1750 x 7-bit columns = 13173 bits, + 14000 payload = 27173
  // bits = 3397 B (3396.6 rounded up).
  arch::StorageFormats f;
  f.weight = "csr";
  const FcRun run = run_fc(test::real_spec(16, 16, "ws", 1.0, 4 * 1024), f, 64, 100, 70,
                           quarter_weights(70, 100));
  const arch::SystolicProgram& s = run.res.schedules.at(0).systolic();
  ASSERT_TRUE(s.chunk_outer);
  const uint64_t chunks = uint64_t((64 + s.chunk_len - 1) / s.chunk_len);
  ASSERT_GT(chunks, 1u);
  EXPECT_EQ(run.a().at("dma.load_bytes_weight"), chunks * 3397u);
  EXPECT_EQ(run.a().at("dram.read_bytes"), 5u * 6400u + chunks * 3397u);
  expect_exact_outputs(run);
}

// Spatial arrays (loads scaled cumulatively, encoded DRAM and buffer energy, the decoder, the
// output encoder): tests/systemc/spatial_compression_test.cpp.

}  // namespace
}  // namespace adasim
