// SPDX-License-Identifier: Apache-2.0
// "bus": the systolic array's edge bus. All operands share one link toward the array edge and
// results share one link back; each direction carries link_width_bits per cycle, so a cycle
// that asks for more costs extra (stall) cycles.
#include <algorithm>

#include "arch/noc/i_noc.hpp"

namespace adasim::arch {
namespace {

class EdgeBusNoc : public LinkNoc {
 public:
  using LinkNoc::LinkNoc;

  uint64_t cycles(const NocTraffic& t) const override {
    uint64_t to = 0;
    for (uint64_t b : t.to_pes_bits) to += b;
    return std::max(link_cycles(to), link_cycles(t.from_pes_bits));
  }
};

}  // namespace

void register_bus_noc(NocRegistry& r) {
  r.add("bus",
        "systolic arrays: one shared link from the SRAM levels to the array edge and one back", {},
        NocFactory{ArrayKind::kSystolic,
                   [](const NocSpec& s) { return std::make_unique<EdgeBusNoc>(s); }});
}

}  // namespace adasim::arch
