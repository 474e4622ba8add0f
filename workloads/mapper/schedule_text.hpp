// SPDX-License-Identifier: Apache-2.0
// Human-readable rendering of a schedule for `adasim map`: the loop nest at each memory level,
// the spatial mapping onto the array, the transfer totals, and the search's estimate and
// runner-up.
#pragma once

#include <string>

#include "arch/spec.hpp"
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

/// Several indented lines (no trailing newline handling needed: every line ends with '\n').
std::string describe_schedule(const LayerSchedule& s, const arch::AcceleratorSpec& spec);

}  // namespace adasim::workloads
