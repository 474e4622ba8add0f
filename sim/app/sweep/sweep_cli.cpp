// SPDX-License-Identifier: Apache-2.0
#include "sim/app/sweep/sweep_cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "sim/app/sweep/sweep_files.hpp"
#include "sim/app/sweep/sweep_runner.hpp"
#include "sim/core/errors.hpp"

namespace po = boost::program_options;

namespace adasim::sim::sweep {
namespace {

/// Parses `args`; prints the help and returns true when asked for it.
bool parse(po::options_description& d, const std::vector<std::string>& args, po::variables_map& vm,
           std::ostream& out, const po::positional_options_description* pos = nullptr) {
  d.add_options()("help,h", "show this help");
  po::command_line_parser p(args);
  p.options(d);
  if (pos) p.positional(*pos);
  po::store(p.run(), vm);
  if (vm.count("help")) {
    out << d;
    return true;
  }
  po::notify(vm);
  return false;
}

int cmd_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  MergeOptions o;
  po::options_description d("adasim sweep merge --out DIR SHARD_DIR...");
  d.add_options()("out", po::value(&o.out)->required(), "merged output folder")(
      "inputs", po::value(&o.inputs)->composing(), "shard folders (positional)")(
      "allow-incomplete", po::bool_switch(&o.allow_incomplete),
      "write the merge even when shards or items are missing (still exit 2)");
  po::positional_options_description pos;
  pos.add("inputs", -1);
  po::variables_map vm;
  if (parse(d, args, vm, out, &pos)) return 0;
  return merge_sweeps(o, out, err);
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (!args.empty() && args[0] == "merge")
    return cmd_merge(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
  SweepOptions o;
  po::options_description d("adasim sweep --spec study.json --out DIR [options]");
  d.add_options()("spec", po::value(&o.spec)->required(), "sweep spec (JSON, docs/sweep.md)")(
      "out", po::value(&o.out)->required(), "output folder (rerun with the same to resume)")(
      "jobs,j", po::value(&o.jobs)->default_value(0),
      "worker processes (0 = every CPU this process may use)")(
      "shard", po::value(&o.shard), "run only slice i of N: i/N, 0 <= i < N (Slurm job arrays)")(
      "dry-run", po::bool_switch(&o.dry_run), "print the point count and an estimated time")(
      "layers", po::bool_switch(&o.layers), "also write layers.csv (one row per layer)")(
      "keep-reports", po::bool_switch(&o.keep_reports),
      "keep every item's report folder under DIR/reports/")(
      "fidelity", po::value(&o.fidelity),
      "the runs' fidelity: fast (the default, same figures) or cycle; overrides the spec's")(
      "no-values", po::bool_switch(&o.no_values),
      "timing only: the runs compute no tensor values (same figures, far less time; as the "
      "spec's \"values\": false)");
  po::options_description lim(
      "limits of each point's run (as adasim run's; a point over its limit is an error row)");
  lim.add_options()("max-cycles", po::value(&o.limits.max_cycles), "simulated cycles, N")(
      "max-seconds", po::value(&o.limits.max_seconds), "host seconds, S")(
      "max-memory-mb", po::value(&o.limits.max_memory_mb), "resident memory of a worker, MiB")(
      "watchdog-cycles", po::value(&o.limits.watchdog_cycles), "cycles without forward progress");
  d.add(lim);
  po::variables_map vm;
  if (parse(d, args, vm, out)) return 0;
  if (!o.fidelity.empty() && o.fidelity != "fast" && o.fidelity != "cycle")
    throw ConfigError("command line", "--fidelity", o.fidelity, "fast or cycle");
  parse_limits(o.limits, false, true, false);  // bad values: refused here, not once per point
  o.self = std::filesystem::read_symlink("/proc/self/exe").string();
  const bool tty = &err == &std::cerr && ::isatty(STDERR_FILENO);
  return run_sweep(o, out, err, tty);
}

}  // namespace adasim::sim::sweep
