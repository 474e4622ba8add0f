// SPDX-License-Identifier: Apache-2.0
// "xy_multicast": the spatial array's NoC (Eyeriss-style). Each operand has its own Y bus and
// per-row X buses with ID-tag multicast: one buffer read reaches every PE that needs the value in
// that step, so a step costs the distinct values of its busiest operand bus (psums have their
// own bus back to the buffer). Buses of different operands work in parallel.
#include <algorithm>

#include "arch/noc/i_noc.hpp"

namespace adasim::arch {
namespace {

class XyMulticastNoc : public LinkNoc {
 public:
  using LinkNoc::LinkNoc;

  uint64_t cycles(const NocTraffic& t) const override {
    uint64_t c = link_cycles(t.from_pes_bits);
    for (uint64_t b : t.to_pes_bits) c = std::max(c, link_cycles(b));
    return c;
  }
};

}  // namespace

void register_xy_multicast_noc(NocRegistry& r) {
  r.add("xy_multicast",
        "spatial arrays: per-operand Y bus and X buses with ID-tag multicast to every PE that "
        "needs a value",
        {}, NocFactory{ArrayKind::kSpatial, [](const NocSpec& s) {
                         return std::make_unique<XyMulticastNoc>(s);
                       }});
}

}  // namespace adasim::arch
