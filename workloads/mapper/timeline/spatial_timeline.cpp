// SPDX-License-Identifier: Apache-2.0
// The spatial array's timeline (timeline.hpp), replayed the way the engine runs a spatial layer
// (arch/spatial/spatial_controller.hpp): one step per DRAM iteration (one chunk of the transfer
// plan; a fold is a run of chunks on one output tile). A step waits until the chunk's tiles are
// in the global buffer and, at a fold's first chunk, the fold's output slot is free (the
// mapper's DMA and DRAM model, dma_replay.hpp, decides when), then takes the iteration's cycles
// (iteration_cycles: its passes' steps, refills, step stalls and psum flushes, exactly as on
// stall-free memory). When they have elapsed the chunk is consumed and, after a fold's last
// chunk, its outputs are complete, whose store the DMA then issues. The layer ends when its
// last store has completed. Each of those waits is one step of the engine, which ends with a
// wake-up when the idle_timeout policy gates the array (idle_gate.hpp).
#include <algorithm>
#include <string>

#include "sim/core/errors.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/timeline/dma_replay.hpp"
#include "workloads/mapper/timeline/idle_gate.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads::timeline {

namespace {

int64_t ready_cycle(const Clock& clk, const std::optional<int64_t>& t_ps, const char* what) {
  if (!t_ps) throw sim::ModelError(std::string("spatial timeline: ") + what + " never issues");
  return clk.cycle_at_or_after(*t_ps);
}

}  // namespace

std::vector<int64_t> spatial_iteration_cycles(const arch::LayerProgram& prog,
                                              const arch::AcceleratorSpec& spec) {
  const spatial::Problem p = spatial::Problem::from_shape(prog.shape, prog.op);
  const int bits[3] = {prog.in_bits, prog.w_bits, spec.pe_array.accum_bits};
  return spatial::iteration_cycles(p, prog.spatial().nest, spec.noc, bits,
                                   arch::nominal_noc_clock(spec));
}

int64_t spatial_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                       const std::vector<int64_t>& iteration, int64_t start) {
  const arch::TransferPlan& tp = prog.transfers;
  if (tp.folds.empty()) return start;
  const Clock clk(spec);
  const IdleGate gate(spec);
  // The outputs reach SRAM after the synchroniser into the memory domain (0 without one).
  const int64_t ret = arch::nominal_return_latency(spec);
  int64_t landed = 0;  // the cycle the last outputs so far are in SRAM
  DmaReplay dma(tp, spec);
  if (int64_t(iteration.size()) != dma.chunks())
    throw sim::ModelError("spatial timeline: " + std::to_string(iteration.size()) +
                          " DRAM iterations for " + std::to_string(dma.chunks()) + " chunks");
  int64_t cyc = start;  // the next cycle of the layer
  for (size_t f = 0; f < tp.folds.size(); ++f) {
    const size_t n = tp.folds[f].chunks.size();
    const int64_t oc = dma.out_index(dma.chunk_index(f, n - 1));
    for (size_t c = 0; c < n; ++c) {
      const int64_t k = dma.chunk_index(f, c);
      int64_t ready = ready_cycle(clk, dma.chunk_ready(k), "a chunk's load");
      if (c == 0 && oc >= 0)  // one wait for both, as the engine's step
        ready = std::max(ready, ready_cycle(clk, dma.out_slot_ready(oc), "an output slot"));
      cyc = gate.resume(cyc, ready) + iteration[size_t(k)];
      dma.chunk_consumed(k, clk.ps(cyc));
      if (c + 1 == n && oc >= 0) {
        landed = std::max(landed, cyc + ret);
        dma.outputs_done(oc, clk.ps(cyc + ret));
      }
    }
  }
  return gate.resume(
      cyc, std::max(landed, ready_cycle(clk, dma.all_done(), "a layer transfer")));
}

int64_t spatial_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                       int64_t start) {
  return spatial_cycles(prog, spec, spatial_iteration_cycles(prog, spec), start);
}

}  // namespace adasim::workloads::timeline
