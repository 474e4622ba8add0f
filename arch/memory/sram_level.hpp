// SPDX-License-Identifier: Apache-2.0
// One on-chip SRAM level. Upstream it is a TLM-2.0 LT target for transfers (the DMA's bursts, or
// a level chained under it copying data out); downstream it is an initiator toward the level it
// is filled from, or DRAM: a fill pulls the burst from downstream, a drain pushes it there. Toward
// the array it offers a per-cycle port check: the bytes the edge feeders read and the collectors
// write in one cycle must fit banks x ports x word width, otherwise the extra cycles are stalls.
// Values are not stored here (the feeders read them through the layer's address generator);
// capacity is enforced by the mapper's tiling.
#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>

#include "arch/component.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

class SramLevel : public Component {
 public:
  /// Bound by the DMA and by every level chained under this one.
  tlm_utils::multi_passthrough_target_socket<SramLevel> upstream;
  tlm_utils::simple_initiator_socket<SramLevel> downstream;

  /// `index`: the level's position in AcceleratorSpec::sram (transfers name levels by index).
  SramLevel(sc_core::sc_module_name name, const SramLevelSpec& spec, int index);

  const SramLevelSpec& spec() const { return spec_; }

  struct Stats {
    uint64_t array_read_bytes = 0;   ///< read by the array-side feeders
    uint64_t array_write_bytes = 0;  ///< written by the array-side collectors
    uint64_t dma_write_bytes = 0;    ///< written by transfers (fills from DRAM or a parent level)
    uint64_t dma_read_bytes = 0;     ///< read by transfers (drains, copies into a child level)
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }

  /// Array-side accesses of one cycle. Returns the cycles they need (>= 1 when any access, the
  /// excess over one is a bandwidth stall); 1 for an ideal level.
  uint64_t access(uint64_t read_bytes, uint64_t write_bytes);
  /// `cycles` cycles of array-side accesses at once (fast mode: a steady stretch): counts
  /// `read_total` / `write_total` bytes; each cycle moved `read_bytes` / `write_bytes` and needs
  /// the returned cycles.
  uint64_t access_repeated(uint64_t read_bytes, uint64_t write_bytes, uint64_t read_total,
                           uint64_t write_total);
  /// The cycles one cycle's array-side accesses need (no counting).
  uint64_t port_cycles(uint64_t read_bytes, uint64_t write_bytes) const;

  uint64_t read_words() const;   ///< word accesses (array + transfer reads), for energy
  uint64_t write_words() const;  ///< word accesses (array + transfer writes), for energy

 private:
  void b_transport(int from, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  SramLevelSpec spec_;
  int index_;
  Stats stats_;
  sim::StatGroup group_;
};

}  // namespace adasim::arch
