// SPDX-License-Identifier: Apache-2.0
// The results of one run, per layer and in total, as plain data. The SystemC top fills one
// LayerReport per layer; writers (report_writer.hpp) turn a RunReport into report.json,
// report.csv and the stdout summary. Fixed keys are documented in docs/report_keys.md.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/energy/energy_model.hpp"
#include "arch/layer_result.hpp"

namespace adasim::sim {

/// Dynamic energy of one (module, action) pair: count x pj_each = pj. Leakage rows use
/// action "leakage" with count = 1 and pj_each = pj = the leakage energy over the layer. The
/// models' energy rows, filed as they are.
using EnergyEntry = arch::EnergyRow;

struct LayerReport {
  std::string name;
  std::string op;         ///< "conv2d", "fc", "matmul", "maxpool", "avgpool", "add"
  std::string dataflow;   ///< "ws"/"os"/"is", or "vector" for the vector path
  uint64_t cycles_total = 0;    ///< compute + stall
  uint64_t cycles_compute = 0;  ///< cycles the array/vector unit advanced
  uint64_t cycles_stall = 0;    ///< cycles it waited
  /// PE-cycles of MAC work (arch::LayerResult::active_pe_cycles; the ondemand governor's
  /// pe_utilization numerator). In memory only: not written to the reports, where
  /// utilization.pe = macs / (pes x cycles) equals it / (pes x cycles) with one MAC lane per PE.
  uint64_t active_pe_cycles = 0;
  std::map<std::string, uint64_t> stall_by_cause;  ///< "dram", "sram", "noc", "dvfs" -> cycles
  uint64_t macs = 0;            ///< useful multiply-accumulates (ops for the vector path)
  /// The sparse datapath's split of `macs`: issued + gated + skipped = macs. Dense runs (and
  /// the vector path) issue every MAC.
  uint64_t macs_issued = 0;
  uint64_t macs_gated = 0;      ///< zero operand: no multiply, no register reads (no cycle saved)
  uint64_t macs_skipped = 0;    ///< zero operand left out of the stream (cycles saved too)
  /// Measured operand statistics of MAC layers: "ifmap_density" / "weight_density" (fraction of
  /// values != zero point), "imbalance" (issued steps / steps perfectly balanced lanes would
  /// need, >= 1), "steps_skipped".
  std::map<std::string, double> sparsity;
  double time_ns = 0.0;         ///< wall time of the layer at the operating point(s) used
  std::map<std::string, double> time_ns_at_point;  ///< "<freq>MHz@<V>V" -> ns spent there
  /// "<freq>MHz@<V>V" -> pJ spent there: a layer at one point, its energy but the DVFS
  /// transitions' (paid while halted, at no point); a layer at several points has no entry.
  std::map<std::string, double> energy_pj_at_point;
  /// DVFS transitions (present when the policy may switch points): count, the time the domain
  /// was halted for them (ns; not at any point) and their energy (pJ, also the energy row
  /// dvfs.transition).
  struct Dvfs {
    uint64_t transitions = 0;
    double time_ns = 0.0;
    double energy_pj = 0.0;
  };
  std::optional<Dvfs> dvfs;
  /// Clock and power gating per block (config section `power`; empty without it): unit-cycles
  /// clock gated and power gated, wake-ups, their energy and the leakage saved.
  std::map<std::string, arch::BlockPower> power;
  std::map<std::string, double> utilization;       ///< "pe", "noc", "dram", "sram.<level>" in [0,1]
  std::map<std::string, uint64_t> accesses;        ///< "<module>.<counter>" e.g. "gbuf.read_bytes"
  /// Figures as another simulator defines them, "<tool>.<figure>" (e.g. "scalesim.total_cycles"):
  /// integral ones and the others. Per layer only (RunReport::total() has none).
  std::map<std::string, uint64_t> mirror_counts;
  std::map<std::string, double> mirror_reals;
  std::vector<EnergyEntry> energy;                 ///< dynamic and leakage rows
  nlohmann::json schedule;                         ///< the schedule used (mapper output)

  double energy_dynamic_pj() const;
  double energy_leakage_pj() const;
  double energy_total_pj() const { return energy_dynamic_pj() + energy_leakage_pj(); }
  /// utilization.pe = macs / (pes * cycles_total); the caller fills `utilization` directly.
};

struct RunMetadata {
  std::string version;       ///< adasim version
  std::string config_hash;   ///< hex digest of the resolved config JSON (dump with sorted keys)
  std::string workload_hash; ///< hex digest of the workload file bytes
  uint64_t seed = 0;
  std::string arch_name;
  std::string arch_file;
  std::string workload_name;
  std::string workload_file;
  std::string fidelity = "cycle";
  int64_t pes = 0;           ///< rows x cols, for utilization
  double freq_mhz = 0.0;
  double voltage_v = 0.0;
  /// --input files and the FNV-1a 64 hex digest of their bytes (empty: all inputs generated).
  std::vector<std::pair<std::string, std::string>> inputs;
  /// Sparsity patterns of generated values: "weight" / "act" -> e.g. "uniform:0.5".
  std::map<std::string, std::string> value_patterns;
  /// The --set overrides applied to the config file, in order ("pe_array.rows=16").
  std::vector<std::string> overrides;
  /// Name derived from the resolved config (kind, array, dataflow, SRAM, DRAM, clock), so it
  /// follows every override, unlike the config's own `name`.
  std::string design;
};

struct RunReport {
  RunMetadata meta;
  std::vector<LayerReport> layers;
  /// Silicon area of the design point (arch/area): block -> component -> um^2. Run-level.
  std::map<std::string, std::map<std::string, double>> area_um2;
  double area_total_um2() const;
  /// Sum over layers (cycles, macs, accesses, energy rows merged by (module, action));
  /// utilization recomputed from the sums, not averaged.
  LayerReport total() const;
};

/// The per_layer DVFS plan against the run (clock.policy "per_layer": each layer's schedule
/// carries the plan's figures in schedule.dvfs). The plan's time is the mapper's estimate with
/// the transitions and per_layer power-gating wake-ups it counts (and power.policy
/// "idle_timeout"'s wake-ups ending a wait inside an array layer, which the estimate replays);
/// what it leaves out (an idle_timeout wake-up at a layer's start, after a block idled through
/// layers that do not use it) can make the run longer.
struct DvfsPlanCheck {
  double plan_time_us = 0;       ///< the plan's network time
  double simulated_time_us = 0;  ///< the run's: the layers' simulated times summed
  std::optional<double> deadline_us;  ///< clock.deadline_us, when set
  uint64_t wakeup_stall_cycles = 0;   ///< the run's stall cause "wakeup", summed over layers
  /// The memory domain's point the plan chose for the run (several in its table), else "".
  std::string memory_point;
  /// Within rounding: the layers' times are summed in another order than the plan's.
  bool deadline_met() const {
    return !deadline_us || simulated_time_us <= *deadline_us * (1 + 1e-9);
  }
};
/// The check of a per_layer run, or nothing for other policies.
std::optional<DvfsPlanCheck> dvfs_plan_check(const RunReport& r);

}  // namespace adasim::sim
