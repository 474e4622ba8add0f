// SPDX-License-Identifier: Apache-2.0
// Output stationary, variant B (config name "os_b"): output pixels (a P x Q patch) down the
// rows, several output channels across the columns; one psum per PE register file.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_os_b(const CoreContext& c) {
  if (c.rf_values(2) < 1) return;
  const auto& b = c.bound();
  for (int64_t qy : c.ch.at(kAtArray, kQ, b[kQ], c.rows(), 5))
    for (int64_t py : c.ch.at(kAtArray, kP, b[kP], c.rows() / qy, 5))
      for (int64_t mx : c.ch.at(kAtArray, kM, b[kM], c.cols(), 6))
        c.out.add({{kP, py, Level::kArrayY}, {kQ, qy, Level::kArrayY}, {kM, mx, Level::kArrayX}},
                  {}, {false, false, true});
}

}  // namespace

void register_os_b(SpatialDataflowRegistry& r) {
  r.add("os_b",
        "output stationary B: output pixels down the rows, output channels across; one psum per PE",
        {}, generated("os_b", cores_os_b));
}

}  // namespace adasim::workloads::spatial
