// SPDX-License-Identifier: Apache-2.0
// adasim sweep end to end on tiny_cnn: rows equal separate `adasim run`s of the same points,
// invalid and failing points, resume after kill -9 at random moments (the final CSV equals an
// uninterrupted run's), Ctrl-C, shards merged equal a single run (also through the Slurm
// script), and a missing shard named by merge.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "cli_support.hpp"

namespace adasim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string src(const std::string& rel) { return (fs::path(ADASIM_SOURCE_DIR) / rel).string(); }

/// A 4 x 3 x 2 grid on tiny_cnn (24 points, about 30 ms each).
std::string write_spec(const std::string& dir, const std::string& extra_axes = "") {
  fs::create_directories(dir);
  const std::string path = dir + "/study.json";
  std::ofstream(path) << R"({
  "sweep_version": 1, "name": "t",
  "arch": ")" << src("configs/tiny_8x8.json")
                      << R"(",
  "workloads": [{"name": "tiny", "path": ")"
                      << src("workloads/models/tiny_cnn.json") << R"(", "seed": 3}],
  "axes": [
    {"name": "array", "keys": ["pe_array.rows", "pe_array.cols"], "values": [4, 6, 8, 12]},
    {"name": "gbuf_kib", "key": "memory.sram.0.size_kib", "pow2": {"from": 16, "to": 64}},
    {"name": "dram", "key": "memory.dram.bandwidth_gb_per_s", "values": [2, 8]})"
                      << extra_axes << R"(
  ]
})";
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

/// Starts `adasim ARGS...` detached from the test's stdout; returns its pid.
pid_t start(const std::vector<std::string>& args) {
  std::vector<std::string> all = {ADASIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(SweepCli, RowsEqualSeparateRunsOfTheSamePoints) {
  const std::string dir = test::temp_out("sweep_rows");
  const std::string spec = write_spec(dir);
  const auto r = test::run_adasim(
      "sweep --spec '" + spec + "' --out '" + dir + "/out' -j 2 --layers --keep-reports",
      "sweep_rows");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines_of(test::slurp(dir + "/out/results.csv"));
  ASSERT_EQ(rows.size(), 25u);  // header + 24 points
  // Point 15 = array 8 (index 2), gbuf 32 (index 1), dram 8 (index 1): 2*6 + 1*2 + 1.
  const auto run = test::run_adasim(
      "run -q --arch configs/tiny_8x8.json --workload workloads/models/tiny_cnn.json --seed 3 "
      "--set pe_array.rows=8 --set pe_array.cols=8 --set memory.sram.0.size_kib=32 "
      "--set memory.dram.bandwidth_gb_per_s=8 --out '" +
          dir + "/single'",
      "sweep_rows_single");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json rep = test::read_json(dir + "/single/report.json");
  const std::string want = "15,tiny,8,32,8," + rep["adasim"]["config_hash"].get<std::string>() +
                           "," + rep["adasim"]["arch"]["design"].get<std::string>() + ",ok,true,";
  EXPECT_EQ(rows[16].rfind(want, 0), 0u) << rows[16];
  const std::string cycles = std::to_string(rep["total"]["cycles"]["total"].get<int64_t>());
  EXPECT_NE(rows[16].find("," + cycles + ","), std::string::npos) << cycles;
  // --keep-reports: the item's own report folder, the same run.
  const json kept = test::read_json(dir + "/out/reports/15-tiny/report.json");
  EXPECT_EQ(kept["adasim"]["config_hash"], rep["adasim"]["config_hash"]);
  // Sweeps run fast mode by default; the single run above is per-cycle: same figures.
  EXPECT_EQ(kept["adasim"]["fidelity"], "fast");
  EXPECT_EQ(rep["adasim"]["fidelity"], "cycle");
  EXPECT_EQ(kept["total"]["cycles"], rep["total"]["cycles"]);
  // layers.csv: one row per layer per point.
  EXPECT_EQ(lines_of(test::slurp(dir + "/out/layers.csv")).size(), 1 + 24 * rep["layers"].size());
}

TEST(SweepCli, InvalidAndFailingPointsAreListedNotFatal) {
  const std::string dir = test::temp_out("sweep_invalid");
  // banks 3: 16/32/64 KiB are not multiples of 3 x 8 bytes (invalid before running); a 64-byte
  // buffer is a valid config whose layers cannot be mapped (an error row after running).
  const std::string spec = write_spec(dir, R"(,
    {"name": "banks", "key": "memory.sram.0.banks", "values": [8, 3]},
    {"name": "tiny_buf", "key": "memory.sram.0.size_kib", "values": [0.0625], "when": {"array": [4]}})");
  const auto r =
      test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out' -j 2", "sweep_invalid");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string points = test::slurp(dir + "/out/points.csv");
  EXPECT_NE(points.find("multiple of banks * word_bits / 8 = 24 bytes"), std::string::npos);
  const std::string results = test::slurp(dir + "/out/results.csv");
  EXPECT_NE(results.find(",error,false,false,"), std::string::npos);
  EXPECT_NE(results.find("too small for layer"), std::string::npos);
  EXPECT_NE(r.out.find("48 points (20 valid, 24 invalid, 4 duplicate)"), std::string::npos)
      << r.out;
}

/// The estimate `adasim run --progress` prints for tiny_cnn on an N x N tiny_8x8 array, and the
/// cycles it simulates.
std::pair<uint64_t, uint64_t> estimate_and_cycles(int n, const std::string& dir) {
  const std::string out = dir + "/single" + std::to_string(n);
  const std::string a = std::to_string(n);
  const auto r = test::run_adasim(
      "run -q --progress --arch configs/tiny_8x8.json --workload workloads/models/tiny_cnn.json "
      "--seed 3 --fidelity fast --set pe_array.rows=" +
          a + " --set pe_array.cols=" + a + " --out '" + out + "'",
      "sweep_limit_single");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.err, m, std::regex("adasim: estimated ([0-9]+) cycles")));
  return {std::stoull(m[1]), test::read_json(out + "/report.json")["total"]["cycles"]["total"]};
}

TEST(SweepCli, APointOverItsLimitIsAnErrorRowNotFatal) {
  // Two points of tiny_cnn: a 4x4 and a 12x12 array. --max-cycles between what the 12x12 point
  // needs (its estimate and its simulated cycles) and the 4x4 point's estimate: each worker gets
  // the limit, the 4x4 run refuses itself (an error row naming the flag), the 12x12 one runs.
  const std::string dir = test::temp_out("sweep_limit");
  fs::create_directories(dir);
  const uint64_t e4 = estimate_and_cycles(4, dir).first;
  const auto [e12, c12] = estimate_and_cycles(12, dir);
  const uint64_t limit = std::max(e12, c12);
  ASSERT_LT(limit, e4) << "the 12x12 point no longer needs fewer cycles than the 4x4 estimate";
  const std::string spec = dir + "/study.json";
  std::ofstream(spec) << R"({"sweep_version": 1, "name": "t", "arch": ")"
                      << src("configs/tiny_8x8.json") << R"(", "workloads": [{"name": "tiny",
  "path": ")" << src("workloads/models/tiny_cnn.json")
                      << R"(", "seed": 3}], "axes": [{"name": "array",
  "keys": ["pe_array.rows", "pe_array.cols"], "values": [4, 12]}]})";
  const auto r = test::run_adasim("sweep --spec '" + spec + "' --out '" + dir +
                                      "/out' -j 2 --max-cycles " + std::to_string(limit),
                                  "sweep_limit");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines_of(test::slurp(dir + "/out/results.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].rfind("0,tiny,4,", 0), 0u) << rows[1];
  EXPECT_NE(rows[1].find(",error,false,"), std::string::npos) << rows[1];
  EXPECT_NE(rows[1].find("exit 2: error: command line: --max-cycles: expected a run estimated at "
                         "most " +
                         std::to_string(limit) + " cycles"),
            std::string::npos)
      << rows[1];
  EXPECT_EQ(rows[2].rfind("1,tiny,12,", 0), 0u) << rows[2];
  EXPECT_NE(rows[2].find(",ok,true,"), std::string::npos) << rows[2];
  EXPECT_NE(rows[2].find("," + std::to_string(c12) + ","), std::string::npos) << c12;
}

TEST(SweepCli, ResumeAfterKill9AtRandomMomentsEqualsAnUninterruptedRun) {
  const std::string dir = test::temp_out("sweep_kill");
  const std::string spec = write_spec(dir);
  ASSERT_EQ(test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/clean' -j 2",
                             "sweep_kill_clean")
                .exit_code,
            0);
  const std::string clean = test::slurp(dir + "/clean/results.csv");
  // Each round kills the sweep at a random moment *in its progress* (after a random number of
  // further journal rows, plus a random sub-item delay), not after a wall-clock delay: how fast
  // the machine runs must not decide whether any work is left. Round 0 may kill before the first
  // row. The targets stay below 24 so the last kill always leaves work for the final run.
  std::mt19937 rng(20240615);
  const std::string journal_path = dir + "/killed/results.jsonl";
  int interrupted = 0;
  size_t target = 0;
  for (int round = 0; round < 6; ++round) {
    target = std::min<size_t>(target + rng() % 4, 18);
    const pid_t pid = start({"sweep", "--spec", spec, "--out", dir + "/killed", "-j", "1"});
    for (int i = 0; i < 20000 && lines_of(test::slurp(journal_path)).size() < target; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    kill(pid, SIGKILL);
    interrupted += wait_for(pid) == 128 + SIGKILL;
  }
  EXPECT_GE(interrupted, 5);  // every round but perhaps one was cut mid-run
  const auto journal = lines_of(test::slurp(dir + "/killed/results.jsonl"));
  EXPECT_LT(journal.size(), 24u) << "the kills should leave work to do";
  const auto fin = test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/killed' -j 2",
                                    "sweep_kill_final");
  ASSERT_EQ(fin.exit_code, 0) << fin.err;
  EXPECT_EQ(test::slurp(dir + "/killed/results.csv"), clean);
  // The journal: whole lines, one per item, no duplicates; no worker folder left behind.
  std::set<std::string> keys;
  for (const std::string& l : lines_of(test::slurp(dir + "/killed/results.jsonl")))
    EXPECT_TRUE(keys.insert(json::parse(l).at("key").get<std::string>()).second);
  EXPECT_EQ(keys.size(), 24u);
  EXPECT_FALSE(fs::exists(dir + "/killed/.work"));
}

TEST(SweepCli, CtrlCStopsCleanlyAndTheRerunFinishes) {
  const std::string dir = test::temp_out("sweep_int");
  const std::string spec = write_spec(dir);
  const pid_t pid = start({"sweep", "--spec", spec, "--out", dir + "/out", "-j", "1"});
  // Interrupt once the first row is journaled (polled, so a loaded machine does not matter).
  for (int i = 0; i < 2000 && test::slurp(dir + "/out/results.jsonl").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGINT);
  EXPECT_EQ(wait_for(pid), 128 + SIGINT);
  const size_t partial = lines_of(test::slurp(dir + "/out/results.jsonl")).size();
  EXPECT_GT(partial, 0u);
  EXPECT_LT(partial, 24u);
  const auto r =
      test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out' -j 2", "sweep_int2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(std::to_string(partial) + " already done"), std::string::npos) << r.out;
  EXPECT_EQ(lines_of(test::slurp(dir + "/out/results.jsonl")).size(), 24u);
}

TEST(SweepCli, ShardsMergedEqualASingleRunAndAMissingShardIsNamed) {
  const std::string dir = test::temp_out("sweep_shards");
  const std::string spec = write_spec(dir);
  ASSERT_EQ(test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/single' -j 2",
                             "sweep_shards_single")
                .exit_code,
            0);
  // The Slurm script run as the job array's tasks would run it.
  for (int i = 0; i < 3; ++i) {
    const std::string cmd =
        "cd '" + std::string(ADASIM_SOURCE_DIR) + "' && SLURM_ARRAY_TASK_ID=" + std::to_string(i) +
        " SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 " + "ADASIM='" + ADASIM_BINARY +
        "' scripts/slurm_sweep.sh '" + spec + "' '" + dir + "/shards' > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "shard " << i;
  }
  const std::string shards = dir + "/shards/shard_";
  const auto missing = test::run_adasim(
      "sweep merge --out '" + dir + "/partial' '" + shards + "0' '" + shards + "2'",
      "sweep_shards_missing");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("shard 1/3 missing"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir + "/partial/results.csv"));
  const auto merged = test::run_adasim("sweep merge --out '" + dir + "/merged' '" + shards +
                                           "0' '" + shards + "1' '" + shards + "2'",
                                       "sweep_shards_merge");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(test::slurp(dir + "/merged/results.csv"), test::slurp(dir + "/single/results.csv"));
  // A shard folder given twice is a duplicate, reported.
  const auto dup = test::run_adasim("sweep merge --out '" + dir + "/dup' '" + shards + "0' '" +
                                        shards + "1' '" + shards + "2' '" + shards + "1'",
                                    "sweep_shards_dup");
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.err.find("shard 1/3 given twice"), std::string::npos) << dup.err;
}

TEST(SweepCli, DryRunCountsAndEstimatesWithoutWriting) {
  const std::string dir = test::temp_out("sweep_dry");
  std::string spec = test::slurp(write_spec(dir));
  // A second workload doubles the items.
  const std::string wl = "\"workloads\": [";
  spec.insert(spec.find(wl) + wl.size(),
              "{\"name\": \"mlp\", \"path\": \"" + src("workloads/models/tiny_mlp.json") + "\"}, ");
  std::ofstream(dir + "/study.json") << spec;
  const auto r = test::run_adasim(
      "sweep --spec '" + dir + "/study.json' --out '" + dir + "/out' --dry-run -j 2", "sweep_dry");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("24 points (24 valid, 0 invalid, 0 duplicate) x 2 workload(s) = 48 items"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("estimated time: "), std::string::npos);
  EXPECT_NE(r.out.find("mapper schedules of 32 of the 48 pending items (sampled per workload and "
                       "array size)"),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

/// Seconds of a Progress::duration_text: "1h02m", "4m05s" or "6s".
double duration_seconds(const std::string& text) {
  double secs = 0, num = 0;
  for (const char ch : text) {
    if (ch >= '0' && ch <= '9') {
      num = num * 10 + (ch - '0');
    } else {
      secs += num * (ch == 'h' ? 3600 : ch == 'm' ? 60 : 1);
      num = 0;
    }
  }
  return secs;
}

/// The --dry-run estimate of `spec_text` with the workload list `workloads`: its total and its
/// measured mapping part, in seconds.
std::pair<double, double> dry_run_seconds(const std::string& dir, std::string spec_text,
                                          const std::string& workloads) {
  const size_t at = spec_text.find("\"workloads\": [");
  spec_text.replace(at, spec_text.find(']', at) + 1 - at, "\"workloads\": [" + workloads + "]");
  std::ofstream(dir + "/study.json") << spec_text;
  const auto r = test::run_adasim(
      "sweep --spec '" + dir + "/study.json' --out '" + dir + "/out' --dry-run -j 1", "sweep_est");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // "estimated time: 6s, 2s of it mapping (measured) (...)"
  const std::string head = "estimated time: ", tail = " of it mapping";
  const size_t p = r.out.find(head), comma = r.out.find(", ", p), q = r.out.find(tail, p);
  if (p == std::string::npos || comma == std::string::npos || q == std::string::npos) {
    ADD_FAILURE() << r.out;
    return {-1, -1};
  }
  return {duration_seconds(r.out.substr(p + head.size(), comma - p - head.size())),
          duration_seconds(r.out.substr(comma + 2, q - comma - 2))};
}

// Items come in product order with the workloads innermost: evenly spaced samples with an even
// stride saw only the first workload (a 384-point x 6-workload study was estimated from its
// smallest network alone). Sampled per workload, the estimate cannot depend on the order of the
// workload list, and a study with a large network costs more than the small one alone.
TEST(SweepCli, DryRunEstimateSamplesEveryWorkload) {
  const std::string dir = test::temp_out("sweep_est");
  // 4 x 3 x 2 x 4 = 96 points x 2 workloads = 192 items: an even stride of 6 items.
  const std::string spec = test::slurp(write_spec(
      dir, R"(, {"name": "lat", "key": "memory.dram.latency_ns", "values": [50, 100, 150, 200]})"));
  const std::string small =
      "{\"name\": \"mlp\", \"path\": \"" + src("workloads/models/tiny_mlp.json") + "\"}";
  const std::string large =
      "{\"name\": \"ds\", \"path\": \"" + src("workloads/models/ds_cnn_kws.json") + "\"}";
  const auto small_only = dry_run_seconds(dir, spec, small);
  const auto small_first = dry_run_seconds(dir, spec, small + ", " + large);
  const auto large_first = dry_run_seconds(dir, spec, large + ", " + small);
  // The same items are sampled in both orders, so the modelled parts are equal; the mapping part
  // is host CPU time measured in each run (it varies, seconds under a sanitizer on a loaded
  // machine), and each figure is rounded to the second.
  EXPECT_NEAR(small_first.first, large_first.first,
              small_first.second + large_first.second + 1.0);
  EXPECT_GT(small_first.first - small_first.second, small_only.first - small_only.second);
}

TEST(SweepCli, SpecErrorsNameTheFilePointerValueAndExpectation) {
  const std::string dir = test::temp_out("sweep_bad");
  const std::string spec = write_spec(dir, R"(,
    {"key": "pe_array.rowz", "values": [1]},
    {"key": "memory.dram.latency_ns", "range": {"from": 10, "to": 5, "step": 1}})");
  const auto r =
      test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out'", "sweep_bad");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(spec + ": /axes/4/range/to: expected a number >= \"from\" (10), got 5"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(spec + ": /axes/3/key: expected a known key of /pe_array (did you mean "
                              "'rows'?)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

}  // namespace
}  // namespace adasim

namespace adasim {
namespace {

// plots/pareto_front.py's own 2-D front (Python) equals the sweep's `pareto` column (C++) for
// the default objectives latency and energy, and both plot scripts draw their PNGs.
TEST(SweepPlots, PythonFrontEqualsTheCsvParetoColumnAndPngsAreDrawn) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-matplotlib not installed";
  const std::string dir = test::temp_out("sweep_plots");
  const std::string spec = write_spec(dir);
  ASSERT_EQ(
      test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out' -j 2", "sweep_plots")
          .exit_code,
      0);
  const auto rows = lines_of(test::slurp(dir + "/out/results.csv"));
  std::set<std::string> csv_front;
  for (size_t i = 1; i < rows.size(); ++i)
    if (rows[i].find(",ok,true,true,") != std::string::npos)
      csv_front.insert(rows[i].substr(0, rows[i].find(',')));
  ASSERT_FALSE(csv_front.empty());
  const std::string py = "cd '" + std::string(ADASIM_SOURCE_DIR) + "' && /usr/bin/python3 plots/";
  const std::string listed = dir + "/front.txt";
  ASSERT_EQ(std::system((py + "pareto_front.py '" + dir + "/out/results.csv' --print-front > '" +
                         listed + "'")
                            .c_str()),
            0);
  const auto py_front = lines_of(test::slurp(listed));
  EXPECT_EQ(std::set<std::string>(py_front.begin(), py_front.end()), csv_front);
  ASSERT_EQ(
      std::system((py + "pareto_front.py '" + dir + "/out/results.csv' --x area --y latency -o '" +
                   dir + "/p.png' > /dev/null")
                      .c_str()),
      0);
  ASSERT_EQ(
      std::system((py + "sweep_heatmap.py '" + dir +
                   "/out/results.csv' --x array --y gbuf_kib -o '" + dir + "/h.png' > /dev/null")
                      .c_str()),
      0);
  for (const char* f : {"/p.png", "/h.png"}) {
    const std::string png = test::slurp(dir + f);
    ASSERT_GT(png.size(), 1000u) << f;
    EXPECT_EQ(png.substr(1, 3), "PNG") << f;
  }
}

}  // namespace
}  // namespace adasim
