// SPDX-License-Identifier: Apache-2.0
// Analytical data-movement counts of a spatial mapping (what the search ranks candidates by).
// A tile below loop boundary b changes once per iteration of the loops outside b down to the
// innermost one that indexes the operand (loops inside that one leave it in place); when that
// innermost loop slides a window (ifmap along P/Q/R/S) only the new rows/columns move. These
// counts are derived independently of the engine's movement; on layers without halo and with
// factors that divide, they equal the engine's counts (tests/unit/mapper/spatial_mapper_test.cpp).
#include <algorithm>
#include <cmath>

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

}  // namespace

double SpatialEstimate::objective(arch::Objective o) const {
  switch (o) {
    case arch::Objective::kLatency: return cycles;
    case arch::Objective::kEnergy: return energy_pj;
    case arch::Objective::kEdp: return cycles * energy_pj;
  }
  return cycles;
}

SpatialEstimate estimate_mapping(const Problem& p, const Mapping& m, const arch::AcceleratorSpec& spec,
                                 const LayerWidths& w, const EnergyCosts& costs) {
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
  const double link = std::max(1, spec.noc.link_width_bits);
  double refill_cycles = 0, stall_cycles = 0;

  for (int o = 0; o < 2; ++o) {
    const Changes dram = changes_at(o, p, m, gb0, gb_span);
    e.dram[size_t(o)] = moved(dram, double(tile_elems(o, p, gb_span)));
    if (m.rf_keep[size_t(o)]) {
      const Changes ch = changes_at(o, p, m, y0, rf_span);
      const Changes cha = changes_at(o, p, m, y0, arr_span);
      e.noc[size_t(o)] = pes * moved(ch, double(tile_elems(o, p, rf_span)));
      e.gbuf[size_t(o)] = moved(cha, double(tile_elems(o, p, arr_span)));
      e.rf[size_t(o)] = e.macs + e.noc[size_t(o)];
      refill_cycles += std::ceil(e.gbuf[size_t(o)] * bits[o] / link);
    } else {
      // Steps whose datum changes, per pass (the first step of a pass always loads).
      double changing = 1;
      for (size_t l = m.loops.size(); l-- > rf0;)
        if (m.loops[l].bound > 1 && relevant(o, m.loops[l].dim)) {
          changing = double(m.product(rf0, l + 1));
          break;
        }
      const double distinct = double(tile_elems(o, p, sp_span));
      e.noc[size_t(o)] = passes * changing * pes;
      e.gbuf[size_t(o)] = passes * changing * distinct;
      stall_cycles = std::max(stall_cycles, passes * changing * (std::ceil(distinct * bits[o] / link) - 1));
    }
  }
  // Partial sums.
  const double outs = double(p.ofmap_elems);
  double gb_writes = 0;
  if (m.rf_keep[2]) {
    const Changes ch = changes_at(2, p, m, y0, rf_span);
    const double sent = ch.events * pes * double(tile_elems(2, p, rf_span));
    gb_writes = ch.events * double(tile_elems(2, p, arr_span));
    e.hops = sent - gb_writes;
    e.rf[2] = 2 * e.macs;
    refill_cycles += std::ceil(gb_writes * bits[2] / link);
  } else {
    gb_writes = passes * steps * double(tile_elems(2, p, sp_span));
    e.hops = e.macs - gb_writes;
  }
  e.gbuf[2] = 2 * gb_writes - outs;  // every write after an element's first is read-modify-write
  const Changes dram_ps = changes_at(2, p, m, gb0, gb_span);
  const double spills = dram_ps.events * double(tile_elems(2, p, gb_span));
  e.dram[2] = 2 * spills - outs;
  e.noc[2] = e.hops;  // PE -> PE transfers; the last hop into the buffer is its write

  const double compute = passes * steps;
  const double dram_bytes = e.dram[0] * w.in_bytes + e.dram[1] * w.w_bytes +
                            (spills - outs) * 2 * w.psum_bytes + outs * w.out_bytes;
  const double bytes_per_cycle =
      spec.dram.ideal ? 1e300 : spec.dram.bandwidth_gb_per_s * 1e3 / spec.clock.nominal.freq_mhz;
  e.cycles = std::max(compute + refill_cycles + stall_cycles, dram_bytes / bytes_per_cycle);

  const auto& c = costs.spatial;
  e.energy_pj = e.macs * c.mac + costs.leakage_mw * e.cycles * 1e3 / spec.clock.nominal.freq_mhz;
  for (size_t o = 0; o < 3; ++o)
    e.energy_pj += e.dram[o] * c.dram[o] + e.gbuf[o] * c.gbuf[o] + e.noc[o] * c.noc[o] + e.rf[o] * c.rf[o];
  return e;
}

}  // namespace adasim::workloads::spatial
