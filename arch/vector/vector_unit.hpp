// SPDX-License-Identifier: Apache-2.0
// The vector path beside the array: pooling and elementwise add on `lanes` int8 lanes. Cost model
// (documented in README): each chunk of outputs takes ceil(ops / lanes) cycles, where ops = window
// size per output for pooling and 1 per output for add; its inputs must be in SRAM first and its
// outputs are stored by the DMA. Values are computed exactly (max, rounded mean, saturating add).
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "arch/engine/step.hpp"
#include "arch/program/program.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch {

/// Functional kernels of the vector unit (the arithmetic the lanes perform) on the stored
/// integers, read as signed or unsigned per the tensors (inputs and output share the storage).
workloads::Int8Buffer vector_maxpool(const workloads::Int8Buffer& in, const workloads::ConvShape& s,
                                     bool is_signed = true);
workloads::Int8Buffer vector_avgpool(const workloads::Int8Buffer& in, const workloads::ConvShape& s,
                                     bool is_signed = true);
workloads::Int8Buffer vector_add(const workloads::Int8Buffer& a, const workloads::Int8Buffer& b,
                                 bool is_signed = true);

class VectorController {
 public:
  /// Computes the layer's values now; step() then plays out its timing.
  void start(const LayerProgram& prog, const std::vector<const workloads::Int8Buffer*>& in,
             workloads::Int8Buffer& out, LayerPorts ports, bool is_signed = true);
  StepResult step();
  uint64_t ops() const { return ops_; }

 private:
  const LayerProgram* prog_ = nullptr;
  const VectorProgram* vec_ = nullptr;
  LayerPorts ports_;
  size_t chunk_ = 0;
  int64_t cycle_in_chunk_ = 0;
  int64_t chunk_cycles_ = 0;
  bool finishing_ = false;
  uint64_t ops_ = 0;
};

}  // namespace adasim::arch
