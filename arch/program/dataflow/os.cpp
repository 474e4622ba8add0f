// SPDX-License-Identifier: Apache-2.0
// Output stationary (config name "os"): each PE accumulates one output of the fold's M x N tile
// while input rows enter from the left and weight columns from the top, one reduction index per
// cycle; the finished outputs drain down the columns.
#include "arch/program/dataflow/systolic_dataflow.hpp"

namespace adasim::arch {

void register_os(SystolicDataflowRegistry& r) {
  r.add("os", "output stationary: pixels M down the rows, filters N across, Kred in time", {},
        fixed_layout({GemmDim::kM, GemmDim::kN, GemmDim::kKred}));
}

}  // namespace adasim::arch
