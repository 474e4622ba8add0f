// SPDX-License-Identifier: Apache-2.0
// Voltage/clock domains (gem5's VoltageDomain + SrcClockDomain as the model): which domain each
// block belongs to, and what running the memory domain (SRAM levels + NoC) at its own point
// means for the core domain (PE array + vector unit) that drives the cycle-level ticker:
//  - bandwidth and latency at the boundary: arch/program/feed_latency.hpp (shared with the
//    mapper's estimates);
//  - energy: each block's dynamic energy follows its own domain's (V/V_ref)^2 and its leakage its
//    domain's V/V_ref (the EnergyTable's laws); the DRAM interface's supply is fixed.
// Without a memory domain every function here is the identity of the single-domain model.
// Abstracts away synchroniser metastability, FIFO depth and clock phase.
#pragma once

#include <string>
#include <vector>

#include "arch/energy/energy_model.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

enum class DomainId { kCore, kMemory, kDram };

/// The domain of the block an energy row's `module` names: "pe_array" and "vector_unit" are the
/// core's; the SRAM levels (by name), "noc", "decoder" (at the SRAM read port) and "encoder"
/// (at the output store) the memory domain's when it is declared, else the core's; "dram" is
/// the DRAM interface's.
DomainId domain_of(const AcceleratorSpec& spec, const std::string& module);

/// Re-prices the rows of memory-domain blocks, computed at core voltage `core_v` with `t`'s laws,
/// at the memory domain's voltage: dynamic rows x dyn(V_mem) / dyn(V_core), leakage rows x
/// leak(V_mem) / leak(V_core). No-op without a memory domain or with the normalised per-access
/// table (which has no voltage).
void price_at_domain_voltages(const EnergyTable& t, const AcceleratorSpec& spec, double core_v,
                              std::vector<EnergyRow>& rows);

/// A share of a layer spent at one core operating point (a run-time governor may switch in the
/// middle of a layer).
struct PointShare {
  double voltage_v = 0.0;
  double busy_share = 0.0;  ///< of the layer's busy (non-halted) cycles: dynamic energy
  double time_share = 0.0;  ///< of the layer's time: leakage
};

/// Re-prices the core-domain rows of a layer, computed at core voltage `priced_v`, for a layer
/// that ran at several points: dynamic rows x sum busy_share x dyn(V) / dyn(priced_v) (activity
/// assumed even over the busy cycles), leakage rows x sum time_share x leak(V) / leak(priced_v).
/// Rows of the memory and DRAM domains, and the "dvfs" transition row, keep their price; no-op
/// with the normalised per-access table.
void price_over_core_points(const EnergyTable& t, const AcceleratorSpec& spec, double priced_v,
                            const std::vector<PointShare>& shares, std::vector<EnergyRow>& rows);

}  // namespace adasim::arch
