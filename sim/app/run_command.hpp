// SPDX-License-Identifier: Apache-2.0
// `adasim run`: load config and workload, simulate, write report.json / report.csv /
// resolved_config.json / energy_table.json / schedule.json (and the VCD) into the output folder.
// Nothing is written unless the whole run succeeds.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "arch/engine/step.hpp"

namespace adasim::sim {

struct RunOptions {
  std::string arch;
  std::vector<std::string> overrides;
  std::string workload;
  std::string format = "auto";  ///< "json", "scalesim" or "auto" (by extension)
  std::string out_dir = "out";
  uint64_t seed = 1;
  int64_t batch = 0;  ///< 0 = the graph's own batch
  std::string vcd;    ///< empty = no trace
  std::vector<std::string> trace_globs;
  std::string trace_window;  ///< "start:end" in cycles, end may be empty
  bool quiet = false;
  std::vector<std::string>
      inputs;                    ///< --input files (.pb / .npy), bound to the graph inputs in order
  std::string dump_dir;          ///< --dump-outputs: write output_<i>.pb / .npy here
  std::string weight_sparsity;   ///< --weight-sparsity pattern of generated weights ("" = dense)
  std::string act_sparsity;      ///< --act-sparsity pattern of generated graph inputs
  bool act_every_layer = false;  ///< --act-every-layer: every layer's input is generated
  std::string fidelity = "cycle";  ///< --fidelity: "cycle" or "fast" (same figures, faster)
  bool no_values = false;          ///< --no-values: timing only, no functional datapath
};

/// The engines' mode for a --fidelity value; throws ConfigError naming `where` otherwise.
arch::RunMode fidelity_mode(const std::string& fidelity, const std::string& where);

/// Throws ConfigError for bad inputs, ModelError for simulator bugs.
void run_command(const RunOptions& opt, std::ostream& out);

}  // namespace adasim::sim
