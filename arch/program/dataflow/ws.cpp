// SPDX-License-Identifier: Apache-2.0
// Weight stationary (config name "ws"): each PE holds one weight of the fold's Kred x N tile;
// input vectors stream in from the left, one pixel per cycle, and partial sums flow down the
// columns. Supports precision-scalable lanes and the N:M weight datapath.
#include "arch/program/dataflow/systolic_dataflow.hpp"

namespace adasim::arch {

void register_ws(SystolicDataflowRegistry& r) {
  r.add("ws", "weight stationary: Kred down the rows, filters N across, pixels M in time", {},
        fixed_layout({GemmDim::kKred, GemmDim::kN, GemmDim::kM}));
}

}  // namespace adasim::arch
