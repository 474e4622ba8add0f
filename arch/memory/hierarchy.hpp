// SPDX-License-Identifier: Apache-2.0
// The memory hierarchy, built from the spec: the DRAM channel, the SRAM levels and the DMA. Every
// level is a TLM-2.0 target upstream (the DMA, or a level chained under it) and an initiator
// downstream, bound to the level it is filled from (SramLevelSpec::parent) or to DRAM; the DMA has
// one socket per level. A transfer-plan hop (arch/program/transfers.hpp) is a DMA job into or
// out of the hop's level, which moves each burst to or from its downstream neighbour, so chaining
// an L1 under an L2 is configuration: the builder binds the chain, the plan names the hops.
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <tlm>
#include <vector>

#include "arch/component.hpp"
#include "arch/memory/dma.hpp"
#include "arch/memory/dram.hpp"
#include "arch/memory/sram_level.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// Lets several initiators share one TLM target whose socket takes a single binding (the DRAM
/// channel, shared by every level filled from DRAM). Adds no delay.
class SharedPort : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SharedPort> upstream;
  tlm_utils::simple_initiator_socket<SharedPort> downstream;

  explicit SharedPort(sc_core::sc_module_name name);

 private:
  void b_transport(int /*from*/, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    downstream->b_transport(trans, delay);
  }
};

class MemoryHierarchy : public Component {
 public:
  /// Throws sim::ModelError when a level's parent names no level or the parents form a cycle.
  MemoryHierarchy(sc_core::sc_module_name name, const AcceleratorSpec& spec);

  Dram& dram() { return dram_; }
  const Dram& dram() const { return dram_; }
  Dma& dma() { return dma_; }
  size_t levels() const { return levels_.size(); }
  SramLevel& level(size_t i) { return *levels_.at(i); }
  const SramLevel& level(size_t i) const { return *levels_.at(i); }
  /// The level that holds `op` for the array.
  SramLevel& array_level(Operand op) { return level(size_t(spec_.level_index_of(op))); }

  /// Starts a layer: forgets the DMA's finished jobs and zeroes every counter.
  void begin_layer();

 private:
  const AcceleratorSpec& spec_;
  Dram dram_;
  SharedPort dram_port_;
  std::vector<std::unique_ptr<SramLevel>> levels_;
  Dma dma_;
  sim::StatGroup dram_group_;
};

}  // namespace adasim::arch
