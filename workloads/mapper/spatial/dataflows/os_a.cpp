// SPDX-License-Identifier: Apache-2.0
// Output stationary, variant A (config name "os_a"): one output channel, a 2-D patch of output
// pixels over the array (rows down Y, columns across X); one psum per PE register file.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_os_a(const CoreContext& c) {
  if (c.rf_values(2) < 1) return;
  for (int64_t py : c.ch.at(kAtArray, kP, c.bound()[kP], c.rows(), 6))
    for (int64_t qx : c.ch.at(kAtArray, kQ, c.bound()[kQ], c.cols(), 6))
      c.out.add({{kP, py, Level::kArrayY}, {kQ, qx, Level::kArrayX}}, {}, {false, false, true});
}

}  // namespace

void register_os_a(SpatialDataflowRegistry& r) {
  r.add("os_a",
        "output stationary A: one output channel, a 2-D patch of output pixels; one psum per PE",
        {}, generated("os_a", cores_os_a));
}

}  // namespace adasim::workloads::spatial
