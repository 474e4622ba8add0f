// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/step.hpp"

#include <algorithm>

#include "arch/program/feed_latency.hpp"

namespace adasim::arch {

StepResult charge_ports(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                        uint64_t out_write, uint64_t out_read) {
  // Per-level port demand of this cycle (a level may hold several operands).
  SramLevel* lvl[kNumOperands];
  uint64_t rd[kNumOperands] = {0, 0, 0}, wr[kNumOperands] = {0, 0, 0};
  int nlvl = 0;
  auto slot = [&](SramLevel* l) {
    for (int i = 0; i < nlvl; ++i)
      if (lvl[i] == l) return i;
    lvl[nlvl] = l;
    return nlvl++;
  };
  NocTraffic traffic;
  for (int o = 0; o < kNumOperands; ++o) {
    if (reads[o] == 0) continue;
    const uint64_t stored = ports.read_scale ? (*ports.read_scale)[size_t(o)](reads[o]) : reads[o];
    rd[slot(ports.level_of_operand[size_t(o)])] += stored;
    traffic.to_pes_bits[size_t(o)] = 8 * reads[o];  // decoded values
  }
  traffic.from_pes_bits = 8 * out_write;
  if (out_write || out_read) {
    const int i = slot(ports.level_of_operand[size_t(Operand::kOfmap)]);
    rd[i] += out_read;
    wr[i] += out_write;
  }
  const double ratio = ports.core_per_memory_cycle;
  uint64_t sram_cycles = 1;
  for (int i = 0; i < nlvl; ++i) {
    const uint64_t n = lvl[i]->access(rd[i], wr[i]);
    sram_cycles = std::max(sram_cycles, lvl[i]->spec().ideal ? n : memory_to_core_cycles(n, ratio));
  }
  const uint64_t bus_cycles = memory_to_core_cycles(ports.bus->carry(traffic), ratio);
  StepResult r;
  if (sram_cycles >= bus_cycles)
    r.bw_stall_sram = sram_cycles - 1;
  else
    r.bw_stall_noc = bus_cycles - 1;
  return r;
}

}  // namespace adasim::arch
