// SPDX-License-Identifier: Apache-2.0
// Lower bounds of the screening score (spatial_screen.cpp), for the branch and bound of
// the spatial search. Every term of the estimate is a non-decreasing function of the number of
// times a tile changes at a boundary (array or DRAM). For operand o that number is at least the
// product of the loops above the boundary that index o: they all sit at or outside the
// innermost such loop. And the innermost loop above a boundary indexes every operand but at
// most one (each dim is ignored by one operand only: M by the ifmap; N, P, Q by the weights;
// C, R, S by the psums), so all operands but one change on every iteration; the bound takes the
// cheapest choice of that one operand at each boundary. A window slide moves at least the
// fraction of the tile that one step of the sliding loop moves, and that step spans at least
// the dim's extent below the boundary. Without a split the DRAM terms fall back to what every
// mapping moves: each weight and each output once. tests/unit/mapper/spatial_search_test.cpp
// checks the bound against every mapping of an exhaustive enumeration.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "workloads/mapper/spatial/spatial_search.hpp"

namespace adasim::workloads::spatial {
namespace {

using Idx = std::array<int64_t, kNumDims>;

// Fraction of the ifmap tile of `span` that one step of a loop over sliding dim d moves, when
// the step spans step_span[d] along d.
double slide_frac(const Problem& p, const Idx& span, const Idx& step_span, int d) {
  const int64_t extent = window_extent(p, span, d == kP || d == kR);
  const int64_t step = step_span[size_t(d)] * window_step(p, d);
  return extent > 0 ? double(std::min(extent, step)) / double(extent) : 1.0;
}

constexpr int kSliding[4] = {kP, kQ, kR, kS};

// Least number of changes of each operand's tile at a boundary with loops `f` above it: the
// product of all of them, except for the operand the innermost loop may skip (`favoured`), whose
// tile changes at least once per iteration of the loops that index it.
struct LeastChanges {
  double all = 1;
  std::array<double, 3> indexing{1, 1, 1};
  explicit LeastChanges(const Idx& f) {
    for (int d = 0; d < kNumDims; ++d) {
      all *= double(f[size_t(d)]);
      for (int o = 0; o < 3; ++o)
        if (relevant(o, d)) indexing[size_t(o)] *= double(f[size_t(d)]);
    }
  }
  double operator()(int o, int favoured) const { return o == favoured ? indexing[size_t(o)] : all; }
};

}  // namespace

CoreBound::CoreBound(const Problem& p, const Mapping& core, const Idx& rem,
                     const arch::AcceleratorSpec& spec, const LayerWidths& w,
                     const EnergyCosts& costs, arch::Objective obj)
    : p_(p), spec_(spec), w_(w), costs_(costs), obj_(obj), keep_(core.rf_keep), rem_(rem) {
  const size_t rf0 = core.first_at(Level::kRf);
  arr_span_ = core.spans_from(0);
  const Idx rf_span = core.spans_from(rf0);
  Idx sp_span;
  sp_span.fill(1);
  for (size_t l = 0; l < rf0; ++l) sp_span[size_t(core.loops[l].dim)] *= core.loops[l].bound;
  pes_ = double(core.rows() * core.cols());
  steps_ = double(core.product(rf0, core.loops.size()));
  macs_ = double(p.macs());
  outs_ = double(p.ofmap_elems);
  for (int o = 0; o < 3; ++o) width_[size_t(o)] = spec.noc.bus_width(o);
  link_group_ = psum_link_group(core, spec.noc);
  clock_ = arch::nominal_noc_clock(spec);
  bytes_per_cycle_ =
      spec.dram.ideal ? 1e300 : spec.dram.bandwidth_gb_per_s * 1e3 / spec.clock.nominal.freq_mhz;
  for (int o = 0; o < 3; ++o) {
    t_rf_[size_t(o)] = double(tile_elems(o, p, rf_span));
    t_arr_[size_t(o)] = double(tile_elems(o, p, arr_span_));
    t_sp_[size_t(o)] = double(step_distinct(o, p, sp_span));
    // Steps of a pass whose datum changes (operands the RF does not keep).
    changing_[size_t(o)] = 1;
    for (size_t l = core.loops.size(); l-- > rf0;)
      if (core.loops[l].bound > 1 && relevant(o, core.loops[l].dim)) {
        changing_[size_t(o)] = double(core.product(rf0, l + 1));
        break;
      }
  }
  for (int i = 0; i < 4; ++i) {
    slide_rf_[size_t(i)] = slide_frac(p, rf_span, arr_span_, kSliding[i]);
    slide_arr_[size_t(i)] = slide_frac(p, arr_span_, arr_span_, kSliding[i]);
  }
}

std::optional<CoreBound::Terms> CoreBound::order_free_terms(const Split* split,
                                                            double passes) const {
  const auto& c = costs_.spatial;
  const int bits[3] = {w_.in_bits, w_.w_bits, w_.psum_bits};
  double energy = macs_ * c.mac, stall = 0;
  for (int o = 0; o < 2; ++o) {
    if (keep_[size_t(o)]) {
      energy += macs_ * c.rf[size_t(o)];
      continue;
    }
    const double n = passes * changing_[size_t(o)];
    energy += n * (pes_ * c.noc[size_t(o)] + t_sp_[size_t(o)] * c.gbuf[size_t(o)]);
    const double bus = std::ceil(t_sp_[size_t(o)] * bits[o] / width_[size_t(o)]);
    const double step = core_cycles(clock_, bus);
    stall = std::max(stall, n * (std::max(1.0, step) - 1));
  }
  if (keep_[2]) {
    energy += 2 * macs_ * c.rf[2];
    return Terms{energy, stall};
  }
  // hops = macs - writes falls as the buffer writes grow: exact with a split (passes known);
  // without one, a bound only when a buffer write costs more than the hop it replaces.
  if (!split && 2 * c.gbuf[2] < c.noc[2] && obj_ != arch::Objective::kLatency) return std::nullopt;
  const double gb_writes = passes * steps_ * t_sp_[2];
  const double links = macs_ * double(link_group_ - 1) / double(link_group_);
  energy +=
      (2 * gb_writes - outs_) * c.gbuf[2] + (macs_ - gb_writes - links) * c.noc[2] + links * c.link;
  return Terms{energy, stall};
}

inline CoreBound::Terms CoreBound::array_terms(const std::array<double, 3>& ev, double ratio_rf,
                                               double ratio_arr, double energy) const {
  const auto& c = costs_.spatial;
  double refill = 0;
  const int bits[3] = {w_.in_bits, w_.w_bits, w_.psum_bits};
  for (int o = 0; o < 2; ++o) {
    if (!keep_[size_t(o)]) continue;
    const double noc = pes_ * t_rf_[size_t(o)] * ev[size_t(o)] * (o == 0 ? ratio_rf : 1);
    const double gbuf = t_arr_[size_t(o)] * ev[size_t(o)] * (o == 0 ? ratio_arr : 1);
    energy += noc * (c.noc[size_t(o)] + c.rf[size_t(o)]) + gbuf * c.gbuf[size_t(o)];
    // Each operand has its own bus: the refills take at least the busiest one's cycles (each
    // refill at least its NoC cycles x f_core / f_mem in core cycles, noc_clock.hpp).
    refill = std::max(refill, gbuf * bits[o] / width_[size_t(o)]);
  }
  refill = std::ceil(core_cycles_at_least(clock_, refill) - 1e-9);
  if (keep_[2]) {
    const double gb_writes = ev[2] * t_arr_[2];
    const double k = double(link_group_);
    const double links = ev[2] * pes_ * t_rf_[2] * (k - 1) / k;
    const double hops = ev[2] * std::max(0.0, pes_ * t_rf_[2] / k - t_arr_[2]);
    energy += (2 * gb_writes - outs_) * c.gbuf[2] + hops * c.noc[2] + links * c.link;
    // Every flush sends all the PEs' RF psums (with links: the groups' sums) over the bus.
    refill += ev[2] * psum_flush_cycles(pes_, t_rf_[2], link_group_, bits[2], spec_.noc, clock_);
  }
  return {energy, refill};
}

double CoreBound::bound(const Split* split) const {
  const Problem& p = p_;
  const auto& c = costs_.spatial;
  Idx outer = rem_;
  if (split)
    for (int d = 0; d < kNumDims; ++d)
      outer[size_t(d)] = split->gbuf[size_t(d)] * split->dram[size_t(d)];
  const LeastChanges at_array(outer);
  const double passes = at_array.all;
  const std::optional<Terms> fixed = order_free_terms(split, passes);
  if (!fixed) return 0;
  const double fixed_energy = fixed->energy, stall = fixed->stall;
  double ratio_rf = 1, ratio_arr = 1;
  for (int i = 0; i < 4; ++i)
    if (outer[size_t(kSliding[i])] > 1) {
      ratio_rf = std::min(ratio_rf, slide_rf_[size_t(i)]);
      ratio_arr = std::min(ratio_arr, slide_arr_[size_t(i)]);
    }
  std::array<double, 3> t_gb{};
  double gb_slide = 1;
  if (split) {
    Idx gb_span = arr_span_;
    for (int d = 0; d < kNumDims; ++d) gb_span[size_t(d)] *= split->gbuf[size_t(d)];
    for (int o = 0; o < 3; ++o) t_gb[size_t(o)] = double(tile_elems(o, p, gb_span));
    for (int d : kSliding)
      if (split->dram[size_t(d)] > 1)
        gb_slide = std::min(gb_slide, slide_frac(p, gb_span, gb_span, d));
  }

  const LeastChanges at_dram(split ? split->dram : Idx{});
  double best = std::numeric_limits<double>::infinity();
  for (int fy = 0; fy < 3; ++fy)
    for (int fd = split ? 0 : -1; fd < (split ? 3 : 0); ++fd) {
      // Array boundary: refills of the RF-kept operands and the psums they send down.
      const Terms at = array_terms({at_array(0, fy), at_array(1, fy), at_array(2, fy)}, ratio_rf,
                                   ratio_arr, fixed_energy);
      double energy = at.energy;
      const double refill = at.stall;
      // DRAM boundary.
      std::array<double, 3> dram{0, double(p.weight_elems), outs_};
      if (split) {
        dram[0] = t_gb[0] * at_dram(0, fd) * gb_slide;
        dram[1] = std::max(dram[1], t_gb[1] * at_dram(1, fd));
        dram[2] = std::max(dram[2], t_gb[2] * at_dram(2, fd));
      }
      const double spills = dram[2];
      dram[2] = 2 * spills - outs_;
      const double dram_bytes = dram[0] * w_.in_bytes + dram[1] * w_.w_bytes +
                                (spills - outs_) * 2 * w_.psum_bytes + outs_ * w_.out_bytes;
      const double cycles =
          std::max(passes * steps_ + refill + stall, dram_bytes / bytes_per_cycle_);
      double value = cycles;
      if (obj_ != arch::Objective::kLatency) {
        energy += costs_.leakage_mw * cycles * 1e3 / spec_.clock.nominal.freq_mhz;
        for (size_t o = 0; o < 3; ++o) energy += dram[o] * c.dram[o];
        value = obj_ == arch::Objective::kEnergy ? energy : energy * cycles;
      }
      best = std::min(best, value);
    }
  return best;
}

}  // namespace adasim::workloads::spatial
