// SPDX-License-Identifier: Apache-2.0
#include "sim/stats/power_trace_writer.hpp"

#include "sim/stats/report_writer.hpp"

namespace adasim::sim {
namespace {

const char* domain_name(arch::DomainId d) {
  switch (d) {
    case arch::DomainId::kCore:
      return "core";
    case arch::DomainId::kMemory:
      return "memory";
    case arch::DomainId::kDram:
      return "dram";
  }
  return "core";
}

}  // namespace

std::string power_trace_csv(const arch::PowerTrace& t) {
  std::string out =
      "time_us,window_us,layer,domain,voltage_v,freq_mhz,block,dynamic_mw,leakage_mw\n";
  for (const arch::PowerWindow& w : t.windows) {
    const std::string head = format_double(w.start_ns * 1e-3) + "," +
                             format_double(w.length_ns * 1e-3) + "," +
                             csv_field(t.layers.empty() ? "" : t.layers[w.layer]) + ",";
    for (size_t b = 0; b < t.blocks.size(); ++b) {
      const arch::PowerTraceBlock& blk = t.blocks[b];
      std::string point = ",";  // the DRAM interface: no modelled supply or clock
      if (blk.domain == arch::DomainId::kCore)
        point = format_double(w.core.voltage_v) + "," + format_double(w.core.freq_mhz);
      else if (blk.domain == arch::DomainId::kMemory && t.memory)
        point = format_double(t.memory->voltage_v) + "," + format_double(t.memory->freq_mhz);
      // pJ / ns = mW.
      const double dyn = w.length_ns > 0 ? w.dynamic_pj[b] / w.length_ns : 0.0;
      const double leak = w.length_ns > 0 ? w.leakage_pj[b] / w.length_ns : 0.0;
      out += head + domain_name(blk.domain) + "," + point + "," + csv_field(blk.name) + "," +
             format_double(dyn) + "," + format_double(leak) + "\n";
    }
  }
  return out;
}

}  // namespace adasim::sim
