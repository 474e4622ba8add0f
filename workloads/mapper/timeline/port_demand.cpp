// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/timeline/port_demand.hpp"

#include <algorithm>

#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"

namespace adasim::workloads::timeline {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

CycleDemand& CycleDemand::operator+=(const CycleDemand& o) {
  for (size_t i = 0; i < 3; ++i) read[i] += o.read[i];
  out_write += o.out_write;
  out_read += o.out_read;
  return *this;
}

PortModel::PortModel(const arch::AcceleratorSpec& spec)
    : spec_(spec),
      bus_bytes_(std::max(1, spec.noc.link_width_bits / 8)),
      per_operand_buses_(spec.noc.per_operand_buses()),
      core_per_memory_cycle_(arch::core_per_memory_cycle(spec, spec.clock.nominal)) {
  for (int o = 0; o < 3; ++o) bus_bits_[size_t(o)] = std::max(1, spec.noc.bus_width(o));
  if (spec.sram.size() > kMaxLevels)
    throw sim::ModelError("timeline: more SRAM levels than the port model holds");
  for (int o = 0; o < arch::kNumOperands; ++o)
    level_[size_t(o)] = spec.level_index_of(arch::Operand(o));
}

int64_t PortModel::to_core(int64_t memory_cycles) const {
  return int64_t(arch::memory_to_core_cycles(uint64_t(memory_cycles), core_per_memory_cycle_));
}

int64_t PortModel::extra(const CycleDemand& d) const {
  // Per level: the reads of the operands it holds, and the output traffic.
  std::array<int64_t, kMaxLevels> rd{}, wr{};
  int64_t to_array = 0;
  for (size_t o = 0; o < 3; ++o) {
    rd[size_t(level_[o])] += d.read[o];
    to_array += d.read[o];
  }
  const size_t out = size_t(level_[2]);
  rd[out] += d.out_read;
  wr[out] += d.out_write;
  int64_t sram = 1;
  for (size_t i = 0; i < spec_.sram.size(); ++i) {
    const arch::SramLevelSpec& l = spec_.sram[i];
    if (l.ideal || (rd[i] == 0 && wr[i] == 0)) continue;
    sram = std::max(sram, to_core(std::max(ceil_div(rd[i], l.read_bytes_per_cycle()),
                                           ceil_div(wr[i], l.write_bytes_per_cycle()))));
  }
  int64_t bus = 1;
  if (to_array > 0 || d.out_write > 0) {
    int64_t link = 0;  // cycles at the memory clock
    if (per_operand_buses_) {
      link = ceil_div(8 * d.out_write, bus_bits_[2]);
      for (size_t o = 0; o < 2; ++o) link = std::max(link, ceil_div(8 * d.read[o], bus_bits_[o]));
    } else {
      link = std::max(ceil_div(to_array, bus_bytes_), ceil_div(d.out_write, bus_bytes_));
    }
    bus = std::max(int64_t(1), to_core(link));
  }
  return std::max(sram, bus) - 1;
}

}  // namespace adasim::workloads::timeline
