// SPDX-License-Identifier: Apache-2.0
// "xy_multicast": the spatial array's NoC (Eyeriss-style). Each operand has its own Y bus and
// per-row X buses with ID-tag multicast: one buffer read reaches every PE that needs the value in
// that step, so a step costs the distinct values of its busiest operand bus (psums have their
// own bus back to the buffer). Buses of different operands work in parallel.
#include <algorithm>

#include "arch/noc/i_noc.hpp"

namespace adasim::arch {
namespace {

class XyMulticastNoc : public INoc {
 public:
  explicit XyMulticastNoc(const NocSpec& spec) : width_bits_(spec.link_width_bits) {}

  uint64_t cycles(const NocTraffic& t) const override {
    uint64_t c = link_cycles(t.from_pes_bits, width_bits_);
    for (uint64_t b : t.to_pes_bits) c = std::max(c, link_cycles(b, width_bits_));
    return c;
  }

 private:
  int width_bits_;
};

}  // namespace

void register_xy_multicast_noc(NocRegistry& r) {
  namespace p = sim::param;
  r.add("xy_multicast",
        "spatial arrays: per-operand Y bus and X buses with ID-tag multicast to every PE that "
        "needs a value",
        {p::integer("latency_cycles")
             .at_least(0)
             .with_default(1)
             .in_unit("cycles")
             .described("pipeline latency from the SRAM read port to the edge PEs"),
         p::boolean("multicast")
             .with_default(true)
             .described("one transfer may feed a whole row/column")},
        NocFactory{ArrayKind::kSpatial,
                   [](const NocSpec& s) { return std::make_unique<XyMulticastNoc>(s); }});
}

}  // namespace adasim::arch
