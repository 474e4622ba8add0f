// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/dram.hpp"

#include "arch/components.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

Dram::Dram(sc_core::sc_module_name name, const DramSpec& spec, const DramModelRegistry& models)
    : sc_core::sc_module(name), socket("socket") {
  const auto* entry = models.find(spec.model);
  if (!entry) throw sim::ModelError("DRAM: no model named '" + spec.model + "'");
  model_ = entry->make(spec);
  socket.register_b_transport(this, &Dram::b_transport);
}

Dram::Dram(sc_core::sc_module_name name, const DramSpec& spec)
    : Dram(name, spec, builtin_components().dram) {}

Dram::~Dram() = default;

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t bytes = trans.get_data_length();
  if (trans.is_read())
    stats_.read_bytes += bytes;
  else
    stats_.write_bytes += bytes;
  ++stats_.bursts;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const DramTiming t = model_->access(bytes, trans.is_read(), now + delay);
  stats_.busy = add_time(stats_.busy, t.transfer, "DRAM busy time");
  delay = t.done - now;
  if (core_ != nullptr && sync_cycles_ > 0) delay += core_->time_of(sim::Cycle(sync_cycles_));
}

void Dram::cross_into(const ClockDomain& core, int cycles) {
  if (cycles < 0) throw sim::ModelError("DRAM: negative synchroniser cycles");
  core_ = &core;
  sync_cycles_ = cycles;
}

sc_core::sc_time Dram::busy_until() const { return model_->busy_until(); }

}  // namespace adasim::arch
