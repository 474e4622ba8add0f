// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/dram.hpp"

#include <algorithm>

#include "arch/components.hpp"
#include "arch/memory/transfer_extension.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

DramTrainTiming IDramModel::access_train(uint64_t bytes, uint64_t burst_bytes, bool is_read,
                                         const sc_core::sc_time& issue) {
  if (burst_bytes == 0) throw sim::ModelError("DRAM: a burst train of zero-byte bursts");
  DramTrainTiming out{issue, sc_core::SC_ZERO_TIME, 0};
  for (uint64_t off = 0; off < bytes; off += burst_bytes) {
    const DramTiming t = access(std::min(burst_bytes, bytes - off), is_read, issue);
    out.done = std::max(out.done, t.done);
    out.transfer = add_time(out.transfer, t.transfer, "DRAM busy time");
    ++out.bursts;
  }
  return out;
}

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
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  // A DMA job arrives as one transaction cut into bursts (TransferExtension::burst_bytes).
  TransferExtension* x = trans.get_extension<TransferExtension>();
  const uint64_t burst = x != nullptr && x->burst_bytes > 0 ? x->burst_bytes : bytes;
  DramTrainTiming t;
  if (burst >= bytes) {  // one burst
    const DramTiming one = model_->access(bytes, trans.is_read(), now + delay);
    t = {one.done, one.transfer, 1};
  } else {
    t = model_->access_train(bytes, burst, trans.is_read(), now + delay);
  }
  stats_.bursts += t.bursts;
  stats_.busy = add_time(stats_.busy, t.transfer, "DRAM busy time");
  if (x != nullptr) {
    // The channel served the train last, back to back: up to the model's busy time.
    x->dram = true;
    x->dram_end = t.transfer > sc_core::SC_ZERO_TIME ? model_->busy_until() : now + delay;
    x->dram_start = x->dram_end > t.transfer ? x->dram_end - t.transfer : sc_core::SC_ZERO_TIME;
  }
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
