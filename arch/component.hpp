// SPDX-License-Identifier: Apache-2.0
// A block of the accelerator: a SystemC module that declares its statistics (sim/core/stats.hpp)
// with the part of the datapath they describe. Reports are collected by walking the module tree
// (collect_stats): a layer reports its engine's statistics and those of the shared blocks the
// engine's datapath uses (ILayerEngine::reports).
#pragma once

#include <functional>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/core/stats.hpp"

namespace adasim::arch {

/// The part of the datapath a statistic group describes.
enum class BlockRole {
  kEngine,     ///< a layer engine (reported for the layers it runs)
  kSramLevel,  ///< an SRAM level's ports toward the array and the DMA
  kDma,        ///< the DMA's transfers
  kDram,       ///< the DRAM channel
  kNoc,        ///< the array-edge interconnect
  kStorage,    ///< compressed storage: decoders and the output encoder
  kSequencer,  ///< the sequencer's cycle accounting (reported for every layer)
};

class Component : public sc_core::sc_module {
 public:
  struct Declared {
    const sim::StatGroup* group;
    BlockRole role;
  };
  explicit Component(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

  /// The statistic groups the block declared, with the part of the datapath each describes.
  const std::vector<Declared>& stat_groups() const { return groups_; }

 protected:
  /// Declares a group (it must outlive the component).
  void declare(const sim::StatGroup& g, BlockRole role) { groups_.push_back({&g, role}); }

 private:
  std::vector<Declared> groups_;
};

/// Walks the module tree under `root` depth first (children in creation order) and appends the
/// values of every declared group `take` accepts.
void collect_stats(const sc_core::sc_object& root, const sim::Interval& in,
                   const std::function<bool(const Component&, BlockRole)>& take,
                   std::vector<sim::StatValue>& out);

}  // namespace adasim::arch
