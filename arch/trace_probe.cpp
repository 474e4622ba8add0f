// SPDX-License-Identifier: Apache-2.0
#include "arch/trace_probe.hpp"

#include <cmath>
#include <systemc>

namespace adasim::arch {

TraceProbe::TraceProbe(sim::VcdWriter& vcd, const std::string& top, const std::string& clock,
                       const SystolicArray& array, const MemoryHierarchy& memory,
                       const ILayerEngine* fold_of)
    : vcd_(vcd), array_(array), memory_(memory), fold_of_(fold_of) {
  cycle_ = vcd_.add_signal(top + "." + clock + ".cycle", 64);
  freq_ = vcd_.add_signal(top + "." + clock + ".freq_khz", 32);
  volt_ = vcd_.add_signal(top + "." + clock + ".voltage_mv", 16);
  halt_ = vcd_.add_signal(top + "." + clock + ".dvfs_halt", 1);
  layer_ = vcd_.add_signal(top + ".pe_array.layer", 16);
  fold_ = vcd_.add_signal(top + ".pe_array.fold", 32);
  stall_ = vcd_.add_signal(top + ".pe_array.stall_cause", 3);
  dram_rd_ = vcd_.add_signal(top + ".dram.read_bytes", 64);
  sram_rd_ = vcd_.add_signal(top + "." + memory.level(0).spec().name + ".read_bytes", 64);
  pe_.assign(size_t(array_.rows()) * size_t(array_.cols()), PeSignals{});
  for (int r = 0; r < array_.rows(); ++r)
    for (int c = 0; c < array_.cols(); ++c) {
      const std::string pe =
          top + ".pe_array.pe_" + std::to_string(r) + "_" + std::to_string(c) + ".";
      PeSignals& s = pe_[size_t(r) * size_t(array_.cols()) + size_t(c)];
      s.in = vcd_.add_signal(pe + "in", 8, true);
      s.w = vcd_.add_signal(pe + "w", 8, true);
      s.psum = vcd_.add_signal(pe + "psum", 32, true);
    }
}

void TraceProbe::domain(uint64_t cycle, const DomainState& s) {
  if (!vcd_.active(cycle)) return;
  vcd_.set_time(cycle, uint64_t(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5));
  vcd_.change(freq_, int64_t(std::llround(s.freq_mhz * 1e3)));
  vcd_.change(volt_, int64_t(std::llround(s.voltage_v * 1e3)));
  vcd_.change(halt_, s.halted ? 1 : 0);
}

void TraceProbe::add_power_signals(const std::string& top, const PowerManager& pm,
                                   const PowerSpec& spec) {
  power_.assign(pm.blocks().size(), -1);
  for (size_t b = 0; b < pm.blocks().size(); ++b) {
    const GateableBlock& g = pm.blocks()[b];
    if (!spec.power_gates(g.name)) continue;
    power_[b] = vcd_.add_signal(top + ".power." + g.name + ".powered_units", 32);
  }
  vcd_.set_time(0, 0);
  for (size_t b = 0; b < power_.size(); ++b)
    if (power_[b] >= 0) vcd_.change(power_[b], pm.blocks()[b].units);  // all on at power-up
}

void TraceProbe::power_state(uint64_t cycle, const sc_core::sc_time& ahead, size_t b,
                             int64_t powered) {
  if (b >= power_.size() || power_[b] < 0 || !vcd_.active(cycle)) return;
  const sc_core::sc_time at = sc_core::sc_time_stamp() + ahead;
  vcd_.set_time(cycle, uint64_t(at.to_seconds() * 1e12 + 0.5));
  vcd_.change(power_[b], powered);
}

void TraceProbe::stall_cause(uint64_t cycle, const sc_core::sc_time& ahead, uint64_t stall) {
  if (!vcd_.active(cycle)) return;
  const sc_core::sc_time at = sc_core::sc_time_stamp() + ahead;
  vcd_.set_time(cycle, uint64_t(at.to_seconds() * 1e12 + 0.5));
  vcd_.change(stall_, int64_t(stall));
}

void TraceProbe::sample(uint64_t cycle, uint64_t layer, bool outputs_held, uint64_t stall) {
  if (!vcd_.active(cycle)) return;
  const uint64_t ps = uint64_t(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5);
  vcd_.set_time(cycle, ps);
  vcd_.change(cycle_, int64_t(cycle));
  vcd_.change(layer_, int64_t(layer));
  vcd_.change(fold_, fold_of_ ? fold_of_->current_fold() : 0);
  vcd_.change(stall_, int64_t(stall));
  vcd_.change(dram_rd_, int64_t(memory_.dram().stats().read_bytes));
  vcd_.change(sram_rd_, int64_t(memory_.level(0).stats().array_read_bytes));
  for (int r = 0; r < array_.rows(); ++r)
    for (int c = 0; c < array_.cols(); ++c) {
      const PeSignals& s = pe_[size_t(r) * size_t(array_.cols()) + size_t(c)];
      if (s.in >= 0) vcd_.change(s.in, array_.moving(r, c));
      if (s.w >= 0)
        vcd_.change(s.w, outputs_held ? array_.vertical(r, c) : array_.stationary(r, c));
      if (s.psum >= 0) vcd_.change(s.psum, array_.psum(r, c));
    }
}

}  // namespace adasim::arch
