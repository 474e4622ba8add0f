// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/estimate.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "arch/program/feed_latency.hpp"
#include "workloads/mapper/timeline/dma_replay.hpp"
#include "workloads/mapper/timeline/timeline.hpp"

namespace adasim::workloads {

using arch::Operand;

double objective_value(arch::Objective o, double cycles, double energy_pj) {
  switch (o) {
    case arch::Objective::kLatency:
      return cycles;
    case arch::Objective::kEnergy:
      return energy_pj;
    case arch::Objective::kEdp:
      return cycles * energy_pj;
  }
  return cycles;
}

double Estimate::objective(arch::Objective o) const {
  return objective_value(o, cycles, energy_pj);
}

double fold_cycles(const SystolicProgram& s, const arch::AcceleratorSpec& spec) {
  const auto& pe = spec.pe_array;
  const bool scalesim = pe.convention == arch::TimingConvention::kScaleSim;
  const int64_t ar = pe.rows, ac = pe.cols;
  const int64_t lat = scalesim ? 0 : arch::nominal_feed_latency(spec);
  if (s.folds.empty()) return 0;
  // The last outputs leave the array in the last cycle (end - 1) and are in SRAM ret cycles
  // later, with a memory domain; the layer ends no earlier.
  const double ret = scalesim ? 0.0 : double(arch::nominal_return_latency(spec));
  auto landed = [ret](double end) { return std::max(end, end - 1 + ret); };
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
    return landed(t);
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
  return scalesim ? t : landed(std::max(t, drain_end));
}

namespace {

constexpr int kPsum = 4;

/// Bytes the array side moves per operand: reads toward the array, output writes and the
/// accumulate reads of partial sums already in the buffer.
struct ArrayTraffic {
  int64_t rd[3] = {0, 0, 0};
  int64_t wr_out = 0, rd_out = 0;
};

ArrayTraffic array_traffic(const LayerSchedule& sch) {
  const SystolicProgram& s = sch.systolic();
  const int64_t in_b = (sch.in_bits + 7) / 8, w_b = (sch.w_bits + 7) / 8;
  // Weights held: inputs streamed; inputs held: weights streamed; outputs held: both streamed.
  const Operand stream_op = s.streamed_operand(), stat_op = s.stationary_operand();
  const int64_t stream_b = stream_op == Operand::kIfmap ? in_b : w_b;
  const int64_t stat_b = stat_op == Operand::kIfmap ? in_b : w_b;
  ArrayTraffic t;
  for (const SystolicFold& f : s.folds) {
    if (s.outputs_stationary()) {
      t.rd[int(Operand::kIfmap)] += f.t_len * f.rows * in_b;
      t.rd[int(Operand::kWeight)] += f.t_len * f.cols * w_b;
      // The output chain's rows are written as they drain (SCALE-Sim's convention: on the
      // fold's last stream cycles).
      t.wr_out += f.rows * f.cols * kPsum;
      continue;
    }
    t.rd[int(stream_op)] += f.t_len * s.feed_values(f) * stream_b;
    // Only the tile's rows are read (SCALE-Sim's load shifts AR rows, the rest empty).
    t.rd[int(stat_op)] += f.rows * f.cols * stat_b;
    t.wr_out += f.t_len * f.cols * kPsum;
    if (!f.first_accum) t.rd_out += f.t_len * f.cols * kPsum;  // accumulate in the buffer
  }
  return t;
}

const char* operand_key(int o) {
  static const char* const kNames[] = {"ifmap", "weight", "ofmap"};
  return kNames[o];
}

/// The accesses of a schedule under the report's names (estimate.hpp), and their dynamic energy.
double count_accesses(const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                      const EnergyCosts& costs, std::map<std::string, int64_t>& acc) {
  const ArrayTraffic t = array_traffic(sch);
  const size_t n = spec.sram.size();
  std::vector<int64_t> rd(n, 0), wr(n, 0), fill(n, 0), drain(n, 0);
  for (int o = 0; o < arch::kNumOperands; ++o)
    rd[size_t(spec.level_index_of(Operand(o)))] += t.rd[o];
  const size_t out = size_t(spec.level_index_of(Operand::kOfmap));
  rd[out] += t.rd_out;
  wr[out] += t.wr_out;
  // DMA traffic, hop by hop: a load fills its hop's level and, copied out of a level (an L1
  // filled from an L2), reads that level; a store drains its hop's level and, into a level,
  // writes it. Only the hops from DRAM cross DRAM.
  const arch::TransferPlan& tp = sch.transfers;
  std::array<int64_t, 3> load{};
  int64_t store = 0, dram_rd = 0, dram_wr = 0;
  auto move = [&](int o, const arch::HopBytes& b, bool is_store) {
    const std::vector<arch::Hop>& route = tp.operands[size_t(o)].route;
    for (size_t h = 0; h < route.size(); ++h) {
      if (b[h] == 0) continue;
      (is_store ? drain : fill)[size_t(route[h].to)] += b[h];
      if (route[h].from == arch::kDram)
        (is_store ? dram_wr : dram_rd) += b[h];
      else
        (is_store ? fill : drain)[size_t(route[h].from)] += b[h];
      (is_store ? store : load[size_t(o)]) += b[h];
    }
  };
  for (const FoldPlan& f : tp.folds) {
    move(int(tp.stationary), f.stationary_load_bytes, false);
    for (const ChunkPlan& c : f.chunks) {
      for (int o = 0; o < 3; ++o) move(o, c.load_bytes[size_t(o)], false);
      move(2, c.psum_load_bytes, false);
      move(2, c.store_bytes, true);
    }
  }
  for (int o = 0; o < arch::kNumOperands; ++o)
    acc[std::string("dma.load_bytes_") + operand_key(o)] = load[size_t(o)];
  acc["dma.store_bytes"] = store;
  acc["dram.read_bytes"] = dram_rd;
  acc["dram.write_bytes"] = dram_wr;
  acc["noc.to_array_bytes"] = t.rd[0] + t.rd[1] + t.rd[2];
  acc["noc.from_array_bytes"] = t.wr_out;
  double energy = double(t.rd[0] + t.rd[1] + t.rd[2] + t.wr_out) * costs.noc_pj_per_byte +
                  double(dram_rd + dram_wr) * costs.dram_pj_per_byte;
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = spec.sram[i].name;
    acc[name + ".read_bytes"] = rd[i];
    acc[name + ".write_bytes"] = wr[i];
    acc[name + ".fill_bytes"] = fill[i];
    acc[name + ".drain_bytes"] = drain[i];
    // Word accesses as the level counts them for energy (array and transfer bytes together).
    const int64_t wb = spec.sram[i].word_bytes();
    if (i < costs.sram_read_pj.size())
      energy += double((rd[i] + drain[i] + wb - 1) / wb) * costs.sram_read_pj[i];
    if (i < costs.sram_write_pj.size())
      energy += double((wr[i] + fill[i] + wb - 1) / wb) * costs.sram_write_pj[i];
  }
  return energy;
}

}  // namespace

namespace {

/// Cycles no run of the schedule can beat: every DRAM byte crosses the DRAM at its bandwidth,
/// every array-side byte crosses its level's ports and the edge bus at their widths.
double traffic_bound(const std::map<std::string, int64_t>& acc, const arch::AcceleratorSpec& spec) {
  double bound = 0;
  // Slightly under the exact quotients: the engine rounds each burst to picoseconds.
  constexpr double kUnder = 1.0 - 1e-9;
  if (!spec.dram.ideal) {
    const double bytes_per_cycle =
        spec.dram.bandwidth_gb_per_s * 1000.0 / spec.clock.nominal.freq_mhz;
    bound = double(acc.at("dram.read_bytes") + acc.at("dram.write_bytes")) / bytes_per_cycle;
  }
  // Ports and bus count their cycles at the memory domain's clock (f_core / f_mem core cycles
  // each; 1 without a memory domain).
  const double ratio = arch::core_per_memory_cycle(spec, spec.clock.nominal);
  for (const arch::SramLevelSpec& l : spec.sram) {
    if (l.ideal) continue;
    bound =
        std::max({bound, ratio * double(acc.at(l.name + ".read_bytes")) / l.read_bytes_per_cycle(),
                  ratio * double(acc.at(l.name + ".write_bytes")) / l.write_bytes_per_cycle()});
  }
  const double bus = double(std::max(1, spec.noc.link_width_bits / 8));
  bound = std::max({bound, ratio * double(acc.at("noc.to_array_bytes")) / bus,
                    ratio * double(acc.at("noc.from_array_bytes")) / bus});
  return bound * kUnder;
}

double leakage_pj(const EnergyCosts& costs, const arch::AcceleratorSpec& spec, double cycles) {
  return costs.leakage_mw * cycles * 1000.0 / spec.clock.nominal.freq_mhz;  // mW x ns = pJ
}

}  // namespace

Estimate estimate_bound(const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                        const EnergyCosts& costs) {
  Estimate e;
  e.compute_cycles = fold_cycles(sch.systolic(), spec);
  e.dram_bytes = sch.dram_load_bytes() + sch.dram_store_bytes();
  e.dynamic_pj = count_accesses(sch, spec, costs, e.accesses) + double(sch.macs()) * costs.mac_pj;
  e.cycles = std::max(e.compute_cycles, traffic_bound(e.accesses, spec));
  e.energy_pj = e.dynamic_pj + leakage_pj(costs, spec, e.cycles);
  return e;
}

Estimate search_bound(const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                      const EnergyCosts& costs) {
  Estimate e = estimate_bound(sch, spec, costs);
  const double chain = double(timeline::load_chain_cycles(sch.transfers, spec));
  if (chain > e.cycles) {
    e.cycles = chain;
    e.energy_pj = e.dynamic_pj + leakage_pj(costs, spec, e.cycles);
  }
  return e;
}

Estimate refine(Estimate e, const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                const EnergyCosts& costs) {
  e.cycles = double(timeline::systolic_cycles(sch, spec));
  e.energy_pj = e.dynamic_pj + leakage_pj(costs, spec, e.cycles);
  return e;
}

Estimate estimate(const LayerSchedule& sch, const arch::AcceleratorSpec& spec,
                  const EnergyCosts& costs) {
  return refine(estimate_bound(sch, spec, costs), sch, spec, costs);
}

}  // namespace adasim::workloads
