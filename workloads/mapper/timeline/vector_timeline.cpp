// SPDX-License-Identifier: Apache-2.0
// The vector unit's timeline (timeline.hpp), replayed the way the engine runs a vector layer
// (arch/vector/vector_unit.hpp): chunk by chunk, the unit waits until the chunk's inputs are in
// SRAM and its output slot is free (the mapper's DMA and DRAM model, dma_replay.hpp, decides
// when), then takes ceil(outputs x ops per output / lanes) cycles (at least one), each reading
// and writing its even share of the chunk's bytes through the SRAM ports and the edge bus
// (port_demand.hpp: a cycle whose share does not fit lasts longer); the chunk's last cycle frees
// its input slot and completes its outputs, whose store the DMA then issues. The layer ends when
// its last store has completed. With a memory domain a chunk starts no earlier than the
// synchroniser's cycles after its inputs are in SRAM, and its outputs are in SRAM (the store
// issues, the layer may end) the return crossing's cycles after its last cycle starts
// (arch/program/feed_latency.hpp, at the spec's nominal core point).
#include <algorithm>
#include <string>

#include "arch/program/feed_latency.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/timeline/dma_replay.hpp"
#include "workloads/mapper/timeline/port_demand.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads::timeline {

namespace {

constexpr size_t kIf = size_t(arch::Operand::kIfmap);

int64_t ready_cycle(const Clock& clk, const std::optional<int64_t>& t_ps, const char* what) {
  if (!t_ps) throw sim::ModelError(std::string("vector timeline: ") + what + " never issues");
  return clk.cycle_at_or_after(*t_ps);
}

/// One cycle of a vector chunk: `read` input bytes and `write` output bytes.
CycleDemand demand(int64_t read, int64_t write) {
  CycleDemand d;
  d.read[kIf] = read;
  d.out_write = write;
  return d;
}

/// Port and bus stall cycles of a chunk's `cc` cycles: cycle i reads in (i+1)/cc - in i/cc
/// bytes and writes out (i+1)/cc - out i/cc (the engine's even spread).
int64_t chunk_stalls(const PortModel& pm, int64_t in, int64_t out, int64_t cc) {
  // Every cycle moves the floor or the ceiling of each share: when those cost alike, all do.
  const int64_t r_lo = in / cc, r_hi = (in + cc - 1) / cc;
  const int64_t w_lo = out / cc, w_hi = (out + cc - 1) / cc;
  const int64_t e = pm.extra(demand(r_lo, w_lo));
  if (pm.extra(demand(r_hi, w_hi)) == e && pm.extra(demand(r_lo, w_hi)) == e &&
      pm.extra(demand(r_hi, w_lo)) == e)
    return e * cc;
  int64_t total = 0;
  for (int64_t i = 0; i < cc; ++i)
    total += pm.extra(demand(in * (i + 1) / cc - in * i / cc, out * (i + 1) / cc - out * i / cc));
  return total;
}

}  // namespace

int64_t vector_chunk_cycles(const arch::VectorProgram& v, int64_t outputs) {
  const int64_t per_out = std::max<int64_t>(1, v.ops / std::max<int64_t>(1, v.outputs));
  const int64_t lanes = std::max<int64_t>(1, v.lanes);
  return std::max<int64_t>(1, (outputs * per_out + lanes - 1) / lanes);
}

int64_t vector_cycles(const arch::LayerProgram& prog, const arch::AcceleratorSpec& spec,
                      int64_t start) {
  const arch::VectorProgram& v = prog.vector();
  const arch::TransferPlan& tp = prog.transfers;
  if (tp.folds.empty()) return start;
  const Clock clk(spec);
  DmaReplay dma(tp, spec);
  const PortModel ports(spec);
  const std::vector<arch::ChunkPlan>& chunks = tp.folds[0].chunks;
  const int64_t in_sync = arch::operand_sync_cycles(spec);
  const int64_t out_sync = arch::nominal_return_latency(spec);
  int64_t cyc = start;     // the next cycle of the layer
  int64_t landed = start;  // the cycle the last completed outputs are in SRAM
  for (size_t c = 0; c < chunks.size(); ++c) {
    const arch::ChunkPlan& cp = chunks[c];
    const int64_t k = dma.chunk_index(0, c);
    cyc = std::max({cyc, ready_cycle(clk, dma.chunk_ready(k), "a chunk's load") + in_sync,
                    ready_cycle(clk, dma.out_slot_ready(dma.out_index(k)), "an output slot")});
    const int64_t cc = vector_chunk_cycles(v, cp.t_len);
    const int64_t in = cp.load_bytes[kIf][0], out = cp.store_bytes[0];
    // The last cycle starts after the others and their stalls; its own stalls follow it.
    const int64_t last_in = in - in * (cc - 1) / cc, last_out = out - out * (cc - 1) / cc;
    const int64_t last_extra = ports.extra(demand(last_in, last_out));
    cyc += (cc - 1) + chunk_stalls(ports, in, out, cc) - last_extra;
    dma.chunk_consumed(k, clk.ps(cyc));
    landed = cyc + out_sync;
    dma.outputs_done(dma.out_index(k), clk.ps(landed));
    cyc += 1 + last_extra;
  }
  return std::max({cyc, landed, ready_cycle(clk, dma.all_done(), "a layer transfer")});
}

}  // namespace adasim::workloads::timeline
