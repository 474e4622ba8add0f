// SPDX-License-Identifier: Apache-2.0
// The spatial mapper works in the loop-nest vocabulary of the program contract
// (arch/program/loop_nest.hpp): the nest it searches is the nest the engine runs.
#pragma once

#include "arch/program/loop_nest.hpp"

namespace adasim::workloads::spatial {

using arch::spatial::axis_of;
using arch::spatial::Box;
using arch::spatial::Dim;
using arch::spatial::dim_name;
using arch::spatial::for_each_in;
using arch::spatial::intersect;
using arch::spatial::kAxes;
using arch::spatial::kAxisDims;
using arch::spatial::kC;
using arch::spatial::kG;
using arch::spatial::kM;
using arch::spatial::kN;
using arch::spatial::kNumDims;
using arch::spatial::kP;
using arch::spatial::kQ;
using arch::spatial::kR;
using arch::spatial::kS;
using arch::spatial::Level;
using arch::spatial::Loop;
using arch::spatial::Mapping;
using arch::spatial::operand_box;
using arch::spatial::Problem;
using arch::spatial::relevant;
using arch::spatial::tensor_box;
using arch::spatial::tensor_offset;
using arch::spatial::tile_elems;
using arch::spatial::unclipped_box;
using arch::spatial::window_extent;
using arch::spatial::window_step;

}  // namespace adasim::workloads::spatial
