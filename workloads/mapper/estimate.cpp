// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/estimate.hpp"

#include <algorithm>

#include "arch/program/feed_latency.hpp"

namespace adasim::workloads {

using arch::Operand;

double Estimate::objective(arch::Objective o) const {
  switch (o) {
    case arch::Objective::kLatency:
      return steady_cycles;
    case arch::Objective::kEnergy:
      return steady_energy_pj;
    case arch::Objective::kEdp:
      return steady_cycles * steady_energy_pj;
  }
  return steady_cycles;
}

namespace {

/// Closed-form cycles of the folds with stall-free memory (README "Timing model").
double fold_cycles(const SystolicProgram& s, const arch::AcceleratorSpec& spec) {
  const auto& pe = spec.pe_array;
  const bool scalesim = pe.convention == arch::TimingConvention::kScaleSim;
  const int64_t ar = pe.rows, ac = pe.cols;
  const int64_t lat = scalesim ? 0 : arch::nominal_feed_latency(spec);
  if (s.folds.empty()) return 0;
  if (!s.outputs_stationary()) {
    const bool hidden = !scalesim && pe.weight_double_buffer;
    double t = 0;
    for (size_t i = 0; i < s.folds.size(); ++i) {
      const SystolicFold& f = s.folds[i];
      // The stationary tile loads one physical row per cycle (mac_lanes values per PE).
      const int64_t load = scalesim ? ar : s.physical_rows(f.rows);
      if (i == 0 || !hidden) t += double(load);
      t += double(f.t_len + lat + ar + (scalesim ? ac : f.cols) - 2);
    }
    return t;
  }
  double t = 0, drain_end = 0;
  for (const SystolicFold& f : s.folds) {
    t += double(f.t_len + lat + (scalesim ? ar : f.rows) + (scalesim ? ac : f.cols) - 2);
    if (scalesim) continue;
    if (pe.output_double_buffer) {
      t = std::max(t, drain_end);
      drain_end = t + double(ar);
    } else {
      t += double(ar);
      drain_end = t;
    }
  }
  return scalesim ? t : std::max(t, drain_end);
}

}  // namespace

Estimate estimate(const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                  const EnergyCosts& costs) {
  const SystolicProgram& s = sch.systolic();
  const arch::TransferPlan& tp = sch.transfers;
  Estimate e;
  e.compute_cycles = fold_cycles(s, spec);
  e.dram_bytes = sch.dram_load_bytes() + sch.dram_store_bytes();
  const int in_b = (sch.in_bits + 7) / 8, w_b = (sch.w_bits + 7) / 8;
  constexpr int kPsum = 4;
  // Array-side SRAM traffic, by operand, exactly as the feeders and collectors move it.
  double rd[3] = {0, 0, 0}, wr_out = 0, rd_out = 0;
  const bool os = s.outputs_stationary();
  // Weights held: inputs streamed; inputs held: weights streamed; outputs held: both streamed.
  const Operand stream_op = s.streamed_operand();
  const Operand stat_op = s.stationary_operand();
  const int stream_b = stream_op == Operand::kIfmap ? in_b : w_b;
  const int stat_b = stat_op == Operand::kIfmap ? in_b : w_b;
  for (const SystolicFold& f : s.folds) {
    if (os) {
      rd[int(Operand::kIfmap)] += double(f.t_len * f.rows * in_b);
      rd[int(Operand::kWeight)] += double(f.t_len * f.cols * w_b);
      wr_out += double(f.rows * f.cols * kPsum);
      continue;
    }
    rd[int(stream_op)] += double(f.t_len * s.feed_values(f) * stream_b);
    rd[int(stat_op)] += double(f.rows * f.cols * stat_b);
    wr_out += double(f.t_len * f.cols * kPsum);
    if (!f.first_accum) rd_out += double(f.t_len * f.cols * kPsum);  // accumulate in the buffer
  }
  // Per-level port time and energy (DMA fills are writes, drains reads of the level).
  std::vector<double> lvl_rd(spec.sram.size(), 0), lvl_wr(spec.sram.size(), 0);
  for (int o = 0; o < arch::kNumOperands; ++o)
    lvl_rd[size_t(spec.level_index_of(Operand(o)))] += rd[o];
  const size_t out_lvl = size_t(spec.level_index_of(Operand::kOfmap));
  lvl_rd[out_lvl] += rd_out;
  lvl_wr[out_lvl] += wr_out;
  double port_cycles = 0, energy = 0;
  for (size_t i = 0; i < spec.sram.size(); ++i) {
    const auto& l = spec.sram[i];
    if (!l.ideal)
      port_cycles = std::max({port_cycles, lvl_rd[i] / double(l.read_bytes_per_cycle()),
                              lvl_wr[i] / double(l.write_bytes_per_cycle())});
    const double wb = double(l.word_bytes());
    if (i < costs.sram_read_pj.size()) energy += (lvl_rd[i] / wb) * costs.sram_read_pj[i];
    if (i < costs.sram_write_pj.size()) energy += (lvl_wr[i] / wb) * costs.sram_write_pj[i];
  }
  // DMA traffic through the levels (the hop from DRAM: the mapper tiles one level per operand).
  for (const FoldPlan& f : tp.folds) {
    auto charge = [&](Operand op, double bytes, bool write) {
      const size_t i = size_t(spec.level_index_of(op));
      const double words = bytes / double(spec.sram[i].word_bytes());
      const auto& table = write ? costs.sram_write_pj : costs.sram_read_pj;
      if (i < table.size()) energy += words * table[i];
    };
    charge(tp.stationary, double(f.stationary_load_bytes[0]), true);
    for (const ChunkPlan& c : f.chunks) {
      for (int o = 0; o < arch::kNumOperands; ++o)
        charge(Operand(o), double(c.load_bytes[size_t(o)][0]), true);
      charge(Operand::kOfmap, double(c.psum_load_bytes[0]), true);
      charge(Operand::kOfmap, double(c.store_bytes[0]), false);
    }
  }
  double dram_cycles = 0, exposed = 0;
  if (!spec.dram.ideal && !tp.folds.empty()) {
    const double bytes_per_cycle =
        spec.dram.bandwidth_gb_per_s * 1000.0 / spec.clock.nominal.freq_mhz;
    const double latency = spec.dram.latency_ns * spec.clock.nominal.freq_mhz / 1000.0;
    dram_cycles = double(e.dram_bytes) / bytes_per_cycle;
    // Not hidden by prefetching: the first fold's tiles before anything computes, and the last
    // outputs' store after everything computed.
    const FoldPlan& first = tp.folds.front();
    double first_bytes = double(first.stationary_load_bytes[0]);
    if (!first.chunks.empty())
      for (const arch::HopBytes& b : first.chunks.front().load_bytes) first_bytes += double(b[0]);
    const FoldPlan& last = tp.folds.back();
    const double last_bytes = last.chunks.empty() ? 0.0 : double(last.chunks.back().store_bytes[0]);
    exposed = first_bytes / bytes_per_cycle + latency +
              (last_bytes > 0 ? last_bytes / bytes_per_cycle + latency : 0.0);
  }
  e.steady_cycles = std::max({e.compute_cycles, dram_cycles, port_cycles});
  e.cycles = e.steady_cycles + exposed;
  energy += double(sch.macs()) * costs.mac_pj;
  energy += (rd[0] + rd[1] + rd[2] + wr_out) * costs.noc_pj_per_byte;
  energy += double(e.dram_bytes) * costs.dram_pj_per_byte;
  const double ns_per_cycle = 1000.0 / spec.clock.nominal.freq_mhz;
  e.steady_energy_pj = energy + costs.leakage_mw * e.steady_cycles * ns_per_cycle;  // mW x ns = pJ
  e.energy_pj = energy + costs.leakage_mw * e.cycles * ns_per_cycle;
  return e;
}

}  // namespace adasim::workloads
