// SPDX-License-Identifier: Apache-2.0
// IDramModel: the timing of the DRAM behind the DMA, one burst at a time. The Dram TLM target
// (dram.hpp) holds one and counts bytes and bursts; implementations live in arch/memory/impl/ and
// are registered by name in register_dram_models() (config key memory.dram.model).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <systemc>

#include "arch/spec.hpp"
#include "sim/core/registry.hpp"

namespace adasim::arch {

/// When a burst's data is complete, and how long it occupied the channel.
struct DramTiming {
  sc_core::sc_time done;      ///< absolute time the last byte has arrived (>= the issue time)
  sc_core::sc_time transfer;  ///< time the channel spent moving it (for utilisation stats)
};

/// A train of bursts issued together (one DMA job): when its last data is complete, how long it
/// occupied the channel in all, and how many bursts it was cut into.
struct DramTrainTiming {
  sc_core::sc_time done;      ///< the latest completion of its bursts (the issue time if none)
  sc_core::sc_time transfer;  ///< sum of the bursts' channel times
  uint64_t bursts = 0;
};

/// Contract:
///  - access(bytes, is_read, issue) is called once per burst, in issue order (issue times never
///    decrease), and returns when the burst completes; it may keep state (open rows, a busy
///    channel) across calls.
///  - access_train(bytes, burst_bytes, is_read, issue) is the same as access() called for each of
///    ceil(bytes / burst_bytes) bursts in order (burst_bytes each, the last one the rest), all
///    issued at `issue`: the default does exactly that; a model may override it with a closed
///    form that gives the same times to the picosecond (the DMA sends one job per call).
///  - busy_until() is the time everything accepted so far has completed its transfer.
///  - a model is built from the validated DramSpec (its own parameters in DramSpec::params).
class IDramModel {
 public:
  virtual ~IDramModel() = default;
  virtual DramTiming access(uint64_t bytes, bool is_read, const sc_core::sc_time& issue) = 0;
  virtual DramTrainTiming access_train(uint64_t bytes, uint64_t burst_bytes, bool is_read,
                                       const sc_core::sc_time& issue);
  virtual sc_core::sc_time busy_until() const = 0;
};

using DramModelFactory = std::function<std::unique_ptr<IDramModel>(const DramSpec&)>;
using DramModelRegistry = sim::Registry<DramModelFactory>;

/// Registers every built-in DRAM model (called once, from make_components()).
void register_dram_models(DramModelRegistry& r);

// Built-in models (arch/memory/impl/).
void register_bandwidth_latency_dram(DramModelRegistry& r);  ///< impl/bandwidth_latency.cpp

}  // namespace adasim::arch
