// SPDX-License-Identifier: Apache-2.0
// Per-cycle SRAM-port and edge-bus demand of an engine cycle, and the stall cycles it costs: the
// bytes each level serves toward the array in one cycle must fit its banks x ports x word
// width, the bytes crossing the edge bus its link width in each direction; the cycle lasts as
// long as the slowest of them (README "Memory"). Ideal levels never stall.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "arch/spec.hpp"

namespace adasim::workloads::timeline {

/// Bytes one engine cycle moves: reads per operand from the level holding it, output writes
/// and accumulate reads at the output level.
struct CycleDemand {
  std::array<int64_t, 3> read{};
  int64_t out_write = 0, out_read = 0;
  CycleDemand& operator+=(const CycleDemand& o);
};

class PortModel {
 public:
  static constexpr size_t kMaxLevels = 8;
  explicit PortModel(const arch::AcceleratorSpec& spec);
  /// Extra cycles (beyond one) a cycle with this demand takes. With a memory clock domain the
  /// ports' and the bus's cycles count at the memory clock: n of them take
  /// ceil(n f_core / f_mem) core cycles (arch/program/feed_latency.hpp, as the engine).
  int64_t extra(const CycleDemand& d) const;

 private:
  int64_t to_core(int64_t memory_cycles) const;
  const arch::AcceleratorSpec& spec_;
  std::array<int, 3> level_{};
  int64_t bus_bytes_ = 1;
  /// NocSpec::per_operand_buses (xy_multicast, spatial arrays): each operand has its own bus, of
  /// its own width, and psum reads toward the PEs take none (arch/noc/impl/xy_multicast.cpp);
  /// otherwise ("bus") one shared link.
  bool per_operand_buses_ = false;
  std::array<int64_t, 3> bus_bits_{};  // per operand: ifmap, weight (toward PEs), psum (back)
  double core_per_memory_cycle_ = 1.0;  // f_core / f_mem at the nominal core point
};

}  // namespace adasim::workloads::timeline
