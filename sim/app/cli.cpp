// SPDX-License-Identifier: Apache-2.0
#include "sim/app/cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "arch/energy/energy_table.hpp"
#include "arch/value_store.hpp"
#include "sim/app/interrupt.hpp"
#include "sim/app/run_command.hpp"
#include "sim/app/run_options.hpp"
#include "sim/app/simulation.hpp"
#include "sim/app/sweep/sweep_cli.hpp"
#include "sim/app/workload_loader.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/config/config_reference.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/schedule_text.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace po = boost::program_options;

namespace adasim::sim {
namespace {

void usage(std::ostream& os) {
  os << "usage: adasim <command> [options]\n\n"
        "commands:\n"
        "  run       simulate a workload on an architecture and write reports\n"
        "  validate  check an architecture config and print every error\n"
        "  map       print the schedule chosen for every layer\n"
        "  sweep     run a design-space sweep in parallel worker processes (resumable,\n"
        "            shardable); 'sweep merge' joins shard folders\n"
        "  list      list the swappable components and every config key\n\n"
        "Run 'adasim <command> --help' for the options of a command.\n";
}

constexpr const char* kDefaultArch = "configs/default.json";
constexpr const char* kDefaultWorkload = "workloads/models/ds_cnn_kws.json";

po::options_description common_options(RunOptions& o) {
  po::options_description d("architecture and workload");
  d.add_options()("arch", po::value(&o.arch),
                  "architecture config (JSON); default: ./configs/default.json, else the copy in "
                  "adasim's source tree")("set", po::value(&o.overrides)->composing(),
                                          "override a config key: dotted.key=value (repeatable)")(
      "workload", po::value(&o.workload),
      "workload: JSON graph, ONNX model or SCALE-Sim topology CSV, also accepted as the one "
      "positional argument; default: ./workloads/models/ds_cnn_kws.json, else adasim's copy")(
      "format", po::value(&o.format)->default_value("auto"),
      "workload format: json, onnx, scalesim or auto (by extension)")(
      "batch", po::value(&o.batch)->default_value(0), "override the graph's batch size (0 = keep)");
  return d;
}

/// How a float ONNX model runs (run and map).
po::options_description float_model_options(RunOptions& o) {
  po::options_description fq("float ONNX models");
  fq.add_options()("quantize", po::value(&o.quantize)->default_value("none"),
                   "none (run the model as it is) or int8 (post-training quantization: "
                   "per-channel weights, calibrated per-tensor activations)")(
      "calib", po::value(&o.calib)->composing(),
      "calibration data: .pb / .npy tensors or a folder of them and .pgm / .ppm images "
      "(repeatable; default: a seeded synthetic set)")(
      "calib-method", po::value(&o.calib_method)->default_value("minmax"), "minmax or percentile")(
      "calib-percentile", po::value(&o.calib_percentile)->default_value(99.99, "99.99"),
      "percentile kept by --calib-method percentile")("calib-samples",
                                                      po::value(&o.calib_samples)->default_value(8),
                                                      "size of the synthetic calibration set")(
      "save-quantized", po::value(&o.save_quantized), "write the quantized model (ONNX, QDQ form)");
  return fq;
}

/// How the simulation runs (run and map; sim/app/run_command.hpp run_mode()).
po::options_description fidelity_options(RunOptions& o) {
  po::options_description f("fidelity");
  f.add_options()("fidelity", po::value(&o.fidelity)->default_value("cycle"),
                  "cycle: every cycle simulated (traces need it); fast: steady stretches advance "
                  "in closed form, with the same cycles, stalls and access counts; check: per "
                  "cycle, verifying every stretch fast mode would advance at once")(
      "no-values", po::bool_switch(&o.no_values),
      "timing only: no tensor values generated or computed (a float ONNX model runs without "
      "calibration); same cycles as with values, so refused with what depends on or supplies "
      "values: sparsity and compressed storage, --input, --dump-outputs, --vcd, value patterns");
  return f;
}

/// Parses `args`; with `workload_positional`, one positional argument is the --workload
/// (`adasim run model.onnx`): giving both, or two positional arguments, is a usage error.
int parse(po::options_description& d, const std::vector<std::string>& args, po::variables_map& vm,
          std::ostream& out, bool workload_positional = false) {
  po::options_description all = d;
  all.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  if (workload_positional) pos.add("workload", 1);
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    out << all;
    return 0;
  }
  po::notify(vm);
  return -1;
}

/// --arch / --workload defaults (run_options.hpp: default_input) and --seed.
void resolve_inputs(RunOptions& o, const std::string& seed_text, std::ostream& note) {
  if (o.arch.empty()) o.arch = default_input(kDefaultArch, note);
  if (o.workload.empty()) o.workload = default_input(kDefaultWorkload, note);
  o.seed = parse_seed(seed_text);
}

int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunOptions o;
  std::string seed = "1";
  po::options_description d = common_options(o);
  po::options_description r("run");
  r.add_options()("out", po::value(&o.out_dir)->default_value("out"),
                  "output folder for the reports")("seed", po::value(&seed)->default_value("1"),
                                                   "seed of the generated weights and inputs")(
      "vcd", po::value(&o.vcd), "write a VCD trace to this file (off by default)")(
      "trace", po::value(&o.trace_globs)->composing(),
      "signals to trace: glob over dotted names, e.g. 'top.pe_array.pe_0_*' (repeatable)")(
      "trace-window", po::value(&o.trace_window),
      "cycles to trace, START:END (END empty = to the end)")(
      "power-trace", po::bool_switch(&o.power_trace),
      "write power.csv into --out: V, f and each block's dynamic and leakage power per window")(
      "power-window-us", po::value(&o.power_window_us),
      "the power trace's window in microseconds (default 1)")("quiet,q", po::bool_switch(&o.quiet),
                                                              "no summary table on stdout")(
      "input", po::value(&o.inputs)->composing(),
      "tensor file (.pb ONNX TensorProto or .npy) for the next graph input, in order (repeatable)")(
      "dump-outputs", po::value(&o.dump_dir),
      "write every graph output as DIR/output_<i>.pb and DIR/output_<i>.npy")(
      "weight-sparsity", po::value(&o.weight_sparsity),
      "zero pattern of generated weights: uniform:D, channel:D or nm:N:M")(
      "act-sparsity", po::value(&o.act_sparsity),
      "zero pattern of generated graph inputs: uniform:D, channel:D or nm:N:M")(
      "act-every-layer", po::bool_switch(&o.act_every_layer),
      "every layer reads generated activations (with --act-sparsity's pattern) instead of the "
      "previous layer's outputs: sparsity studies of models without trained weights");
  po::options_description lim("limits and progress (exit 2 when a limit is hit; no output)");
  lim.add_options()("max-cycles", po::value(&o.limits.max_cycles),
                    "refuse a run the mapper estimates above N cycles, stop one that simulates "
                    "more (default 10000000000)")(
      "max-seconds", po::value(&o.limits.max_seconds),
      "stop a run after S seconds of host time (default 3600)")(
      "max-memory-mb", po::value(&o.limits.max_memory_mb),
      "stop a run whose resident memory exceeds N MiB (default 16384)")(
      "watchdog-cycles", po::value(&o.limits.watchdog_cycles),
      "N cycles without forward progress are a model error with a state dump, exit 3 "
      "(default 1000000000)")("progress", po::bool_switch(&o.progress),
                              "print the estimate and progress lines on stderr (default: only "
                              "when stderr is a terminal)");
  d.add(float_model_options(o));
  d.add(fidelity_options(o));
  d.add(r);
  d.add(lim);
  po::variables_map vm;
  if (const int rc = parse(d, args, vm, out, true); rc >= 0) return rc;
  o.vcd_given = vm.count("vcd") > 0;
  o.power_window_given = vm.count("power-window-us") > 0;
  o.dump_given = vm.count("dump-outputs") > 0;
  o.save_quantized_given = vm.count("save-quantized") > 0;
  resolve_inputs(o, seed, err);
  run_command(o, out, err, &err == &std::cerr && ::isatty(STDERR_FILENO));
  return kExitOk;
}

int cmd_validate(const std::vector<std::string>& args, std::ostream& out) {
  RunOptions o;
  po::options_description d("validate");
  d.add_options()("arch", po::value(&o.arch)->required(), "architecture config (JSON)")(
      "set", po::value(&o.overrides)->composing(), "override a config key: dotted.key=value");
  po::variables_map vm;
  if (const int rc = parse(d, args, vm, out); rc >= 0) return rc;
  const LoadedConfig cfg = load_arch_config(o.arch, o.overrides);
  const arch::PeArraySpec& pe = cfg.spec.pe_array;
  const bool spatial = pe.kind == arch::ArrayKind::kSpatial;
  std::string df = spatial ? pe.spatial_dataflow : pe.dataflow;
  if (pe.dataflow_auto) {
    df = "auto:";
    for (const std::string& d : spatial ? pe.spatial_dataflows : pe.dataflows) df += " " + d;
  }
  out << o.arch << ": ok (" << cfg.spec.pe_array.rows << "x" << cfg.spec.pe_array.cols << " " << df
      << ", objective " << arch::to_string(cfg.spec.mapper.objective) << ", "
      << cfg.spec.sram.size() << " SRAM level(s), " << cfg.spec.clock.nominal.freq_mhz << " MHz)\n";
  return kExitOk;
}

// adasim map's output: each layer's schedule (and its simulated figures unless --no-simulate),
// as text or, with --json, as a JSON array.
void print_mapping(const std::vector<workloads::LayerSchedule>& schedules,
                   const std::vector<LayerReport>& simulated, const arch::AcceleratorSpec& spec,
                   bool as_json, std::ostream& out) {
  if (as_json) {
    nlohmann::json j = nlohmann::json::array();
    for (size_t i = 0; i < schedules.size(); ++i) {
      nlohmann::json s = schedules[i].to_json();
      if (i < simulated.size())
        s["simulated"] = {{"cycles", simulated[i].cycles_total},
                          {"stall_cycles", simulated[i].cycles_stall},
                          {"energy_pj", simulated[i].energy_total_pj()}};
      j.push_back(s);
    }
    out << j.dump(2) << "\n";
    return;
  }
  for (size_t i = 0; i < schedules.size(); ++i) {
    const auto& s = schedules[i];
    out << s.layer << " (" << workloads::to_string(s.op) << "): "
        << (std::holds_alternative<arch::VectorProgram>(s.engine) ? std::string("vector")
                                                                  : s.search.chosen)
        << "\n"
        << workloads::describe_schedule(s, spec);
    if (i < simulated.size()) {
      const LayerReport& r = simulated[i];
      out << "  simulated    : " << r.cycles_total << " cycles (" << r.cycles_stall << " stall), "
          << std::fixed << std::setprecision(3) << r.energy_total_pj() / 1e6 << " uJ\n"
          << std::defaultfloat;
    }
  }
}

int cmd_map(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  RunOptions o;
  std::string seed = "1";
  bool as_json = false, no_simulate = false;
  LimitFlags lim;
  po::options_description d = common_options(o);
  d.add(float_model_options(o));
  d.add(fidelity_options(o));
  d.add_options()("json", po::bool_switch(&as_json), "print the schedules as JSON")(
      "no-simulate", po::bool_switch(&no_simulate),
      "only map: skip the simulation that gives the simulated figures")(
      "seed", po::value(&seed)->default_value("1"), "seed of the generated weights and inputs");
  po::options_description limits("limits (exit 2 when a limit is hit; nothing printed)");
  limits.add_options()("max-seconds", po::value(&lim.max_seconds),
                       "stop after S seconds of host time, also inside a layer's mapping search "
                       "(default 3600)")(
      "max-memory-mb", po::value(&lim.max_memory_mb),
      "stop when the resident memory exceeds N MiB (default 16384)");
  d.add(limits);
  po::variables_map vm;
  if (const int rc = parse(d, args, vm, out, true); rc >= 0) return rc;
  // The host limits only: map refuses no estimate and prints no progress (its output is the
  // schedules); the simulation's cycle limit stays off as before.
  RunLimits host = parse_limits(lim, false, true, false);
  host.max_cycles = UINT64_MAX;
  RunMonitor monitor(host, err);
  resolve_inputs(o, seed, err);
  check_run_options(o);
  const LoadedConfig cfg = load_arch_config(o.arch, o.overrides);
  const arch::RunMode mode = run_mode(o, cfg.spec, cfg.file);
  if (!o.save_quantized.empty())
    throw ConfigError("command line", "--save-quantized", "with adasim map",
                      "adasim run --save-quantized (map writes no files)");
  const LoadedWorkload wl = load_workload(o.workload, o.format, o.batch, {}, quantize_options(o));
  const arch::EnergyTable energy(cfg.spec.energy);
  std::vector<workloads::LayerSchedule> schedules;
  std::vector<LayerReport> simulated;
  try {
    if (no_simulate) {
      schedules = map_graph(wl.graph, cfg.spec, energy, &monitor);
    } else {
      const uint64_t seed = o.seed;
      arch::ValueStore values(
          wl.graph,
          [seed](const workloads::TensorInfo& t) { return workloads::generate_values(t, seed); },
          [seed](const workloads::TensorInfo& t) {
            return workloads::generate_wide_values(t, seed);
          });
      SimulationResult res =
          simulate(cfg.spec, wl.graph, energy, values, nullptr, nullptr, mode, &monitor);
      schedules = std::move(res.schedules);
      simulated = std::move(res.layers);
    }
  } catch (const ConfigError& e) {
    throw attribute_to(e, cfg.file);
  }
  print_mapping(schedules, simulated, cfg.spec, as_json, out);
  return kExitOk;
}

int cmd_list(const std::vector<std::string>& args, std::ostream& out) {
  std::string kind;
  bool markdown = false, schema = false;
  po::options_description d(
      "list [KIND]: every kind of component (engine, dataflow, noc, dvfs, dram, sparse_format) "
      "with its implementations and "
      "their parameters; KIND = one kind, or \"config\" for the keys of the config sections");
  d.add_options()("kind", po::value(&kind), "a component kind, or config")(
      "markdown", po::bool_switch(&markdown), "print the key reference of configs/README.md")(
      "schema", po::bool_switch(&schema), "print configs/adasim.schema.json");
  po::positional_options_description pos;
  pos.add("kind", 1);
  po::options_description all = d;
  all.add_options()("help,h", "show this help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  if (vm.count("help")) {
    out << all;
    return kExitOk;
  }
  po::notify(vm);
  if (markdown)
    out << key_reference_markdown(config_keys());
  else if (schema)
    out << config_json_schema(config_keys()).dump(2) << "\n";
  else if (kind == "config")
    out << list_config_keys(config_keys());
  else
    out << list_components(component_kinds(arch::builtin_components()), kind);
  return kExitOk;
}

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    usage(args.empty() ? err : out);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    out << "adasim " << ADASIM_VERSION << "\n";
    return kExitOk;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "run" || cmd == "map") {
      const InterruptGuard interrupts;  // SIGINT / SIGTERM end them cleanly (interrupt.hpp)
      return cmd == "run" ? cmd_run(args, out, err) : cmd_map(args, out, err);
    }
    if (cmd == "validate") return cmd_validate(args, out);
    if (cmd == "sweep") return sweep::cmd_sweep(args, out, err);
    if (cmd == "list") return cmd_list(args, out);
    err << "adasim: unknown command '" << cmd << "'\n";
    usage(err);
    return kExitUsage;
  } catch (const po::error& e) {
    err << "adasim " << cmd << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    for (const InputIssue& i : e.issues()) err << "error: " << i.render() << "\n";
    return kExitConfig;
  } catch (const Interrupted& e) {
    err << "adasim: " << e.what()
        << ": stopped, no output written (output folders left as they were)\n";
    return e.exit_code();
  } catch (const ModelError& e) {
    err << "adasim: internal model error (please report): " << e.what() << "\n";
    return kExitModel;
  } catch (const std::filesystem::filesystem_error& e) {  // without libstdc++'s wording
    err << "adasim: cannot access '" << e.path1().string() << "': " << e.code().message() << "\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    err << "adasim: out of memory\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "adasim: " << e.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace adasim::sim
