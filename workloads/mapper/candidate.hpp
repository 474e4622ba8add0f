// SPDX-License-Identifier: Apache-2.0
// One point of a layer's mapping space on the systolic array: the dataflow, how many groups are
// packed block-diagonally, the loop order, the temporal chunk, and which reusable operands stay
// resident in SRAM. The planner turns a candidate into a Schedule (or rejects it: it does not fit).
#pragma once

#include <cstdint>
#include <string>

#include "arch/spec.hpp"

namespace adasim::workloads {

struct Candidate {
  std::string dataflow = "ws";  ///< a registered systolic dataflow (arch/program/dataflow/)
  int64_t group_pack = 1;       ///< groups per block-diagonal pack
  bool chunk_outer = false;     ///< WS/IS: temporal chunks outside the Kred folds
  int64_t chunk_len = 1;        ///< temporal chunk length
  bool ifmap_resident = false;  ///< a reused ifmap stays whole in SRAM
  bool weight_resident = false;  ///< reused weights stay whole in SRAM
  bool psums_on_chip = false;    ///< WS/IS stream-outer: psums of a column tile stay on chip

  std::string describe() const;  ///< e.g. "ws pack=3 stream-outer chunk=128 res=ifmap"
};

}  // namespace adasim::workloads
