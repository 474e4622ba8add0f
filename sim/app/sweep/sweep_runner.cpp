// SPDX-License-Identifier: Apache-2.0
// `adasim sweep` driver (sweep_runner.hpp): study -> pending items of the shard -> worker pool ->
// journal -> CSVs.
#include "sim/app/sweep/sweep_runner.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "sim/app/sweep/journal.hpp"
#include "sim/app/sweep/process_pool.hpp"
#include "sim/app/sweep/progress.hpp"
#include "sim/app/sweep/results_table.hpp"
#include "sim/app/sweep/sweep_estimate.hpp"
#include "sim/app/sweep/sweep_files.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/report_writer.hpp"

namespace adasim::sim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// The worker's error lines ("error: ...", "adasim: ..."), joined and shortened.
std::string worker_message(const fs::path& log) {
  std::istringstream in(read_text_file(log.string()));
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("error:", 0) == 0 || line.rfind("adasim", 0) == 0)
      out += (out.empty() ? "" : " | ") + line;
  if (out.size() > 600) out = out.substr(0, 597) + "...";
  return out.empty() ? "no message (see the worker log)" : out;
}

Job worker_job(const Study& s, const WorkItem& it, const SweepOptions& opt,
               const fs::path& dir) {
  const WorkloadSpec& w = s.spec.workloads[it.workload];
  Job j;
  j.argv = {opt.self,
            "run",
            "-q",
            "--arch",
            s.spec.arch,
            "--workload",
            w.path,
            "--format",
            w.format,
            "--batch",
            std::to_string(w.batch),
            "--seed",
            std::to_string(w.seed),
            "--out",
            dir.string(),
            "--fidelity",
            opt.fidelity.empty() ? s.spec.fidelity : opt.fidelity};
  if (!s.spec.values) j.argv.push_back("--no-values");
  if (!w.weight_sparsity.empty())
    j.argv.insert(j.argv.end(), {"--weight-sparsity", w.weight_sparsity});
  if (!w.act_sparsity.empty()) j.argv.insert(j.argv.end(), {"--act-sparsity", w.act_sparsity});
  if (w.act_every_layer) j.argv.push_back("--act-every-layer");
  const LimitFlags& l = opt.limits;
  for (const auto& [flag, value] : {std::pair{"--max-cycles", &l.max_cycles},
                                    {"--max-seconds", &l.max_seconds},
                                    {"--max-memory-mb", &l.max_memory_mb},
                                    {"--watchdog-cycles", &l.watchdog_cycles}})
    if (!value->empty()) j.argv.insert(j.argv.end(), {flag, *value});
  std::vector<std::string> sets = s.spec.set;
  const auto& o = s.points[it.point].overrides;
  sets.insert(sets.end(), o.begin(), o.end());
  for (const std::string& set : sets) j.argv.insert(j.argv.end(), {"--set", set});
  j.log = dir.string() + ".log";
  return j;
}

/// Items of this shard, by position in s.items.
std::vector<size_t> shard_items(const Study& s, const Shard& sh) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.items.size(); ++i)
    if (sh.takes(i)) out.push_back(i);
  return out;
}

void print_counts(const Study& s, const Shard& sh, size_t slice, size_t done, std::ostream& out) {
  size_t invalid = 0, dup = 0;
  for (const ResolvedPoint& p : s.points) {
    invalid += p.status == PointStatus::kInvalid;
    dup += p.status == PointStatus::kDuplicate;
  }
  out << "sweep " << s.spec.name << ": " << s.points.size() << " points ("
      << s.points.size() - invalid - dup << " valid, " << invalid << " invalid, " << dup
      << " duplicate) x " << s.spec.workloads.size() << " workload(s) = " << s.items.size()
      << " items";
  if (sh.count > 1) out << "; shard " << sh.label() << ": " << slice << " items";
  out << "; " << done << " already done, " << slice - done << " to run\n";
}

class SweepRun {
 public:
  SweepRun(const SweepOptions& o, Study s, std::ostream& out, std::ostream& err, bool tty)
      : o_(o), s_(std::move(s)), out_(out), err_(err), tty_(tty), dir_(o.out) {}

  int run(const Shard& sh) {
    fs::create_directories(dir_);
    FolderLock lock(dir_.string());
    fs::remove_all(dir_ / ".work");  // workers of a killed run died with it (PDEATHSIG)
    Journal journal((dir_ / "results.jsonl").string());
    if (journal.torn_bytes())
      err_ << "sweep: cut a torn last line (" << journal.torn_bytes()
           << " bytes) off results.jsonl: that item runs again\n";
    check_manifest(sh);
    write_files_atomically(dir_.string(), {{"sweep.json", manifest(s_, sh).dump(2) + "\n"},
                                           {"points.csv", points_csv(s_)}});
    const std::vector<size_t> slice = shard_items(s_, sh);
    std::set<std::string> done;
    for (const json& r : journal.rows()) done.insert(r.at("key").get<std::string>());
    std::vector<size_t> pending;
    for (size_t i : slice)
      if (!done.count(s_.items[i].key)) pending.push_back(i);
    print_counts(s_, sh, slice.size(), slice.size() - pending.size(), out_);
    fs::create_directories(dir_ / ".work");
    std::vector<Job> jobs;
    for (size_t k = 0; k < pending.size(); ++k)
      jobs.push_back(worker_job(s_, s_.items[pending[k]], o_, dir_ / ".work" / std::to_string(k)));
    Progress progress(err_, tty_, slice.size(), slice.size() - pending.size());
    size_t crashed = 0;
    auto last_csv = std::chrono::steady_clock::now();
    ProcessPool pool(
        o_.jobs > 0 ? o_.jobs : default_parallelism(),
        [&](const JobResult& r) {
          const bool ok = record(journal, s_.items[pending[r.job]], jobs[r.job], r);
          crashed += !ok;
          progress.finished(!ok || r.exit_code != 0);
        },
        [&] {
          progress.tick();
          if (std::chrono::steady_clock::now() - last_csv > std::chrono::seconds(5)) {
            write_tables(journal, slice);
            last_csv = std::chrono::steady_clock::now();
          }
        });
    const PoolEnd end = pool.run(jobs);
    progress.close();
    write_tables(journal, slice);
    std::error_code ec;
    fs::remove_all(dir_ / ".work", ec);
    if (end == PoolEnd::kInterrupted) {
      out_ << "sweep: interrupted (signal " << pool.interrupt_signal()
           << "); run the same command again to resume\n";
      return 128 + pool.interrupt_signal();
    }
    summarize(journal, slice, crashed);
    return crashed ? 1 : 0;
  }

 private:
  /// Journals the item's row; false when the worker crashed or failed to write (not journaled).
  bool record(Journal& journal, const WorkItem& it, const Job& job, const JobResult& r) {
    const fs::path work = fs::path(job.log).replace_extension("");
    json row;
    if (r.exit_code == 0) {
      row = ok_row(s_, it, json::parse(read_text_file((work / "report.json").string())), o_.layers);
      if (o_.keep_reports) keep_report(work, it);
    } else if (r.exit_code == kExitConfig || r.exit_code == kExitModel) {
      row = error_row(s_, it, r.exit_code, worker_message(job.log));
    } else {
      err_ << (tty_ ? "\r\033[K" : "") << "sweep: worker for point " << s_.points[it.point].index
           << " / " << s_.spec.workloads[it.workload].name << " "
           << (r.signal ? "was killed by signal " + std::to_string(r.signal)
                        : "exited with " + std::to_string(r.exit_code))
           << ": " << worker_message(job.log) << " (not recorded: a rerun retries it)\n";
      return false;
    }
    row["host_s"] = r.seconds;
    journal.append(std::move(row));
    return true;
  }

  void keep_report(const fs::path& work, const WorkItem& it) {
    const fs::path to =
        dir_ / "reports" /
        (std::to_string(s_.points[it.point].index) + "-" + s_.spec.workloads[it.workload].name);
    fs::create_directories(to.parent_path());
    fs::remove_all(to);
    fs::rename(work, to);
  }

  std::vector<json> slice_rows(const Journal& journal, const std::vector<size_t>& slice) const {
    std::set<std::string> keys;
    for (size_t i : slice) keys.insert(s_.items[i].key);
    std::vector<json> rows;
    for (const json& r : journal.rows())
      if (keys.erase(r.at("key").get<std::string>())) rows.push_back(r);  // first row of a key
    return rows;
  }

  void write_tables(const Journal& journal, const std::vector<size_t>& slice) {
    const std::vector<json> rows = slice_rows(journal, slice);
    std::vector<std::pair<std::string, std::string>> files = {
        {"results.csv", results_csv(layout_of(s_), rows)}};
    if (o_.layers) files.push_back({"layers.csv", layers_csv(layout_of(s_), rows)});
    write_files_atomically(dir_.string(), files);
  }

  void check_manifest(const Shard& sh) {
    const fs::path m = dir_ / "sweep.json";
    if (!fs::exists(m)) return;
    const json old = json::parse(read_text_file(m.string()), nullptr, false);
    if (old.is_discarded() || old.value("digest", "") != s_.digest)
      err_ << "sweep: " << dir_.string() << " held a sweep of another spec; its rows that are "
           << "points of this spec are kept, the others are left out of results.csv\n";
    else if (old.contains("shard") && old["shard"].value("label", "") != sh.label())
      err_ << "sweep: " << dir_.string() << " held shard " << old["shard"].value("label", "")
           << ", now " << sh.label() << "\n";
  }

  void summarize(const Journal& journal, const std::vector<size_t>& slice, size_t crashed) {
    size_t ok = 0, errors = 0;
    for (const json& r : slice_rows(journal, slice)) {
      const bool good = r["cells"].value("status", "") == "ok";
      ok += good;
      errors += !good;
    }
    out_ << "sweep: " << ok << " rows ok, " << errors << " error rows";
    if (crashed) out_ << ", " << crashed << " items not run (worker crashed; rerun to retry)";
    out_ << "; results in " << (dir_ / "results.csv").string() << "\n";
  }

  const SweepOptions& o_;
  Study s_;
  std::ostream& out_;
  std::ostream& err_;
  bool tty_;
  fs::path dir_;
};

/// --dry-run: counts, the points that will not run, and the time estimate; writes nothing.
int dry_run(const SweepOptions& o, const Study& study, const Shard& sh, std::ostream& out) {
  const fs::path journal = fs::path(o.out) / "results.jsonl";
  const std::vector<json> rows =
      fs::exists(journal) ? read_journal(journal.string()) : std::vector<json>{};
  std::set<std::string> done;
  for (const json& r : rows) done.insert(r.value("key", ""));
  std::vector<size_t> pending;
  const std::vector<size_t> slice = shard_items(study, sh);
  for (size_t i : slice)
    if (!done.count(study.items[i].key)) pending.push_back(i);
  print_counts(study, sh, slice.size(), slice.size() - pending.size(), out);
  size_t listed = 0;
  for (const ResolvedPoint& p : study.points)
    if (p.status != PointStatus::kValid && listed++ < 20)
      out << "  point " << p.index << " " << to_string(p.status) << ": " << p.reason << "\n";
  if (listed > 20) out << "  ... and " << listed - 20 << " more (all in points.csv of a run)\n";
  const int jobs = o.jobs > 0 ? o.jobs : default_parallelism();
  const RunKind kind{(o.fidelity.empty() ? study.spec.fidelity : o.fidelity) == "fast",
                     study.spec.values};
  const Estimate e = estimate_time(study, pending, rows, jobs, kind);
  out << "estimated time: " << Progress::duration_text(e.seconds) << ", "
      << Progress::duration_text(e.mapping_seconds) << " of it mapping (measured) (" << e.how
      << ")\n";
  return kExitOk;
}

}  // namespace

int run_sweep(const SweepOptions& o, std::ostream& out, std::ostream& err, bool err_is_tty) {
  SweepSpec spec = load_sweep_spec(o.spec);
  if (o.no_values && spec.values) {
    spec.values = false;
    std::vector<InputIssue> issues = timing_only_issues(spec, "--no-values");
    if (!issues.empty()) throw ConfigError(std::move(issues));
  }
  Study study = build_study(std::move(spec));
  const Shard sh = o.shard.empty() ? Shard{} : parse_shard(o.shard);
  if (o.dry_run) return dry_run(o, study, sh, out);
  return SweepRun(o, std::move(study), out, err, err_is_tty).run(sh);
}

}  // namespace adasim::sim::sweep
