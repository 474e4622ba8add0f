// SPDX-License-Identifier: Apache-2.0
#include "arch/power/power_trace.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "sim/core/errors.hpp"

namespace adasim::arch {

/// One window of a layer: its slice of steps (or none: the layer was halted all through it).
struct PowerTraceRecorder::Cell {
  const Slice* slice = nullptr;
  size_t window = 0;
  double overlap_ns = 0.0;   ///< the layer's time inside the window
  double gap_ns = 0.0;       ///< of which without steps (DVFS halt, wake-up at the start)
  double leak_per_ns = 0.0;  ///< leakage voltage factor there
};

namespace {

/// The activity an energy row follows over a layer (power_trace.hpp).
enum class Weight {
  kCompute,
  kComputeV,
  kCycles,
  kCyclesV,
  kBytes,
  kDramBytes,
  kLeakV,
  kTime,
  kGap
};

using Cell = PowerTraceRecorder::Cell;

bool is_sram(const AcceleratorSpec& spec, const std::string& module) {
  for (const SramLevelSpec& l : spec.sram)
    if (l.name == module) return true;
  return false;
}

Weight weight_for(const AcceleratorSpec& spec, const EnergyRow& r, DomainId d) {
  const bool core = d == DomainId::kCore;
  if (r.action == "leakage") return core ? Weight::kLeakV : Weight::kTime;
  if (r.module == "dvfs" || r.action == "wakeup") return Weight::kGap;
  if (r.module == "dram") return Weight::kDramBytes;
  if (r.action == "clock") {
    if (spec.power.clock_gates(r.module)) return core ? Weight::kComputeV : Weight::kCompute;
    return core ? Weight::kCyclesV : Weight::kCycles;
  }
  if (is_sram(spec, r.module) && r.action == "write") return Weight::kBytes;  // DMA fills
  return core ? Weight::kComputeV : Weight::kCompute;
}

double weight_of(Weight w, const Cell& c) {
  const PowerTraceRecorder::Slice* s = c.slice;
  switch (w) {
    case Weight::kCompute:
      return s ? s->compute : 0.0;
    case Weight::kComputeV:
      return s ? s->compute_v : 0.0;
    case Weight::kCycles:
      return s ? s->cycles : 0.0;
    case Weight::kCyclesV:
      return s ? s->cycles_v : 0.0;
    case Weight::kBytes:
      return s ? s->bytes : 0.0;
    case Weight::kDramBytes:
      return s ? s->dram_bytes : 0.0;
    case Weight::kLeakV:
      return (s ? s->leak_v : 0.0) + c.gap_ns * c.leak_per_ns;
    case Weight::kTime:
      return c.overlap_ns;
    case Weight::kGap:
      return c.gap_ns;
  }
  return 0.0;
}

/// Adds `pj` to `out[cell.window]` over the cells in proportion to `w` (falling back to clocked
/// cycles, then time, when the layer has none of that activity: e.g. a row of DMA bytes in a
/// layer that issued none).
void spread(double pj, Weight w, const std::vector<Cell>& cells, std::vector<double*>& out) {
  for (Weight k : {w, Weight::kCycles, Weight::kTime}) {
    double sum = 0.0;
    for (const Cell& c : cells) sum += weight_of(k, c);
    if (!(sum > 0.0)) continue;
    for (size_t i = 0; i < cells.size(); ++i) *out[i] += pj * weight_of(k, cells[i]) / sum;
    return;
  }
  *out.front() += pj;  // a layer of no time at all: its start
}

std::vector<PowerTraceBlock> trace_blocks(const AcceleratorSpec& spec,
                                          const std::vector<LayerResult>& layers) {
  std::map<std::pair<int, std::string>, PowerTraceBlock> sorted;
  for (const LayerResult& l : layers)
    for (const EnergyRow& r : l.energy) {
      const DomainId d = domain_of(spec, r.module);
      sorted.emplace(std::make_pair(int(d), r.module), PowerTraceBlock{r.module, d});
    }
  std::vector<PowerTraceBlock> out;
  for (auto& [key, b] : sorted) out.push_back(std::move(b));
  return out;
}

}  // namespace

PowerTraceRecorder::PowerTraceRecorder(const AcceleratorSpec& spec, const EnergyTable& table,
                                       double window_ns, size_t max_windows, std::string source,
                                       std::string where, std::string window_text)
    : spec_(spec),
      table_(table),
      window_ns_(window_ns),
      max_windows_(max_windows),
      source_(std::move(source)),
      where_(std::move(where)),
      window_text_(std::move(window_text)) {
  if (!(window_ns > 0.0) || !std::isfinite(window_ns))
    throw sim::ModelError("power trace: the window must be > 0 ns");
}

void PowerTraceRecorder::check_windows(size_t window) const {
  if (window < max_windows_) return;
  throw sim::ConfigError(source_, where_, window_text_,
                         "a window giving at most " + std::to_string(max_windows_) +
                             " windows over the run (it lasts longer than " +
                             std::to_string(double(max_windows_) * window_ns_ * 1e-3) + " us)");
}

// Spreads each of the layer's energy rows over its cells (power_trace.hpp).
void PowerTraceRecorder::settle_layer(const LayerResult& l, std::vector<Cell>& cells,
                                      PowerTrace& t) const {
  // The leakage factor of a window without steps: the nearest stepped one's of the layer.
  double factor = table_.leakage_voltage_factor(spec_.clock.nominal.voltage_v);
  for (const Cell& c : cells)
    if (c.slice && c.slice->ns > 0.0) {
      factor = c.slice->leak_v / c.slice->ns;
      break;
    }
  for (Cell& c : cells) {
    if (c.slice && c.slice->ns > 0.0) factor = c.slice->leak_v / c.slice->ns;
    c.leak_per_ns = factor;
  }
  std::vector<double*> out;
  for (const EnergyRow& r : l.energy) {
    size_t b = 0;
    while (t.blocks[b].name != r.module) ++b;
    out.clear();
    for (const Cell& c : cells)
      out.push_back(r.action == "leakage" ? &t.windows[c.window].leakage_pj[b]
                                          : &t.windows[c.window].dynamic_pj[b]);
    spread(r.pj, weight_for(spec_, r, t.blocks[b].domain), cells, out);
  }
}

PowerTraceRecorder::Slice& PowerTraceRecorder::slice(size_t window, size_t layer) {
  check_windows(window);
  if (last_ && last_->window == window && last_->layer == layer) return *last_;
  Slice& s = slices_[{layer, window}];
  s.window = window;
  s.layer = layer;
  last_ = &s;
  return s;
}

template <class F>
void PowerTraceRecorder::over_windows(double start_ns, double ns, F&& f) const {
  const double end_ns = start_ns + ns;
  for (auto w = size_t(std::floor(start_ns / window_ns_));; ++w) {
    const double lo = std::max(start_ns, double(w) * window_ns_);
    const double hi = std::min(end_ns, double(w + 1) * window_ns_);
    if (!(ns > 0.0)) return f(w, 1.0);
    if (hi > lo) f(w, (hi - lo) / ns);
    if (hi >= end_ns) return;
  }
}

void PowerTraceRecorder::step(size_t layer, double start_ns, double ns, uint64_t cycles,
                              uint64_t compute, const OperatingPoint& point) {
  const double dyn = table_.dynamic_voltage_factor(point.voltage_v);
  const double leak = table_.leakage_voltage_factor(point.voltage_v);
  over_windows(start_ns, ns, [&](size_t w, double share) {
    Slice& s = slice(w, layer);
    if (!s.stepped) s.first = point;
    s.stepped = true;
    s.ns += share * ns;
    s.compute += share * double(compute);
    s.compute_v += share * double(compute) * dyn;
    s.cycles += share * double(cycles);
    s.cycles_v += share * double(cycles) * dyn;
    s.leak_v += share * ns * leak;
  });
}

void PowerTraceRecorder::transfer(size_t layer, double start_ns, double end_ns, uint64_t bytes) {
  over_windows(start_ns, std::max(0.0, end_ns - start_ns),
               [&](size_t w, double share) { slice(w, layer).bytes += share * double(bytes); });
}

void PowerTraceRecorder::dram_transfer(size_t layer, double start_ns, double end_ns,
                                       uint64_t bytes) {
  over_windows(start_ns, std::max(0.0, end_ns - start_ns), [&](size_t w, double share) {
    slice(w, layer).dram_bytes += share * double(bytes);
  });
}

PowerTrace PowerTraceRecorder::settle(const std::vector<LayerResult>& layers) const {
  PowerTrace t;
  t.blocks = trace_blocks(spec_, layers);
  if (spec_.clock.memory) t.memory = spec_.clock.memory->nominal;
  double total_ns = 0.0;
  for (const LayerResult& l : layers) {
    t.layers.push_back(l.name);
    total_ns += l.time_ns;
  }
  const auto n = size_t(std::max(1.0, std::ceil(total_ns / window_ns_)));
  check_windows(n - 1);
  t.windows.resize(n);
  for (size_t w = 0; w < n; ++w) {
    PowerWindow& pw = t.windows[w];
    pw.start_ns = double(w) * window_ns_;
    pw.length_ns = std::min(window_ns_, total_ns - pw.start_ns);
    pw.dynamic_pj.assign(t.blocks.size(), 0.0);
    pw.leakage_pj.assign(t.blocks.size(), 0.0);
    pw.core = w > 0 ? t.windows[w - 1].core : spec_.clock.nominal;
  }
  // The point and the layer at each window's start: its first slice's.
  std::vector<bool> seen(n, false);
  for (const auto& [key, s] : slices_)  // layer order: a window's earliest layer first
    if (s.stepped && s.window < n && !seen[s.window]) {
      seen[s.window] = true;
      t.windows[s.window].core = s.first;
    }
  for (size_t w = 1; w < n; ++w)
    if (!seen[w]) t.windows[w].core = t.windows[w - 1].core;

  double start = 0.0;
  size_t first_window = 0;  // the first window starting in the current layer
  for (size_t li = 0; li < layers.size(); ++li) {
    const LayerResult& l = layers[li];
    const double end = start + l.time_ns;
    while (first_window < n && t.windows[first_window].start_ns < end) {
      t.windows[first_window].layer = li;
      ++first_window;
    }
    // The layer's cells, one per window it overlaps, with its slices.
    std::vector<Cell> cells;
    const auto w0 = std::min(n - 1, size_t(std::floor(start / window_ns_)));
    for (size_t w = w0; w < n && (w == w0 || double(w) * window_ns_ < end); ++w) {
      Cell c;
      c.window = w;
      c.overlap_ns = std::max(
          0.0, std::min(end, double(w + 1) * window_ns_) - std::max(start, double(w) * window_ns_));
      const auto it = slices_.find({li, w});
      if (it != slices_.end()) c.slice = &it->second;
      c.gap_ns = std::max(0.0, c.overlap_ns - (c.slice ? c.slice->ns : 0.0));
      cells.push_back(c);
    }
    settle_layer(l, cells, t);
    start = end;
  }
  return t;
}

}  // namespace adasim::arch
