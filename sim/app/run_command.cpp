// SPDX-License-Identifier: Apache-2.0
#include "sim/app/run_command.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "arch/energy/energy_table.hpp"
#include "arch/value_store.hpp"
#include "sim/app/run_metadata.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/report_writer.hpp"
#include "sim/trace/vcd_writer.hpp"
#include "sim/app/value_source.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::sim {

namespace {

std::pair<uint64_t, uint64_t> parse_window(const std::string& w) {
  if (w.empty()) return {0, 0};
  const auto colon = w.find(':');
  auto num = [&](const std::string& s) -> uint64_t {
    if (s.empty()) return 0;
    if (s.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError("command line", "--trace-window", w, "START:END in cycles, e.g. 0:2000");
    return std::stoull(s);
  };
  if (colon == std::string::npos) throw ConfigError("command line", "--trace-window", w, "START:END in cycles, e.g. 0:2000");
  return {num(w.substr(0, colon)), num(w.substr(colon + 1))};
}

nlohmann::json schedules_json(const std::vector<workloads::LayerSchedule>& s) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& l : s) j.push_back(l.to_json());
  return j;
}

}  // namespace

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
  if (opt.no_values && (q.mode != Q::Mode::kNone || !opt.inputs.empty() || !opt.dump_dir.empty()))
    throw ConfigError(
        "command line", "--no-values",
        q.mode != Q::Mode::kNone ? "with --quantize int8" : "with --input / --dump-outputs",
        "--no-values alone: a timing-only run whose values are all generated");
  q.no_values = opt.no_values;
  q.calib = opt.calib;
  q.percentile = opt.calib_percentile;
  q.samples = opt.calib_samples;
  return q;
}

void run_command(const RunOptions& opt, std::ostream& out) {
  const LoadedConfig cfg = load_arch_config(opt.arch, opt.overrides);
  LoadedWorkload wl = load_workload(opt.workload, opt.format, opt.batch, opt.inputs,
                                    quantize_options(opt), !opt.save_quantized.empty());
  ValueOptions vopt;
  vopt.seed = opt.seed;
  if (!opt.weight_sparsity.empty())
    vopt.weight = parse_sparsity_option("--weight-sparsity", opt.weight_sparsity);
  if (!opt.act_sparsity.empty()) vopt.act = parse_sparsity_option("--act-sparsity", opt.act_sparsity);
  const arch::EnergyTable energy(cfg.spec.energy);

  std::unique_ptr<VcdWriter> vcd;
  std::string vcd_tmp;
  if (!opt.vcd.empty()) {
    const auto [start, end] = parse_window(opt.trace_window);
    std::vector<std::string> globs = opt.trace_globs;
    if (globs.empty()) globs = {"top.pe_array.*", "top.core.cycle"};
    vcd_tmp = opt.vcd + ".partial";
    const std::filesystem::path dir = std::filesystem::path(opt.vcd).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    vcd = std::make_unique<VcdWriter>(vcd_tmp, TraceFilter(globs), start, end);
  }

  const uint64_t seed = opt.seed;
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
  SimulationResult res;
  try {
    res = simulate(cfg.spec, wl.graph, energy, values, vcd.get());
    if (vcd) vcd->finish();
  } catch (const ConfigError& e) {
    vcd.reset();
    if (!vcd_tmp.empty()) std::remove(vcd_tmp.c_str());
    throw attribute_to(e, cfg.file);  // mapping errors concern the design point
  } catch (...) {
    vcd.reset();
    if (!vcd_tmp.empty()) std::remove(vcd_tmp.c_str());
    throw;
  }

  RunReport report;
  report.meta.version = ADASIM_VERSION;
  report.meta.config_hash = fnv1a64_hex(canonical_text(cfg.resolved));
  report.meta.workload_hash = fnv1a64_hex(wl.bytes);
  report.meta.seed = seed;
  report.meta.arch_name = cfg.spec.name;
  report.meta.arch_file = opt.arch;
  report.meta.workload_name = wl.graph.name;
  report.meta.workload_file = opt.workload;
  report.meta.fidelity = "cycle";
  for (const std::string& f : opt.inputs) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    report.meta.inputs.push_back({f, fnv1a64_hex(bytes.str())});
  }
  if (vopt.weight) report.meta.value_patterns["weight"] = describe(*vopt.weight);
  if (vopt.act) report.meta.value_patterns["act"] = describe(*vopt.act);
  if (opt.act_every_layer) report.meta.value_patterns["act_scope"] = "every layer";
  if (!wl.quantize_summary.empty())
    report.meta.value_patterns["quantize"] =
        (opt.no_values ? "timing only, generated values: " : "int8 " + opt.calib_method + ": ") +
        wl.quantize_summary;
  report.meta.overrides = opt.overrides;
  report.meta.design = design_name(cfg.spec);
  report.area_um2 = area_by_block_um2(cfg.spec);
  report.meta.pes = int64_t(cfg.spec.pe_array.rows) * cfg.spec.pe_array.cols;
  report.meta.freq_mhz = cfg.spec.clock.nominal.freq_mhz;
  report.meta.voltage_v = cfg.spec.clock.nominal.voltage_v;
  report.layers = std::move(res.layers);

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
  if (vcd) {
    std::vector<GtkwSignal> sigs = vcd->gtkw_signals();
    if (sigs.size() > 64) sigs.resize(64);  // a readable first view; the rest are in the tree
    const std::string vcd_name = std::filesystem::path(opt.vcd).filename().string();
    files.push_back({std::filesystem::path(opt.vcd).stem().string() + ".gtkw",
                     gtkw_save_file(vcd_name, sigs, 1.0e6 / cfg.spec.clock.nominal.freq_mhz)});
  }
  std::vector<workloads::HostTensor> outputs;
  if (!opt.dump_dir.empty())
    outputs = workloads::output_tensors(wl.graph, values.all(), values.all_wide());
  write_files_atomically(opt.out_dir, files);
  if (!opt.dump_dir.empty()) workloads::write_output_files(opt.dump_dir, outputs);
  if (!opt.save_quantized.empty()) {
    const std::filesystem::path p(opt.save_quantized);
    write_files_atomically(p.parent_path().string(), {{p.filename().string(), wl.quantized_model}});
  }
  if (vcd) {
    vcd.reset();
    std::filesystem::rename(vcd_tmp, opt.vcd);
  }
  if (!opt.quiet) out << summary_table(report);
}

}  // namespace adasim::sim
