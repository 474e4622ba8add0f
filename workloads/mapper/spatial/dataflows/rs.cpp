// SPDX-License-Identifier: Apache-2.0
// Row stationary (config name "rs", Eyeriss): a PE set runs filter rows down a column (psums
// accumulate vertically) and output rows across; sets replicate over channels (Y) and filters
// (X). Each register file keeps a filter row of S weights per (filter, channel) pair, the
// matching ifmap row segment and the psum row. The RF caps are what it can hold at all (psum
// row qr x mr, weights mr x cr x S). Buffer order: channels and filters outside the window.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_rs(const CoreContext& c) {
  const auto& b = c.bound();
  // Values the RFs can keep: psums (a pool: its bytes over a psum's) and filter rows of S.
  const int64_t ps = c.rf_values(2), rows_w = c.rf_values(1) / b[kS];
  const auto Y = Level::kArrayY, X = Level::kArrayX, RF = Level::kRf;
  if (b[kR] > c.rows()) return;
  using tiling::ceil_div;
  for (int64_t cy : c.ch.at(kAtArray, kC, b[kC], c.rows() / b[kR], 6))
    for (int64_t px : c.ch.at(kAtArray, kP, b[kP], c.cols(), 6))
      for (int64_t mx : c.ch.at(kAtArray, kM, b[kM], c.cols() / px, 5))
        for (int64_t qr : c.ch.at(kAtRf, kQ, b[kQ], ps, 5))
          for (int64_t mr : c.ch.at(kAtRf, kM, ceil_div(b[kM], mx), std::min(ps / qr, rows_w), 5))
            for (int64_t cr : c.ch.at(kAtRf, kC, ceil_div(b[kC], cy), rows_w / mr, 5))
              c.out.add({{kC, cy, Y}, {kR, b[kR], Y}, {kM, mx, X}, {kP, px, X}},
                        {{kQ, qr, RF}, {kM, mr, RF}, {kC, cr, RF}, {kS, b[kS], RF}},
                        {true, true, true});
}

}  // namespace

void register_rs(SpatialDataflowRegistry& r) {
  r.add("rs",
        "row stationary (Eyeriss): filter rows down the columns, output rows across; RFs keep a "
        "filter row, an ifmap row and a psum row",
        {}, generated("rs", cores_rs, {kG, kN, kC, kM, kR, kS, kP, kQ}));
}

}  // namespace adasim::workloads::spatial
