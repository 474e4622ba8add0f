// SPDX-License-Identifier: Apache-2.0
// The search's screening score of a spatial mapping: closed forms over whole tiles (a tile below
// loop boundary b changes once per iteration of the loops outside b down to the innermost one
// that indexes the operand; a window slide moves only its new rows / columns). Fast (no walk over
// passes), and equal to the exact estimate (spatial_estimate.cpp) where every tile stays inside
// the layer; where tiles cross its edges (padding, ragged factors) it counts whole tiles, so it
// over-counts the edge passes. The search screens with it and ranks its best candidates with
// the exact estimate (spatial_search.cpp).
#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/mapper/spatial/spatial_mapper.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

// Tile changes at boundary b, and the fraction of the tile that moves when the innermost
// relevant loop advances (1 without a sliding window).
struct Changes {
  double events = 1;      // times the tile is (re)loaded
  double full = 1;        // of which full loads (the rest are window slides)
  double slide_frac = 1;  // fraction of the tile a slide moves
};

Changes changes_at(int o, const Problem& p, const Mapping& m, size_t b, const Idx& span) {
  const std::vector<int64_t> inner = m.inner_strides();
  size_t star = b;
  for (size_t l = b; l-- > 0;)
    if (m.loops[l].bound > 1 && relevant(o, m.loops[l].dim)) {
      star = l;
      break;
    }
  Changes c;
  if (star == b) return c;
  c.events = double(m.product(0, star + 1));
  c.full = double(m.product(0, star));
  const int d = m.loops[star].dim;
  if (o == 0 && (d == kP || d == kQ || d == kR || d == kS)) {
    const int64_t extent = window_extent(p, span, d == kP || d == kR);
    const int64_t step = inner[star] * window_step(p, d);
    if (extent > 0) c.slide_frac = double(std::min(extent, step)) / double(extent);
  }
  return c;
}

double moved(const Changes& c, double tile) {
  return tile * (c.full + (c.events - c.full) * c.slide_frac);
}

/// NoC cycles of the register-file refills of the kept inputs over all passes. After the passes
/// where loop l (a DRAM or buffer loop) is the innermost one to advance, an operand is refilled
/// when l or a loop inside it indexes it: by a window slide when l is the innermost such loop
/// (the fraction changes_at gives), else with its whole array tile. The spatial array's NoC
/// (xy_multicast) gives every operand its own bus, so a refill costs its busiest bus, in core
/// cycles at `clock` with its synchroniser (noc_clock.hpp).
double kept_refill_cycles(const Problem& p, const Mapping& m, size_t y0, const Idx& arr_span,
                          const int bits[3], const double width[3], const arch::NocClock& clock) {
  std::array<double, 2> tile{};
  for (int o = 0; o < 2; ++o)
    if (m.rf_keep[size_t(o)]) tile[size_t(o)] = double(tile_elems(o, p, arr_span));
  auto busiest = [&](const std::array<double, 2>& moved_values) {
    double c = 0;
    for (int o = 0; o < 2; ++o)
      c = std::max(c, std::ceil(moved_values[size_t(o)] * bits[o] / width[o]));
    return refill_core_cycles(clock, c);
  };
  double total = busiest(tile);  // the first pass fills every kept tile
  std::array<Changes, 2> ch;
  for (int o = 0; o < 2; ++o) ch[size_t(o)] = changes_at(o, p, m, y0, arr_span);
  for (size_t l = 0; l < y0; ++l) {
    if (m.loops[l].bound <= 1) continue;
    std::array<double, 2> moved_values{};
    for (int o = 0; o < 2; ++o) {
      if (!m.rf_keep[size_t(o)]) continue;
      size_t star = y0;  // the innermost loop in [l, y0) that indexes the operand
      for (size_t k = y0; k-- > l;)
        if (m.loops[k].bound > 1 && relevant(o, m.loops[k].dim)) {
          star = k;
          break;
        }
      if (star == y0) continue;
      moved_values[size_t(o)] = tile[size_t(o)] * (star == l ? ch[size_t(o)].slide_frac : 1.0);
    }
    total += double(m.product(0, l)) * double(m.loops[l].bound - 1) * busiest(moved_values);
  }
  return total;
}

// Array-side psum movement: the RF flushes of kept psums, or the reductions of bypassed ones
// every step. Sets e.hops, e.link_hops and (kept) e.rf[2].
struct PsumTerms {
  double gb_writes = 0;  // buffer writes from the array
  double refill = 0;     // NoC cycles of the flushes
  double stall = 0;      // NoC stall of the steps
};
struct Spans {
  Idx rf, arr, sp;  // below the RF loops, below the array loops, the spatial loops only
};

PsumTerms psum_terms(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                     const arch::NocClock& clock, int bits, double pes, double pass_steps,
                     const Spans& sp, SpatialEstimate& e) {
  PsumTerms t;
  const int64_t k = psum_link_group(m, noc);
  if (m.rf_keep[2]) {
    const Changes ch = changes_at(2, p, m, m.first_at(Level::kArrayY), sp.rf);
    const double sent = ch.events * pes * double(tile_elems(2, p, sp.rf));
    t.gb_writes = ch.events * double(tile_elems(2, p, sp.arr));
    e.hops = sent - t.gb_writes;
    e.rf[2] = 2 * e.macs;
    e.link_hops = sent * double(k - 1) / double(k);
    // Every PE sends all its psums at a flush (they are reduced on the way; without links each
    // one crosses the psum bus, with links the column groups' sums do).
    t.refill =
        ch.events * psum_flush_cycles(pes, double(tile_elems(2, p, sp.rf)), k, bits, noc, clock);
    return t;
  }
  // Bypassed: each step writes its reduced psums over the psum bus back to the buffer; with
  // links a group's PEs pass one psum each down the column (pipelined over the steps).
  const double per_step = double(tile_elems(2, p, sp.sp));
  t.gb_writes = pass_steps * per_step;
  e.hops = e.macs - t.gb_writes;
  e.link_hops = e.macs * double(k - 1) / double(k);
  const double link = k > 1 ? core_cycles(clock, std::ceil(double(bits) / noc.psum_link_bits)) : 1;
  const double bus = core_cycles(clock, std::ceil(per_step * bits / noc.bus_width(2)));
  t.stall = pass_steps * (std::max({1.0, link, bus}) - 1);
  return t;
}

}  // namespace

SpatialEstimate screen_mapping(const Problem& p, const Mapping& m,
                               const arch::AcceleratorSpec& spec, const LayerWidths& w,
                               const EnergyCosts& costs) {
  SpatialEstimate e;
  const size_t gb0 = m.first_at(Level::kGbuf), y0 = m.first_at(Level::kArrayY),
               rf0 = m.first_at(Level::kRf);
  const Idx gb_span = m.spans_from(gb0), arr_span = m.spans_from(y0), rf_span = m.spans_from(rf0);
  Idx sp_span;  // spatial loops only (one datum per PE)
  sp_span.fill(1);
  for (size_t l = y0; l < rf0; ++l) sp_span[size_t(m.loops[l].dim)] *= m.loops[l].bound;
  const double pes = double(m.rows() * m.cols());
  const double passes = double(m.product(0, y0));
  const double steps = double(m.product(rf0, m.loops.size()));
  e.macs = double(p.macs());
  const int bits[3] = {w.in_bits, w.w_bits, w.psum_bits};
  const double width[3] = {double(spec.noc.bus_width(0)), double(spec.noc.bus_width(1)),
                           double(spec.noc.bus_width(2))};
  double refill_cycles = 0, stall_cycles = 0;
  const arch::NocClock clock = arch::nominal_noc_clock(spec);

  for (int o = 0; o < 2; ++o) {
    const Changes dram = changes_at(o, p, m, gb0, gb_span);
    e.dram[size_t(o)] = moved(dram, double(tile_elems(o, p, gb_span)));
    if (m.rf_keep[size_t(o)]) {
      const Changes ch = changes_at(o, p, m, y0, rf_span);
      const Changes cha = changes_at(o, p, m, y0, arr_span);
      e.noc[size_t(o)] = pes * moved(ch, double(tile_elems(o, p, rf_span)));
      e.gbuf[size_t(o)] = moved(cha, double(tile_elems(o, p, arr_span)));
      e.rf[size_t(o)] = e.macs + e.noc[size_t(o)];
    } else {
      // Steps whose datum changes, per pass (the first step of a pass always loads).
      double changing = 1;
      for (size_t l = m.loops.size(); l-- > rf0;)
        if (m.loops[l].bound > 1 && relevant(o, m.loops[l].dim)) {
          changing = double(m.product(rf0, l + 1));
          break;
        }
      const double distinct = double(step_distinct(o, p, sp_span));
      e.noc[size_t(o)] = passes * changing * pes;
      e.gbuf[size_t(o)] = passes * changing * distinct;
      const double step = core_cycles(clock, std::ceil(distinct * bits[o] / width[o]));
      stall_cycles = std::max(stall_cycles, passes * changing * (std::max(1.0, step) - 1));
    }
  }
  refill_cycles += kept_refill_cycles(p, m, y0, arr_span, bits, width, clock);
  // Partial sums.
  const double outs = double(p.ofmap_elems);
  const PsumTerms ps =
      psum_terms(p, m, spec.noc, clock, bits[2], pes, passes * steps, {rf_span, arr_span, sp_span},
                 e);
  const double gb_writes = ps.gb_writes;
  refill_cycles += ps.refill;
  stall_cycles = std::max(stall_cycles, ps.stall);
  e.gbuf[2] = 2 * gb_writes - outs;  // every write after an element's first is read-modify-write
  const Changes dram_ps = changes_at(2, p, m, gb0, gb_span);
  const double spills = dram_ps.events * double(tile_elems(2, p, gb_span));
  e.dram[2] = 2 * spills - outs;
  e.noc[2] =
      e.hops - e.link_hops;  // PE -> PE over the bus; the last hop into the buffer is its write

  const double compute = passes * steps;
  const double dram_bytes = e.dram[0] * w.in_bytes + e.dram[1] * w.w_bytes +
                            (spills - outs) * 2 * w.psum_bytes + outs * w.out_bytes;
  price(e, compute + refill_cycles + stall_cycles, dram_bytes, spec, costs);
  return e;
}

}  // namespace adasim::workloads::spatial
