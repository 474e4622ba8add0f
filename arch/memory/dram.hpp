// SPDX-License-Identifier: Apache-2.0
// DRAM as a TLM-2.0 LT target: counts bytes and bursts and asks its timing model (selected by
// memory.dram.model, arch/memory/i_dram_model.hpp) when each burst completes.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>

#include "arch/dvfs/clock_domain.hpp"
#include "arch/memory/i_dram_model.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  /// The timing model named by spec.model comes from `models` (an unknown name is a ModelError:
  /// the config parser checks it).
  Dram(sc_core::sc_module_name name, const DramSpec& spec, const DramModelRegistry& models);
  /// Same, with the built-in models (arch/components.hpp).
  Dram(sc_core::sc_module_name name, const DramSpec& spec);
  ~Dram() override;

  struct Stats {
    uint64_t read_bytes = 0;
    uint64_t write_bytes = 0;
    uint64_t bursts = 0;
    sc_core::sc_time busy;  ///< time the channel spent transferring
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }
  /// Time at which the channel finishes everything accepted so far.
  sc_core::sc_time busy_until() const;
  /// The DMA runs in `core`'s clock domain, the DRAM interface in its own fixed one: each
  /// transaction (a read or a write, however many bursts its train has: the synchroniser is
  /// pipelined) completes `cycles` cycles of `core` (at its current period) after its last burst,
  /// the time a load's data or a store's completion spends in the synchroniser.
  void cross_into(const ClockDomain& core, int cycles);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::unique_ptr<IDramModel> model_;
  Stats stats_;
  const ClockDomain* core_ = nullptr;
  int sync_cycles_ = 0;
};

}  // namespace adasim::arch
