// SPDX-License-Identifier: Apache-2.0
// Runs one layer's loop nest on the SpatialEngine under the accelerator's clock: one step per
// DRAM-level iteration (the chunk of the transfer plan). A step waits until the DMA has staged
// the iteration's tiles in the global buffer (and the output slot is free), runs the iteration's
// passes and advances the clock by their cycles; the buffer slot and the outputs are released
// when those cycles have elapsed, so DMA transfers overlap compute exactly as far as double
// buffering allows. A compressed ifmap / weight sits encoded in the buffer: every buffer read
// toward the array goes through the decoder (LayerPorts::read_scale counts the encoded bytes).
#pragma once

#include <cstdint>
#include <memory>

#include "arch/engine/step.hpp"
#include "arch/pe/sparse_fold.hpp"
#include "arch/program/program.hpp"
#include "arch/spatial/spatial_engine.hpp"
#include "arch/spec.hpp"
#include "workloads/ir/tensor_data.hpp"

namespace adasim::arch::spatial {

class SpatialController {
 public:
  explicit SpatialController(const AcceleratorSpec& spec) : spec_(spec) {}

  void start(const LayerProgram& prog, const workloads::Int16Buffer& a,
             const workloads::Int16Buffer& b, workloads::Int32Buffer& out, LayerPorts ports);
  StepResult step();

  const SpatialCounts& counts() const { return engine_->counts(); }
  /// Sparse datapath of the next layer (set before start()).
  void set_sparsity(const SparseConfig& c) { sparse_ = c; }

 private:
  void release_pending();

  const AcceleratorSpec& spec_;
  const LayerProgram* prog_ = nullptr;
  LayerPorts ports_;
  std::unique_ptr<SpatialEngine> engine_;
  std::array<int, 3> bytes_{};  // bytes per value: ifmap, weight, psum
  std::array<int64_t, 2> decoded_{};  // ifmap / weight buffer reads already through the decoder
  size_t fold_ = 0, chunk_ = 0;
  int64_t pending_consumed_ = -1, pending_out_ = -1;
  uint64_t ret_ = 0;             // core cycles from the array to SRAM (return_latency_cycles)
  sc_core::sc_time landed_;      // when the layer's last outputs so far are in SRAM
  bool finished_ = false;
  SparseConfig sparse_;
};

}  // namespace adasim::arch::spatial
