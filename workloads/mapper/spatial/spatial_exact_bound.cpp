// SPDX-License-Identifier: Apache-2.0
// A lower bound of the EXACT estimate's objective (estimate_mapping, spatial_estimate.cpp) over
// a core's mappings, for the search's final, exact branch and bound. CoreBound (spatial_bound.cpp)
// bounds the screening score, which counts whole tiles where the exact estimate counts the
// in-layer part of edge tiles, so it is not a bound of the exact estimate on ragged layers.
// This bound keeps only terms the exact estimate pays whatever the loop order and tile shapes:
//  - cycles >= passes x steps: the estimate's array cycles are passes x steps (compute) plus
//    refill and stall cycles (>= 0); passes is the product of the temporal loop bounds, whose
//    product covers each dim's extent left above the array, so passes >= prod(rem) (= with a
//    split: prod(gbuf x dram)); steps are the core's register-file loops;
//  - with finite DRAM, cycles >= DRAM bytes / bandwidth, and the DRAM walk reads every weight
//    at least once and writes every output at least once (psum reloads and spills >= 0);
//  - energy >= the MACs, the register-file accesses of kept operands (2 per MAC for kept psums,
//    at least 1 per MAC for a kept input), every weight's DRAM read, every output's DRAM write
//    and buffer write (the buffer's psum accesses are 2 x writes - outputs and each output is
//    written at least once), and leakage over the bounded cycles; every other count is >= 0.
// tests/unit/mapper/spatial_search_test.cpp checks it against every mapping of an exhaustive
// enumeration.
#include <algorithm>

#include "workloads/mapper/spatial/spatial_search.hpp"

namespace adasim::workloads::spatial {

ExactBound::ExactBound(const Problem& p, const Mapping& core, const Idx& rem,
                       const arch::AcceleratorSpec& spec, const LayerWidths& w,
                       const EnergyCosts& costs, arch::Objective obj)
    : rem_(rem), obj_(obj) {
  const auto& c = costs.spatial;
  const double macs = double(p.macs()), outs = double(p.ofmap_elems);
  const double weights = double(p.weight_elems);
  steps_ = double(core.product(core.first_at(Level::kRf), core.loops.size()));
  const double bytes_per_cycle =
      spec.dram.ideal ? 1e300 : spec.dram.bandwidth_gb_per_s * 1e3 / spec.clock.nominal.freq_mhz;
  dram_cycles_ = (weights * w.w_bytes + outs * w.out_bytes) / bytes_per_cycle;
  energy_ = macs * c.mac + weights * c.dram[1] + outs * (c.dram[2] + c.gbuf[2]);
  for (int o = 0; o < 2; ++o)
    if (core.rf_keep[size_t(o)]) energy_ += macs * c.rf[size_t(o)];
  if (core.rf_keep[2]) energy_ += 2 * macs * c.rf[2];
  leak_pj_per_cycle_ = costs.leakage_mw * 1e3 / spec.clock.nominal.freq_mhz;
}

double ExactBound::bound(const Split* s) const {
  double passes = 1;
  for (int d = 0; d < kNumDims; ++d)
    passes *= double(s ? s->gbuf[size_t(d)] * s->dram[size_t(d)] : rem_[size_t(d)]);
  const double cycles = std::max(passes * steps_, dram_cycles_);
  if (obj_ == arch::Objective::kLatency) return cycles;
  const double energy = energy_ + leak_pj_per_cycle_ * cycles;
  return obj_ == arch::Objective::kEnergy ? energy : energy * cycles;
}

}  // namespace adasim::workloads::spatial
