// SPDX-License-Identifier: Apache-2.0
// A lower bound of the EXACT estimate's objective (estimate_mapping, spatial_estimate.cpp) over
// a core's mappings, for the search's final, exact branch and bound. CoreBound (spatial_bound.cpp)
// bounds the screening score, which counts whole tiles where the exact estimate counts the
// in-layer part of edge tiles, so it is not a bound of the exact estimate on ragged layers.
// This bound keeps only terms the exact estimate pays whatever the loop order and tile shapes:
//  - array cycles >= passes x steps + bus cycles: the estimate's array cycles are passes x steps
//    (compute) plus refill, flush and stall cycles (>= 0); passes is the product of the temporal
//    loop bounds, whose product covers each dim's extent left above the array, so passes >=
//    prod(rem) (= with a split: prod(gbuf x dram)); steps are the core's register-file loops.
//    The refills of kept operands take, per pass, the largest over the operands of
//    ceil(distinct elements x bits / bus width), so over the layer at least each kept operand's
//    elements (every weight, every ifmap element some MAC reads) once over its bus; kept psums
//    leave in flushes added after the refills: without psum links each output from every PE
//    whose reduction offsets lie inside the layer (reducers()), with links at least once;
//  - with finite DRAM, cycles >= DRAM bytes / bandwidth, and the DRAM walk reads every weight
//    and every touched ifmap element at least once and writes every output at least once;
//  - energy >= the MACs, the register-file accesses of kept operands (2 per MAC for kept psums,
//    at least 1 per MAC for a kept input, plus 1 per delivery), each weight's and touched ifmap
//    element's DRAM read and buffer read, its bus deliveries (a bypassed value at least one; a
//    kept one at least one to each PE that differs from another only in the dims the operand
//    ignores, as such PEs hold the same tiles: RefillCounter::sharing), every output's DRAM
//    write and buffer write (the buffer's
//    psum accesses are 2 x writes - outputs and each output is written at least once), and
//    leakage over the bounded cycles; every other count is >= 0;
//  - per mapping (of(split, mapping)), its DRAM traffic exactly (dram_traffic, as the estimate
//    counts it): the re-reads of the ifmap and the weights and the output reloads and partial
//    write-backs that the split and the DRAM loop order force, in place of the minimum above;
//    more cheaply (of_order), the weight re-reads and output reloads the order alone forces:
//    an operand's tiles partition its tensor and change only when a DRAM loop indexing it
//    moves, so the walk sweeps the weights (the outputs) once per iteration of the loops that
//    do not index them and sit above the innermost one that does.
// tests/unit/mapper/spatial_search_test.cpp checks it against every 97th mapping of exhaustive
// enumerations (padding, stride, dilation, groups, the Eyeriss chip's buses and links).
#include <algorithm>

#include "workloads/mapper/spatial/spatial_pass_figures.hpp"
#include "workloads/mapper/spatial/spatial_search.hpp"

namespace adasim::workloads::spatial {
namespace {

// In-tensor ifmap rows (or columns) some output position reads: {o * stride + k * dil - pad}
// for o < n_out, k < n_ker, within [0, extent).
int64_t touched_positions(int64_t n_out, int64_t n_ker, int stride, int dil, int pad,
                          int64_t extent) {
  std::vector<char> seen(size_t(std::max<int64_t>(extent, 0)), 0);
  int64_t n = 0;
  for (int64_t o = 0; o < n_out; ++o)
    for (int64_t k = 0; k < n_ker; ++k) {
      const int64_t v = o * stride + k * dil - pad;
      if (v >= 0 && v < extent && !seen[size_t(v)]) {
        seen[size_t(v)] = 1;
        ++n;
      }
    }
  return n;
}

// The PEs of a core that hold one output and ran a MAC in a pass whose reduction coordinates
// are all 0 (FlushCounter::at): the distinct reduction offsets of the array inside the layer
// (reduction_in_layer).
// Each array loop moves one dim, so every psum offset meets every reduction offset on some PE
// and the count is a product over the reduction dims (C, R, S) of the in-layer offsets the
// dim's array loops reach (distinct: a loop's stride spans the loops of its dim inside it).
int64_t reducers(const Problem& p, const Mapping& core) {
  const size_t y0 = core.first_at(Level::kArrayY), rf0 = core.first_at(Level::kRf);
  const std::vector<int64_t> stride = core.inner_strides();
  int64_t n = 1;
  for (int d = 0; d < kNumDims; ++d) {
    if (relevant(2, d)) continue;
    std::vector<int64_t> offs{0};
    for (size_t l = y0; l < rf0; ++l) {
      if (core.loops[l].dim != d) continue;
      std::vector<int64_t> next;
      for (int64_t o : offs)
        for (int64_t y = 0; y < core.loops[l].bound; ++y) next.push_back(o + y * stride[l]);
      offs = std::move(next);
    }
    n *= int64_t(std::count_if(offs.begin(), offs.end(),
                               [&](int64_t o) { return reduction_in_layer(p, d, o); }));
  }
  return std::max<int64_t>(1, n);
}

}  // namespace

int64_t touched_ifmap_elems(const Problem& p) {
  const auto& b = p.bound;
  return b[kG] * b[kN] * b[kC] *
         touched_positions(b[kP], b[kR], p.stride_h, p.dil_h, p.pad_t, p.h) *
         touched_positions(b[kQ], b[kS], p.stride_w, p.dil_w, p.pad_l, p.w);
}

ExactBound::ExactBound(const Problem& p, const Mapping& core, const Idx& rem,
                       const arch::AcceleratorSpec& spec, const LayerWidths& w,
                       const EnergyCosts& costs, arch::Objective obj, int64_t touched_ifmap,
                       DramTrafficCache* dram)
    : p_(p), dram_(dram), rem_(rem), obj_(obj) {
  const auto& c = costs.spatial;
  const double macs = double(p.macs()), outs = double(p.ofmap_elems);
  const double weights = double(p.weight_elems);
  steps_ = double(core.product(core.first_at(Level::kRf), core.loops.size()));
  bytes_per_cycle_ =
      spec.dram.ideal ? 1e300 : spec.dram.bandwidth_gb_per_s * 1e3 / spec.clock.nominal.freq_mhz;
  const double ifmap = double(touched_ifmap);
  dram_bytes_ = ifmap * w.in_bytes + weights * w.w_bytes + outs * w.out_bytes;
  energy_ = macs * c.mac + ifmap * (c.dram[0] + c.gbuf[0]) + weights * (c.dram[1] + c.gbuf[1]) +
            outs * (c.dram[2] + c.gbuf[2]);
  // Bus deliveries: a kept operand's tile in a PE does not depend on the PE's offsets in the
  // dims the operand ignores, so each of the PEs that differ only there fetches every value it
  // is given at least once (and writes it into its register file); a bypassed value crosses the
  // bus at least once.
  const double elems[2] = {ifmap, weights};
  for (int o = 0; o < 2; ++o) {
    if (!core.rf_keep[size_t(o)]) {
      energy_ += elems[o] * c.noc[size_t(o)];
      continue;
    }
    double sharing = 1;
    for (size_t l = core.first_at(Level::kArrayY); l < core.first_at(Level::kRf); ++l)
      if (!relevant(o, core.loops[l].dim)) sharing *= double(core.loops[l].bound);
    energy_ += macs * c.rf[size_t(o)] + elems[o] * sharing * (c.noc[size_t(o)] + c.rf[size_t(o)]);
  }
  if (core.rf_keep[2]) energy_ += 2 * macs * c.rf[2];
  leak_pj_per_cycle_ = costs.leakage_mw * 1e3 / spec.clock.nominal.freq_mhz;
  // Bus cycles the array cannot overlap with its steps: a kept operand's refills take, per
  // pass, the largest of the operands' ceil(distinct elements x bits / bus width), and each of
  // its elements arrives at least once; kept psums leave at flushes, after the refills, each
  // output at least once over the psum bus.
  const double bits[2] = {double(w.in_bits), double(w.w_bits)};
  for (int o = 0; o < 2; ++o)
    if (core.rf_keep[size_t(o)])
      bus_cycles_ = std::max(bus_cycles_, elems[o] * bits[o] / spec.noc.bus_width(o));
  if (core.rf_keep[2]) {
    // Without psum links every PE that ran a MAC sends each of its psums over the bus at a flush.
    // Each output has a run of passes on its tile whose first pass has every reduction (C, R, S)
    // coordinate 0; at its flush every PE whose reduction offsets lie inside the layer ran and
    // sends that output (FlushCounter::at): reducers(core) of them. With links only the column
    // groups' sums cross the bus: each output at least once.
    const double senders = spec.noc.psum_link_bits > 0 ? 1 : double(reducers(p, core));
    bus_cycles_ += senders * outs * w.psum_bits / spec.noc.bus_width(2);
    energy_ += (senders - 1) * outs * c.noc[2];  // the sends the buffer's writes do not count
  }
  // In core cycles: each refill and flush phase takes at least its NoC cycles x f_core / f_mem
  // (noc_clock.hpp; the refills' synchronisers add more, >= 0).
  bus_cycles_ = core_cycles_at_least(arch::nominal_noc_clock(spec), bus_cycles_);
  // What the DRAM walk moves beyond the minimum (of()): each element read, or written back, at
  // the DRAM's cost per access and the operand's width in bytes.
  for (size_t o = 0; o < 3; ++o) dram_pj_[o] = c.dram[o];
  dram_bytes_per_ = {double(w.in_bytes), double(w.w_bytes), double(w.psum_bytes)};
  min_reads_[0] = ifmap;
  min_reads_[1] = weights;
  outs_ = outs;
}

double ExactBound::of(const Split& s, const Mapping& m) const {
  // The estimate's DRAM counts (estimate_mapping), less the minimum the constructor counted:
  // every touched ifmap element and every weight read once, every output written once.
  const DramTraffic t = dram_ ? dram_->of(m) : dram_traffic(p_, m);
  const double outs = double(p_.ofmap_elems), psums = t.psum_writes + t.psum_reloads;
  double pj = 0, bytes = (psums - outs) * dram_bytes_per_[2];
  for (size_t o = 0; o < 2; ++o) {
    pj += (t.reads[o] - min_reads_[o]) * dram_pj_[o];
    bytes += (t.reads[o] - min_reads_[o]) * dram_bytes_per_[o];
  }
  pj += (psums - outs) * dram_pj_[2];
  return bound(&s, pj, bytes);
}

double ExactBound::of_order(const Split& s, const Mapping& m) const {
  // Sweeps of operand o's tiles in the DRAM walk: its tiles partition the tensor and change
  // only when a DRAM loop that indexes it moves, so the walk visits all of them once per
  // iteration of the loops that do not index it and sit outside the innermost one that does.
  // Each extra sweep re-reads every weight, or writes back and reloads every output.
  auto sweeps = [&](int o) {
    double outside = 1, f = 1;
    for (const Loop& l : m.loops) {
      if (l.level != Level::kDram || l.bound <= 1) continue;
      if (relevant(o, l.dim)) {
        f = outside;  // the loops above this one that do not index o
      } else {
        outside *= double(l.bound);
      }
    }
    return f;
  };
  const double fw = sweeps(1) - 1, fo = sweeps(2) - 1;
  return bound(&s, fw * min_reads_[1] * dram_pj_[1] + fo * 2 * outs_ * dram_pj_[2],
               fw * min_reads_[1] * dram_bytes_per_[1] + fo * 2 * outs_ * dram_bytes_per_[2]);
}

double ExactBound::bound(const Split* s, double extra_pj, double extra_bytes) const {
  double passes = 1;
  for (int d = 0; d < kNumDims; ++d)
    passes *= double(s ? s->gbuf[size_t(d)] * s->dram[size_t(d)] : rem_[size_t(d)]);
  const double cycles =
      std::max(passes * steps_ + bus_cycles_, (dram_bytes_ + extra_bytes) / bytes_per_cycle_);
  if (obj_ == arch::Objective::kLatency) return cycles;
  const double energy = energy_ + extra_pj + leak_pj_per_cycle_ * cycles;
  return obj_ == arch::Objective::kEnergy ? energy : energy * cycles;
}

}  // namespace adasim::workloads::spatial
