// SPDX-License-Identifier: Apache-2.0
// The estimate of a spatial mapping: its cycles and access counts on stall-free memory, equal
// to what the engine (arch/spatial) pays. Per pass (spatial_refills.cpp), summed over the passes
// by class (spatial_pass_classes.cpp): kept-operand refills and psum flushes; step by step within
// a pass (spatial_steps.cpp): bypassed operands and psums; the DRAM runs by classes of DRAM
// iterations (spatial_dram_walk.cpp). Derived from the nest and the tensor
// geometry, not from the engine's code: tests/unit/mapper/spatial_estimate_exact_test.cpp checks
// both against hand-worked figures. With finite DRAM the cycles are the larger of the array's
// and the DRAM bytes over the bandwidth: the search ranks by that approximation, and map_spatial
// replaces the chosen nest's with the replay of its transfer plan
// (workloads/mapper/timeline/spatial_timeline.cpp), equal to the engine's.
#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/mapper/spatial/spatial_dram_walk.hpp"
#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

/// Distinct ifmap rows (or columns) that `np` output and `nr` filter positions read in one
/// step: {i * stride + j * dil}, capped at the padded extent `limit`. Without a window overlap
/// a stride skips rows, which a bypassed operand never moves.
int64_t distinct_positions(int64_t np, int64_t nr, int stride, int dil, int64_t limit) {
  if (np <= 0 || nr <= 0) return 0;
  if (np == 1 || nr == 1) {  // one arithmetic progression
    const int64_t step = np == 1 ? dil : stride;
    return std::min(np * nr, (limit + step - 1) / step);
  }
  if (dil == 1) {  // output position i reads rows [i * stride, i * stride + nr): their union
    int64_t n = 0, covered = 0;
    for (int64_t i = 0; i < np; ++i) {
      const int64_t lo = std::max(i * stride, covered), hi = std::min(i * stride + nr, limit);
      n += std::max<int64_t>(0, hi - lo);
      covered = std::max(covered, i * stride + nr);
    }
    return n;
  }
  std::vector<char> seen(size_t((np - 1) * stride + (nr - 1) * dil + 1), 0);
  int64_t n = 0;
  for (int64_t i = 0; i < np; ++i)
    for (int64_t j = 0; j < nr; ++j) {
      const int64_t v = i * stride + j * dil;
      if (v < limit && !seen[size_t(v)]) {
        seen[size_t(v)] = 1;
        ++n;
      }
    }
  return n;
}

}  // namespace

int64_t step_distinct(int o, const Problem& p, const Idx& span) {
  if (o != 0) return tile_elems(o, p, span);
  auto m = [&](int d) { return std::min(span[size_t(d)], p.bound[size_t(d)]); };
  return m(kG) * m(kN) * m(kC) * distinct_positions(m(kP), m(kR), p.stride_h, p.dil_h, p.h) *
         distinct_positions(m(kQ), m(kS), p.stride_w, p.dil_w, p.w);
}

namespace {

// Array-side psum movement (pass_terms): the RF flushes of kept psums, or the reductions of
// bypassed ones every step. Sets e.hops, e.link_hops and (kept) e.rf[2]; returns the buffer
// writes from the array.
double psum_terms(const PassTerms& t, const Mapping& m, SpatialEstimate& e) {
  if (m.rf_keep[2]) {
    // Every PE that ran a MAC sends its psums at a flush (they are reduced on the way; without
    // links each one crosses the psum bus, with links the column groups' sums do).
    e.hops = t.sent - t.writes;
    e.rf[2] = 2 * e.macs;
    e.link_hops = t.link_hops;
    return t.writes;
  }
  // Bypassed: each step writes its reduced psums over the psum bus back to the buffer; with
  // links a group's PEs pass one psum each down the column.
  e.hops = t.step_macs - t.step_writes;
  e.link_hops = t.step_link_hops;
  return t.step_writes;
}

}  // namespace

int64_t psum_link_group(const Mapping& m, const arch::NocSpec& noc) {
  if (noc.psum_link_bits <= 0) return 1;
  int64_t k = 1;
  for (size_t l = m.first_at(Level::kArrayY); l < m.first_at(Level::kArrayX); ++l)
    if (!relevant(2, m.loops[l].dim)) k *= m.loops[l].bound;
  return k;
}

double psum_flush_cycles(double pes, double per_pe, int64_t k, int bits, const arch::NocSpec& noc,
                         arch::NocClock clock) {
  double chain = 0;
  if (k > 1 && per_pe > 0) chain = std::ceil(per_pe * bits / noc.psum_link_bits) + double(k - 2);
  return core_cycles(clock, chain) +
         core_cycles(clock, std::ceil(pes / double(k) * per_pe * bits / noc.bus_width(2)));
}

double SpatialEstimate::objective(arch::Objective o) const {
  return objective_value(o, cycles, energy_pj);
}

SpatialEstimate estimate_mapping(const Problem& p, const Mapping& m,
                                 const arch::AcceleratorSpec& spec, const LayerWidths& w,
                                 const EnergyCosts& costs, DramTrafficCache* dram_cache) {
  SpatialEstimate e;
  const size_t y0 = m.first_at(Level::kArrayY), rf0 = m.first_at(Level::kRf);
  const double passes = double(m.product(0, y0));
  const double steps = double(m.product(rf0, m.loops.size()));
  e.macs = double(p.macs());
  const int bits[3] = {w.in_bits, w.w_bits, w.psum_bits};
  const double width[3] = {double(spec.noc.bus_width(0)), double(spec.noc.bus_width(1)),
                           double(spec.noc.bus_width(2))};
  const PassTerms kept = pass_terms(p, m, spec.noc, bits, width, arch::nominal_noc_clock(spec));
  double refill_cycles = kept.refill_cycles, stall_cycles = 0;

  const DramTraffic dram = dram_cache ? dram_cache->of(m) : dram_traffic(p, m);
  for (int o = 0; o < 2; ++o) {
    e.dram[size_t(o)] = dram.reads[size_t(o)];
    if (m.rf_keep[size_t(o)]) {
      e.noc[size_t(o)] = kept.noc[size_t(o)];
      e.gbuf[size_t(o)] = kept.gbuf[size_t(o)];
      e.rf[size_t(o)] = e.macs + e.noc[size_t(o)];
    } else {
      e.noc[size_t(o)] = kept.step_noc[size_t(o)];
      e.gbuf[size_t(o)] = kept.step_gbuf[size_t(o)];
    }
  }
  stall_cycles = kept.step_stall;
  // Partial sums.
  const double outs = double(p.ofmap_elems);
  const double gb_writes = psum_terms(kept, m, e);
  refill_cycles += kept.flush_cycles;
  e.gbuf[2] = 2 * gb_writes - outs;  // every write after an element's first is read-modify-write
  e.dram[2] = dram.psum_reloads + dram.psum_writes;
  e.noc[2] =
      e.hops - e.link_hops;  // PE -> PE over the bus; the last hop into the buffer is its write

  const double compute = passes * steps;
  const double dram_bytes = e.dram[0] * w.in_bytes + e.dram[1] * w.w_bytes +
                            (dram.psum_reloads + dram.psum_writes - outs) * w.psum_bytes +
                            outs * w.out_bytes;
  price(e, compute + refill_cycles + stall_cycles, dram_bytes, spec, costs);
  return e;
}

void price(SpatialEstimate& e, double array_cycles, double dram_bytes,
           const arch::AcceleratorSpec& spec, const EnergyCosts& costs) {
  const double bytes_per_cycle =
      spec.dram.ideal ? 1e300 : spec.dram.bandwidth_gb_per_s * 1e3 / spec.clock.nominal.freq_mhz;
  e.array_cycles = array_cycles;
  e.cycles = std::max(array_cycles, dram_bytes / bytes_per_cycle);
  const auto& c = costs.spatial;
  e.energy_pj = e.macs * c.mac + e.link_hops * c.link +
                costs.leakage_mw * e.cycles * 1e3 / spec.clock.nominal.freq_mhz;
  for (size_t o = 0; o < 3; ++o)
    e.energy_pj +=
        e.dram[o] * c.dram[o] + e.gbuf[o] * c.gbuf[o] + e.noc[o] * c.noc[o] + e.rf[o] * c.rf[o];
}

}  // namespace adasim::workloads::spatial
