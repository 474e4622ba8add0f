// SPDX-License-Identifier: Apache-2.0
// INoc: the interconnect between the SRAM level(s) and the PEs, as the engines see it: the cycles
// one step's operand and result traffic needs. Implementations live in arch/noc/impl/ and are
// registered by name in register_nocs() (config key noc.type); abstracts away routing, flits and
// arbitration (a link moves link_width_bits per cycle).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// What one step moves. Bits, so sub-byte operands are counted exactly.
struct NocTraffic {
  std::array<uint64_t, kNumOperands> to_pes_bits{};  ///< per Operand, toward the PEs
  uint64_t from_pes_bits = 0;  ///< psums / outputs from the PEs toward the buffer
};

struct NocStats {
  uint64_t to_pes_bits = 0;
  uint64_t from_pes_bits = 0;
  uint64_t busy_cycles = 0;  ///< steps that moved anything
};

/// Contract:
///  - cycles(t) returns the cycles the NoC needs to move `t`: 0 when `t` moves nothing, else >= 1.
///    The caller charges the cycles beyond the step's own one as NoC stall.
///  - cycles() depends only on `t` and the NoC's configuration, never on earlier calls (the engines
///    may ask per cycle, per PE step, per refill or per flush).
///  - carry(t) is cycles(t) plus counting `t` (and one busy cycle when anything moves) in stats();
///    engines that report their NoC traffic with their own counters ask cycles() only.
///  - an implementation declares the array family it feeds (NocFactory::feeds); the config parser
///    only accepts noc.type values whose implementation feeds pe_array.kind.
///  - psum_links() says whether PEs of one column pass partial sums to their neighbour over
///    local links; psum_chain_cycles(bits, links) is the cycles a chain of `links` links needs to
///    accumulate `bits` per PE into its last PE (0 without links or for a chain of 0 links).
class INoc {
 public:
  virtual ~INoc() = default;
  virtual uint64_t cycles(const NocTraffic& t) const = 0;
  virtual bool psum_links() const { return false; }
  virtual uint64_t psum_chain_cycles(uint64_t /*bits*/, uint64_t /*links*/) const { return 0; }

  ///  - carry(t, n) counts n identical steps at once (fast mode) and returns cycles(t) of each;
  ///    count() adds the totals of uneven steps whose cycles() the caller checked.
  uint64_t carry(const NocTraffic& t, uint64_t repeat = 1) {
    const uint64_t c = cycles(t);
    for (uint64_t b : t.to_pes_bits) stats_.to_pes_bits += b * repeat;
    stats_.from_pes_bits += t.from_pes_bits * repeat;
    if (c > 0) stats_.busy_cycles += repeat;
    return c;
  }
  void count(const NocTraffic& total, uint64_t busy) {
    for (uint64_t b : total.to_pes_bits) stats_.to_pes_bits += b;
    stats_.from_pes_bits += total.from_pes_bits;
    stats_.busy_cycles += busy;
  }
  const NocStats& stats() const { return stats_; }
  void reset_stats() { stats_ = NocStats{}; }

 private:
  NocStats stats_;
};

/// Base of the NoCs built from links that carry NocSpec::link_width_bits per cycle.
class LinkNoc : public INoc {
 public:
  explicit LinkNoc(const NocSpec& spec)
      : width_bits_(uint64_t(std::max(1, spec.link_width_bits))) {}

 protected:
  /// Cycles one link needs for `bits` (ceil; 0 for 0).
  uint64_t link_cycles(uint64_t bits) const { return (bits + width_bits_ - 1) / width_bits_; }

 private:
  uint64_t width_bits_;
};

struct NocFactory {
  ArrayKind feeds = ArrayKind::kSystolic;  ///< the array family whose engine this NoC feeds
  std::function<std::unique_ptr<INoc>(const NocSpec&)> build;
};
using NocRegistry = sim::Registry<NocFactory>;

/// The NoC named by spec.type (an unknown name is a ModelError: the config parser checks it).
std::unique_ptr<INoc> make_noc(const NocSpec& spec, const NocRegistry& nocs);
/// Same, with the built-in NoCs (arch/components.hpp).
std::unique_ptr<INoc> make_noc(const NocSpec& spec);

/// Registers every built-in NoC (called once, from make_components()).
void register_nocs(NocRegistry& r);

// Built-in implementations (arch/noc/impl/), each registering itself here.
void register_bus_noc(NocRegistry& r);           ///< impl/bus.cpp
void register_xy_multicast_noc(NocRegistry& r);  ///< impl/xy_multicast.cpp

}  // namespace adasim::arch
