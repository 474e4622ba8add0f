// SPDX-License-Identifier: Apache-2.0
// `adasim run`: load config and workload, simulate, write report.json / report.csv /
// resolved_config.json / energy_table.json / schedule.json (and the VCD, and power.csv) into the
// output folder.
// All or nothing: every output is staged and committed at the end (output_commit.hpp); an error or
// an interruption (SIGINT / SIGTERM, interrupt.hpp) leaves the output folders as they were.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "arch/engine/step.hpp"
#include "arch/spec.hpp"
#include "sim/app/run_limits.hpp"
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
  bool vcd_given = false;       ///< --vcd was on the command line (an empty value is an error)
  std::vector<std::string> trace_globs;
  std::string trace_window;  ///< "start:end" in cycles, end may be empty
  bool power_trace = false;     ///< --power-trace: write power.csv into --out
  std::string power_window_us;  ///< --power-window-us as given ("" = the default, 1 us)
  bool power_window_given = false;  ///< --power-window-us was on the command line
  bool quiet = false;
  std::vector<std::string>
      inputs;                    ///< --input files (.pb / .npy), bound to the graph inputs in order
  std::string dump_dir;          ///< --dump-outputs: write output_<i>.pb / .npy here
  bool dump_given = false;       ///< --dump-outputs was on the command line
  std::string weight_sparsity;   ///< --weight-sparsity pattern of generated weights ("" = dense)
  std::string act_sparsity;      ///< --act-sparsity pattern of generated graph inputs
  bool act_every_layer = false;  ///< --act-every-layer: every layer's input is generated
  std::string fidelity = "cycle";  ///< --fidelity: "cycle", "fast" (same figures) or "check"
  /// --no-values: timing only; no tensor values are generated or computed (run_mode()).
  bool no_values = false;
  // Float ONNX models (workloads/onnx/quantize/quantize_options.hpp).
  std::string quantize = "none";        ///< --quantize: none | int8
  std::vector<std::string> calib;       ///< --calib files / folders
  std::string calib_method = "minmax";  ///< --calib-method: minmax | percentile
  double calib_percentile = 99.99;      ///< --calib-percentile
  int calib_samples = 8;                ///< --calib-samples (synthetic set without --calib)
  std::string save_quantized;           ///< --save-quantized: write the QDQ model here
  bool save_quantized_given = false;    ///< --save-quantized was given (an empty path is an error)
  /// Budgets and progress (run_limits.hpp): --max-cycles, --max-seconds, --max-memory-mb,
  /// --watchdog-cycles as given ("" = the default), --progress.
  LimitFlags limits;
  bool progress = false;
};

/// The engines' mode for a --fidelity value; throws ConfigError naming `where` otherwise.
arch::RunMode fidelity_mode(const std::string& fidelity, const std::string& where);

/// The engines' mode of a run: --fidelity, and --no-values (timing only: no tensor values are
/// generated or computed; the cycles, stalls and access counts equal a run with values because
/// nothing that depends on values may be on). ConfigError for a trace in fast mode, and with
/// --no-values for anything that needs or supplies values: --input, --dump-outputs, --vcd,
/// value patterns, --act-every-layer, and sparsity or compressed storage in `spec` (zero
/// skipping and compression depend on the values; named at /sparsity of `config_file`).
arch::RunMode run_mode(const RunOptions& opt, const arch::AcceleratorSpec& spec,
                       const std::string& config_file);

/// Throws ConfigError for bad inputs and exceeded limits, ModelError for simulator bugs (the
/// watchdog's too), Interrupted on a signal (with an InterruptGuard installed),
/// std::runtime_error for file-system failures. The estimate and progress go to `note` (stderr);
/// `note_is_tty`: progress is on by default (unless --quiet).
void run_command(const RunOptions& opt, std::ostream& out, std::ostream& note,
                 bool note_is_tty = false);

/// The float-model options (--quantize, --calib*, --no-values, --save-quantized), checked: a
/// value given for an option nothing reads is a ConfigError naming it.
workloads::QuantizeOptions quantize_options(const RunOptions& opt);

}  // namespace adasim::sim
