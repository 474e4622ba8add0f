// SPDX-License-Identifier: Apache-2.0
#include "arch/memory/sram_level.hpp"

#include <algorithm>

#include "arch/memory/transfer_extension.hpp"

namespace adasim::arch {

namespace {
uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
}  // namespace

SramLevel::SramLevel(sc_core::sc_module_name name, const SramLevelSpec& spec, int index)
    : Component(name),
      upstream("upstream"),
      downstream("downstream"),
      spec_(spec),
      index_(index),
      group_(spec.name) {
  upstream.register_b_transport(this, &SramLevel::b_transport);
  group_.add("read_bytes", stats_.array_read_bytes, "bytes", "read toward the array");
  group_.add("write_bytes", stats_.array_write_bytes, "bytes", "written from the array");
  group_.add("fill_bytes", stats_.dma_write_bytes, "bytes", "written by transfers");
  group_.add("drain_bytes", stats_.dma_read_bytes, "bytes", "read by transfers");
  group_.add_count(
      "read_words", [this] { return read_words(); }, "words",
      "word reads, array side and transfers");
  group_.add_count(
      "write_words", [this] { return write_words(); }, "words",
      "word writes, array side and transfers");
  group_.add_real(
      "sram." + spec.name,
      [this](const sim::Interval& in) {
        if (spec_.ideal) return 0.0;
        const double cyc = double(std::max<uint64_t>(1, in.cycles));
        return std::max(
            double(stats_.array_read_bytes) / (double(spec_.read_bytes_per_cycle()) * cyc),
            double(stats_.array_write_bytes) / (double(spec_.write_bytes_per_cycle()) * cyc));
      },
      "fraction", "array-side port bandwidth used", sim::StatKind::kUtilization);
  declare(group_, BlockRole::kSramLevel);
}

uint64_t SramLevel::access(uint64_t read_bytes, uint64_t write_bytes) {
  return access_repeated(read_bytes, write_bytes, read_bytes, write_bytes);
}

uint64_t SramLevel::access_repeated(uint64_t read_bytes, uint64_t write_bytes, uint64_t read_total,
                                    uint64_t write_total) {
  stats_.array_read_bytes += read_total;
  stats_.array_write_bytes += write_total;
  return port_cycles(read_bytes, write_bytes);
}

uint64_t SramLevel::port_cycles(uint64_t read_bytes, uint64_t write_bytes) const {
  if (read_bytes == 0 && write_bytes == 0) return 1;
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

void SramLevel::b_transport(int /*from*/, tlm::tlm_generic_payload& trans,
                            sc_core::sc_time& delay) {
  // Transfer-side ports overlap the transfer and are not charged against the array-side ports
  // (documented simplification).
  const uint64_t bytes = trans.get_data_length();
  const TransferExtension* x = trans.get_extension<TransferExtension>();
  if (x != nullptr && x->level == index_) {
    const bool fill = x->kind == TransferExtension::Kind::kFill;
    // A fill pulls the burst from downstream and writes it here; a drain reads it here and
    // pushes it downstream.
    trans.set_command(fill ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    downstream->b_transport(trans, delay);
    if (trans.is_response_error()) return;
    (fill ? stats_.dma_write_bytes : stats_.dma_read_bytes) += bytes;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  // A level chained under this one copies data in or out: served from this level's storage.
  if (trans.is_write())
    stats_.dma_write_bytes += bytes;
  else
    stats_.dma_read_bytes += bytes;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace adasim::arch
