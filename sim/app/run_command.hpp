// SPDX-License-Identifier: Apache-2.0
// `adasim run`: load config and workload, simulate, write report.json / report.csv /
// resolved_config.json / energy_table.json / schedule.json (and the VCD) into the output folder.
// Nothing is written unless the whole run succeeds.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "workloads/onnx/quantize/quantize_options.hpp"

namespace adasim::sim {

struct RunOptions {
  std::string arch;
  std::vector<std::string> overrides;
  std::string workload;
  std::string format = "auto";  ///< "json", "scalesim" or "auto" (by extension)
  std::string out_dir = "out";
  uint64_t seed = 1;
  int64_t batch = 0;            ///< 0 = the graph's own batch
  std::string vcd;              ///< empty = no trace
  std::vector<std::string> trace_globs;
  std::string trace_window;     ///< "start:end" in cycles, end may be empty
  bool quiet = false;
  std::vector<std::string> inputs;  ///< --input files (.pb / .npy), bound to the graph inputs in order
  std::string dump_dir;             ///< --dump-outputs: write output_<i>.pb / .npy here
  std::string weight_sparsity;      ///< --weight-sparsity pattern of generated weights ("" = dense)
  std::string act_sparsity;         ///< --act-sparsity pattern of generated graph inputs
  bool act_every_layer = false;     ///< --act-every-layer: every layer's input is generated
  // Float ONNX models (workloads/onnx/quantize/quantize_options.hpp).
  std::string quantize = "none";        ///< --quantize: none | int8
  std::vector<std::string> calib;       ///< --calib files / folders
  std::string calib_method = "minmax";  ///< --calib-method: minmax | percentile
  double calib_percentile = 99.99;      ///< --calib-percentile
  int calib_samples = 8;                ///< --calib-samples (synthetic set without --calib)
  std::string save_quantized;           ///< --save-quantized: write the QDQ model here
  bool no_values = false;               ///< --no-values: timing only, every value generated
};

/// Throws ConfigError for bad inputs, ModelError for simulator bugs.
void run_command(const RunOptions& opt, std::ostream& out);

/// The float-model options (--quantize, --calib*, --no-values, --save-quantized), checked: a
/// value given for an option nothing reads is a ConfigError naming it.
workloads::QuantizeOptions quantize_options(const RunOptions& opt);

}  // namespace adasim::sim
