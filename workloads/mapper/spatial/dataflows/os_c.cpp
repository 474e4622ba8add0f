// SPDX-License-Identifier: Apache-2.0
// Output stationary, variant C (config name "os_c"): many output channels of a single output
// pixel, spread over both the rows and the columns; one psum per PE register file. A fixed
// array factor of M is split over Y and X every way it divides.
#include "workloads/mapper/spatial/spatial_dataflow.hpp"
#include "workloads/mapper/tiling_util.hpp"

namespace adasim::workloads::spatial {
namespace {

void cores_os_c(const CoreContext& c) {
  if (c.rf_values(2) < 1) return;
  const int64_t m = c.bound()[kM], v = c.ch.constraints().factor[kAtArray][kM];
  auto add = [&](int64_t my, int64_t mx) {
    c.out.add({{kM, my, Level::kArrayY}, {kM, mx, Level::kArrayX}}, {}, {false, false, true});
  };
  if (v) {
    for (int64_t my = 1; my <= std::min(v, c.rows()); ++my)
      if (v % my == 0 && v / my <= c.cols()) add(my, v / my);
    return;
  }
  for (int64_t my : c.ch.free(m, c.rows(), 6))
    for (int64_t mx : c.ch.free(tiling::ceil_div(m, my), c.cols(), 6)) add(my, mx);
}

}  // namespace

void register_os_c(SpatialDataflowRegistry& r) {
  r.add("os_c",
        "output stationary C: many output channels of one output pixel over the whole array; one "
        "psum per PE",
        {}, generated("os_c", cores_os_c));
}

}  // namespace adasim::workloads::spatial
