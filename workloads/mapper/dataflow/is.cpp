// SPDX-License-Identifier: Apache-2.0
// Input stationary (config name "is"): each PE holds one input of the fold's Kred x M tile (a
// pixel's reduction window per column); weight vectors stream in, one filter per cycle, and
// partial sums flow down the columns.
#include "workloads/mapper/dataflow/systolic_dataflow.hpp"

namespace adasim::workloads {

void register_is(SystolicDataflowRegistry& r) {
  r.add("is", "input stationary: Kred down the rows, pixels M across, filters N in time", {},
        fixed_layout({arch::GemmDim::kKred, arch::GemmDim::kM, arch::GemmDim::kN}));
}

}  // namespace adasim::workloads
