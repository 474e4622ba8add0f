// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/schedule.hpp"

namespace adasim::workloads {

const char* to_string(GemmDim d) {
  switch (d) {
    case GemmDim::kM: return "M";
    case GemmDim::kKred: return "Kred";
    case GemmDim::kN: return "N";
  }
  return "?";
}

int64_t LayerSchedule::macs() const {
  int64_t sum = 0;
  for (const FoldPlan& f : folds) sum += f.macs;
  return sum;
}

int64_t LayerSchedule::dram_load_bytes() const {
  int64_t sum = 0;
  for (const FoldPlan& f : folds) {
    sum += f.stationary_load_bytes;
    for (const ChunkPlan& c : f.chunks) {
      for (int64_t b : c.load_bytes) sum += b;
      sum += c.psum_load_bytes;
    }
  }
  return sum;
}

int64_t LayerSchedule::dram_store_bytes() const {
  int64_t sum = 0;
  for (const FoldPlan& f : folds)
    for (const ChunkPlan& c : f.chunks) sum += c.store_bytes;
  return sum;
}

nlohmann::json LayerSchedule::to_json() const {
  nlohmann::json j;
  j["layer"] = layer;
  j["op"] = to_string(op);
  j["macs"] = macs();
  j["dram_load_bytes"] = dram_load_bytes();
  j["dram_store_bytes"] = dram_store_bytes();
  j["loop_order"] = loop_order;
  j["chunk_len"] = chunk_len;
  j["folds"] = folds.size();
  if (vector_path) {
    j["path"] = "vector";
    j["vector"] = {{"op", arch::to_string(vector_op.kind)},
                   {"ops", vector_ops},
                   {"lanes", vector_lanes},
                   {"in_bytes", vector_in_bytes},
                   {"out_bytes", vector_out_bytes}};
    return j;
  }
  j["path"] = "array";
  if (spatial) {
    j["dataflow"] = arch::to_string(spatial->dataflow);
    j["loop_nest"] = spatial->to_json();
    if (!search.objective.empty())
      j["search"] = {{"objective", search.objective}, {"chosen", search.chosen},
                     {"est_cycles", search.est_cycles}, {"est_energy_pj", search.est_energy_pj},
                     {"evaluated", search.evaluated}};
    return j;
  }
  j["dataflow"] = arch::to_string(dataflow);
  if (mac_lanes > 1) j["mac_lanes"] = mac_lanes;  // precision-scalable PEs
  if (nm_m > 0)  // N:M datapath: rows are weight slots
    j["nm"] = {{"n", nm_n}, {"m", nm_m}, {"slots_per_group", nm().slots_per_group()}};
  j["gemm"] = {{"m", gemm_m}, {"kred", gemm_kred}, {"n", gemm_n}, {"groups", groups},
               {"group_pack", group_pack}, {"packs", packs}};
  j["spatial"] = {{"rows", to_string(rows_dim)}, {"cols", to_string(cols_dim)},
                  {"time", to_string(time_dim)}, {"row_folds", row_folds},
                  {"col_folds", col_folds}, {"dim_rows", dim_rows}, {"dim_cols", dim_cols},
                  {"dim_time", dim_time}};
  j["psum_spill"] = psum_spill;
  j["chunk_outer"] = chunk_outer;
  nlohmann::json ops = nlohmann::json::object();
  for (int i = 0; i < arch::kNumOperands; ++i) {
    const OperandPlan& p = operands[size_t(i)];
    ops[arch::to_string(arch::Operand(i))] = {{"resident", p.resident}, {"slots", p.slots},
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
    if (search.has_runner_up)
      sj["runner_up"] = {{"mapping", search.runner_up},
                         {"estimated_cycles", search.runner_cycles},
                         {"estimated_energy_pj", search.runner_energy_pj}};
    j["search"] = sj;
  }
  return j;
}

}  // namespace adasim::workloads
