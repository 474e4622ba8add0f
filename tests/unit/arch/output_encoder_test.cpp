// SPDX-License-Identifier: Apache-2.0
// Output encoder run cutting and sizes, counted by hand: elements of a store are sorted into
// output-tensor order, one run per innermost line, one stream per store rounded up to bytes; the
// totals add up over stores; zero points and the report keys; invalid uses are model errors.
#include "arch/sparse/output_encoder.hpp"

#include <gtest/gtest.h>

#include "arch/energy/energy_table.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/layer_report.hpp"
#include "test_support.hpp"

namespace adasim::arch {
namespace {

using Elems = std::vector<std::pair<int64_t, int8_t>>;

workloads::TensorInfo out_tensor(std::vector<int64_t> shape, int32_t zero_point = 0) {
  workloads::TensorInfo t = test::make_tensor("y", std::move(shape), false);
  t.zero_point = zero_point;
  return t;
}

// Tensor [2][3][4]: lines of 4. A store of flat 2..9 (given out of order) is cut into runs
// {2,3} (line 0), {4..7} (line 1), {8,9} (line 2).
TEST(OutputEncoder, BitmaskRunsFollowTheInnermostLines) {
  OutputEncoder enc(SparseFormat::kBitmask, StorageFormats{}, out_tensor({2, 3, 4}));
  // values: 2:5 3:0 | 4:0 5:0 6:7 7:0 | 8:0 9:1
  const Elems e = {{9, 1}, {4, 0}, {2, 5}, {6, 7}, {3, 0}, {8, 0}, {5, 0}, {7, 0}};
  // 8 mask bits + 3 nonzeros x 8 = 32 bits = 4 B.
  EXPECT_EQ(enc.store(e), 4u);
  // A second store: flat 10, 11 (line 2), both nonzero: 2 + 16 = 18 bits -> 3 B.
  EXPECT_EQ(enc.store({{10, -3}, {11, 4}}), 3u);
  const OutputStorage& t = enc.totals();
  EXPECT_EQ(t.elements, 10);
  EXPECT_EQ(t.runs, 4);
  EXPECT_EQ(t.stores, 2);
  EXPECT_EQ(t.dense_bits, 80);
  EXPECT_EQ(t.size.metadata_bits, 10);
  EXPECT_EQ(t.size.payload_bits, 40);
  EXPECT_EQ(t.encoded_bytes, 7);  // per-store rounding: 4 + 3, not ceil(50 / 8)
}

// RLE with 2-bit runs (R = 3) on one line of 8: 0 0 0 0 0 9 0 0 ->
//  (3, 0) explicit zero after three zeros, (1, 9), trailing two zeros as (1, 0) = 3 words x
//  (2 + 8) = 30 bits -> 4 B.
TEST(OutputEncoder, RleCountsExplicitZeros) {
  StorageFormats o;
  o.rle_run_bits = 2;
  OutputEncoder enc(SparseFormat::kRle, o, out_tensor({1, 8}));
  Elems e;
  for (int64_t i = 0; i < 8; ++i) e.push_back({i, int8_t(i == 5 ? 9 : 0)});
  EXPECT_EQ(enc.store(e), 4u);
  EXPECT_EQ(enc.totals().size.payload_bits, 24);
  EXPECT_EQ(enc.totals().size.metadata_bits, 6);
}

// CSR: every run is a one-row tile. Tensor [3][5], store of lines 0 and 1 (10 elements), zero
// point 4 (so 4 is the zero): line 0 = 4 4 1 4 4 (1 nonzero), line 1 = 4 4 4 4 4 (none).
//  per run: 2 pointers x ceil(log2(6)) = 3 bits, columns ceil(log2(5)) = 3 bits per nonzero:
//  line 0: 6 + 3 + 8 = 17 bits; line 1: 6 bits -> 23 bits -> 3 B.
TEST(OutputEncoder, CsrRunsAreOneRowTilesAndUseTheZeroPoint) {
  OutputEncoder enc(SparseFormat::kCsr, StorageFormats{}, out_tensor({3, 5}, 4));
  Elems e;
  for (int64_t i = 0; i < 10; ++i) e.push_back({i, int8_t(i == 2 ? 1 : 4)});
  EXPECT_EQ(enc.store(e), 3u);
  EXPECT_EQ(enc.totals().size.metadata_bits, 15);
  EXPECT_EQ(enc.totals().size.payload_bits, 8);
}

TEST(OutputEncoder, InvalidUsesAreModelErrors) {
  EXPECT_THROW(OutputEncoder(SparseFormat::kNm, StorageFormats{}, out_tensor({4})), sim::ModelError);
  workloads::TensorInfo wide = out_tensor({4});
  wide.bits = 32;
  EXPECT_THROW(OutputEncoder(SparseFormat::kBitmask, StorageFormats{}, wide), sim::ModelError);
  OutputEncoder enc(SparseFormat::kBitmask, StorageFormats{}, out_tensor({4}));
  EXPECT_THROW(enc.store({{1, 0}, {1, 0}}), sim::ModelError);  // twice in one store
  EXPECT_THROW(enc.store({{4, 0}}), sim::ModelError);          // outside the tensor
}

TEST(OutputEncoder, ReportKeysAndEncoderEnergy) {
  OutputEncoder enc(SparseFormat::kBitmask, StorageFormats{}, out_tensor({2, 4}));
  enc.store({{0, 1}, {1, 0}, {2, 0}, {3, 2}, {4, 0}, {5, 0}, {6, 0}, {7, 0}});  // 8 + 16 bits
  StoragePlan plan;
  plan.ofmap = enc.totals();
  const EnergyTable table;
  sim::LayerReport rep;
  report_storage(plan, table, table.reference_voltage_v(), rep);
  EXPECT_EQ(rep.accesses.at("compression.ofmap.dense_bits"), 64u);
  EXPECT_EQ(rep.accesses.at("compression.ofmap.payload_bits"), 16u);
  EXPECT_EQ(rep.accesses.at("compression.ofmap.metadata_bits"), 8u);
  EXPECT_EQ(rep.accesses.at("compression.ofmap.encoded_bytes"), 3u);
  EXPECT_EQ(rep.accesses.at("compression.ofmap.encoded_values"), 8u);
  ASSERT_EQ(rep.energy.size(), 1u);
  EXPECT_EQ(rep.energy[0].module, "encoder");
  EXPECT_EQ(rep.energy[0].action, "ofmap_encode");
  EXPECT_EQ(rep.energy[0].count, 8u);
  EXPECT_DOUBLE_EQ(rep.energy[0].pj, 8 * table.rf_pj(8));
}

}  // namespace
}  // namespace adasim::arch
