// SPDX-License-Identifier: Apache-2.0
#include "arch/program/feed_latency.hpp"

#include <algorithm>
#include <cmath>

namespace adasim::arch {

double core_per_memory_cycle(const AcceleratorSpec& spec, const OperatingPoint& core) {
  if (!spec.clock.memory) return 1.0;
  return core.freq_mhz / spec.clock.memory->nominal.freq_mhz;
}

int feed_latency_cycles(const AcceleratorSpec& spec, double ratio) {
  if (!spec.clock.memory) return spec.noc.latency_cycles;
  const uint64_t stages = memory_to_core_cycles(uint64_t(spec.noc.latency_cycles), ratio);
  return int(stages) + spec.clock.memory->sync_cycles;
}

int nominal_feed_latency(const AcceleratorSpec& spec) {
  return feed_latency_cycles(spec, core_per_memory_cycle(spec, spec.clock.nominal));
}

int return_latency_cycles(const AcceleratorSpec& spec, double ratio) {
  if (!spec.clock.memory) return 0;
  return int(memory_to_core_cycles(uint64_t(spec.clock.memory->sync_cycles), ratio));
}

int nominal_return_latency(const AcceleratorSpec& spec) {
  return return_latency_cycles(spec, core_per_memory_cycle(spec, spec.clock.nominal));
}

int operand_sync_cycles(const AcceleratorSpec& spec) {
  return spec.clock.memory ? spec.clock.memory->sync_cycles : 0;
}

NocClock noc_clock(const AcceleratorSpec& spec, double ratio) {
  NocClock c;
  c.core_per_noc_cycle = ratio;
  c.refill_sync = operand_sync_cycles(spec);
  return c;
}

NocClock nominal_noc_clock(const AcceleratorSpec& spec) {
  return noc_clock(spec, core_per_memory_cycle(spec, spec.clock.nominal));
}

}  // namespace adasim::arch
