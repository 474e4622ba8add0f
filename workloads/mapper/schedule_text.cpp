// SPDX-License-Identifier: Apache-2.0
#include "workloads/mapper/schedule_text.hpp"

#include <cstdio>
#include <sstream>

namespace adasim::workloads {

namespace {
std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

void describe_systolic(std::ostringstream& os, const LayerSchedule& sch,
                       const arch::AcceleratorSpec& spec) {
  const SystolicProgram& s = sch.systolic();
  // Rows of a fold: physical rows x MAC lanes (precision-scalable PEs, WS / IS).
  const int64_t ar = int64_t(spec.pe_array.rows) * s.mac_lanes, ac = spec.pe_array.cols;
  os << "  GEMM per group: M=" << s.gemm_m << " Kred=" << s.gemm_kred << " N=" << s.gemm_n
     << "; groups " << s.groups << ", " << s.group_pack << " per block-diagonal pack, " << s.packs
     << " pack(s)\n";
  // Loop nest, outermost first, with the level each loop stages data in.
  const std::string t = to_string(s.time_dim), r = to_string(s.rows_dim), c = to_string(s.cols_dim);
  const int64_t chunks = ceil_div(s.dim_time, s.chunk_len);
  os << "  DRAM -> SRAM : for pack < " << s.packs;
  const std::string col_loop = "for col_fold < " + std::to_string(s.col_folds) + " {" + c + " by " +
                               std::to_string(ac) + "}";
  const std::string row_loop = "for row_fold < " + std::to_string(s.row_folds) + " {" + r + " by " +
                               std::to_string(ar) + "}";
  const std::string chunk_loop = "for chunk < " + std::to_string(chunks) + " {" + t + " by " +
                                 std::to_string(s.chunk_len) + "}";
  if (s.outputs_stationary())
    os << " / " << row_loop << " / " << col_loop << " / " << chunk_loop << "\n";
  else if (s.chunk_outer)
    os << " / " << col_loop << " / " << chunk_loop << " / " << row_loop << "\n";
  else
    os << " / " << col_loop << " / " << row_loop << " / " << chunk_loop << "\n";
  os << "  SRAM -> array: rows = " << r << " (" << std::min(s.dim_rows, ar) << " of " << ar;
  if (s.mac_lanes > 1) os << ", " << s.mac_lanes << " MAC lanes per PE";
  if (s.nm_m > 0)
    os << " weight slots, N:M " << s.nm_n << ":" << s.nm_m
       << " datapath: " << s.nm().slots_per_group() << " slots per " << s.gemm_kred << " Kred";
  os << "), cols = " << c << " (" << std::min(s.dim_cols, ac) << " of " << ac << "), time = " << t
     << " (" << s.chunk_len << " per chunk)";
  if (!s.outputs_stationary())
    os << ", " << (s.stationary_operand() == arch::Operand::kWeight ? "weights" : "inputs")
       << " stationary";
  os << "\n";
  os << "  DRAM traffic : " << sch.dram_load_bytes() << " B in, " << sch.dram_store_bytes()
     << " B out";
  std::string res;
  for (int o = 0; o < arch::kNumOperands; ++o)
    if (sch.transfers.operands[size_t(o)].resident)
      res += std::string(res.empty() ? "" : ", ") + arch::to_string(arch::Operand(o));
  if (!res.empty()) os << "; resident: " << res;
  if (s.psum_spill) os << "; psums spill to DRAM";
  os << "\n";
}

// clock.policy "per_layer": the layer's point and, for each point of the table, the layer's
// estimated time and energy there (the plan weighs them against the deadline and transitions).
void describe_dvfs(std::ostringstream& os, const nlohmann::json& d) {
  os << "  dvfs point   : " << d.at("point").get<std::string>() << " (objective "
     << d.at("objective").get<std::string>();
  if (d.contains("deadline_us"))
    os << " under a " << fmt("%g", d.at("deadline_us").get<double>()) << " us deadline";
  if (d.contains("power_cap_mw"))
    os << (d.contains("deadline_us") ? " and" : " under") << " a "
       << fmt("%g", d.at("power_cap_mw").get<double>()) << " mW cap per layer";
  os << ", transitions counted; network plan " << fmt("%.3f", d.at("plan_time_us").get<double>())
     << " us, " << fmt("%.3f", d.at("plan_energy_pj").get<double>() / 1e6) << " uJ)\n";
  for (const nlohmann::json& o : d.at("options"))
    os << "    at " << o.at("point").get<std::string>() << ": "
       << fmt("%.3f", o.at("time_ns").get<double>() / 1e3) << " us, "
       << fmt("%.3f", o.at("energy_pj").get<double>() / 1e6) << " uJ, "
       << fmt("%.3f", o.at("power_mw").get<double>()) << " mW"
       << (o.at("point") == d.at("point") ? "  <- chosen" : "") << "\n";
  if (!d.contains("memory_point")) return;
  // The memory domain's point for the whole run, and the network plan at each of its points.
  os << "  memory point : " << d.at("memory_point").get<std::string>() << " for the run\n";
  if (!d.contains("memory_options")) return;  // listed at the first layer
  for (const nlohmann::json& o : d.at("memory_options")) {
    os << "    plan with memory at " << o.at("point").get<std::string>() << ": ";
    if (o.contains("unmet"))
      os << "misses clock." << o.at("unmet").get<std::string>();
    else
      os << fmt("%.3f", o.at("plan_time_us").get<double>()) << " us, "
         << fmt("%.3f", o.at("plan_energy_pj").get<double>() / 1e6) << " uJ"
         << (o.at("point") == d.at("memory_point") ? "  <- chosen" : "");
    os << "\n";
  }
}

}  // namespace

std::string describe_schedule(const LayerSchedule& s, const arch::AcceleratorSpec& spec) {
  std::ostringstream os;
  if (const auto* v = std::get_if<arch::VectorProgram>(&s.engine)) {
    const auto& chunks = s.transfers.folds.at(0).chunks;
    os << "  vector path: " << v->ops << " ops on " << v->lanes << " lanes, " << chunks.size()
       << " chunk(s) of " << (chunks.empty() ? 0 : chunks[0].t_len) << " outputs staged in "
       << spec.level_of(arch::Operand::kIfmap).name << "\n";
    os << "  estimate     : " << fmt("%.0f", s.estimated_cycles())
       << " cycles (the vector unit's timeline: lanes, port stalls, DRAM waits)\n";
    if (!s.dvfs.is_null()) describe_dvfs(os, s.dvfs);
    return os.str();
  }
  if (const auto* sp = std::get_if<arch::SpatialProgram>(&s.engine)) {
    // Spatial array: the loop nest, one line per level, and what the RFs keep.
    std::istringstream nest(sp->nest.describe());
    for (std::string line; std::getline(nest, line);) os << "  " << line << "\n";
    os << "  PEs used     : " << sp->nest.rows() << " x " << sp->nest.cols() << " of "
       << spec.pe_array.rows << " x " << spec.pe_array.cols << "\n";
    os << "  DRAM traffic : " << s.dram_load_bytes() << " B in, " << s.dram_store_bytes()
       << " B out, " << s.transfers.folds.size() << " output tile(s)\n";
  } else {
    describe_systolic(os, s, spec);
  }
  if (!s.search.objective.empty()) {
    os << "  estimate     : " << fmt("%.0f", s.search.est_cycles) << " cycles, "
       << fmt("%.3f", s.search.est_energy_pj / 1e6) << " uJ (objective " << s.search.objective
       << ", " << s.search.evaluated << " candidates scored)\n";
    if (s.search.optimum == "exact")
      os << "  optimum      : exact (no mapping of the search space estimates better)\n";
    else if (!s.search.optimum.empty())
      os << "  optimum      : best of the screened shortlist (too many mappings survive the "
            "exact search's bound)\n";
    if (!budget_note(s.search).empty()) os << "  budget       : " << budget_note(s.search) << "\n";
    if (s.search.has_runner_up) {
      const double d = s.search.est_cycles > 0
                           ? 100.0 * (s.search.runner_cycles / s.search.est_cycles - 1.0)
                           : 0.0;
      const double de = s.search.est_energy_pj > 0
                            ? 100.0 * (s.search.runner_energy_pj / s.search.est_energy_pj - 1.0)
                            : 0.0;
      os << "  runner-up    : " << s.search.runner_up << ": " << fmt("%.0f", s.search.runner_cycles)
         << " cycles (" << fmt("%+.1f", d) << "%), " << fmt("%.3f", s.search.runner_energy_pj / 1e6)
         << " uJ (" << fmt("%+.1f", de) << "%)\n";
    }
  }
  if (!s.dvfs.is_null()) describe_dvfs(os, s.dvfs);
  return os.str();
}

}  // namespace adasim::workloads
