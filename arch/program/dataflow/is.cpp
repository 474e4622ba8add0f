// SPDX-License-Identifier: Apache-2.0
// Input stationary (config name "is"): each PE holds one input of the fold's Kred x M tile (a
// pixel's reduction window per column); weight vectors stream in, one filter per cycle, and
// partial sums flow down the columns.
#include "arch/program/dataflow/systolic_dataflow.hpp"

namespace adasim::arch {

void register_is(SystolicDataflowRegistry& r) {
  r.add("is", "input stationary: Kred down the rows, pixels M across, filters N in time", {},
        fixed_layout({GemmDim::kKred, GemmDim::kM, GemmDim::kN}));
}

}  // namespace adasim::arch
