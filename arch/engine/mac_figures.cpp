// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/mac_figures.hpp"

#include <algorithm>
#include <utility>

namespace adasim::arch {

namespace {
double density(const workloads::Int16Buffer& b) {
  int64_t nz = 0;
  for (int16_t v : b.data) nz += v != 0;
  return b.data.empty() ? 1.0 : double(nz) / double(b.data.size());
}
}  // namespace

void declare_mac_figures(sim::StatGroup& g, const LayerIo& io, SparsityMode mode, int64_t pes,
                         std::function<SparseSteps()> steps, std::function<uint64_t()> pe_macs) {
  g.clear();
  if (io.values) {
    // Densities of the operand tensors as the feeders see them (q != zp).
    const double in_d = density(*io.a), w_d = density(*io.b);
    g.add_real(
        "ifmap_density", [in_d](const sim::Interval&) { return in_d; }, "fraction",
        "ifmap values that are not zero", sim::StatKind::kRatio);
    g.add_real(
        "weight_density", [w_d](const sim::Interval&) { return w_d; }, "fraction",
        "weight values that are not zero", sim::StatKind::kRatio);
  }
  if (mode != SparsityMode::kNone) {
    g.add_real(
        "steps_skipped", [steps](const sim::Interval&) { return double(steps().skipped); }, "steps",
        "steps left out of the compressed streams", sim::StatKind::kRatio);
    g.add_real(
        "imbalance",
        [steps](const sim::Interval&) {
          const SparseSteps s = steps();
          return s.ideal ? double(s.issued) / double(s.ideal) : 1.0;
        },
        "ratio", "issued steps / steps of perfectly balanced lanes", sim::StatKind::kRatio);
  }
  g.add_real(
      "pe",
      [pes, pe_macs = std::move(pe_macs)](const sim::Interval& in) {
        return double(pe_macs()) / (double(pes) * double(std::max<uint64_t>(1, in.cycles)));
      },
      "fraction", "MACs performed per PE-cycle", sim::StatKind::kUtilization);
}

}  // namespace adasim::arch
