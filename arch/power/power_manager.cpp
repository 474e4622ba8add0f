// SPDX-License-Identifier: Apache-2.0
#include "arch/power/power_manager.hpp"

#include <algorithm>
#include <cmath>

#include "arch/components.hpp"
#include "arch/dvfs/domains.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

double wakeup_pj_per_unit(const EnergyTable& t, const AcceleratorSpec& spec,
                          const GateableBlock& b) {
  if (b.name == "pe_array") return t.pe_wakeup_pj();
  if (b.name == "vector_unit") return t.vector_lane_wakeup_pj();
  if (b.sram_level >= 0) {
    const SramLevelSpec& l = spec.sram[size_t(b.sram_level)];
    return t.sram_wakeup_pj(l.size_bytes) / double(l.banks);
  }
  return 0.0;  // the NoC has no power switch
}

}  // namespace

PowerManager::PowerManager(const AcceleratorSpec& spec, const EnergyTable& table,
                           const PowerPolicyRegistry& policies)
    : spec_(spec), table_(table), blocks_(gateable_blocks(spec)) {
  const auto* entry = policies.find(spec.power.policy);
  if (!entry) throw sim::ModelError("power: no policy named '" + spec.power.policy + "'");
  policy_ = entry->make(spec.power);
  for (const GateableBlock& b : blocks_) {
    BlockState s;
    s.powered = s.valid_banks = b.units;  // everything is on at power-up
    state_.push_back(s);
  }
}

PowerManager::PowerManager(const AcceleratorSpec& spec, const EnergyTable& table)
    : PowerManager(spec, table, builtin_components().power) {}

bool PowerManager::may_wake() const {
  return spec_.power.policy != "none" && !spec_.power.power_gated.empty();
}

void PowerManager::show(size_t b, int64_t powered, uint64_t offset) const {
  if (observer_) observer_(b, powered, offset);
}

uint64_t PowerManager::begin_layer(const std::string& layer, const LayerProgram& prog) {
  check_reliance(layer, prog);
  vector_layer_ = std::holds_alternative<VectorProgram>(prog.engine);
  const std::vector<int64_t> used = units_used(spec_, blocks_, prog);
  bool woke = false;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    BlockState& s = state_[b];
    s.gated_unit_cycles = s.woken_units = s.wakeups = 0;
    s.idle_shown = false;
    s.used = used[b];
    const int64_t units = blocks_[b].units;
    const int64_t target = spec_.power.power_gates(blocks_[b].name)
                               ? std::clamp(policy_->powered_units(units, s.used), s.used, units)
                               : units;
    int64_t woken = std::max<int64_t>(0, target - s.powered);
    if (s.idle_off && s.used > 0) {  // an idle timeout had switched the whole block off
      woken = target;
      s.idle_off = false;
    }
    if (s.used > 0) s.idle_run = 0;
    if (woken > 0) {
      s.woken_units += uint64_t(woken);
      s.wakeups += 1;
      woke = true;
    }
    if (target != s.powered || woken > 0) show(b, s.idle_off ? 0 : target, 0);
    s.powered = target;
    if (blocks_[b].sram_level >= 0 && !spec_.power.retention)
      s.valid_banks = std::min(s.valid_banks, target);
  }
  return woke ? uint64_t(spec_.power.wakeup_cycles) : 0;
}

double PowerManager::wakeup_pj(double core_v) const {
  double pj = 0;
  for (size_t b = 0; b < blocks_.size(); ++b)
    pj += double(state_[b].woken_units) * wakeup_pj_per_unit(table_, spec_, blocks_[b]) *
          table_.dynamic_voltage_factor(domain_voltage(b, core_v));
  return pj;
}

// A layer that reads an operand it never loads relies on an earlier layer's data: the banks
// holding it must have stayed powered (or in retention) since.
void PowerManager::check_reliance(const std::string& layer, const LayerProgram& prog) const {
  for (const RelianceOnSram& r : sram_reliance(prog)) {
    for (size_t b = 0; b < blocks_.size(); ++b) {
      if (blocks_[b].sram_level != r.level) continue;
      const SramLevelSpec& l = spec_.sram[size_t(r.level)];
      const int64_t bank_bytes = std::max<int64_t>(1, l.size_bytes / l.banks);
      const int64_t needed = (r.offset + r.bytes + bank_bytes - 1) / bank_bytes;
      if (needed <= state_[b].valid_banks) continue;
      throw sim::ModelError("power gating: layer " + layer + " reads its " + to_string(r.operand) +
                            " from " + l.name + " without loading it, but " + l.name + "'s banks " +
                            std::to_string(state_[b].valid_banks) + ".." +
                            std::to_string(needed - 1) +
                            " were switched off since it was written (their data is gone)");
    }
  }
}

uint64_t PowerManager::array_wait(uint64_t run, uint64_t at) {
  // The VCD takes edges in time order. An idle block's edge in this wait comes first: it falls
  // where the block's run, which started no later than the array's wait, reaches the timeout,
  // at most the timeout into the wait, and the array goes off the timeout into the wait.
  trace_idle_edges(at, run);
  const size_t b = 0;  // pe_array
  BlockState& s = state_[b];
  if (vector_layer_ || !spec_.power.power_gates("pe_array") || s.powered == 0) return 0;
  const uint64_t gated = policy_->gated_cycles(run);
  if (gated == 0) return 0;
  s.gated_unit_cycles += gated * uint64_t(s.powered);
  s.woken_units += uint64_t(s.powered);
  s.wakeups += 1;
  show(b, 0, run - gated);
  show(b, s.powered, run);
  return uint64_t(spec_.power.wakeup_cycles);
}

bool PowerManager::idles_through(size_t b) const {
  const BlockState& s = state_[b];
  return s.used == 0 && spec_.power.power_gates(blocks_[b].name) && s.powered > 0;
}

// The gated cycles of an idle run are its last ones (past the timeout): the block goes off at
// the first clocked cycle of the layer whose run gated_cycles() counts, at + n - (g1 - g0).
void PowerManager::trace_idle_edges(uint64_t at, uint64_t n, uint64_t base) {
  if (!observer_ || n == 0) return;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    BlockState& s = state_[b];
    if (s.idle_off || s.idle_shown || !idles_through(b)) continue;
    const uint64_t g0 = policy_->gated_cycles(s.idle_run + at);
    const uint64_t g1 = policy_->gated_cycles(s.idle_run + at + n);
    if (g1 == g0) continue;
    show(b, 0, base + (g0 > 0 ? 0 : n - (g1 - g0)));
    s.idle_shown = true;
  }
}

// A block the layer does not use at all idles through it (idle_timeout counts the run on).
void PowerManager::idle_through_layer(size_t b, uint64_t cycles) {
  BlockState& s = state_[b];
  if (!idles_through(b)) return;
  const uint64_t before = policy_->gated_cycles(s.idle_run);
  s.idle_run += cycles;
  const uint64_t after = policy_->gated_cycles(s.idle_run);
  if (after == 0) return;
  s.gated_unit_cycles += (after - before) * uint64_t(s.powered);
  // Without a trace of the layer's cycles the edge is drawn at its end (the report's cycles are
  // exact either way).
  if (!s.idle_off && !s.idle_shown) show(b, 0, 0);
  s.idle_off = true;
}

double PowerManager::domain_voltage(size_t b, double core_v) const {
  if (domain_of(spec_, blocks_[b].name) == DomainId::kMemory)
    return spec_.clock.memory->nominal.voltage_v;
  return core_v;
}

uint64_t PowerManager::active_unit_cycles(size_t b, const PowerLayerCycles& c,
                                          const std::vector<EnergyRow>& rows) const {
  const GateableBlock& g = blocks_[b];
  const uint64_t powered = uint64_t(state_[b].powered);
  if (g.name == "pe_array") return vector_layer_ ? 0 : c.compute * powered;
  if (g.name == "vector_unit") return vector_layer_ ? c.compute * powered : 0;
  if (g.sram_level < 0) return c.compute;  // the NoC carries operands on compute cycles
  uint64_t accesses = 0;                   // one bank-cycle per word access
  for (const EnergyRow& r : rows)
    if (r.module == g.name && r.action != "leakage") accesses += r.count;
  return accesses;
}

void PowerManager::price_block(size_t b, const PowerLayerCycles& c, std::vector<EnergyRow>& rows,
                               BlockPower& out) const {
  const GateableBlock& g = blocks_[b];
  const BlockState& s = state_[b];
  const double v = domain_voltage(b, c.core_v);
  const double dyn = table_.dynamic_voltage_factor(v);
  // Cycles of the block's own clock: the memory domain runs at its own frequency.
  double clock_ratio = 1.0;
  if (domain_of(spec_, g.name) == DomainId::kMemory)
    clock_ratio = spec_.clock.memory->nominal.freq_mhz / c.core_mhz;
  const uint64_t clocked = c.total - c.halted;
  const uint64_t off = uint64_t(g.units - s.powered) * c.total + s.gated_unit_cycles;
  const uint64_t on_clocked =
      uint64_t(std::llround(double(uint64_t(s.powered) * clocked -
                                   std::min(s.gated_unit_cycles, uint64_t(s.powered) * clocked)) *
                            clock_ratio));
  const uint64_t active = std::min(on_clocked, active_unit_cycles(b, c, rows));
  const bool gated = spec_.power.clock_gates(g.name);
  const uint64_t charged = gated ? active : on_clocked;
  out.block = g.name;
  out.units = g.units;
  out.clock_gated_unit_cycles = gated ? on_clocked - active : 0;
  out.power_gated_unit_cycles = off;
  out.wakeups = s.wakeups;
  out.wakeup_pj = double(s.woken_units) * wakeup_pj_per_unit(table_, spec_, g) * dyn;
  const double clock_each = double(g.flops) * table_.clock_pj_per_flop() * dyn;
  if (charged > 0)
    rows.push_back(EnergyRow{g.name, "clock", charged, clock_each, double(charged) * clock_each});
  if (s.woken_units > 0)
    rows.push_back(EnergyRow{g.name, "wakeup", s.woken_units, out.wakeup_pj / double(s.woken_units),
                             out.wakeup_pj});
  // Leakage: the powered share of the layer's unit-cycles, plus the retained share.
  const double all = double(g.units) * double(std::max<uint64_t>(1, c.total));
  const double kept = spec_.power.retention ? spec_.power.retention_leakage_fraction : 0.0;
  const double share = 1.0 - (double(off) / all) * (1.0 - kept);
  for (EnergyRow& r : rows) {
    if (r.module != g.name || r.action != "leakage") continue;
    const double full = r.pj;
    r.pj *= share;
    r.pj_each = r.pj / double(std::max<uint64_t>(1, r.count));
    out.leakage_saved_pj += full - r.pj;
  }
}

void PowerManager::idle_through(uint64_t cycles) {
  for (size_t b = 0; b < blocks_.size(); ++b) idle_through_layer(b, cycles);
}

void PowerManager::end_layer(const PowerLayerCycles& c, std::vector<EnergyRow>& rows,
                             std::vector<BlockPower>& out) {
  // The vector unit's leakage (not in the engines' rows: modelled with the power section only).
  const double lanes_mw = double(blocks_[1].units) * table_.vector_lane_leakage_mw();
  const double pj = lanes_mw * table_.leakage_voltage_factor(c.core_v) * c.time_ns;
  if (pj > 0) rows.push_back(EnergyRow{"vector_unit", "leakage", 1, pj, pj});
  idle_through(c.total - c.halted);
  for (size_t b = 0; b < blocks_.size(); ++b) {
    BlockPower bp;
    price_block(b, c, rows, bp);
    out.push_back(bp);
    BlockState& s = state_[b];
    if (blocks_[b].sram_level >= 0) s.valid_banks = std::max(s.valid_banks, s.used);
  }
}

}  // namespace adasim::arch
