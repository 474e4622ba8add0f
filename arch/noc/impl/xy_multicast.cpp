// SPDX-License-Identifier: Apache-2.0
// "xy_multicast": the spatial array's NoC (Eyeriss-style). Each operand has its own Y bus and
// per-row X buses with ID-tag multicast: one buffer read reaches every PE that needs the value in
// that step, so a step costs the distinct values of its busiest operand bus (psums have their
// own bus back to the buffer). Buses of different operands work in parallel, each at its own
// width (ifmap_bus_bits, weight_bus_bits, psum_bus_bits; default link_width_bits). Optional
// PE-to-PE psum links (psum_link_bits > 0) accumulate partial sums down a column: a chain of L
// links passes a PE's B bits of psums in ceil(B / width) cycles per link, pipelined, so the last
// PE has the column's sums after ceil(B / width) + L - 1 cycles.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "arch/noc/i_noc.hpp"

namespace adasim::arch {
namespace {

class XyMulticastNoc : public INoc {
 public:
  explicit XyMulticastNoc(const NocSpec& s) : link_(uint64_t(std::max(0, s.psum_link_bits))) {
    for (int o = 0; o < 3; ++o) width_[size_t(o)] = uint64_t(std::max(1, s.bus_width(o)));
  }

  uint64_t cycles(const NocTraffic& t) const override {
    uint64_t c = over(t.from_pes_bits, width_[2]);
    for (size_t o = 0; o < 2; ++o) c = std::max(c, over(t.to_pes_bits[o], width_[o]));
    return c;
  }
  bool psum_links() const override { return link_ > 0; }
  uint64_t psum_chain_cycles(uint64_t bits, uint64_t links) const override {
    if (link_ == 0 || links == 0 || bits == 0) return 0;
    return over(bits, link_) + links - 1;
  }

 private:
  static uint64_t over(uint64_t bits, uint64_t width) { return (bits + width - 1) / width; }
  std::array<uint64_t, 3> width_{};
  uint64_t link_ = 0;
};

std::vector<sim::ParamDoc> xy_multicast_params() {
  namespace p = sim::param;
  std::vector<sim::ParamDoc> out;
  for (const char* op : {"ifmap", "weight", "psum"})
    out.push_back(
        p::integer(std::string(op) + "_bus_bits")
            .in(1, 65536)
            .when_absent("`link_width_bits`")
            .in_unit("bits")
            .described(std::string("width of the ") + op +
                       (op[0] == 'p' ? " bus back to the buffer" : " bus toward the PEs")));
  out.push_back(p::integer("psum_link_bits")
                    .in(1, 65536)
                    .when_absent("no links: every PE's psums go over the psum bus")
                    .in_unit("bits")
                    .described("width of the PE-to-PE links that accumulate psums down a column "
                               "(row stationary); energy per hop: energy table "
                               "psum_link_pj_per_bit or energy.per_access.link"));
  return out;
}

}  // namespace

void register_xy_multicast_noc(NocRegistry& r) {
  r.add("xy_multicast",
        "spatial arrays: per-operand Y bus and X buses with ID-tag multicast to every PE that "
        "needs a value",
        xy_multicast_params(), NocFactory{ArrayKind::kSpatial, [](const NocSpec& s) {
                                            return std::make_unique<XyMulticastNoc>(s);
                                          }});
}

}  // namespace adasim::arch
