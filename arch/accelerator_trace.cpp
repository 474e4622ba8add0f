// SPDX-License-Identifier: Apache-2.0
// VCD signals of the accelerator: the signal tree mirrors the module tree (top.<block>...), and
// every PE exposes its moving operand, its weight (stationary or moving) and its psum.
#include <string>

#include "arch/accelerator.hpp"

namespace adasim::arch {

void Accelerator::attach_tracer(sim::VcdWriter* vcd) {
  vcd_ = vcd;
  if (!vcd_) return;
  const std::string top = std::string(name());
  sig_cycle_ = vcd_->add_signal(top + "." + clock_.name() + ".cycle", 64);
  sig_layer_ = vcd_->add_signal(top + ".pe_array.layer", 16);
  sig_fold_ = vcd_->add_signal(top + ".pe_array.fold", 32);
  sig_stall_ = vcd_->add_signal(top + ".pe_array.stall_cause", 2);
  sig_dram_rd_ = vcd_->add_signal(top + ".dram.read_bytes", 64);
  sig_sram_rd_ = vcd_->add_signal(top + "." + spec_.sram.front().name + ".read_bytes", 64);
  pe_sig_.assign(size_t(array_.rows()) * size_t(array_.cols()), PeSignals{});
  for (int r = 0; r < array_.rows(); ++r)
    for (int c = 0; c < array_.cols(); ++c) {
      const std::string pe =
          top + ".pe_array.pe_" + std::to_string(r) + "_" + std::to_string(c) + ".";
      PeSignals& s = pe_sig_[size_t(r) * size_t(array_.cols()) + size_t(c)];
      s.in = vcd_->add_signal(pe + "in", 8, true);
      s.w = vcd_->add_signal(pe + "w", 8, true);
      s.psum = vcd_->add_signal(pe + "psum", 32, true);
    }
}

void Accelerator::sample_trace(uint64_t /*cycles_advanced*/) {
  if (!vcd_ || !vcd_->active(cycle_)) return;
  const uint64_t ps = uint64_t(sc_core::sc_time_stamp().to_seconds() * 1e12 + 0.5);
  vcd_->set_time(cycle_, ps);
  vcd_->change(sig_cycle_, int64_t(cycle_));
  vcd_->change(sig_layer_, int64_t(layer_));
  vcd_->change(sig_fold_, array_ctrl_.current_fold());
  vcd_->change(sig_stall_, int64_t(stall_code_));
  vcd_->change(sig_dram_rd_, int64_t(dram_.stats().read_bytes));
  vcd_->change(sig_sram_rd_, int64_t(sram_.front()->stats().array_read_bytes));
  const SystolicProgram* sys = std::get_if<SystolicProgram>(&programs_[layer_]->engine);
  const bool os = sys != nullptr && sys->outputs_stationary();
  for (int r = 0; r < array_.rows(); ++r)
    for (int c = 0; c < array_.cols(); ++c) {
      const PeSignals& s = pe_sig_[size_t(r) * size_t(array_.cols()) + size_t(c)];
      if (s.in >= 0) vcd_->change(s.in, array_.moving(r, c));
      if (s.w >= 0) vcd_->change(s.w, os ? array_.vertical(r, c) : array_.stationary(r, c));
      if (s.psum >= 0) vcd_->change(s.psum, array_.psum(r, c));
    }
}

}  // namespace adasim::arch
