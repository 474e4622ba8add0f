// SPDX-License-Identifier: Apache-2.0
// Compression on spatial arrays counts: a compressed operand's DRAM and buffer energy follow its
// encoded bytes, the buffer reads toward the array go through the decoder (compression.*
// decoded_values and the decoder's energy row), and an output encoder sizes the stores of final
// outputs from their requantized values. Expected bytes are derived by hand from the formats'
// definitions; prices come from the energy table. One simulation per test (SystemC).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

using workloads::Int8Buffer;

const arch::EnergyRow* row(const sim::SimulationResult& res, const std::string& module,
                           const std::string& action) {
  for (const arch::EnergyRow& e : res.layers.at(0).energy)
    if (e.module == module && e.action == action) return &e;
  return nullptr;
}

TEST(SpatialCompression, EncodedWeightsSetDramAndBufferEnergy) {
  // Conv 8 -> 8 channels, 3x3, 8x8 on a 4x4 RS array with a 1.5 KiB buffer. Weights
  // [8][72], every third element nonzero: CSR of one [8][72] tile = 9 ptrs x ceil(log2(577)) = 10
  // bits + 192 x 7-bit columns + 192 x 8 = 2970 bits = 372 B for 576 dense bytes. The engine
  // counts dense values (its per-iteration check holds); the DMA moves ceil(weight values x 372 /
  // 576) bytes in total.
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 8, 8, 8, 8, 3, 3, 1, 1});
  Int8Buffer w({8, 8, 3, 3});
  for (size_t i = 0; i < w.data.size(); ++i) w.data[i] = int8_t(i % 3 == 0 ? 1 + int(i % 50) : 0);
  g.constant_values["conv.w"] = w;
  arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 128, 1536);
  spec.sparsity.storage.weight = "csr";
  // Pinned DRAM loops, output rows outside output channels: each quarter of the rows reloads all
  // the weights, 4 x 576 values (left free, the mapper keeps them resident: no refetch).
  spec.mapper.factors = {{"dram", "P", 4}, {"dram", "M", 4}, {"dram", "C", 1}, {"dram", "N", 1},
                         {"dram", "Q", 1}, {"dram", "R", 1}, {"dram", "S", 1}};
  spec.mapper.dram_order = {"P", "M", "C", "N", "Q", "R", "S"};
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(5));
  const Int8Buffer in = values.get("conv.in");
  std::map<std::string, workloads::Int32Buffer> acc;
  const sim::SimulationResult res = sim::simulate(spec, g, energy, values, nullptr, &acc);
  const auto& a = res.layers.at(0).accesses;
  const uint64_t dram_values = a.at("dram.weight.reads");
  const uint64_t gbuf_values = a.at("gbuf.weight.reads");
  ASSERT_EQ(dram_values, 4u * 576u);  // refetched once per DRAM P step
  // Cumulative rounding: n dense bytes cost ceil(n x 372 / 576) encoded bytes.
  const uint64_t dram_bytes = (dram_values * 372 + 575) / 576;
  const uint64_t read_bytes = (gbuf_values * 372 + 575) / 576;
  EXPECT_EQ(a.at("compression.weight.payload_bits") + a.at("compression.weight.metadata_bits"),
            2970u);
  EXPECT_EQ(a.at("dram.read_bytes"),
            a.at("dram.ifmap.reads") + dram_bytes + a.at("dram.psum.reads") * 4);
  // The decoder at the buffer's read port decodes every value read toward the array.
  EXPECT_EQ(a.at("compression.weight.decoded_values"), gbuf_values);
  EXPECT_GT(a.at("compression.weight.decode_cycles"), 0u);
  const arch::EnergyRow* dec = row(res, "decoder", "weight_decode");
  ASSERT_NE(dec, nullptr);
  EXPECT_EQ(dec->count, gbuf_values);
  // DRAM: encoded bytes at 8 bits each; no per-value weight row any more.
  const arch::EnergyRow* d = row(res, "dram", "weight_encoded");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->count, dram_bytes);
  EXPECT_DOUBLE_EQ(d->pj_each, 8 * energy.dram_pj_per_bit());
  EXPECT_EQ(row(res, "dram", "weight"), nullptr);
  // Buffer: the fills (the DRAM bytes) and the reads toward the array, encoded; a byte costs its
  // share of a word read.
  const arch::SramLevelSpec& gb = spec.sram.at(0);
  const arch::EnergyRow* b = row(res, gb.name, "weight_encoded");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->count, dram_bytes + read_bytes);
  EXPECT_NEAR(b->pj_each,
              energy.sram_read_pj(gb.size_bytes, gb.word_bits) * 8.0 / gb.word_bits *
                  energy.dynamic_voltage_factor(spec.clock.nominal.voltage_v),
              1e-12);
  EXPECT_EQ(row(res, gb.name, "weight"), nullptr);
  // The dense ifmap keeps its per-value rows.
  EXPECT_NE(row(res, "dram", "ifmap"), nullptr);
  EXPECT_EQ(row(res, "dram", "ifmap_encoded"), nullptr);
  EXPECT_EQ(acc.at("conv.out").data, workloads::reference_conv2d(in, w, g.shape(g.layers[0])).data);
}

// FC 7 x 16 -> 12. Inputs 1 + (n + c) % 5 (all > 0); weights 1 at even c of channels k % 3 == 0,
// else 0. So output (n, k) is a positive sum (stored clamped to 127 at most) when k % 3 == 0 and
// exactly 0 otherwise: every output row [12] holds 4 nonzeros (k = 0, 3, 6, 9).
constexpr int64_t kN = 7, kC = 16, kK = 12;

struct FcRun {
  double dram_pj_per_bit = 0;  ///< from the run's energy table
  sim::SimulationResult res;
  std::map<std::string, workloads::Int32Buffer> acc;
  Int8Buffer in, w;
  const std::map<std::string, uint64_t>& a() const { return res.layers.at(0).accesses; }
};

// The DRAM loop factors and order are pinned: the expected stores below are derived for that
// mapping (left free, the latency objective splits N at DRAM even with room for the whole layer,
// which pipelines loads with compute, and a small buffer is tiled over N and M, never over C).
FcRun run_fc(int64_t gbuf_bytes, std::vector<arch::FactorConstraint> dram_factors,
             std::vector<std::string> dram_order) {
  workloads::Graph g;
  test::add_fc(g, "fc", kN, kC, kK);
  FcRun run;
  run.in = Int8Buffer({kN, kC});
  for (int64_t n = 0; n < kN; ++n)
    for (int64_t c = 0; c < kC; ++c) run.in.data[size_t(n * kC + c)] = int8_t(1 + (n + c) % 5);
  run.w = Int8Buffer({kK, kC});
  for (int64_t k = 0; k < kK; ++k)
    for (int64_t c = 0; c < kC; ++c)
      run.w.data[size_t(k * kC + c)] = int8_t(k % 3 == 0 && c % 2 == 0);
  g.constant_values["fc.w"] = run.w;
  arch::AcceleratorSpec spec = test::spatial_spec(4, 4, "rs", 128, gbuf_bytes);
  spec.sparsity.storage.ofmap = "bitmask";
  spec.mapper.factors = std::move(dram_factors);
  spec.mapper.dram_order = std::move(dram_order);
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(3));
  values.put("fc.in", run.in);
  run.res = sim::simulate(spec, g, energy, values, nullptr, &run.acc);
  run.dram_pj_per_bit = energy.dram_pj_per_bit();
  return run;
}

TEST(SpatialCompression, OutputEncoderSizesTheStoreOfFinalOutputs) {
  // No DRAM loop: the whole layer sits in the buffer and every output leaves once, final, in one
  // store: 7 runs (rows of K = 12) of 12 mask bits + 4 x 8 payload bits = 308 bits = 39 bytes
  // (dense: 84).
  const FcRun run = run_fc(1 << 20, {{"dram", "N", 1}, {"dram", "M", 1}, {"dram", "C", 1}}, {});
  ASSERT_EQ(run.res.schedules.at(0).transfers.folds.size(), 1u);
  const auto& a = run.a();
  EXPECT_EQ(a.at("compression.ofmap.encoded_bytes"), 39u);
  EXPECT_EQ(a.at("compression.ofmap.encoded_values"), 84u);
  EXPECT_EQ(a.at("compression.ofmap.metadata_bits"), 7u * 12u);
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), 7u * 4u * 8u);
  EXPECT_EQ(a.at("dram.write_bytes"), 39u);
  // DRAM energy of the stores: the encoded bytes at 8 bits each; no dense psum traffic is left.
  const arch::EnergyRow* d = row(run.res, "dram", "ofmap_encoded");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->count, 39u);
  EXPECT_DOUBLE_EQ(d->pj_each, 8 * run.dram_pj_per_bit);
  EXPECT_EQ(row(run.res, "dram", "psum"), nullptr);
  const arch::EnergyRow* enc = row(run.res, "encoder", "ofmap_encode");
  ASSERT_NE(enc, nullptr);
  EXPECT_EQ(enc->count, 84u);
  EXPECT_EQ(run.acc.at("fc.out").data, workloads::reference_fc(run.in, run.w).data);
}

TEST(SpatialCompression, SpilledPartialSumsLeaveDenseBesideEncodedOutputs) {
  // A 256 B buffer with C split in two at DRAM, outermost, then N by row and M by 4 channels:
  // 2 x 7 x 3 = 42 folds of one row x 4 channels. The first 21 (c < 8) end with partial sums
  // only: plain spills of 4 int32 (16 bytes) each, reloaded by the last 21, whose stores carry
  // the final outputs through the encoder. A final store of channels k0..k0+3 is one run of 4
  // mask bits + 8 payload bits per nonzero (k % 3 == 0): k 0..3 -> 2 nonzeros = 20 bits = 3 B,
  // k 4..7 and 8..11 -> 1 nonzero = 12 bits = 2 B; 7 B per row, 49 B in all. (The 4 channels
  // of a DRAM iteration are fixed below the DRAM level too: a buffer x array tiling of 6
  // channels, with an empty third DRAM iteration, is also legal and stores other runs.)
  const FcRun run = run_fc(
      256,
      {{"dram", "C", 2}, {"dram", "N", 7}, {"dram", "M", 3}, {"gbuf", "M", 1}, {"array", "M", 4}},
      {"C", "N", "M", "P", "Q", "R", "S"});
  ASSERT_EQ(run.res.schedules.at(0).transfers.folds.size(), 42u);
  const auto& a = run.a();
  EXPECT_EQ(a.at("dram.psum.writes"), 84u + 84u);  // spills, then final outputs (in values)
  EXPECT_EQ(a.at("dram.psum.reads"), 84u);         // the spills come back once
  EXPECT_EQ(a.at("compression.ofmap.encoded_values"), 84u);
  EXPECT_EQ(a.at("compression.ofmap.encoded_bytes"), 49u);
  EXPECT_EQ(a.at("compression.ofmap.metadata_bits"), 84u);
  EXPECT_EQ(a.at("compression.ofmap.payload_bits"), 7u * 4u * 8u);
  EXPECT_EQ(a.at("dram.write_bytes"), 49u + 84u * 4u);
  // DRAM energy: the encoded final stores per byte, the spills and reloads per int32 psum.
  const arch::EnergyRow* d = row(run.res, "dram", "ofmap_encoded");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->count, 49u);
  EXPECT_DOUBLE_EQ(d->pj_each, 8 * run.dram_pj_per_bit);
  const arch::EnergyRow* ps = row(run.res, "dram", "psum");
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->count, 84u + 84u);
  EXPECT_DOUBLE_EQ(ps->pj_each, 32 * run.dram_pj_per_bit);
  const arch::EnergyRow* enc = row(run.res, "encoder", "ofmap_encode");
  ASSERT_NE(enc, nullptr);
  EXPECT_EQ(enc->count, 84u);
  EXPECT_EQ(run.acc.at("fc.out").data, workloads::reference_fc(run.in, run.w).data);
}

}  // namespace
}  // namespace adasim
