// SPDX-License-Identifier: Apache-2.0
// The spatial engine's access counts on fixed loop nests against hand-derived reuse arithmetic,
// in the form of the Eyeriss energy model (Chen et al., ISCA 2016, Sec. VI-A): a value read a
// times from DRAM, reused b times from the buffer per DRAM read, multicast to c PEs per buffer
// read and read d times from each RF copy costs a*E_DRAM + ab*E_GB + abc*E_array + abcd*E_RF;
// a psum accumulated over a DRAM visits, b buffer visits, c PEs and d RF updates costs
// (2a-1)*E_DRAM + 2a(b-1)*E_GB + ab(c-1)*E_array + 2abc(d-1)*E_RF. Layers are 1x1 convolutions
// so every value has the same reuse (no window edges), as the closed form assumes. The outputs
// are also checked against the reference kernel, and the mapper's analytical estimate against
// the engine.
#include "arch/spatial/spatial_engine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim {
namespace {

namespace ws = workloads::spatial;
using arch::spatial::SpatialCounts;
using arch::spatial::SpatialEngine;
using ws::Level;

constexpr int kIf = 0, kW = 1, kPs = 2;

struct EngineRun {
  SpatialCounts counts;
  workloads::Int32Buffer out;
  workloads::Int32Buffer want;
};

EngineRun run(const workloads::ConvShape& s, const ws::Mapping& m) {
  const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
  workloads::Int8Buffer in({s.n, s.c, s.h, s.w}), w({s.k, s.c / s.groups, s.r, s.s});
  for (size_t i = 0; i < in.data.size(); ++i) in.data[i] = int8_t(int(i * 37 % 251) - 125);
  for (size_t i = 0; i < w.data.size(); ++i) w.data[i] = int8_t(int(i * 53 % 241) - 120);
  EngineRun r;
  r.out = workloads::Int32Buffer({s.n, s.k, s.p, s.q}, 0);
  arch::NocSpec noc;
  noc.type = "xy_multicast";
  noc.link_width_bits = 64;
  const auto bus = arch::make_noc(noc);
  SpatialEngine e(p, m, *bus, 8, 8, 32, arch::NocClock{});
  // The engine takes zero-point-corrected operands (zero points 0 here: the values themselves).
  const std::vector<int16_t> in16(in.data.begin(), in.data.end()),
      w16(w.data.begin(), w.data.end());
  e.bind(in16.data(), w16.data(), r.out.data.data());
  while (!e.done()) e.run_iteration();
  r.counts = e.counts();
  r.want = workloads::reference_conv2d(in, w, s);
  return r;
}

workloads::ConvShape conv1x1(int64_t c, int64_t hw, int64_t k) {
  workloads::ConvShape s;
  s.c = c;
  s.h = s.w = s.p = s.q = hw;
  s.k = k;
  return s;
}

ws::Mapping rs_like(std::vector<ws::Loop> loops) {
  ws::Mapping m;
  m.dataflow = "rs";
  m.loops = std::move(loops);
  m.rf_keep = {true, true, true};
  return m;
}

// Closed form of the input cost and of the psum cost, per value.
double input_cost(double a, double b, double c, double d) {
  return a * 200 + a * b * 6 + a * b * c * 2 + a * b * c * d * 1;
}
double psum_cost(double a, double b, double c, double d) {
  return (2 * a - 1) * 200 + 2 * a * (b - 1) * 6 + a * b * (c - 1) * 2 +
         2 * a * b * c * (d - 1) * 1;
}

// Energy of the engine's counts in the closed form's terms: inputs charge DRAM reads, buffer
// reads toward the array, NoC deliveries and RF reads; psums charge DRAM writes + reloads, the
// buffer's accumulation accesses (all but the first write of each DRAM visit and the reads of a
// reloaded value), PE-to-PE hops and the RF's read-modify-writes (all but each visit's first
// write and final read-out).
double engine_input_cost(const SpatialCounts& n, int o) {
  return double(n.dram_reads[size_t(o)]) * 200 + double(n.gbuf_reads[size_t(o)]) * 6 +
         double(n.noc_deliveries[size_t(o)]) * 2 + double(n.rf_reads[size_t(o)]) * 1;
}

void expect_outputs_exact(const EngineRun& r) {
  ASSERT_EQ(r.out.data.size(), r.want.data.size());
  size_t bad = 0;
  for (size_t i = 0; i < r.want.data.size(); ++i) bad += r.out.data[i] != r.want.data[i];
  EXPECT_EQ(bad, 0u);
}

// C = 8 split DRAM 2 x buffer 2 x Y 2 with the output columns split DRAM 2 x RF 2 inside the
// DRAM C loop (psums leave for DRAM and come back); M = 2 in the RF; P = 4 across X.
ws::Mapping spilling_nest() {
  return rs_like({{ws::kC, 2, Level::kDram},
                  {ws::kQ, 2, Level::kDram},
                  {ws::kC, 2, Level::kGbuf},
                  {ws::kC, 2, Level::kArrayY},
                  {ws::kP, 4, Level::kArrayX},
                  {ws::kM, 2, Level::kRf},
                  {ws::kQ, 2, Level::kRf}});
}

TEST(SpatialEngineClosedForm, PsumsSpilledToDramAndReloaded) {
  const workloads::ConvShape s = conv1x1(8, 4, 2);
  const EngineRun r = run(s, spilling_nest());
  expect_outputs_exact(r);
  const SpatialCounts& n = r.counts;
  ASSERT_EQ(n.macs, 8 * 16 * 2);

  // Ifmap (128 values, 2 uses each): fetched once (a=1); its RF tile changes every pass (b=1),
  // no two PEs share a value (c=1); each copy serves both filters (d=2).
  const double ni = 128;
  EXPECT_EQ(n.dram_reads[kIf], 1 * ni);
  EXPECT_EQ(n.gbuf_reads[kIf], 1 * 1 * ni);
  EXPECT_EQ(n.noc_deliveries[kIf], 1 * 1 * 1 * ni);
  EXPECT_EQ(n.rf_reads[kIf], 1 * 1 * 1 * 2 * ni);
  EXPECT_DOUBLE_EQ(engine_input_cost(n, kIf), ni * input_cost(1, 1, 1, 2));

  // Weights (16 values, 16 uses): fetched once (the DRAM Q loop leaves the buffer tile alone,
  // a=1) but read from the buffer again for each DRAM Q (b=2); one read reaches the 4 PEs of a
  // row (c=4); each RF copy serves 2 RF steps (d=2).
  const double nw = 16;
  EXPECT_EQ(n.dram_reads[kW], 1 * nw);
  EXPECT_EQ(n.gbuf_reads[kW], 1 * 2 * nw);
  EXPECT_EQ(n.noc_deliveries[kW], 1 * 2 * 4 * nw);
  EXPECT_EQ(n.rf_reads[kW], 1 * 2 * 4 * 2 * nw);
  EXPECT_DOUBLE_EQ(engine_input_cost(n, kW), nw * input_cost(1, 2, 4, 2));

  // Psums (32 outputs, 8 MACs each): a=2 DRAM visits (the DRAM Q loop inside the DRAM C loop),
  // b=1 buffer visit per DRAM visit, c=2 PEs reduce down a column, d=2 RF updates (the RF
  // psums survive the buffer's C loop).
  const double a = 2, b = 1, c = 2, d = 2, no = 32;
  EXPECT_EQ(n.dram_writes[kPs], a * no);
  EXPECT_EQ(n.dram_reads[kPs], (a - 1) * no);
  EXPECT_EQ(n.gbuf_writes[kPs], a * b * no);
  EXPECT_EQ(n.gbuf_reads[kPs], (a * b - 1) * no);  // every write after an output's first is RMW
  EXPECT_EQ(n.psum_hops, a * b * (c - 1) * no);
  EXPECT_EQ(n.rf_writes[kPs], a * b * c * d * no);
  EXPECT_EQ(n.rf_reads[kPs], a * b * c * (d - 1) * no + a * b * c * no);  // RMW + read-out
  const double engine_psum =
      double(n.dram_writes[kPs] + n.dram_reads[kPs]) * 200 +
      double((n.gbuf_writes[kPs] - a * no) + (n.gbuf_reads[kPs] - (a - 1) * no)) * 6 +
      double(n.psum_hops) * 2 +
      double(n.rf_reads[kPs] - a * b * c * no + n.rf_writes[kPs] - a * b * c * no) * 1;
  EXPECT_DOUBLE_EQ(engine_psum, no * psum_cost(a, b, c, d));
}

TEST(SpatialEngineClosedForm, PsumsAccumulatedInTheBuffer) {
  // The buffer's Q loop inside its C loop sends the RF psums to the buffer every pass: a=1,
  // b=4 (2 DRAM C x 2 buffer C visits), c=2, d=1.
  const workloads::ConvShape s = conv1x1(8, 4, 2);
  const EngineRun r = run(s, rs_like({{ws::kC, 2, Level::kDram},
                                      {ws::kC, 2, Level::kGbuf},
                                      {ws::kQ, 2, Level::kGbuf},
                                      {ws::kC, 2, Level::kArrayY},
                                      {ws::kP, 4, Level::kArrayX},
                                      {ws::kM, 2, Level::kRf},
                                      {ws::kQ, 2, Level::kRf}}));
  expect_outputs_exact(r);
  const SpatialCounts& n = r.counts;
  const double a = 1, b = 4, c = 2, d = 1, no = 32;
  EXPECT_EQ(n.dram_writes[kPs], a * no);
  EXPECT_EQ(n.dram_reads[kPs], 0);
  EXPECT_EQ(n.gbuf_writes[kPs], a * b * no);
  EXPECT_EQ(n.gbuf_reads[kPs], (a * b - 1) * no);
  EXPECT_EQ(n.psum_hops, a * b * (c - 1) * no);
  EXPECT_EQ(n.rf_reads[kPs], a * b * c * (d - 1) * no + a * b * c * no);
}

TEST(SpatialEngineClosedForm, PsumsStationaryInTheRegisterFiles) {
  // M = 4 split DRAM 2 x RF 2 with C = 4 split buffer 2 x Y 2: the RF psums stay across the
  // buffer's C loop (d=2) and leave only when M changes at DRAM level.
  const workloads::ConvShape s = conv1x1(4, 4, 4);
  const ws::Mapping m = rs_like({{ws::kM, 2, Level::kDram},
                                 {ws::kC, 2, Level::kGbuf},
                                 {ws::kC, 2, Level::kArrayY},
                                 {ws::kP, 4, Level::kArrayX},
                                 {ws::kM, 2, Level::kRf},
                                 {ws::kQ, 4, Level::kRf}});
  const EngineRun r = run(s, m);
  expect_outputs_exact(r);
  const SpatialCounts& n = r.counts;
  // Ifmap (64 values, 4 uses): one DRAM load (M is irrelevant to it), two buffer reads (its RF
  // tile changes with the buffer's C loop, once per DRAM M), no sharing, 2 RF reads per copy.
  EXPECT_DOUBLE_EQ(engine_input_cost(n, kIf), 64 * input_cost(1, 2, 1, 2));
  EXPECT_EQ(n.gbuf_reads[kIf], 2 * 64);
  // Psums: a=1, b=1, c=2, d=2.
  const double no = 64;
  EXPECT_EQ(n.dram_writes[kPs], no);
  EXPECT_EQ(n.dram_reads[kPs], 0);
  EXPECT_EQ(n.gbuf_writes[kPs], no);
  EXPECT_EQ(n.gbuf_reads[kPs], 0);
  EXPECT_EQ(n.psum_hops, 1 * 1 * (2 - 1) * no);
  EXPECT_EQ(n.rf_reads[kPs], 1 * 1 * 2 * (2 - 1) * no + 2 * no);
  EXPECT_EQ(n.rf_writes[kPs], 4 * no);
}

TEST(SpatialEngineClosedForm, EstimateEqualsTheEngineWithoutHalo) {
  const workloads::ConvShape s = conv1x1(8, 4, 2);
  const ws::Mapping m = spilling_nest();
  const EngineRun r = run(s, m);
  arch::AcceleratorSpec spec;
  spec.dram.ideal = true;
  spec.noc.link_width_bits = 64;  // as run() builds the engine's NoC
  const ws::SpatialEstimate e =
      ws::estimate_mapping(ws::Problem::from_shape(s, workloads::OpType::kConv2d), m, spec,
                           ws::LayerWidths{}, workloads::EnergyCosts{});
  const SpatialCounts& n = r.counts;
  // Cycles, by hand: 8 passes (DRAM C2 x Q2, buffer C2) of 4 RF steps (M2 x Q2) = 32 compute
  // cycles; every pass refills the ifmap (C2 x P4 x Q2 = 16 values x 8 b = 2 link cycles) and
  // the weights (C2 x M2 = 4 values, 1 cycle) on their own buses in parallel: 8 x 2 = 16; the
  // RF psums leave at the end of each of the 4 DRAM iterations (the DRAM Q loop changes the
  // output tile every time; C outside it spills them): 8 PEs x 4 psums x 32 b = 16 cycles per
  // flush (all of them cross the psum bus, reduced on the way), 64. 112 in all, the engine's.
  EXPECT_DOUBLE_EQ(e.cycles, 32 + 16 + 64);
  EXPECT_EQ(n.compute_cycles + n.noc_cycles, 32 + 16 + 64);
  for (int o = 0; o < 2; ++o) {
    EXPECT_DOUBLE_EQ(e.dram[size_t(o)], double(n.dram_reads[size_t(o)])) << o;
    EXPECT_DOUBLE_EQ(e.gbuf[size_t(o)], double(n.gbuf_reads[size_t(o)])) << o;
    EXPECT_DOUBLE_EQ(e.noc[size_t(o)], double(n.noc_deliveries[size_t(o)])) << o;
    EXPECT_DOUBLE_EQ(e.rf[size_t(o)], double(n.rf_reads[size_t(o)] + n.rf_writes[size_t(o)])) << o;
  }
  EXPECT_DOUBLE_EQ(e.dram[kPs], double(n.dram_reads[kPs] + n.dram_writes[kPs]));
  EXPECT_DOUBLE_EQ(e.gbuf[kPs], double(n.gbuf_reads[kPs] + n.gbuf_writes[kPs]));
  EXPECT_DOUBLE_EQ(e.hops, double(n.psum_hops));
  EXPECT_DOUBLE_EQ(e.rf[kPs], double(n.rf_reads[kPs] + n.rf_writes[kPs]));
}

// With sliding windows the estimate counts a slide as the fraction of the tile one step moves
// and every tile as large as the one at the origin; the engine moves exactly the new values. On
// the searched mappings of padded 3x3 layers, per level and operand, the estimate stays within
// [0.8, 3] of what the engine moves; it over-counts where window taps fall in the padding (the
// engine delivers no padded value; on these 9x9 maps a third of the taps are on the border).
// The search ranks with the estimate; reports use the engine's counts.
TEST(SpatialEngineClosedForm, EstimateTracksTheEngineOnHaloLayers) {
  workloads::EnergyCosts costs;
  costs.spatial.mac = 1;
  costs.spatial.rf = {1, 1, 1};
  costs.spatial.noc = {2, 2, 2};
  costs.spatial.gbuf = {6, 6, 6};
  costs.spatial.dram = {200, 200, 200};
  arch::AcceleratorSpec spec;
  spec.dram.ideal = true;
  spec.pe_array.rows = spec.pe_array.cols = 4;
  spec.pe_array.rf_bytes = 64;
  spec.mapper.objective = arch::Objective::kEnergy;
  spec.sram.push_back(arch::SramLevelSpec{});
  spec.sram[0].size_bytes = 3072;
  spec.sram[0].holds = {arch::Operand::kIfmap, arch::Operand::kWeight, arch::Operand::kOfmap};
  double worst = 0;
  for (auto df : {"rs", "ws", "os_a", "os_b", "os_c", "nlr"})
    for (int stride : {1, 2}) {
      workloads::ConvShape s = conv1x1(6, 9, 8);
      s.r = s.s = 3;
      s.pad_t = s.pad_l = s.pad_b = s.pad_r = 1;
      s.stride_h = s.stride_w = stride;
      s.p = s.q = (9 + 2 - 3) / stride + 1;
      const ws::Problem p = ws::Problem::from_shape(s, workloads::OpType::kConv2d);
      const auto found =
          ws::search_spatial(p, {df}, spec, ws::LayerWidths{}, costs, ws::Constraints{});
      ASSERT_TRUE(found.found);
      SCOPED_TRACE(std::string(df) + " stride " + std::to_string(stride) + "\n" +
                   found.best.describe());
      const EngineRun r = run(s, found.best);
      expect_outputs_exact(r);
      const ws::SpatialEstimate& e = found.best_e;
      const SpatialCounts& n = r.counts;
      auto near = [&](double est, double eng, const char* what) {
        if (eng == 0) {
          EXPECT_EQ(est, 0) << what;
          return;
        }
        worst = std::max(worst, std::abs(est / eng - 1));
        EXPECT_GE(est / eng, 0.8) << what << ": estimate " << est << ", engine " << eng;
        EXPECT_LE(est / eng, 3.0) << what << ": estimate " << est << ", engine " << eng;
      };
      for (int o = 0; o < 2; ++o) {
        near(e.dram[size_t(o)], double(n.dram_reads[size_t(o)]), o ? "weight DRAM" : "ifmap DRAM");
        near(e.gbuf[size_t(o)], double(n.gbuf_reads[size_t(o)]),
             o ? "weight buffer" : "ifmap buffer");
        near(e.noc[size_t(o)], double(n.noc_deliveries[size_t(o)]), o ? "weight NoC" : "ifmap NoC");
      }
      near(e.dram[kPs], double(n.dram_reads[kPs] + n.dram_writes[kPs]), "psum DRAM");
      near(e.gbuf[kPs], double(n.gbuf_reads[kPs] + n.gbuf_writes[kPs]), "psum buffer");
    }
  std::printf("largest estimate / engine deviation on halo layers: %.1f%%\n", 100 * worst);
}

}  // namespace
}  // namespace adasim
