// SPDX-License-Identifier: Apache-2.0
// One on-chip SRAM level. Upstream (DMA fills and drains) it is a TLM-2.0 LT target; toward the
// array it offers a per-cycle port check: the bytes the edge feeders read and the collectors write
// in one cycle must fit banks x ports x word width, otherwise the extra cycles are stalls. Values
// are not stored here (the feeders read them through the layer's address generator); capacity is
// enforced by the mapper's tiling.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "arch/spec.hpp"

namespace adasim::arch {

class SramLevel : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<SramLevel> socket;

  SramLevel(sc_core::sc_module_name name, const SramLevelSpec& spec);

  const SramLevelSpec& spec() const { return spec_; }

  struct Stats {
    uint64_t array_read_bytes = 0;   ///< read by the array-side feeders
    uint64_t array_write_bytes = 0;  ///< written by the array-side collectors
    uint64_t dma_write_bytes = 0;    ///< filled from DRAM
    uint64_t dma_read_bytes = 0;     ///< drained to DRAM
    uint64_t busy_cycles = 0;        ///< cycles with any array-side access
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }

  /// Array-side accesses of one cycle. Returns the cycles they need (>= 1 when any access, the
  /// excess over one is a bandwidth stall); 1 for an ideal level.
  uint64_t access(uint64_t read_bytes, uint64_t write_bytes);

  uint64_t read_words() const;   ///< word accesses (array + DMA drains), for energy
  uint64_t write_words() const;  ///< word accesses (array + DMA fills), for energy

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  SramLevelSpec spec_;
  Stats stats_;
};

}  // namespace adasim::arch
