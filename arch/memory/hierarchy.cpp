// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/hierarchy.hpp"

#include <algorithm>

#include "arch/program/transfers.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
/// Every transfer is free (ideal DRAM and levels): the DMA need not keep its queues in order.
bool all_ideal(const AcceleratorSpec& m) {
  return m.dram.ideal &&
         std::all_of(m.sram.begin(), m.sram.end(), [](const SramLevelSpec& l) { return l.ideal; });
}
}  // namespace

SharedPort::SharedPort(sc_core::sc_module_name name)
    : sc_core::sc_module(name), upstream("upstream"), downstream("downstream") {
  upstream.register_b_transport(this, &SharedPort::b_transport);
}

MemoryHierarchy::MemoryHierarchy(sc_core::sc_module_name name, const AcceleratorSpec& spec)
    : Component(name),
      spec_(spec),
      dram_("dram", spec.dram),
      dram_port_("dram_port"),
      dma_("dma", int(spec.sram.size()), spec.dram.burst_bytes, !all_ideal(spec)),
      dram_group_("dram") {
  for (size_t i = 0; i < spec.sram.size(); ++i)
    levels_.push_back(std::make_unique<SramLevel>(spec.sram[i].name.c_str(), spec.sram[i], int(i)));
  // Every route through the levels must end in DRAM (operand_routes throws on a cycle).
  operand_routes(spec);
  dram_port_.downstream.bind(dram_.socket);
  for (size_t i = 0; i < levels_.size(); ++i) {
    const std::string& parent = spec.sram[i].parent;
    if (parent.empty()) {
      levels_[i]->downstream.bind(dram_port_.upstream);
    } else {
      const auto p = std::find_if(levels_.begin(), levels_.end(),
                                  [&](const auto& l) { return l->spec().name == parent; });
      if (p == levels_.end() || p->get() == levels_[i].get())
        throw sim::ModelError("memory hierarchy: level '" + spec.sram[i].name +
                              "' is filled from '" + parent + "', which is no other level");
      levels_[i]->downstream.bind((*p)->upstream);
    }
    dma_.level_sockets[i].bind(levels_[i]->upstream);
  }
  // The DRAM channel's counters (the channel model is arch/memory/dram.hpp).
  const Dram::Stats& ds = dram_.stats();
  dram_group_.add("read_bytes", ds.read_bytes, "bytes", "read from the channel");
  dram_group_.add("write_bytes", ds.write_bytes, "bytes", "written to the channel");
  dram_group_.add("bursts", ds.bursts, "bursts", "transactions on the channel");
  dram_group_.add_real(
      "dram",
      [this](const sim::Interval& in) {
        const Dram::Stats& s = dram_.stats();
        const double capacity = spec_.dram.bandwidth_gb_per_s * in.time_ns;  // GB/s x ns = bytes
        return (spec_.dram.ideal || in.time_ns <= 0)
                   ? 0.0
                   : double(s.read_bytes + s.write_bytes) / capacity;
      },
      "fraction", "channel bandwidth used", sim::StatKind::kUtilization);
  declare(dram_group_, BlockRole::kDram);
}

void MemoryHierarchy::begin_layer() {
  dma_.begin_layer();
  dma_.reset_stats();
  dram_.reset_stats();
  for (auto& l : levels_) l->reset_stats();
}

}  // namespace adasim::arch
