// SPDX-License-Identifier: Apache-2.0
// Clean interruption and all-or-nothing outputs of `adasim run`, through the real binary: SIGINT
// and SIGTERM at spread-out moments of a traced run (loading, mapping, simulating, writing) leave
// the output folders exactly as they were (entries and contents), or, when the signal comes after
// the commit, the complete new set. Failing --dump-outputs / --vcd targets leave no reports.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.hpp"

namespace adasim {
namespace {
namespace fs = std::filesystem;

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[fs::relative(e.path(), dir).string()] =
        e.is_directory() ? std::string("<dir>") : test::slurp(e.path());
  return out;
}

struct Child {
  pid_t pid = -1;
  fs::path err;
};

/// Starts adasim with `args` from the repository root, stdout/stderr into files in `logs`.
Child spawn(const std::vector<std::string>& args, const fs::path& logs) {
  Child c;
  c.err = logs / "stderr";
  const std::string out = (logs / "stdout").string(), err = c.err.string();
  std::vector<std::string> argv = {ADASIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  c.pid = ::fork();
  if (c.pid == 0) {
    if (::chdir(ADASIM_SOURCE_DIR) != 0) ::_exit(126);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) ::_exit(126);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> p;
    for (std::string& a : argv) p.push_back(a.data());
    p.push_back(nullptr);
    ::execv(p[0], p.data());
    ::_exit(127);
  }
  return c;
}

int wait_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

/// Size of the staged VCD under `out` (its staging folder holds trace/trace.vcd), 0 if none yet;
/// `reports`: whether a staged report.json exists there.
uintmax_t staged(const fs::path& out, bool* reports) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out, ec)) {
    if (e.path().filename().string().rfind(".adasim-stage-", 0) != 0) continue;
    if (reports) *reports = fs::exists(e.path() / "report.json", ec);
    const uintmax_t n = fs::file_size(e.path() / "trace" / "trace.vcd", ec);
    return ec ? 0 : n;
  }
  return 0;
}

/// Polls until the run under `out` has staged `vcd_bytes` of VCD (or, with `reports`, its
/// report files), or the process has ended.
void wait_for_progress(pid_t pid, const fs::path& out, bool reports, uintmax_t vcd_bytes) {
  for (;;) {
    bool have_reports = false;
    const uintmax_t n = staged(out, &have_reports);
    if (reports ? have_reports : n >= std::max<uintmax_t>(vcd_bytes, 1)) return;
    siginfo_t info{};
    if (::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != 0)
      return;  // ended (left for wait_status to reap): nothing to wait for
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

class Interrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("adasim_interrupt_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A work folder with an earlier run's report and a user file in out/; the VCD goes to
  /// out/trace/ and the tensors to dump/, both missing before the run.
  fs::path prepare(const std::string& name) const {
    const fs::path work = dir_ / name;
    fs::create_directories(work / "out");
    std::ofstream(work / "out" / "report.json") << "{\"earlier\": true}\n";
    std::ofstream(work / "out" / "notes.txt") << "mine\n";
    return work;
  }
  static std::vector<std::string> traced_run(const fs::path& work) {
    // DS-CNN on the 8x8 array, every signal traced: about 0.4 s and 45 MB of VCD (Release).
    return {"run",
            "-q",
            "--arch",
            "configs/tiny_8x8.json",
            "--workload",
            "workloads/models/ds_cnn_kws.json",
            "--out",
            (work / "out").string(),
            "--vcd",
            (work / "out" / "trace" / "trace.vcd").string(),
            "--trace",
            "top.*",
            "--dump-outputs",
            (work / "dump").string()};
  }
  fs::path dir_;
};

TEST_F(Interrupt, SignalsAtSpreadMomentsLeaveNothingOrTheCompleteSet) {
  // An uninterrupted run first: its outputs are the set a signal arriving after the commit must
  // leave, and its VCD size scales the progress points below.
  const fs::path full = prepare("full");
  const int full_status = wait_status(spawn(traced_run(full), dir_ / "logs").pid);
  ASSERT_TRUE(WIFEXITED(full_status) && WEXITSTATUS(full_status) == 0)
      << test::slurp(dir_ / "logs" / "stderr");
  const auto complete = snapshot(full);
  ASSERT_EQ(complete.at("out/notes.txt"), "mine\n");
  const uintmax_t vcd_bytes = complete.at("out/trace/trace.vcd").size();
  ASSERT_GT(vcd_bytes, 1000u);
  ASSERT_EQ(complete.count("dump/output_0.pb"), 1u);

  // The signal goes out at a point of the run's *progress*, polled (never after a wall-clock
  // delay, so a loaded or fast machine does not change what is tested): trial 0 at once (start-up
  // or loading), the others once the staged VCD has grown to a fraction of its final size
  // (simulating), the last ones once the staged reports exist (writing, committing).
  std::mt19937 rng(17);  // fixed: the same points on every run of the test
  int interrupted = 0;
  const int trials = 8;
  for (int sig : {SIGINT, SIGTERM}) {
    for (int t = 0; t < trials; ++t) {
      const fs::path work = prepare("t" + std::to_string(sig) + "_" + std::to_string(t));
      const auto before = snapshot(work);
      const double fraction =
          (t - 1 + std::uniform_real_distribution<double>(0, 1)(rng)) / (trials - 2);
      const Child c = spawn(traced_run(work), dir_ / "logs");
      if (t > 0)
        wait_for_progress(c.pid, work / "out", t == trials - 1, uintmax_t(fraction * vcd_bytes));
      ::kill(c.pid, sig);
      const int status = wait_status(c.pid);
      const std::string err = test::slurp(c.err);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        // The signal came after the commit: the complete set, identical to the full run's.
        const auto after = snapshot(work);
        EXPECT_EQ(after.size(), complete.size()) << "trial " << t;
        for (const auto& [name, text] : complete) {
          if (name.find("trace.gtkw") != std::string::npos) continue;  // names its own folder
          EXPECT_EQ(after.count(name) ? after.at(name) : "<missing>", text) << name;
        }
        continue;
      }
      ++interrupted;
      // Stopped: nothing written, nothing removed, no staging folder anywhere in the work folder.
      EXPECT_EQ(snapshot(work), before) << "signal " << sig << " trial " << t << "\n" << err;
      if (WIFEXITED(status)) {
        EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << err;
        EXPECT_NE(err.find(sig == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"),
                  std::string::npos)
            << err;
        EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "one line:\n" << err;
      } else {
        // Only before the handler is installed (process start-up) may the signal kill it.
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << status;
      }
    }
  }
  // Every point but the writing one is reached while the run still has work to do; only a
  // process that finishes between the poll and the kill (a descheduled test) escapes.
  EXPECT_GE(interrupted, trials) << "too few runs were stopped mid-way to test anything";
}

TEST_F(Interrupt, FailingDumpTargetLeavesNoReports) {
  const fs::path work = prepare("dump_is_file");
  std::ofstream(work / "dump") << "a file where the dump folder goes\n";
  const auto before = snapshot(work);
  const auto r = test::run_adasim("run -q --out '" + (work / "out").string() +
                                      "' --dump-outputs '" + (work / "dump").string() + "'",
                                  "dump_fail");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find((work / "dump").string()), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(work), before);
}

TEST_F(Interrupt, FailingVcdTargetLeavesNoReports) {
  const fs::path work = prepare("vcd_is_dir");
  fs::create_directories(work / "out" / "trace.vcd");  // a folder where the VCD file goes
  const auto before = snapshot(work);
  const auto r = test::run_adasim(
      "run -q --arch configs/tiny_8x8.json --workload workloads/models/tiny_cnn.json --out '" +
          (work / "out").string() + "' --vcd '" + (work / "out" / "trace.vcd").string() + "'",
      "vcd_fail");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("trace.vcd"), std::string::npos) << r.err;
  EXPECT_EQ(snapshot(work), before);
}

}  // namespace
}  // namespace adasim
