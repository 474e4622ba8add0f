// SPDX-License-Identifier: Apache-2.0
// The vector path beside the array: the vector layers (pooling, eltwise, concat, lookup, softmax,
// layernorm, transpose, views) on `lanes` lanes. Cost model (documented in README): each chunk of
// outputs takes ceil(ops / lanes) cycles, ops = VectorOp::ops_per_output() per output; its
// inputs must be in SRAM first and its outputs are stored by the DMA. With a memory domain
// (clock.domains.memory) the unit, in the core domain, reads and writes the SRAM levels across
// its boundary: a chunk starts no earlier than `in_sync` core cycles after its inputs are in
// SRAM (the reads stream through the synchroniser, so a chunk loaded earlier pays nothing), and
// its outputs are in SRAM `out_sync` core cycles after its last cycle starts (their store and the
// layer's end wait for them). Values: the program's VectorOp, executed by the lanes' kernels
// (vector_kernels.hpp).
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "arch/engine/step.hpp"
#include "arch/program/program.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// Core cycles of the vector unit's two crossings into and out of the memory domain (0 and 0
/// without one): arch/program/feed_latency.hpp operand_sync_cycles and return_latency_cycles.
struct VectorCrossings {
  int in_sync = 0;
  int out_sync = 0;
};

class VectorController {
 public:
  /// Computes the layer's values now; step() then plays out its timing.
  void start(const LayerProgram& prog, const std::vector<const workloads::Int8Buffer*>& in,
             workloads::Int8Buffer& out, LayerPorts ports, VectorCrossings crossings = {});
  StepResult step();
  uint64_t ops() const { return ops_; }
  /// Fast mode jumps all but the last cycle of a chunk when they cost the same; without values
  /// start() computes no outputs.
  void set_mode(RunMode mode) { mode_ = mode; }

 private:
  const LayerProgram* prog_ = nullptr;
  const VectorProgram* vec_ = nullptr;
  LayerPorts ports_;
  VectorCrossings cross_;
  sc_core::sc_time landed_;  // when the last completed outputs are in SRAM
  size_t chunk_ = 0;
  int64_t cycle_in_chunk_ = 0;
  int64_t chunk_cycles_ = 0;
  bool finishing_ = false;
  uint64_t ops_ = 0;
  RunMode mode_;
};

}  // namespace adasim::arch
