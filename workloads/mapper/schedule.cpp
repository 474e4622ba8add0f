// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/schedule.hpp"

#include <algorithm>

namespace adasim::workloads {

namespace {

nlohmann::json systolic_json(const SystolicProgram& p) {
  nlohmann::json j;
  if (p.mac_lanes > 1) j["mac_lanes"] = p.mac_lanes;  // precision-scalable PEs
  if (p.nm_m > 0)                                     // N:M datapath: rows are weight slots
    j["nm"] = {{"n", p.nm_n}, {"m", p.nm_m}, {"slots_per_group", p.nm().slots_per_group()}};
  j["gemm"] = {{"m", p.gemm_m},      {"kred", p.gemm_kred},        {"n", p.gemm_n},
               {"groups", p.groups}, {"group_pack", p.group_pack}, {"packs", p.packs}};
  j["spatial"] = {{"rows", to_string(p.rows_dim)}, {"cols", to_string(p.cols_dim)},
                  {"time", to_string(p.time_dim)}, {"row_folds", p.row_folds},
                  {"col_folds", p.col_folds},      {"dim_rows", p.dim_rows},
                  {"dim_cols", p.dim_cols},        {"dim_time", p.dim_time}};
  j["psum_spill"] = p.psum_spill;
  j["chunk_outer"] = p.chunk_outer;
  return j;
}

int64_t chunk_len_of(const LayerSchedule& s) {
  if (const auto* p = std::get_if<SystolicProgram>(&s.engine)) return p->chunk_len;
  if (std::holds_alternative<arch::SpatialProgram>(s.engine)) return 1;  // one DRAM iteration
  const auto& folds = s.transfers.folds;
  return folds.empty() || folds[0].chunks.empty() ? 0 : folds[0].chunks[0].t_len;
}

}  // namespace

nlohmann::json loop_nest_json(const arch::spatial::Mapping& m) {
  using arch::spatial::Loop;
  nlohmann::json loops_j = nlohmann::json::array();
  for (const Loop& l : m.loops)
    loops_j.push_back({{"level", to_string(l.level)},
                       {"dim", arch::spatial::dim_name(l.dim)},
                       {"bound", l.bound}});
  return {{"dataflow", m.dataflow},
          {"loops", loops_j},
          {"rf_keeps", {{"ifmap", m.rf_keep[0]}, {"weight", m.rf_keep[1]}, {"psum", m.rf_keep[2]}}},
          {"pes_used", {m.rows(), m.cols()}}};
}

nlohmann::json LayerSchedule::to_json() const {
  nlohmann::json j;
  j["layer"] = layer;
  j["op"] = to_string(op);
  j["macs"] = macs();
  j["dram_load_bytes"] = dram_load_bytes();
  j["dram_store_bytes"] = dram_store_bytes();
  j["loop_order"] = loop_order;
  j["chunk_len"] = chunk_len_of(*this);
  j["folds"] = transfers.folds.size();
  if (!dvfs.is_null()) j["dvfs"] = dvfs;
  if (const auto* v = std::get_if<arch::VectorProgram>(&engine)) {
    j["path"] = "vector";
    j["vector"] = {{"op", arch::to_string(v->op.kind)},
                   {"ops", v->ops},
                   {"lanes", v->lanes},
                   {"in_bytes", v->in_bytes},
                   {"out_bytes", v->out_bytes},
                   {"estimated_cycles", estimated_cycles()}};
    return j;
  }
  j["path"] = "array";
  j["dataflow"] = dataflow;
  if (const auto* sp = std::get_if<arch::SpatialProgram>(&engine)) {
    j["loop_nest"] = loop_nest_json(sp->nest);
    if (!search.objective.empty()) {
      j["search"] = {{"objective", search.objective},
                     {"chosen", search.chosen},
                     {"est_cycles", search.est_cycles},
                     {"est_energy_pj", search.est_energy_pj},
                     {"evaluated", search.evaluated}};
      if (!search.optimum.empty()) j["search"]["optimum"] = search.optimum;
      if (!budget_note(search).empty()) j["search"]["budget"] = budget_note(search);
    }
    return j;
  }
  j.update(systolic_json(std::get<SystolicProgram>(engine)));
  nlohmann::json ops = nlohmann::json::object();
  for (int i = 0; i < arch::kNumOperands; ++i) {
    const OperandPlan& p = transfers.operands[size_t(i)];
    ops[arch::to_string(arch::Operand(i))] = {{"resident", p.resident},
                                              {"slots", p.slots},
                                              {"tile_bytes", p.tile_bytes},
                                              {"dram_bytes", p.dram_bytes}};
  }
  j["operands"] = ops;
  if (!search.objective.empty()) {
    nlohmann::json sj = {{"objective", search.objective},
                         {"chosen", search.chosen},
                         {"estimated_cycles", search.est_cycles},
                         {"estimated_energy_pj", search.est_energy_pj},
                         {"candidates_evaluated", search.evaluated}};
    if (search.overcommitted) sj["sram_overcommitted"] = true;
    if (!budget_note(search).empty()) sj["budget"] = budget_note(search);
    if (search.has_runner_up)
      sj["runner_up"] = {{"mapping", search.runner_up},
                         {"estimated_cycles", search.runner_cycles},
                         {"estimated_energy_pj", search.runner_energy_pj}};
    j["search"] = sj;
  }
  return j;
}

double LayerSchedule::estimated_cycles() const { return search.est_cycles; }

std::string budget_note(const SearchInfo& s) {
  std::string note;
  if (s.budget_exhausted)
    note = "search budget exhausted after " + std::to_string(s.evaluated) +
           " candidates (mapper.max_candidates): best of those, not of the whole space";
  if (s.over_memory_budget > 0)
    note += std::string(note.empty() ? "" : "; ") + std::to_string(s.over_memory_budget) +
            " candidate(s) skipped: transfer plan above mapper.max_plan_chunks";
  return note;
}

}  // namespace adasim::workloads
