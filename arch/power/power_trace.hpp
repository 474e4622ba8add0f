// SPDX-License-Identifier: Apache-2.0
// The power trace (issue 14 part 5): dynamic and leakage power of every block over fixed windows
// of simulated time, with each voltage/clock domain's point. The sequencer hands the recorder
// every step it takes (its span of time, its cycles at the domain's point of that step, the
// compute cycles among them) and the DMA every transfer (its bytes and the span it moves in): the
// recorder keeps the activity of each (window, layer) slice, splitting a step or a transfer that
// spans window boundaries in proportion to time.
// A layer's energy is settled once, at its end (arch/power/power_manager.hpp); settle() spreads
// each of its energy rows over the layer's slices in proportion to the activity that row's
// energy follows:
//  - MACs, NoC transfers, SRAM reads: compute cycles (core domain: x (V/V_ref)^2 of the point the
//    step ran at, so a point change inside a layer moves energy between windows);
//  - DRAM accesses: the bytes that cross DRAM, over the span the DRAM channel serves each
//    transfer in (its bursts back to back), so no window shows DRAM power above its bandwidth x
//    energy per byte;
//  - SRAM writes (DMA fills): DMA bytes, over the span each transfer moves in;
//  - clock networks: clocked cycles (clock-gated blocks: compute cycles);
//  - leakage: time (core domain: x the leakage law of the step's voltage);
//  - DVFS transitions and wake-ups at a layer's start: the layer's time without steps (the halt).
// So the trace's energy of a block over the run equals the report's, per layer, exactly (up to
// rounding). A window's point is the one its first step ran at (sampled at the window's start).
// Abstracts away activity inside a step or a transfer (each is spread uniformly over its span),
// the read/write split of an SRAM row within a layer, and power
// states inside a layer (leakage a block saves while an idle timeout has it off is spread over
// the layer's time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/dvfs/domains.hpp"
#include "arch/energy/energy_table.hpp"
#include "arch/layer_result.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// One block of the trace (an energy row's module) and its domain.
struct PowerTraceBlock {
  std::string name;
  DomainId domain = DomainId::kCore;
};

/// One window: energy per block (PowerTrace::blocks order) spent in it.
struct PowerWindow {
  double start_ns = 0.0;
  double length_ns = 0.0;  ///< the window (the last one ends with the run)
  size_t layer = 0;        ///< the layer running at the window's start
  OperatingPoint core;     ///< the core domain's point at the window's start
  std::vector<double> dynamic_pj, leakage_pj;
};

struct PowerTrace {
  std::vector<PowerTraceBlock> blocks;   ///< by domain (core, memory, DRAM), then name
  std::vector<std::string> layers;       ///< names, in program order
  std::optional<OperatingPoint> memory;  ///< the memory domain's (fixed) point, when declared
  std::vector<PowerWindow> windows;
};

class PowerTraceRecorder {
 public:
  /// Windows of `window_ns` (> 0). More than `max_windows` windows is a sim::ConfigError with
  /// `source` and `where` (e.g. "command line", "--power-window-us") and `window_text`.
  /// `spec` and `table` must outlive the recorder.
  PowerTraceRecorder(const AcceleratorSpec& spec, const EnergyTable& table, double window_ns,
                     size_t max_windows, std::string source, std::string where,
                     std::string window_text);

  /// One step of layer `layer` (program order): from `start_ns` for `ns`, `cycles` core cycles at
  /// `point`, `compute` of them computing.
  void step(size_t layer, double start_ns, double ns, uint64_t cycles, uint64_t compute,
            const OperatingPoint& point);
  /// A DMA transfer of layer `layer`: `bytes` moving from `start_ns` to `end_ns`.
  void transfer(size_t layer, double start_ns, double end_ns, uint64_t bytes);
  /// Of a DMA transfer of layer `layer`, the `bytes` DRAM served from `start_ns` to `end_ns`.
  void dram_transfer(size_t layer, double start_ns, double end_ns, uint64_t bytes);

  /// The trace of the finished run: each layer's energy rows spread over its windows.
  PowerTrace settle(const std::vector<LayerResult>& layers) const;

  /// Activity of one layer inside one window (public for the settlement's helpers).
  struct Slice {
    size_t window = 0, layer = 0;
    double ns = 0.0;                        ///< time covered by steps
    double compute = 0.0, compute_v = 0.0;  ///< compute cycles, x dynamic voltage factor
    double cycles = 0.0, cycles_v = 0.0;    ///< clocked cycles, x dynamic voltage factor
    double leak_v = 0.0;                    ///< step time x leakage voltage factor
    double bytes = 0.0;                     ///< DMA bytes moved
    double dram_bytes = 0.0;                ///< of which served by DRAM (in its service span)
    bool stepped = false;                   ///< a step ran in it (`first` is set)
    OperatingPoint first;                   ///< the point of the slice's first step
  };
  struct Cell;  ///< one window of a layer, at settlement

 private:
  Slice& slice(size_t window, size_t layer);
  /// Calls f(window, share) for each window [start_ns, start_ns + ns) overlaps, share = the
  /// fraction of the span inside it (a span of no time: its start's window, share 1).
  template <class F>
  void over_windows(double start_ns, double ns, F&& f) const;
  void check_windows(size_t window) const;
  void settle_layer(const LayerResult& l, std::vector<Cell>& cells, PowerTrace& t) const;

  const AcceleratorSpec& spec_;
  const EnergyTable& table_;
  double window_ns_;
  size_t max_windows_;
  std::string source_, where_, window_text_;
  std::map<std::pair<size_t, size_t>, Slice> slices_;  // by (layer, window)
  Slice* last_ = nullptr;                              // the last one used (steps come in order)
};

}  // namespace adasim::arch
