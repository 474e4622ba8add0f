// SPDX-License-Identifier: Apache-2.0
// layer_cycles (timeline.hpp): the timeline of the engine a layer's program runs on.
#include <variant>

#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads::timeline {

int64_t layer_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                     int64_t start) {
  if (std::holds_alternative<arch::VectorProgram>(prog.engine))
    return vector_cycles(prog, spec, start);
  if (std::holds_alternative<arch::SpatialProgram>(prog.engine))
    return spatial_cycles(prog, spec, start);
  return systolic_cycles(prog, spec, start);
}

}  // namespace adasim::workloads::timeline
