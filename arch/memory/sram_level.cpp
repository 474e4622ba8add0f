// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/sram_level.hpp"

#include <algorithm>

namespace adasim::arch {

namespace {
uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
}  // namespace

SramLevel::SramLevel(sc_core::sc_module_name name, const SramLevelSpec& spec)
    : sc_core::sc_module(name), socket("socket"), spec_(spec) {
  socket.register_b_transport(this, &SramLevel::b_transport);
}

uint64_t SramLevel::access(uint64_t read_bytes, uint64_t write_bytes) {
  stats_.array_read_bytes += read_bytes;
  stats_.array_write_bytes += write_bytes;
  if (read_bytes == 0 && write_bytes == 0) return 1;
  ++stats_.busy_cycles;
  if (spec_.ideal) return 1;
  const uint64_t rd = ceil_div(read_bytes, uint64_t(spec_.read_bytes_per_cycle()));
  const uint64_t wr = ceil_div(write_bytes, uint64_t(spec_.write_bytes_per_cycle()));
  return std::max<uint64_t>({rd, wr, 1});
}

uint64_t SramLevel::read_words() const {
  return ceil_div(stats_.array_read_bytes + stats_.dma_read_bytes, uint64_t(spec_.word_bytes()));
}

uint64_t SramLevel::write_words() const {
  return ceil_div(stats_.array_write_bytes + stats_.dma_write_bytes, uint64_t(spec_.word_bytes()));
}

void SramLevel::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
  // DMA side: fills (writes) and drains (reads). Their port use overlaps the DRAM transfer and
  // is not charged against the array-side ports (documented simplification).
  if (trans.is_write())
    stats_.dma_write_bytes += trans.get_data_length();
  else
    stats_.dma_read_bytes += trans.get_data_length();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace adasim::arch
