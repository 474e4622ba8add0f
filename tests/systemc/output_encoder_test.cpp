// SPDX-License-Identifier: Apache-2.0
// Output encoder (sparsity.storage.ofmap): the stores of final outputs move the encoded size of
// the real requantized outputs, counted by hand with the documented run cutting (one run per
// innermost line of the output tensor within a store, one stream per store rounded up to whole
// bytes); a dense ofmap moves the schedule's bytes exactly; outputs stay bit-exact; wide outputs
// refuse a compressed ofmap. Spatial arrays: tests/systemc/spatial_compression_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
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

// FC 7 x 16 -> 12. Inputs 1 + (n + c) % 5 (all > 0); weights 1 at even c of channels k % 3 == 0,
// else 0. So output (n, k) is a positive sum (>= 8, stored clamped to 127 at most) when
// k % 3 == 0 and exactly 0 otherwise: every output row [12] holds 4 nonzeros (k = 0, 3, 6, 9).
constexpr int64_t kN = 7, kC = 16, kK = 12;

Int8Buffer fc_inputs() {
  Int8Buffer b({kN, kC});
  for (int64_t n = 0; n < kN; ++n)
    for (int64_t c = 0; c < kC; ++c) b.data[size_t(n * kC + c)] = int8_t(1 + (n + c) % 5);
  return b;
}

Int8Buffer fc_weights() {
  Int8Buffer b({kK, kC});
  for (int64_t k = 0; k < kK; ++k)
    for (int64_t c = 0; c < kC; ++c) b.data[size_t(k * kC + c)] = int8_t(k % 3 == 0 && c % 2 == 0);
  return b;
}

struct FcRun {
  sim::SimulationResult res;
  std::map<std::string, workloads::Int32Buffer> acc;
  const std::map<std::string, uint64_t>& a() const { return res.layers.at(0).accesses; }
};

FcRun run_fc(Dataflow df, const std::string& ofmap, int64_t chunk_len) {
  workloads::Graph g;
  test::add_fc(g, "fc", kN, kC, kK);
  g.constant_values["fc.w"] = fc_weights();
  arch::AcceleratorSpec spec = test::real_spec(16, 16, df, 1000.0, 1 << 20);
  spec.sparsity.storage.ofmap = ofmap;
  spec.mapper.chunk_len = chunk_len;
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  values.put("fc.in", fc_inputs());
  FcRun run;
  run.res = sim::simulate(spec, g, energy, values, nullptr, &run.acc);
  return run;
}

void expect_exact_fc(const FcRun& run) {
  ASSERT_EQ(run.acc.count("fc.out"), 1u);
  EXPECT_EQ(run.acc.at("fc.out").data, workloads::reference_fc(fc_inputs(), fc_weights()).data);
}

uint64_t encoder_count(const FcRun& run) {
  uint64_t n = 0, rows = 0;
  for (const auto& e : run.res.layers.at(0).energy)
    if (e.module == "encoder") {
      ++rows;
      EXPECT_EQ(e.action, "ofmap_encode");
      n += e.count;
    }
  EXPECT_LE(rows, 1u);
  return n;
}

struct BitmaskCase {
  const char* name;
  Dataflow df;
  int64_t chunk_len;
  uint64_t store_bytes;  // by hand, below
};

// Bitmask: a run of L elements with z nonzeros is L mask bits + 8 z value bits.
//  WS, chunk_len 3: stores of output rows {0-2}, {3-5}, {6}; each row is one run of 12 with 4
//    nonzeros = 44 bits: ceil(132 / 8) = 17, 17, ceil(44 / 8) = 6 -> 40 B.
//  OS: one store of the whole 7 x 12 fold: 7 runs x 44 = 308 bits -> 39 B (38.5 rounded up).
//  IS, chunk_len 5: stores of channels [0,5), [5,10), [10,12) for all 7 rows; per row the run
//    holds k = {0, 3}, {6, 9}, {} : 5 + 16 = 21, 21, 2 bits -> ceil(147 / 8) = 19, 19,
//    ceil(14 / 8) = 2 -> 40 B.
class OfmapBitmask : public ::testing::TestWithParam<BitmaskCase> {};

TEST_P(OfmapBitmask, StoresMoveTheHandCountedEncodedOutputs) {
  const BitmaskCase bc = GetParam();
  const FcRun run = run_fc(bc.df, "bitmask", bc.chunk_len);
  const arch::SystolicProgram& s = run.res.schedules.at(0).systolic();
  ASSERT_EQ(s.folds.size(), 1u);  // one fold: no psum traffic, every store is final
  if (bc.df != "os") {
    ASSERT_EQ(s.chunk_len, bc.chunk_len);
  }
  const auto& a = run.a();
  EXPECT_EQ(a.at("dma.store_bytes"), bc.store_bytes);
  EXPECT_EQ(a.at("dram.write_bytes"), bc.store_bytes);
  EXPECT_EQ(a.at("compression.ofmap.encoded_bytes"), bc.store_bytes);
  EXPECT_EQ(a.at("compression.ofmap.dense_bits"), uint64_t(kN * kK * 8));
  EXPECT_EQ(a.at("compression.ofmap.metadata_bits"), uint64_t(kN * kK));  // one mask bit each
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), uint64_t(kN * 4 * 8));
  EXPECT_EQ(a.at("compression.ofmap.encoded_values"), uint64_t(kN * kK));
  EXPECT_EQ(encoder_count(run), uint64_t(kN * kK));
  // The drain carries the encoded stream; inputs and weights are read dense, exactly once.
  EXPECT_EQ(a.at("gbuf.drain_bytes"), bc.store_bytes);
  EXPECT_EQ(a.at("dram.read_bytes"), uint64_t(kN * kC + kK * kC));
  expect_exact_fc(run);
}

std::string case_name(const ::testing::TestParamInfo<BitmaskCase>& i) { return i.param.name; }

INSTANTIATE_TEST_SUITE_P(Dataflows, OfmapBitmask,
                         ::testing::Values(BitmaskCase{"ws", "ws", 3, 40},
                                           BitmaskCase{"os", "os", 0, 39},
                                           BitmaskCase{"is", "is", 5, 40}),
                         case_name);

// A dense ofmap: every store moves the schedule's bytes, one per output (84), and nothing is
// encoded (each SystemC test runs one simulation: one case per dataflow).
class OfmapDense : public ::testing::TestWithParam<BitmaskCase> {};

TEST_P(OfmapDense, StoresMoveTheScheduleBytes) {
  const BitmaskCase bc = GetParam();
  const FcRun run = run_fc(bc.df, "dense", bc.chunk_len);
  const auto& a = run.a();
  EXPECT_EQ(a.at("dma.store_bytes"), uint64_t(kN * kK));
  EXPECT_EQ(a.at("dram.write_bytes"), uint64_t(kN * kK));
  EXPECT_EQ(a.at("gbuf.drain_bytes"), uint64_t(kN * kK));
  EXPECT_EQ(a.at("dram.write_bytes"), uint64_t(run.res.schedules.at(0).dram_store_bytes()));
  for (const auto& [key, v] : a) EXPECT_NE(key.rfind("compression.", 0), 0u) << key;
  EXPECT_EQ(encoder_count(run), 0u);
  expect_exact_fc(run);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, OfmapDense,
                         ::testing::Values(BitmaskCase{"ws", "ws", 3, 0},
                                           BitmaskCase{"os", "os", 0, 0},
                                           BitmaskCase{"is", "is", 5, 0}),
                         case_name);

// WS, chunk_len 7: one store of 7 whole rows, each row [12] = v 0 0 v 0 0 v 0 0 v 0 0.
//  rle (5-bit runs): (0,v) (2,v) (2,v) (2,v) and the trailing two zeros as (1, 0): 5 words x 13
//    bits = 65 bits per row; 7 rows: payload 35 x 8 = 280, metadata 35 x 5 = 175, 455 bits -> 57 B.
//  bitmask: 7 runs x (12 + 32) = 308 bits -> 39 B (38.5 rounded up once: one store).
//  csr (each run a one-row tile of 12): 2 pointers x ceil(log2(13)) = 4 bits + 4 columns x
//    ceil(log2(12)) = 4 bits = 24 metadata bits + 32 payload bits = 56 bits per row; 7 rows:
//    metadata 168, payload 224, 392 bits -> 49 B.
struct FormatCase {
  const char* format;
  uint64_t payload, metadata, bytes;  // by hand, above
};
class OfmapFormats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(OfmapFormats, StoresAreHandCounted) {
  const FormatCase c = GetParam();
  const FcRun run = run_fc("ws", c.format, 7);
  ASSERT_EQ(run.res.schedules.at(0).systolic().chunk_len, 7);
  const auto& a = run.a();
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), c.payload);
  EXPECT_EQ(a.at("compression.ofmap.metadata_bits"), c.metadata);
  EXPECT_EQ(a.at("dram.write_bytes"), c.bytes);
  EXPECT_EQ(a.at("compression.ofmap.encoded_bytes"), c.bytes);
  expect_exact_fc(run);
}

INSTANTIATE_TEST_SUITE_P(Formats, OfmapFormats,
                         ::testing::Values(FormatCase{"bitmask", 224, 84, 39},
                                           FormatCase{"rle", 280, 175, 57},
                                           FormatCase{"csr", 224, 168, 49}),
                         [](const ::testing::TestParamInfo<FormatCase>& i) {
                           return std::string(i.param.format);
                         });

// Conv 4 -> 8 channels, 6x6, 3x3, pad 1, fused ReLU, seeded values, WS on 16x16: Kred = 36 is
// three row folds, so the stored values are final only after the third fold adds its part. One
// chunk of all 36 pixels, one column fold: a single store of the whole [1][8][6][6] output.
// Bitmask: 288 mask bits + 8 per nonzero; with unit scales an output is nonzero exactly when its
// reference accumulator is positive: ceil((288 + 8 nnz) / 8) = 36 + nnz bytes.
TEST(OfmapEncoder, ReluConvStoresFinalValuesAfterEveryFold) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 4, 6, 6, 8, 3, 3, 1, 1});
  g.layers[0].relu = true;
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", 1000.0, 1 << 20);
  spec.sparsity.storage.ofmap = "bitmask";
  spec.mapper.chunk_len = 36;
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(11));
  const Int8Buffer in = values.get("conv.in"), w = values.get("conv.w");
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  const arch::SystolicProgram& s = res.schedules.at(0).systolic();
  ASSERT_EQ(s.folds.size(), 3u);
  ASSERT_FALSE(s.psum_spill);
  const workloads::Int32Buffer ref = workloads::reference_conv2d(in, w, g.shape(g.layers[0]));
  uint64_t nnz = 0;
  for (int32_t v : ref.data) nnz += v > 0;
  ASSERT_GT(nnz, 0u);
  ASSERT_LT(nnz, 288u);
  const auto& a = res.layers.at(0).accesses;
  EXPECT_EQ(a.at("dram.write_bytes"), 36u + nnz);
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), 8u * nnz);
  EXPECT_EQ(a.at("compression.ofmap.metadata_bits"), 288u);
  EXPECT_EQ(acc.at("conv.out").data, ref.data);
}

// Vector path: an add of two [1][2][3][4] tensors, a[i] = 1 + i % 7 and b[i] = 5 where i % 4 == 1,
// else -a[i]: out[i] = a[i] + 5 > 0 at i % 4 == 1, else 0. One chunk (1 MiB buffer): one store of
// 6 lines of 4 with one nonzero each: bitmask 6 x (4 + 8) = 72 bits -> 9 B (dense: 24 B).
TEST(OfmapEncoder, VectorPathStoresAreEncoded) {
  workloads::Graph g;
  workloads::Layer l;
  l.name = "add";
  l.op = workloads::OpType::kAdd;
  l.inputs = {"add.a", "add.b"};
  l.output = "add.out";
  for (const char* t : {"add.a", "add.b", "add.out"})
    g.tensors[t] = test::make_tensor(t, {1, 2, 3, 4}, false);
  g.graph_inputs = {"add.a", "add.b"};
  g.graph_outputs = {"add.out"};
  g.layers.push_back(l);
  Int8Buffer a({1, 2, 3, 4}), b({1, 2, 3, 4});
  for (size_t i = 0; i < 24; ++i) {
    a.data[i] = int8_t(1 + i % 7);
    b.data[i] = int8_t(i % 4 == 1 ? 5 : -a.data[i]);
  }
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", 1000.0, 1 << 20);
  spec.sparsity.storage.ofmap = "bitmask";
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  values.put("add.a", a);
  values.put("add.b", b);
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, nullptr);
  ASSERT_TRUE(std::holds_alternative<arch::VectorProgram>(res.schedules.at(0).engine));
  ASSERT_EQ(res.schedules.at(0).transfers.folds.at(0).chunks.size(), 1u);
  const auto& acc = res.layers.at(0).accesses;
  EXPECT_EQ(acc.at("dram.write_bytes"), 9u);
  EXPECT_EQ(acc.at("compression.ofmap.metadata_bits"), 24u);
  EXPECT_EQ(acc.at("compression.ofmap.payload_bits"), 48u);
  const Int8Buffer& out = values.get("add.out");
  for (size_t i = 0; i < 24; ++i)
    EXPECT_EQ(int(out.data[i]), i % 4 == 1 ? int(1 + i % 7 + 5) : 0) << i;
}

// The psum-spill FC of memory_traffic_test (64 x 512 -> 64, 64x64 WS, 10 KiB): 8 Kred folds,
// the psums of 7 go out dense int32 (64 x 64 x 4 x 7 B). Inputs all 1; weights +1 at c = 0 for
// every channel and -1 at c = 511 for odd channels, so every partial sum before the last fold is
// 1 and the final outputs are 1 (even k) and 0 (odd k). Each output line [64] holds 32 nonzeros:
// bitmask 64 + 256 = 320 bits = 40 whole bytes, so the stores move 64 x 40 B however the last
// fold's chunks cut the lines (2 rows each).
TEST(OfmapEncoder, PsumSpillsStayDenseAndFinalStoresAreEncoded) {
  workloads::Graph g;
  test::add_fc(g, "fc", 64, 512, 64);
  Int8Buffer w({64, 512});
  for (int64_t k = 0; k < 64; ++k) {
    w.data[size_t(k * 512)] = 1;
    if (k % 2) w.data[size_t(k * 512 + 511)] = -1;
  }
  g.constant_values["fc.w"] = w;
  arch::AcceleratorSpec spec = test::real_spec(64, 64, "ws", 1000.0, 10 * 1024);
  spec.sparsity.storage.ofmap = "bitmask";
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  Int8Buffer in({64, 512});
  std::fill(in.data.begin(), in.data.end(), int8_t(1));
  values.put("fc.in", in);
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  const arch::SystolicProgram& s = res.schedules.at(0).systolic();
  ASSERT_TRUE(s.psum_spill);
  ASSERT_EQ(s.row_folds, 8);
  const uint64_t psum = 64u * 64u * 4u * 7u;
  const auto& a = res.layers.at(0).accesses;
  EXPECT_EQ(a.at("dram.write_bytes"), psum + 64u * 40u);
  EXPECT_EQ(a.at("compression.ofmap.encoded_bytes"), 64u * 40u);
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), 64u * 32u * 8u);
  EXPECT_EQ(a.at("dram.read_bytes"), 512u * 64u + 64u * 512u + psum);  // unchanged
  EXPECT_EQ(acc.at("fc.out").data, workloads::reference_fc(in, w).data);
}

/// simulate() must refuse the run with a ConfigError whose message holds every one of `parts`.
void expect_config_error(const arch::AcceleratorSpec& spec, const workloads::Graph& g, uint64_t seed,
                         std::initializer_list<const char*> parts) {
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(seed));
  try {
    sim::simulate(spec, g, energy, values, nullptr, nullptr);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    const std::string msg = e.what();
    for (const char* p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg;
  }
}

TEST(OfmapEncoder, WideOutputsAreAConfigError) {
  workloads::Graph g;
  test::add_fc(g, "fc", kN, kC, kK);
  g.tensors.at("fc.out").bits = 32;  // int32 outputs (MatMulInteger-like)
  arch::AcceleratorSpec spec = test::real_spec(16, 16, "ws", 1000.0, 1 << 20);
  spec.sparsity.storage.ofmap = "rle";
  expect_config_error(spec, g, 3,
                      {"/sparsity/storage/ofmap", "\"rle\" for the 32-bit tensor 'fc.out' of layer 'fc'",
                       "up to 8 bits"});
}

}  // namespace
}  // namespace adasim
