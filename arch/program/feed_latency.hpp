// SPDX-License-Identifier: Apache-2.0
// Cycles at the boundary between the memory domain (SRAM levels + NoC, clock.domains.memory) and
// the core domain (PE array + vector unit), which drives the cycle-level ticker: n cycles of
// SRAM-port or NoC work at the memory clock take ceil(n x f_core / f_mem) core cycles (at least
// one), the operands reach the edge PEs after the NoC's stages at the memory clock plus the
// synchroniser into the core domain, and the array's outputs reach SRAM after the synchroniser
// into the memory domain. The mapper's estimates and the array model share these (like
// spatial_folds). Without a memory domain every function is the single-domain model's identity.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "arch/spec.hpp"

namespace adasim::arch {

/// Core cycles per memory-domain cycle at core point `core`: f_core / f_mem (1 without one).
double core_per_memory_cycle(const AcceleratorSpec& spec, const OperatingPoint& core);

/// Core cycles that `n` memory-domain cycles take: 0 for 0, else max(1, ceil(n x ratio)).
/// Inline: the engines convert their port and link cycles on every step, and without a memory
/// domain (ratio 1) that is the identity.
inline uint64_t memory_to_core_cycles(uint64_t n, double ratio) {
  if (n == 0) return 0;
  if (ratio == 1.0) return n;
  // 1e-9: a whole product computed a hair above itself (5.0000000001) must not round up.
  return std::max<uint64_t>(1, uint64_t(std::ceil(double(n) * ratio - 1e-9)));
}

/// Core cycles from the SRAM read port to the edge PEs, at `ratio` = core_per_memory_cycle():
/// the NoC's latency_cycles stages at the memory clock plus the memory domain's synchroniser
/// (noc.latency_cycles without a memory domain).
int feed_latency_cycles(const AcceleratorSpec& spec, double ratio);
/// The same at the nominal core point (the mapper's estimates).
int nominal_feed_latency(const AcceleratorSpec& spec);

/// Core cycles from the array's edge to the SRAM levels (outputs and spilled partial sums): the
/// synchroniser into the memory domain, whose `sync_cycles` stages count cycles of the receiving
/// (memory) clock, memory_to_core_cycles(sync_cycles, ratio). 0 without a memory domain: the
/// array writes the SRAM in the cycle the values leave it, as in the single-domain model.
int return_latency_cycles(const AcceleratorSpec& spec, double ratio);
/// The same at the nominal core point (the mapper's estimates).
int nominal_return_latency(const AcceleratorSpec& spec);

/// Core cycles a value read from SRAM waits in the synchroniser into the core domain before a
/// core-domain unit can use it: sync_cycles with a memory domain, 0 without (the vector unit's
/// inputs, a spatial register-file refill). The NoC's stages are not in it (feed_latency_cycles
/// adds them for the systolic array's edge feed).
int operand_sync_cycles(const AcceleratorSpec& spec);

/// The NoC's clock as the spatial array sees it. Its buses and psum links run in the memory
/// domain when one is declared: n link cycles take memory_to_core_cycles(n, ratio) core cycles
/// (a step, a refill, a flush's chain and its bus phase each converted on its own), and a
/// register-file refill waits for the synchroniser into the core domain, `refill_sync` core
/// cycles, before its pass starts. The spatial model charges the NoC's bandwidth, not its
/// pipeline stages (noc.latency_cycles is area only there), and the operand streams of
/// consecutive steps and passes are pipelined, so the crossing is paid where the PEs wait for it:
/// at each refill that moves values, and (return_latency_cycles) on the outputs' way to SRAM.
/// Without a memory domain: ratio 1, no synchroniser, the single-domain model.
struct NocClock {
  double core_per_noc_cycle = 1.0;  ///< f_core / f_mem
  int refill_sync = 0;              ///< core cycles a refill waits in the synchroniser
  uint64_t core_cycles(uint64_t n) const { return memory_to_core_cycles(n, core_per_noc_cycle); }
};
/// At `ratio` = core_per_memory_cycle() (the engine, per layer at the domain's current point).
NocClock noc_clock(const AcceleratorSpec& spec, double ratio);
/// At the nominal core point (the mapper's estimates).
NocClock nominal_noc_clock(const AcceleratorSpec& spec);

}  // namespace adasim::arch
