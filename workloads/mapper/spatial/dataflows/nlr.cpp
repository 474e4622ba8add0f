// SPDX-License-Identifier: Apache-2.0
// No local reuse (config name "nlr"): no register files; input channels down the columns (psums
// reduced across PEs), filters across. Every operand comes from the global buffer.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_nlr(const CoreContext& c) {
  for (int64_t cy : c.ch.at(kAtArray, kC, c.bound()[kC], c.rows(), 6))
    for (int64_t mx : c.ch.at(kAtArray, kM, c.bound()[kM], c.cols(), 6))
      c.out.add({{kC, cy, Level::kArrayY}, {kM, mx, Level::kArrayX}}, {}, {false, false, false});
}

}  // namespace

void register_nlr(SpatialDataflowRegistry& r) {
  r.add("nlr", "no local reuse: no register files, input channels down the columns, filters across",
        {}, generated("nlr", cores_nlr));
}

}  // namespace adasim::workloads::spatial
