// SPDX-License-Identifier: Apache-2.0
#include "arch/engine/scalesim_figures.hpp"

#include <algorithm>

namespace adasim::arch {

namespace {

/// SCALE-Sim's total cycles: the cycle its last ofmap line is serviced, counted from 0.
uint64_t last_cycle(const sim::Interval& in) { return in.cycles > 0 ? in.cycles - 1 : 0; }

/// Mean over folds, in the order they ran, of `term(fold)`, as a percentage (SCALE-Sim sums
/// per-fold fractions in its fold order, then divides by the fold count and scales by 100).
template <class F>
double fold_mean_pct(const ArrayTally& t, F term) {
  if (t.folds.empty()) return 0.0;
  double sum = 0.0;
  for (const ArrayTally::Fold& f : t.folds) sum += term(f);
  return sum / double(t.folds.size()) * 100.0;
}

}  // namespace

void declare_scalesim_figures(sim::StatGroup& g, const SystolicProgram& prog,
                              const ArrayTally& tally, int ar, int ac) {
  g.clear();
  const ArrayTally* t = &tally;
  const int64_t pes = int64_t(ar) * ac;
  const bool os = prog.outputs_stationary();
  constexpr auto kMirror = sim::StatKind::kMirror;
  g.add_count_at("total_cycles", last_cycle, "cycles",
                 "SCALE-Sim's Total Cycles: the index of the layer's last cycle (cycles - 1)",
                 kMirror);
  g.add_count_at(
      "stall_cycles", [](const sim::Interval& in) { return in.stall_cycles; }, "cycles",
      "SCALE-Sim's Stall Cycles: cycles the array waited for memory", kMirror);
  const uint64_t macs = uint64_t(prog.macs());
  g.add_real(
      "overall_util_pct",
      [macs, pes](const sim::Interval& in) {
        const uint64_t last = last_cycle(in);
        return last ? double(macs * 100) / double(last * uint64_t(pes)) : 0.0;
      },
      "percent", "SCALE-Sim's Overall Util %: MACs * 100 / (Total Cycles * PEs)", kMirror);
  g.add_real(
      "mapping_eff_pct",
      [t, pes](const sim::Interval&) {
        return fold_mean_pct(
            *t, [pes](const ArrayTally::Fold& f) { return double(f.rows * f.cols) / double(pes); });
      },
      "percent", "SCALE-Sim's Mapping Efficiency %: mean over folds of the PEs a fold uses",
      kMirror);
  // SCALE-Sim measures a WS / IS fold's compute utilization over its stationary operand's
  // demand block, which is AC - 1 lines longer than the fold (section 3).
  const int64_t extra = os ? 0 : ac - 1;
  g.add_real(
      "compute_util_pct",
      [t, pes, extra](const sim::Interval&) {
        return fold_mean_pct(*t, [pes, extra](const ArrayTally::Fold& f) {
          const int64_t cycles = int64_t(f.cycles) + extra;
          return cycles > 0 ? double(f.rows * f.cols * f.t_len) / double(pes * cycles) : 0.0;
        });
      },
      "percent",
      "SCALE-Sim's Compute Util %: mean over folds of MACs / (PEs * fold cycles; WS/IS: + AC - 1)",
      kMirror);
  // SRAM counts in values (SCALE-Sim's words). OS: SCALE-Sim adds the array's rows + columns
  // per fold to its ofmap writes (its ofmap demand block's padding, section 3).
  const uint64_t os_extra = os ? uint64_t(prog.folds.size()) * uint64_t(ar + ac) : 0;
  struct Count {
    const char* name;
    const char* bw;
    Operand op;
    uint64_t extra;
  };
  for (const Count& c :
       {Count{"sram_ifmap_reads", "avg_ifmap_sram_bw", Operand::kIfmap, 0},
        Count{"sram_filter_reads", "avg_filter_sram_bw", Operand::kWeight, 0},
        Count{"sram_ofmap_writes", "avg_ofmap_sram_bw", Operand::kOfmap, os_extra}}) {
    const size_t op = size_t(c.op);
    const uint64_t extra_words = c.extra;
    g.add_count(
        c.name, [t, op, extra_words] { return t->sram_values[op] + extra_words; }, "words",
        "SCALE-Sim's SRAM count of the operand (DETAILED_ACCESS_REPORT)", kMirror);
    g.add_real(
        c.bw,
        [t, op, extra_words](const sim::Interval& in) {
          const uint64_t last = last_cycle(in);
          return last ? double(t->sram_values[op] + extra_words) / double(last) : 0.0;
        },
        "words/cycle", "SCALE-Sim's average SRAM bandwidth: the count / Total Cycles", kMirror);
  }
}

}  // namespace adasim::arch
