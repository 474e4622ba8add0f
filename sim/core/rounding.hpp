// SPDX-License-Identifier: Apache-2.0
// Integer rounding of real values, shared by the output stage (arch/pe/requantizer) and the
// reference kernels the datapath is checked against (workloads/reference): one definition, so
// the model and its oracle cannot drift apart on ties.
#pragma once

#include <cstdint>

namespace adasim::sim {

/// Round half away from zero (2.5 -> 3, -2.5 -> -3), saturated to int64.
int64_t round_half_away(double x);

/// Round half to even (2.5 -> 2, 3.5 -> 4, -2.5 -> -2): ONNX's QuantizeLinear / QLinear* rounding.
double round_half_to_even(double x);

}  // namespace adasim::sim
