// SPDX-License-Identifier: Apache-2.0
// How many cycles a layer's program takes on the systolic array, replayed the way the engine
// runs it (README "Array"), against the mapper's model of the DMA and DRAM (dma_replay.hpp) and
// of the SRAM ports and edge bus (port_demand.hpp). The replay works in runs of stream cycles,
// not cycle by cycle: a fold loads its stationary tile (or finds it already shifted into the
// shadow registers during the previous fold), streams one temporal index per cycle while its
// chunk is in SRAM (a bubble otherwise), and each output row leaves lat + (AR - 1) + (c - 1)
// cycles after it was fed, freezing the array when its output slot is still being drained; OS
// drains its accumulators through the output chain while the next fold streams.
// The replay is the engine's cycle count with ideal or finite SRAM levels and bus (the port model
// charges their stall cycles where the engine has them, bubbles waiting for DRAM included) and
// ideal or finite DRAM (tests/systemc/estimate_engine_test.cpp: random specs; README "Mapping
// search" gives the error measured on real networks), and with the array power gated by
// power.policy "idle_timeout" (a wait longer than idle_cycles ends with a wake-up: idle_gate.hpp;
// the spatial replay too).
#pragma once

#include <cstdint>
#include <vector>

#include "arch/program/program.hpp"
#include "arch/spec.hpp"

namespace adasim::workloads::timeline {

// Each takes `start`: the cycle the engine's first step runs at, counted from the layer's start,
// when the DMA begins at the layer's start (0: at once; a power-gating wake-up at the layer's
// start holds the engine for its wakeup_cycles while the DMA already loads, arch/sequencer.cpp).

/// Cycles of a layer run on the systolic array.
int64_t systolic_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                        int64_t start = 0);

/// Cycles of a layer run on the vector unit (vector_timeline.cpp): its lanes' cycles per chunk,
/// the port and bus stalls of their even share of the chunk's bytes, and the waits for DRAM
/// (the chunk's load, its output slot, the last store).
int64_t vector_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                      int64_t start = 0);

/// Cycles of a layer run on a spatial array (spatial_timeline.cpp): per DRAM iteration (one
/// chunk of the plan) the waits for its load and, at a fold's first chunk, the fold's output
/// slot, then the iteration's cycles on stall-free memory; the layer ends at its last store.
int64_t spatial_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                       int64_t start = 0);
/// The same with the iterations' cycles given (spatial_iteration_cycles).
int64_t spatial_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                       const std::vector<int64_t>& iteration, int64_t start = 0);

/// The cycles of any layer (the timeline of its engine's kind).
int64_t layer_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                     int64_t start = 0);
/// The cycles of each DRAM iteration of a spatial layer as the engine runs it on stall-free
/// memory (spatial::iteration_cycles); they sum to the ideal-memory estimate's cycles.
std::vector<int64_t> spatial_iteration_cycles(const arch::LayerProgram& prog,
                                              const arch::AcceleratorSpec& spec);

/// The lanes' cycles of one vector chunk of `outputs` output elements, without stalls:
/// ceil(outputs x ops per output / lanes), at least one (the engine's vector unit).
int64_t vector_chunk_cycles(const arch::VectorProgram& v, int64_t outputs);

}  // namespace adasim::workloads::timeline
