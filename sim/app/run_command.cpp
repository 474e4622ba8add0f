// SPDX-License-Identifier: Apache-2.0
#include "sim/app/run_command.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "arch/energy/energy_table.hpp"
#include "arch/value_store.hpp"
#include "sim/app/interrupt.hpp"
#include "sim/app/output_commit.hpp"
#include "sim/app/run_metadata.hpp"
#include "sim/app/run_options.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/value_source.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/param_doc.hpp"
#include "sim/stats/power_trace_writer.hpp"
#include "sim/stats/report_writer.hpp"
#include "sim/trace/vcd_writer.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::sim {

namespace {

nlohmann::json schedules_json(const std::vector<workloads::LayerSchedule>& s) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& l : s) j.push_back(l.to_json());
  return j;
}

/// The folder a file option writes into ("." for a bare file name).
std::string folder_of(const std::string& file) {
  const std::string dir = std::filesystem::path(file).parent_path().string();
  return dir.empty() ? "." : dir;
}

/// Every folder the run writes into: --out, the VCD's folder, --dump-outputs, --save-quantized's.
std::vector<std::string> output_dirs(const RunOptions& opt) {
  std::vector<std::string> dirs = {opt.out_dir};
  if (!opt.vcd.empty()) dirs.push_back(folder_of(opt.vcd));
  if (!opt.dump_dir.empty()) dirs.push_back(opt.dump_dir);
  if (!opt.save_quantized.empty()) dirs.push_back(folder_of(opt.save_quantized));
  return dirs;
}

}  // namespace

arch::RunMode fidelity_mode(const std::string& fidelity, const std::string& where) {
  arch::RunMode m;
  if (fidelity == "fast")
    m.fast = true;
  else if (fidelity == "check")
    m.check = true;
  else if (fidelity != "cycle")
    throw ConfigError("command line", where, fidelity,
                      "cycle (every cycle simulated), fast (steady stretches in closed form) or "
                      "check (per-cycle, checking every stretch fast mode would skip)");
  return m;
}

arch::RunMode run_mode(const RunOptions& opt, const arch::AcceleratorSpec& spec,
                       const std::string& config_file) {
  arch::RunMode mode = fidelity_mode(opt.fidelity, "--fidelity");
  if (mode.fast && !opt.vcd.empty())
    throw ConfigError("command line", "--vcd", opt.vcd,
                      "no trace with --fidelity fast: traces need every cycle (--fidelity cycle)");
  if (!opt.no_values) return mode;
  // --no-values: nothing may need or supply the values (inputs, outputs, traces of registers,
  // value patterns, and the sparse datapaths and compressed storage whose timing depends on
  // them). --quantize int8 is refused by quantize_options (map reads it too).
  auto refuse = [](const std::string& what, const std::string& value, const std::string& why) {
    throw ConfigError("command line", "--no-values", what + " " + value,
                      "no " + what + " with --no-values: " + why);
  };
  const char* kNeeds = "it needs the values the run then does not compute";
  if (!opt.inputs.empty())
    refuse("--input", opt.inputs.front(), "no values are computed, so nothing would read it");
  if (!opt.dump_dir.empty()) refuse("--dump-outputs", opt.dump_dir, kNeeds);
  if (!opt.vcd.empty()) refuse("--vcd", opt.vcd, kNeeds);
  if (!opt.weight_sparsity.empty()) refuse("--weight-sparsity", opt.weight_sparsity, kNeeds);
  if (!opt.act_sparsity.empty()) refuse("--act-sparsity", opt.act_sparsity, kNeeds);
  if (opt.act_every_layer) refuse("--act-every-layer", "", kNeeds);
  const arch::SparsitySpec& sp = spec.sparsity;
  bool sparse = sp.mode != arch::SparsityMode::kNone || sp.structured.enabled ||
                sp.storage.ifmap != "dense" || sp.storage.weight != "dense" ||
                sp.storage.ofmap != "dense";
  for (const auto& [layer, m] : sp.layer_modes) sparse = sparse || m != arch::SparsityMode::kNone;
  if (sparse)
    throw ConfigError(config_file, "/sparsity", "a sparse datapath or compressed storage",
                      "no sparsity with --no-values: its timing depends on the values (drop "
                      "--no-values, or the sparsity section)");
  mode.values = false;
  return mode;
}

/// The float-model options of the command line, checked: a value given for an option that
/// nothing reads (calibration settings without --quantize int8, ...) is an error.
workloads::QuantizeOptions quantize_options(const RunOptions& opt) {
  using Q = workloads::QuantizeOptions;
  Q q;
  q.seed = opt.seed;
  if (opt.quantize != "none" && opt.quantize != "int8")
    throw ConfigError("command line", "--quantize", opt.quantize, "none or int8");
  q.mode = opt.quantize == "int8" ? Q::Mode::kInt8 : Q::Mode::kNone;
  if (opt.calib_method != "minmax" && opt.calib_method != "percentile")
    throw ConfigError("command line", "--calib-method", opt.calib_method, "minmax or percentile");
  q.method = opt.calib_method == "percentile" ? Q::Method::kPercentile : Q::Method::kMinMax;
  if (!(opt.calib_percentile > 50.0 && opt.calib_percentile <= 100.0))
    throw ConfigError("command line", "--calib-percentile", std::to_string(opt.calib_percentile),
                      "a percentile in (50, 100]");
  if (opt.calib_samples < 1 || opt.calib_samples > 100000)
    throw ConfigError("command line", "--calib-samples", std::to_string(opt.calib_samples),
                      "1 to 100000");
  const Q dflt;
  const bool calib_given = !opt.calib.empty() || q.method != dflt.method ||
                           opt.calib_percentile != dflt.percentile ||
                           opt.calib_samples != dflt.samples;
  if (q.mode != Q::Mode::kInt8 && (calib_given || !opt.save_quantized.empty())) {
    const std::string flag = calib_given ? "--calib*" : "--save-quantized";
    throw ConfigError(
        "command line", flag, flag + " without --quantize int8",
        "--quantize int8 with it (it sets up or saves the post-training quantization)");
  }
  if (q.method != Q::Method::kPercentile && opt.calib_percentile != dflt.percentile)
    throw ConfigError("command line", "--calib-percentile", "with --calib-method minmax",
                      "--calib-method percentile");
  if (!opt.calib.empty() && opt.calib_samples != dflt.samples)
    throw ConfigError("command line", "--calib-samples", "with --calib files",
                      "--calib files or a synthetic set, not both");
  if (opt.no_values && q.mode != Q::Mode::kNone)
    throw ConfigError("command line", "--no-values", "with --quantize int8",
                      "one of them: --no-values runs a float model for timing only (no "
                      "calibration, no values), --quantize int8 quantizes it with values");
  q.no_values = opt.no_values;
  q.calib = opt.calib;
  q.percentile = opt.calib_percentile;
  q.samples = opt.calib_samples;
  return q;
}

namespace {

ValueOptions value_options(const RunOptions& opt) {
  ValueOptions vopt;
  vopt.seed = opt.seed;
  if (!opt.weight_sparsity.empty())
    vopt.weight = parse_sparsity_option("--weight-sparsity", opt.weight_sparsity);
  if (!opt.act_sparsity.empty())
    vopt.act = parse_sparsity_option("--act-sparsity", opt.act_sparsity);
  return vopt;
}

/// The VCD writer of --vcd (nullptr without it), writing into the transaction's staging.
std::unique_ptr<VcdWriter> make_vcd(const RunOptions& opt, OutputTransaction& tx) {
  if (opt.vcd.empty()) return nullptr;
  const auto [start, end] = parse_trace_window(opt.trace_window);
  // User globs must each select a signal; the default view is a starting point only.
  const bool user_globs = !opt.trace_globs.empty();
  const std::vector<std::string> globs =
      user_globs ? opt.trace_globs : std::vector<std::string>{"top.pe_array.*", "top.core.cycle"};
  return std::make_unique<VcdWriter>(tx.staged_file(opt.vcd), TraceFilter(globs, user_globs), start,
                                     end);
}

/// The run's metadata: versions and hashes of its inputs, the value patterns, the design point.
RunMetadata run_metadata(const RunOptions& opt, const LoadedConfig& cfg, const LoadedWorkload& wl,
                         const ValueOptions& vopt) {
  RunMetadata meta;
  meta.version = ADASIM_VERSION;
  meta.config_hash = fnv1a64_hex(canonical_text(cfg.resolved));
  meta.workload_hash = fnv1a64_hex(wl.bytes);
  meta.seed = opt.seed;
  meta.arch_name = cfg.spec.name;
  meta.arch_file = opt.arch;
  meta.workload_name = wl.graph.name;
  meta.workload_file = opt.workload;
  meta.fidelity = opt.fidelity + (opt.no_values ? "-no-values" : "");
  for (const std::string& f : opt.inputs) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    meta.inputs.push_back({f, fnv1a64_hex(bytes.str())});
  }
  if (vopt.weight) meta.value_patterns["weight"] = describe(*vopt.weight);
  if (vopt.act) meta.value_patterns["act"] = describe(*vopt.act);
  if (opt.act_every_layer) meta.value_patterns["act_scope"] = "every layer";
  if (!wl.quantize_summary.empty())
    meta.value_patterns["quantize"] =
        (opt.no_values ? "timing only, no values: " : "int8 " + opt.calib_method + ": ") +
        wl.quantize_summary;
  meta.overrides = opt.overrides;
  meta.design = design_name(cfg.spec);
  meta.pes = int64_t(cfg.spec.pe_array.rows) * cfg.spec.pe_array.cols;
  meta.freq_mhz = cfg.spec.clock.nominal.freq_mhz;
  meta.voltage_v = cfg.spec.clock.nominal.voltage_v;
  return meta;
}

/// The files of --out (name, text), and the GTKWave save file beside a VCD.
std::vector<std::pair<std::string, std::string>> report_files(
    const RunOptions& opt, const LoadedConfig& cfg, const arch::EnergyTable& energy,
    const RunReport& report, const SimulationResult& res, VcdWriter* vcd) {
  nlohmann::json table;
  table["reference_voltage_v"] = energy.reference_voltage_v();
  table["scale"] = cfg.spec.energy.scale;
  table["values"] = energy.values();
  std::vector<std::pair<std::string, std::string>> files = {
      {"report.json", report_json_text(report)},
      {"report.csv", report_to_csv(report)},
      {"resolved_config.json", cfg.resolved.dump(2) + "\n"},
      {"energy_table.json", table.dump(2) + "\n"},
      {"schedule.json", schedules_json(res.schedules).dump(2) + "\n"},
  };
  if (res.power_trace) files.push_back({"power.csv", power_trace_csv(*res.power_trace)});
  if (vcd) {
    std::vector<GtkwSignal> sigs = vcd->gtkw_signals();
    if (sigs.size() > 64) sigs.resize(64);  // a readable first view; the rest are in the tree
    // The dump by absolute path: GTKWave resolves a relative one against its working directory,
    // so `gtkwave out/trace.gtkw` from elsewhere would not find it.
    const std::string vcd_path = std::filesystem::absolute(opt.vcd).lexically_normal().string();
    files.push_back({std::filesystem::path(opt.vcd).stem().string() + ".gtkw",
                     gtkw_save_file(vcd_path, sigs, 1.0e6 / cfg.spec.clock.nominal.freq_mhz)});
  }
  return files;
}

// A per_layer plan is the mapper's estimate; the run is the truth. Said on stderr (and in
// report.json's dvfs_plan) when the run misses the deadline the plan met.
void warn_if_deadline_missed(const RunReport& r, const arch::AcceleratorSpec& spec,
                             std::ostream& note) {
  const auto plan = dvfs_plan_check(r);
  if (!plan || plan->deadline_met()) return;
  note << "adasim: warning: the run took " << number_text(plan->simulated_time_us)
       << " us, over clock.deadline_us " << number_text(*plan->deadline_us)
       << " (the per_layer plan: " << number_text(plan->plan_time_us) << " us)";
  // The plan's layers are replays of the engine, but for the bytes of compressed storage: the
  // plan moves each tile's dense bytes, the run its encoded ones, which follow the values.
  const arch::StorageFormats& st = spec.sparsity.storage;
  if (st.ifmap != "dense" || st.weight != "dense" || st.ofmap != "dense")
    note << "; the plan counts the dense bytes of the tiles sparsity.storage compresses, the run "
            "their encoded bytes, which follow the values";
  note << "\n";
}

}  // namespace

void run_command(const RunOptions& opt, std::ostream& out, std::ostream& note, bool note_is_tty) {
  RunMonitor monitor(parse_limits(opt.limits, opt.progress, opt.quiet, note_is_tty), note);
  check_run_options(opt);
  const LoadedConfig cfg = load_arch_config(opt.arch, opt.overrides);
  const arch::RunMode mode = run_mode(opt, cfg.spec, cfg.file);
  LoadedWorkload wl = load_workload(opt.workload, opt.format, opt.batch, opt.inputs,
                                    quantize_options(opt), !opt.save_quantized.empty());
  ValueOptions vopt = value_options(opt);
  const arch::EnergyTable energy(cfg.spec.energy);
  throw_if_interrupted();

  // From here on every file goes to the staging folders; leaving this scope without commit()
  // (error, interruption) removes them. The VCD writer is declared after it: closed first.
  OutputTransaction tx(output_dirs(opt));
  std::unique_ptr<VcdWriter> vcd = make_vcd(opt, tx);

  vopt.column_weights = matmul_weights(wl.graph);
  arch::ValueStore values(wl.graph, make_generator(vopt), make_wide_generator(vopt));
  for (auto& [name, buf] : wl.input_values) values.put(name, std::move(buf));
  for (auto& [name, buf] : wl.input_wide_values) values.put_wide(name, std::move(buf));
  if (opt.act_every_layer) {
    if (!opt.inputs.empty())
      throw ConfigError("command line", "--act-every-layer", "with --input",
                        "either --input files or generated activations at every layer");
    values.impose_activations(make_generator(vopt), make_wide_generator(vopt));
  }
  std::optional<PowerTraceRequest> power;
  if (opt.power_trace)
    power = PowerTraceRequest{parse_power_window(opt.power_window_us),
                              opt.power_window_us.empty() ? "1" : opt.power_window_us};
  SimulationResult res;
  try {
    res = simulate(cfg.spec, wl.graph, energy, values, vcd.get(), nullptr, mode, &monitor,
                   power ? &*power : nullptr);
    if (vcd) vcd->finish();
  } catch (const ConfigError& e) {
    throw attribute_to(e, cfg.file);  // mapping errors concern the design point
  }

  RunReport report;
  report.meta = run_metadata(opt, cfg, wl, vopt);
  report.area_um2 = area_by_block_um2(cfg.spec);
  report.layers = std::move(res.layers);
  for (const auto& [name, text] : report_files(opt, cfg, energy, report, res, vcd.get()))
    write_text_file(tx.staged_file((std::filesystem::path(opt.out_dir) / name).string()), text);
  if (!opt.dump_dir.empty())
    workloads::write_output_files(
        tx.staged_dir(opt.dump_dir),
        workloads::output_tensors(wl.graph, values.all(), values.all_wide()));
  if (!opt.save_quantized.empty())
    write_text_file(tx.staged_file(opt.save_quantized), wl.quantized_model);
  vcd.reset();
  throw_if_interrupted();  // the last moment to stop: the commit below is not interrupted
  tx.commit();
  if (!opt.quiet) out << summary_table(report);
  warn_if_deadline_missed(report, cfg.spec, note);
}

}  // namespace adasim::sim
