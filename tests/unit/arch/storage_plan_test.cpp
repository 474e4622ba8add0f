// SPDX-License-Identifier: Apache-2.0
// Compressed operand storage: the fibre layout of activations and weights (checked through sizes
// that differ between layouts), sizes of small tensors counted by hand in every format (the
// arithmetic is in the comments), per-channel zero points, the N:M violation error, the byte
// scaler's cumulative rounding and the report rows.
#include "arch/sparse/storage_plan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "arch/energy/energy_table.hpp"
#include "arch/value_store.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/layer_report.hpp"
#include "test_support.hpp"

namespace adasim::arch {
namespace {

using workloads::Int8Buffer;
using workloads::Layer;
using workloads::OpType;
using workloads::TensorInfo;

Int8Buffer buffer(std::vector<int64_t> shape, std::initializer_list<int> v) {
  Int8Buffer b(std::move(shape));
  EXPECT_EQ(b.data.size(), v.size());
  size_t i = 0;
  for (int x : v) b.data[i++] = int8_t(uint8_t(x));
  return b;
}

TensorInfo info(const std::string& name, std::vector<int64_t> shape, int bits = 8,
                bool is_signed = true) {
  TensorInfo t = test::make_tensor(name, std::move(shape), false);
  t.bits = bits;
  t.is_signed = is_signed;
  return t;
}

Layer layer(const std::string& name, OpType op) {
  Layer l;
  l.name = name;
  l.op = op;
  return l;
}

// Ifmap [1][2][2][4]: two (n, c) planes of 2 lines of 4.
//   plane 0: [0 5 0 0] [0 0 0 0]     plane 1: [1 2 3 4] [0 0 0 7]
const Int8Buffer kIfmap = buffer({1, 2, 2, 4}, {0, 5, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 7});

TEST(StoragePlan, ActivationLayoutIsLinesOfPlanes) {
  const FibreLayout lay = activation_layout(info("x", {1, 2, 2, 4}), kIfmap);
  EXPECT_EQ(lay.tiles, 2);  // (n, c) planes
  EXPECT_EQ(lay.rows, 2);   // H lines per plane
  EXPECT_EQ(lay.len, 4);    // W
  EXPECT_FALSE(lay.columns);
  const FibreLayout fc = activation_layout(info("x", {3, 10}), Int8Buffer({3, 10}));
  EXPECT_EQ(fc.tiles, 1);
  EXPECT_EQ(fc.rows, 3);
  EXPECT_EQ(fc.len, 10);
}

TEST(StoragePlan, ActivationSizesByHand) {
  const TensorInfo t = info("x", {1, 2, 2, 4});
  StorageFormats o;
  o.rle_run_bits = 2;  // R = 3: a run of 4 zeros needs an explicit zero
  // Bitmask: 16 mask bits; 6 nonzeros x 8 bits. Decode: per line max(nnz, ceil(4/64)) =
  // 1 + 1 + 4 + 1 = 7.
  const OperandStorage bm = activation_storage(SparseFormat::kBitmask, o, t, kIfmap);
  EXPECT_EQ(bm.dense_bits, 128);
  EXPECT_EQ(bm.size.metadata_bits, 16);
  EXPECT_EQ(bm.size.payload_bits, 48);
  EXPECT_EQ(bm.fibres, 4);
  EXPECT_EQ(bm.decode_cycles, 7);
  // RLE per line: [0 5 0 0] = (1,5) + trailing (1,0) = 2 words; [0 0 0 0] = (3,0) = 1;
  // [1 2 3 4] = 4; [0 0 0 7] = (3,7) = 1. 8 words x (2 + 8) bits.
  const OperandStorage rle = activation_storage(SparseFormat::kRle, o, t, kIfmap);
  EXPECT_EQ(rle.size.metadata_bits, 16);
  EXPECT_EQ(rle.size.payload_bits, 64);
  EXPECT_EQ(rle.decode_cycles, 8);
  // CSR per plane [2][4]: ptr_bits = ceil(log2(9)) = 4, col_bits = 2. Plane 0: 3 ptrs + 1 index
  // = 14; plane 1: 12 + 5 x 2 = 22. (One [4][4] tile would give 5 x 5 + 6 x 2 = 37.)
  const OperandStorage csr = activation_storage(SparseFormat::kCsr, o, t, kIfmap);
  EXPECT_EQ(csr.size.metadata_bits, 36);
  EXPECT_EQ(csr.size.payload_bits, 48);
  EXPECT_EQ(csr.decode_cycles, (2 + 1) + (2 + 5));  // rows + nonzeros per tile
  EXPECT_EQ(csr.encoded_bytes(), 11);                 // ceil(84 / 8)
  EXPECT_DOUBLE_EQ(csr.ratio(), 11.0 / 16.0);
  // Dense: nothing scanned, nothing scaled.
  const OperandStorage dense = activation_storage(SparseFormat::kDense, o, t, kIfmap);
  EXPECT_FALSE(dense.compressed());
  EXPECT_EQ(dense.size.payload_bits, 128);
  EXPECT_EQ(dense.size.metadata_bits, 0);
  EXPECT_DOUBLE_EQ(dense.ratio(), 1.0);
  EXPECT_TRUE(dense.transfer_scale().identity());
}

TEST(StoragePlan, ZeroPointIsTheZero) {
  // Unsigned activation with zero point 128: the byte 0x80 is the zero, 0 is a value.
  TensorInfo t = info("x", {1, 4}, 8, false);
  t.zero_point = 128;
  const Int8Buffer v = buffer({1, 4}, {128, 0, 128, 200});
  const OperandStorage bm = activation_storage(SparseFormat::kBitmask, StorageFormats{}, t, v);
  EXPECT_EQ(bm.size.payload_bits, 16);  // 0 and 200
}

// FC weight [K=3][C=8], one fibre per output channel:
//   k0: [1 0 0 2 | 0 0 3 0]   k1: all zero   k2: [4 5 0 0 | 0 6 0 7]
const Int8Buffer kFcW = buffer({3, 8}, {1, 0, 0, 2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        4, 5, 0, 0, 0, 6, 0, 7});

TEST(StoragePlan, WeightSizesByHand) {
  const TensorInfo t = info("fc.w", {3, 8});
  const Layer l = layer("fc", OpType::kFullyConnected);
  const StorageFormats o;  // rle_run_bits 5, 2:4
  const FibreLayout lay = weight_layout(t, kFcW, l);
  EXPECT_EQ(lay.tiles, 1);
  EXPECT_EQ(lay.rows, 3);
  EXPECT_EQ(lay.len, 8);
  // Bitmask: 24 mask bits, 7 nonzeros.
  const OperandStorage bm = weight_storage(SparseFormat::kBitmask, o, t, kFcW, l);
  EXPECT_EQ(bm.size.metadata_bits, 24);
  EXPECT_EQ(bm.size.payload_bits, 56);
  // CSR, one [3][8] tile: ptr_bits = ceil(log2(25)) = 5, col_bits = 3: 4 x 5 + 7 x 3 = 41.
  const OperandStorage csr = weight_storage(SparseFormat::kCsr, o, t, kFcW, l);
  EXPECT_EQ(csr.size.metadata_bits, 41);
  EXPECT_EQ(csr.size.payload_bits, 56);
  EXPECT_EQ(csr.decode_cycles, 3 + 7);
  // RLE (run 5 bits): k0 = (0,1) (2,2) (2,3) + trailing (0,0) = 4 words; k1 = one (7,0);
  // k2 = (0,4) (0,5) (3,6) (1,7) = 4. 9 words x (5 + 8).
  const OperandStorage rle = weight_storage(SparseFormat::kRle, o, t, kFcW, l);
  EXPECT_EQ(rle.size.metadata_bits, 45);
  EXPECT_EQ(rle.size.payload_bits, 72);
  // 2:4: 6 groups x 2 slots (padding included) x (2 index + 8 value) bits.
  const OperandStorage nm = weight_storage(SparseFormat::kNm, o, t, kFcW, l);
  EXPECT_EQ(nm.size.metadata_bits, 24);
  EXPECT_EQ(nm.size.payload_bits, 96);
  EXPECT_EQ(nm.decode_cycles, 12);
}

TEST(StoragePlan, PerChannelZeroPoints) {
  // Unsigned weight [2][4], channel zero points 128 and 3: channel 0 holds one value (7), channel
  // 1 holds two (128 and 9; 128 is only channel 0's zero).
  TensorInfo t = info("w", {2, 4}, 8, false);
  t.channel_zero_points = {128, 3};
  const Int8Buffer v = buffer({2, 4}, {128, 7, 128, 128, 3, 128, 9, 3});
  const Layer l = layer("fc", OpType::kFullyConnected);
  const StorageFormats o;
  const OperandStorage bm = weight_storage(SparseFormat::kBitmask, o, t, v, l);
  EXPECT_EQ(bm.size.payload_bits, 24);
  EXPECT_EQ(bm.size.metadata_bits, 8);
  // CSR [2][4] with 3 nonzeros: ptr 4 bits x 3 + col 2 bits x 3.
  const OperandStorage csr = weight_storage(SparseFormat::kCsr, o, t, v, l);
  EXPECT_EQ(csr.size.metadata_bits, 18);
  EXPECT_EQ(csr.size.payload_bits, 24);
  EXPECT_EQ(csr.decode_cycles, 2 + 3);
  // Equal per-channel zero points give exactly the per-tensor figures.
  TensorInfo same = info("w", {3, 8});
  same.channel_zero_points = {0, 0, 0};
  const OperandStorage a = weight_storage(SparseFormat::kCsr, o, same, kFcW, l);
  const OperandStorage b = weight_storage(SparseFormat::kCsr, o, info("w", {3, 8}), kFcW, l);
  EXPECT_EQ(a.size, b.size);
  // A per-channel zero pattern sized through the indicator path matches the direct one too.
  TensorInfo mixed = info("w", {3, 8});
  mixed.channel_zero_points = {0, 1, 0};  // k1 all 0 now holds 8 values
  const OperandStorage m = weight_storage(SparseFormat::kCsr, o, mixed, kFcW, l);
  EXPECT_EQ(m.size.payload_bits, (7 + 8) * 8);
  EXPECT_EQ(m.size.metadata_bits, 4 * 5 + 15 * 3);
}

TEST(StoragePlan, MatmulWeightFibresAreColumns) {
  // B [Kd=4][N=2]: column 0 = [1 0 2 0], column 1 = [0 0 0 3].
  const TensorInfo t = info("b", {4, 2});
  const Int8Buffer v = buffer({4, 2}, {1, 0, 0, 0, 2, 0, 0, 3});
  const Layer l = layer("mm", OpType::kMatMul);
  const FibreLayout lay = weight_layout(t, v, l);
  EXPECT_EQ(lay.rows, 2);
  EXPECT_EQ(lay.len, 4);
  EXPECT_TRUE(lay.columns);
  // CSR [N=2][Kd=4]: 3 ptrs of 4 bits + 3 indices of 2 bits (rows of B would give 5 x 4 + 3).
  const OperandStorage csr = weight_storage(SparseFormat::kCsr, StorageFormats{}, t, v, l);
  EXPECT_EQ(csr.size.metadata_bits, 18);
  // RLE per column: [1 0 2 0] = (0,1) (1,2) + trailing (0,0) = 3 words; [0 0 0 3] = 1 word.
  const OperandStorage rle = weight_storage(SparseFormat::kRle, StorageFormats{}, t, v, l);
  EXPECT_EQ(rle.size.payload_bits, 4 * 8);
}

TEST(StoragePlan, NmViolationNamesLayerTensorAndGroup) {
  StorageFormats o;  // 2:4
  Int8Buffer w = kFcW;
  w.data[2 * 8 + 2] = 9;  // k2 group 0 = [4 5 9 0]: 3 nonzeros
  try {
    weight_storage(SparseFormat::kNm, o, info("fc.w", {3, 8}), w, layer("fc", OpType::kFullyConnected));
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("/sparsity/storage/weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layer 'fc'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'fc.w'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("output channel 2, group 0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3 nonzeros"), std::string::npos) << msg;
    EXPECT_NE(msg.find("at most 2 nonzeros in every group of 4"), std::string::npos) << msg;
  }
  // Matmul B: groups run down a column. [[1 0] [1 0] [0 0] [0 0]] holds 1:2 along rows but
  // column 0 starts with two nonzeros.
  o.nm_n = 1;
  o.nm_m = 2;
  const Int8Buffer b = buffer({4, 2}, {1, 0, 1, 0, 0, 0, 0, 0});
  EXPECT_THROW(
      {
        try {
          weight_storage(SparseFormat::kNm, o, info("b", {4, 2}), b, layer("mm", OpType::kMatMul));
        } catch (const sim::ConfigError& e) {
          EXPECT_NE(std::string(e.what()).find("column 0, group 0"), std::string::npos) << e.what();
          throw;
        }
      },
      sim::ConfigError);
}

TEST(StoragePlan, SubByteTensorsScaleFromTheirOwnDenseCounts) {
  // 4-bit signed [1][6] (values within -8..7): the plan moves ceil(6 x 4 / 8) = 3 bytes, the
  // controllers read one byte per value.
  const TensorInfo t = info("x", {1, 6}, 4);
  const Int8Buffer v = buffer({1, 6}, {0, 0, 7, -8, 0, 0});
  const OperandStorage bm = activation_storage(SparseFormat::kBitmask, StorageFormats{}, t, v);
  EXPECT_EQ(bm.dense_bits, 24);
  EXPECT_EQ(bm.size.total_bits(), 6 + 2 * 4);
  EXPECT_EQ(bm.transfer_bytes(), 3);
  EXPECT_EQ(bm.read_bytes(), 6);
  EXPECT_EQ(bm.encoded_bytes(), 2);
  ByteScale rd = bm.read_scale();
  EXPECT_EQ(rd(6), 2u);
}

TEST(ByteScale, CumulativeRoundingIsExactPerCopy) {
  ByteScale s(4, 10);  // 10 dense bytes are stored in 4
  EXPECT_EQ(s(3), 2u);  // ceil(1.2)
  EXPECT_EQ(s(3), 1u);  // ceil(2.4) - 2
  EXPECT_EQ(s(4), 1u);  // ceil(4.0) - 3: one copy = 4 exactly
  uint64_t second = 0;
  for (int i = 0; i < 10; ++i) second += s(1);
  EXPECT_EQ(second, 4u);
  EXPECT_EQ(s.dense_total(), 20u);
  EXPECT_EQ(s.scaled_total(), 8u);
  ByteScale id;
  EXPECT_TRUE(id.identity());
  EXPECT_EQ(id(17), 17u);
  ByteScale grow(11, 10);  // bitmask on dense data grows
  EXPECT_EQ(grow(10), 11u);
}

TEST(StoragePlan, LayerPlanAndReport) {
  workloads::Graph g;
  test::add_fc(g, "fc", 1, 8, 3);
  g.constant_values["fc.w"] = kFcW;
  ValueStore values(g, test::test_generator(1));
  StorageFormats f;
  f.weight = "csr";
  StoragePlan plan = plan_layer_storage(f, g, g.layers[0], values);
  EXPECT_FALSE(plan.operands[0].compressed());
  EXPECT_EQ(plan.operands[0].tensor, "fc.in");
  ASSERT_TRUE(plan.operands[1].compressed());
  EXPECT_EQ(plan.operands[1].size.metadata_bits, 41);
  const auto scales = plan.transfer_scales();
  EXPECT_TRUE(scales[0].identity());
  EXPECT_TRUE(scales[2].identity());
  ByteScale w = scales[1];
  EXPECT_EQ(w(24), 13u);  // ceil((41 + 56) / 8)

  // The array read the weights twice (48 dense bytes) through the decoder: 2 x 13 SRAM bytes.
  EXPECT_TRUE(plan.sram_reads[0].identity());
  EXPECT_EQ(plan.sram_reads[1](48), 26u);
  const EnergyTable table;
  sim::LayerReport rep;
  report_storage(plan, table, table.reference_voltage_v(), rep);
  EXPECT_EQ(rep.accesses.at("compression.weight.dense_bits"), 192u);
  EXPECT_EQ(rep.accesses.at("compression.weight.payload_bits"), 56u);
  EXPECT_EQ(rep.accesses.at("compression.weight.metadata_bits"), 41u);
  EXPECT_EQ(rep.accesses.at("compression.weight.encoded_bytes"), 13u);
  EXPECT_EQ(rep.accesses.at("compression.weight.decoded_values"), 48u);
  EXPECT_EQ(rep.accesses.at("compression.weight.decode_cycles"), 20u);  // 10 per copy
  EXPECT_EQ(rep.accesses.count("compression.ifmap.dense_bits"), 0u);
  ASSERT_EQ(rep.energy.size(), 1u);
  EXPECT_EQ(rep.energy[0].module, "decoder");
  EXPECT_EQ(rep.energy[0].action, "weight_decode");
  EXPECT_EQ(rep.energy[0].count, 48u);
  EXPECT_DOUBLE_EQ(rep.energy[0].pj_each, table.rf_pj(8));

  // A format on a wide tensor is a config error.
  g.tensors["fc.in"].bits = 16;
  f.ifmap = "rle";
  EXPECT_THROW(plan_layer_storage(f, g, g.layers[0], values), sim::ConfigError);
}

TEST(StoragePlan, PreflightChecksConstantWeightsWithoutKeepingThem) {
  workloads::Graph g;
  test::add_fc(g, "fc", 1, 8, 3);
  g.constant_values["fc.w"] = kFcW;        // 2:4 holds
  test::add_fc(g, "gen", 1, 16, 4);        // generated uniform weights: 2:4 fails
  ValueStore values(g, test::test_generator(1));
  StorageFormats f;
  f.weight = "csr";
  EXPECT_NO_THROW(check_storage_formats(f, g, values));
  f.weight = "nm";
  try {
    check_storage_formats(f, g, values);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'gen'"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(values.has("gen.w"));  // inspected, not kept
  g.tensors["fc.in"].bits = 16;
  f.weight = "dense";
  f.ifmap = "bitmask";
  EXPECT_THROW(check_storage_formats(f, g, values), sim::ConfigError);
}

}  // namespace
}  // namespace adasim::arch
