// SPDX-License-Identifier: Apache-2.0
// TLM-2.0 payload extension of the DMA's transfers: which SRAM level a burst fills (data comes
// from the level's downstream neighbour: the level it is filled from, or DRAM) or drains (data
// goes to that neighbour). A level that receives a burst for another level serves it from its
// own storage: that is how a hop from an L2 into an L1 chained under it reads the L2. A DMA job
// travels as one transaction, a train of bursts; DRAM times each burst (IDramModel::access_train)
// and writes back the span it served them in.
#pragma once

#include <tlm>

namespace adasim::arch {

struct TransferExtension : tlm::tlm_extension<TransferExtension> {
  enum class Kind { kFill, kDrain };
  Kind kind = Kind::kFill;
  int level = -1;  ///< index of the level being filled or drained (AcceleratorSpec::sram)
  /// The transaction is a train of bursts of this many bytes (the last one the rest), issued
  /// together; 0: one burst. Timing only: the targets count its bytes and never touch its data.
  uint64_t burst_bytes = 0;
  /// Set by DRAM when the transaction reaches it (the power trace's view of its service): the
  /// span its bursts kept the channel busy, back to back, from dram_start to dram_end (an ideal
  /// DRAM: its issue time, for no time).
  bool dram = false;
  sc_core::sc_time dram_start, dram_end;

  tlm::tlm_extension_base* clone() const override { return new TransferExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TransferExtension&>(other);
  }
};

}  // namespace adasim::arch
