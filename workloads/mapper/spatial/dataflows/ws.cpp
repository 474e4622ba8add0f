// SPDX-License-Identifier: Apache-2.0
// Weight stationary on the spatial array (config name "ws"): one weight per PE register file;
// ifmaps multicast along a row, psums reduced down the columns. Buffer order: the filters'
// loops outside, the pixels' inside, so a weight stays while the pixels pass.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_ws(const CoreContext& c) {
  const auto& b = c.bound();
  const auto Y = Level::kArrayY, X = Level::kArrayX;
  if (c.rf_values(1) < 1) return;
  for (int64_t ry : c.ch.at(kAtArray, kR, b[kR], c.rows(), 3))
    for (int64_t sy : c.ch.at(kAtArray, kS, b[kS], c.rows() / ry, 3))
      for (int64_t cy : c.ch.at(kAtArray, kC, b[kC], c.rows() / (ry * sy), 6))
        for (int64_t mx : c.ch.at(kAtArray, kM, b[kM], c.cols(), 6))
          c.out.add({{kC, cy, Y}, {kR, ry, Y}, {kS, sy, Y}, {kM, mx, X}}, {}, {false, true, false});
}

}  // namespace

void register_ws(SpatialDataflowRegistry& r) {
  r.add("ws",
        "weight stationary: one weight per PE, ifmaps multicast along the rows, psums reduced down "
        "the columns",
        {}, generated("ws", cores_ws, {kG, kM, kC, kR, kS, kN, kP, kQ}));
}

}  // namespace adasim::workloads::spatial
