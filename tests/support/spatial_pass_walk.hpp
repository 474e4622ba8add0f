// SPDX-License-Identifier: Apache-2.0
// The reference for pass_terms (workloads/mapper/spatial/spatial_pass_classes.cpp, which sums
// the per-pass figures by class): a plain walk over every pass of the DRAM and buffer loops, as
// the mapper did before, adding each pass's refills, per-step figures and psum flushes. Slow on
// layers with many passes; for tests only.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "workloads/mapper/spatial/spatial_mapper.hpp"
#include "workloads/mapper/spatial/spatial_pass_figures.hpp"
#include "workloads/mapper/spatial/spatial_steps.hpp"

namespace adasim::workloads::spatial::testing {

inline PassTerms pass_terms_walk(const Problem& p, const Mapping& m, const arch::NocSpec& noc,
                                 const int bits[3], const double width[3]) {
  using Idx = std::array<int64_t, kNumDims>;
  PassTerms r;
  RefillCounter rc(p, m);
  std::optional<FlushCounter> fc;
  if (m.rf_keep[2]) fc.emplace(p, m, noc, bits[2], arch::NocClock{});  // one clock domain
  auto flush = [&](const Idx& run) {
    const FlushCounter::Flush& f = fc->at(run);
    r.flush_cycles += f.cycles;
    r.sent += f.sent;
    r.writes += f.writes;
    r.link_hops += f.link_hops;
  };
  Idx run{};
  // Which dims each operand's tile follows (relevant(), looked up once).
  std::array<std::array<bool, kNumDims>, 3> rel{};
  for (int o = 0; o < 3; ++o)
    for (int d = 0; d < kNumDims; ++d) rel[size_t(o)][size_t(d)] = relevant(o, d);
  std::optional<StepCounter> sc;
  if (!m.rf_keep[0] || !m.rf_keep[1] || !m.rf_keep[2]) sc.emplace(p, m, noc, bits, arch::NocClock{});
  const size_t y0 = m.first_at(Level::kArrayY);
  const std::vector<int64_t> inner = m.inner_strides();
  std::vector<int64_t> it(y0, 0);
  Idx base{}, prev{};
  for (bool first = true;; first = false) {
    double cycles = 0;
    for (int o = 0; o < 2; ++o) {
      if (!m.rf_keep[size_t(o)]) continue;
      bool changed = first;
      for (int d = 0; d < kNumDims && !changed; ++d)
        changed = rel[size_t(o)][size_t(d)] && base[size_t(d)] != prev[size_t(d)];
      if (!changed) continue;
      double all = 1, none_new = 1, n = 1, keep = 1;
      for (int a = 0; a < kAxes; ++a) {
        const RefillCounter::AxisFigures f = rc.axis(o, a, base, first ? nullptr : &prev);
        all *= double(f.u);
        none_new *= double(f.u - f.d);
        n *= double(f.n);
        keep *= double(f.keep);
      }
      const double distinct = all - none_new;
      r.gbuf[size_t(o)] += distinct;
      r.noc[size_t(o)] += (n - keep) * double(rc.sharing(o));
      cycles = std::max(cycles, std::ceil(distinct * bits[o] / width[o]));
    }
    r.refill_cycles += cycles;
    if (sc) {
      const StepCounter::PassSteps& st = sc->at(base);
      r.step_stall += st.stall;
      for (size_t o = 0; o < 2; ++o) {
        r.step_gbuf[o] += st.gbuf_reads[o];
        r.step_noc[o] += st.deliveries[o];
      }
      r.step_writes += st.psum_writes;
      r.step_macs += st.macs;
      r.step_link_hops += st.link_hops;
    }
    // Next pass (odometer over the DRAM and buffer loops).
    prev = base;
    size_t k = y0;
    while (k-- > 0) {
      if (++it[k] < m.loops[k].bound) break;
      it[k] = 0;
    }
    if (k == size_t(-1)) break;
    base.fill(0);
    for (size_t l = 0; l < y0; ++l) base[size_t(m.loops[l].dim)] += it[l] * inner[l];
    if (!fc) continue;
    bool psums_change = false;
    for (int d = 0; d < kNumDims; ++d)
      psums_change = psums_change || (rel[2][size_t(d)] && base[size_t(d)] != prev[size_t(d)]);
    if (psums_change) {
      flush(run);
      run = base;
    }
  }
  if (fc) flush(run);
  return r;
}

}  // namespace adasim::workloads::spatial::testing
