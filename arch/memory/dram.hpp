// SPDX-License-Identifier: Apache-2.0
// DRAM channel as a TLM-2.0 LT target: one shared channel whose bandwidth serializes bursts and
// whose first-byte latency is paid per burst (bursts pipeline). No row-buffer model yet.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "arch/spec.hpp"

namespace adasim::arch {

class Dram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dram> socket;

  Dram(sc_core::sc_module_name name, const DramSpec& spec);

  struct Stats {
    uint64_t read_bytes = 0;
    uint64_t write_bytes = 0;
    uint64_t bursts = 0;
    sc_core::sc_time busy;  ///< time the channel spent transferring
  };
  const Stats& stats() const { return stats_; }
  void reset_stats() { stats_ = Stats{}; }
  /// Time at which the channel finishes everything accepted so far.
  sc_core::sc_time busy_until() const { return busy_until_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  DramSpec spec_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  Stats stats_;
};

}  // namespace adasim::arch
