// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/step.hpp"

#include <algorithm>

#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

namespace {
// One cycle's port demand per SRAM level (a level may hold several operands): the fewest and
// the most bytes compressed reads can take in one cycle, and the totals over `repeat` cycles;
// and the NoC traffic of one cycle (decoded values).
struct LevelDemand {
  SramLevel* lvl[kNumOperands];
  uint64_t lo[kNumOperands] = {0, 0, 0}, hi[kNumOperands] = {0, 0, 0};
  uint64_t total[kNumOperands] = {0, 0, 0}, wr[kNumOperands] = {0, 0, 0};
  int n = 0;
  NocTraffic traffic;

  int slot(SramLevel* l) {
    for (int i = 0; i < n; ++i)
      if (lvl[i] == l) return i;
    lvl[n] = l;
    return n++;
  }
};

// `advance`: move the read scalers by `repeat` cycles and fill the totals. Inlined: called on
// every compute cycle, and the call with its large result costs more than the work.
[[gnu::always_inline]] inline LevelDemand demand(const LayerPorts& ports,
                                                 const uint64_t reads[kNumOperands],
                                                 uint64_t out_write, uint64_t out_read,
                                                 uint64_t repeat, bool advance) {
  LevelDemand d;
  for (int o = 0; o < kNumOperands; ++o) {
    if (reads[o] == 0) continue;
    const int i = d.slot(ports.level_of_operand[size_t(o)]);
    if (ports.read_scale) {
      ByteScale& sc = (*ports.read_scale)[size_t(o)];
      d.lo[i] += sc.step_min(reads[o]);
      d.hi[i] += sc.step_max(reads[o]);
      if (advance) d.total[i] += sc(reads[o] * repeat);
    } else {
      d.lo[i] += reads[o];
      d.hi[i] += reads[o];
      d.total[i] += reads[o] * repeat;
    }
    d.traffic.to_pes_bits[size_t(o)] = 8 * reads[o];  // decoded values
  }
  d.traffic.from_pes_bits = 8 * out_write;
  if (out_write || out_read) {
    const int i = d.slot(ports.level_of_operand[size_t(Operand::kOfmap)]);
    d.lo[i] += out_read;
    d.hi[i] += out_read;
    d.total[i] += out_read * repeat;
    d.wr[i] += out_write;
  }
  return d;
}

// n port or link cycles at the memory domain's clock in core cycles (an ideal level never
// limits; 1:1 without a memory domain, arch/program/feed_latency.hpp).
uint64_t level_core_cycles(const LayerPorts& ports, const SramLevel* l, uint64_t n) {
  return l->spec().ideal ? n : memory_to_core_cycles(n, ports.core_per_memory_cycle);
}
uint64_t noc_core_cycles(const LayerPorts& ports, uint64_t n) {
  return memory_to_core_cycles(n, ports.core_per_memory_cycle);
}

StepResult stalls(uint64_t sram_cycles, uint64_t noc_cycles) {
  StepResult r;
  if (sram_cycles >= noc_cycles)
    r.bw_stall_sram = sram_cycles - 1;
  else
    r.bw_stall_noc = noc_cycles - 1;
  return r;
}
}  // namespace

uint64_t steady_ports(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                      uint64_t out_write, uint64_t out_read) {
  const LevelDemand d = demand(ports, reads, out_write, out_read, 1, false);
  uint64_t sram_cycles = 1;
  for (int i = 0; i < d.n; ++i) {
    const uint64_t c = d.lvl[i]->port_cycles(d.hi[i], d.wr[i]);
    if (d.lvl[i]->port_cycles(d.lo[i], d.wr[i]) != c) return 0;
    sram_cycles = std::max(sram_cycles, level_core_cycles(ports, d.lvl[i], c));
  }
  return std::max(sram_cycles, noc_core_cycles(ports, ports.bus->cycles(d.traffic)));
}

std::optional<StepResult> charge_spread(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                                        uint64_t out_write, uint64_t cycles, uint64_t n) {
  uint64_t lo[kNumOperands], hi[kNumOperands];
  for (int o = 0; o < kNumOperands; ++o) {
    lo[o] = reads[o] / cycles;
    hi[o] = (reads[o] + cycles - 1) / cycles;
    if (lo[o] == 0 && hi[o] != 0) return std::nullopt;  // some cycles would read nothing
  }
  const uint64_t wlo = out_write / cycles, whi = (out_write + cycles - 1) / cycles;
  if (wlo == 0 && whi != 0) return std::nullopt;
  const LevelDemand a = demand(ports, lo, wlo, 0, 1, false);
  const LevelDemand b = demand(ports, hi, whi, 0, 1, false);
  uint64_t sram_cycles = 1;
  for (int i = 0; i < a.n; ++i) {
    const uint64_t c = b.lvl[i]->port_cycles(b.hi[i], b.wr[i]);
    if (a.lvl[i]->port_cycles(a.lo[i], a.wr[i]) != c) return std::nullopt;
    sram_cycles = std::max(sram_cycles, level_core_cycles(ports, b.lvl[i], c));
  }
  const uint64_t link_cycles = ports.bus->cycles(b.traffic);
  if (ports.bus->cycles(a.traffic) != link_cycles) return std::nullopt;
  const uint64_t noc_cycles = noc_core_cycles(ports, link_cycles);
  // The first n cycles move the floor of total * n / cycles of each kind.
  uint64_t part[kNumOperands];
  for (int o = 0; o < kNumOperands; ++o) part[o] = reads[o] * n / cycles;
  const uint64_t wpart = out_write * n / cycles;
  const LevelDemand t = demand(ports, part, wpart, 0, 1, true);
  for (int i = 0; i < t.n; ++i) t.lvl[i]->access_repeated(b.hi[i], b.wr[i], t.total[i], t.wr[i]);
  ports.bus->count(t.traffic, noc_cycles > 0 ? n : 0);
  StepResult r = stalls(sram_cycles, noc_cycles);
  r.repeat = n;
  return r;
}

StepResult charge_ports(const LayerPorts& ports, const uint64_t reads[kNumOperands],
                        uint64_t out_write, uint64_t out_read, uint64_t repeat) {
  const LevelDemand d = demand(ports, reads, out_write, out_read, repeat, true);
  uint64_t sram_cycles = 1;
  for (int i = 0; i < d.n; ++i) {
    // One cycle: the scaler handed out exactly total bytes (lo <= total <= hi).
    const uint64_t per = repeat == 1 ? d.total[i] : d.hi[i];
    if (repeat > 1 &&
        d.lvl[i]->port_cycles(d.lo[i], d.wr[i]) != d.lvl[i]->port_cycles(per, d.wr[i]))
      throw sim::ModelError("charge_ports: a repeated cycle's SRAM port cycles vary");
    sram_cycles = std::max(
        sram_cycles,
        level_core_cycles(ports, d.lvl[i],
                          d.lvl[i]->access_repeated(per, d.wr[i], d.total[i], d.wr[i] * repeat)));
  }
  return stalls(sram_cycles, noc_core_cycles(ports, ports.bus->carry(d.traffic, repeat)));
}

}  // namespace adasim::arch
