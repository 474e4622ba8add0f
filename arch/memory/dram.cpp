// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/dram.hpp"

#include <algorithm>

#include "arch/sim_time.hpp"

namespace adasim::arch {

Dram::Dram(sc_core::sc_module_name name, const DramSpec& spec)
    : sc_core::sc_module(name), socket("socket"), spec_(spec) {
  socket.register_b_transport(this, &Dram::b_transport);
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t bytes = trans.get_data_length();
  if (trans.is_read())
    stats_.read_bytes += bytes;
  else
    stats_.write_bytes += bytes;
  ++stats_.bursts;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (spec_.ideal) return;  // infinite bandwidth, zero latency
  const sc_core::sc_time issue = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time start = std::max(issue, busy_until_);
  // bytes / (GB/s) = ns
  const sc_core::sc_time xfer =
      time_from_ns(double(bytes) / spec_.bandwidth_gb_per_s, "DRAM transfer time");
  busy_until_ = add_time(start, xfer, "DRAM busy time");
  stats_.busy = add_time(stats_.busy, xfer, "DRAM busy time");
  const sc_core::sc_time done =
      add_time(busy_until_, time_from_ns(spec_.latency_ns, "DRAM latency"), "DRAM completion");
  delay = done - sc_core::sc_time_stamp();
}

}  // namespace adasim::arch
