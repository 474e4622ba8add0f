// SPDX-License-Identifier: Apache-2.0
// The silent traps of issue 17 that are behaviours rather than errors (the errors are cases of the
// invalid-input corpus): a positional workload is the workload, the default --arch / --workload
// come from the current directory when it has them (else adasim's source tree, announced), and
// the GTKWave save file names its dump by absolute path.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_support.hpp"

namespace adasim {
namespace {
namespace fs = std::filesystem;
using test::read_json;
using test::run_adasim;
using test::temp_out;

/// Runs adasim from `dir` (not the repository root).
test::CliResult run_in(const fs::path& dir, const std::string& args) {
  const std::string cmd = "cd '" + dir.string() + "' && '" + ADASIM_BINARY + "' " + args +
                          " > stdout.txt 2> stderr.txt";
  const int status = std::system(cmd.c_str());
  test::CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = test::slurp(dir / "stdout.txt");
  r.err = test::slurp(dir / "stderr.txt");
  return r;
}

TEST(CliTraps, PositionalArgumentIsTheWorkload) {
  const std::string out = temp_out("positional");
  const auto r =
      run_adasim("run -q workloads/models/tiny_mlp.json --out '" + out + "'", "positional");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = read_json(out + "/report.json");
  EXPECT_EQ(j["adasim"]["workload"]["file"], "workloads/models/tiny_mlp.json");
  EXPECT_EQ(j["layers"].size(), 2u);  // tiny_mlp: fc1, fc2 (not the default DS-CNN)
  const auto map = run_adasim("map --no-simulate workloads/models/tiny_mlp.json", "positional_map");
  ASSERT_EQ(map.exit_code, 0) << map.err;
  EXPECT_EQ(map.out.rfind("fc1 (fc)", 0), 0u) << map.out;
}

TEST(CliTraps, DefaultFilesComeFromTheCurrentDirectoryWhenItHasThem) {
  const fs::path dir = temp_out("own_defaults");
  fs::create_directories(dir / "configs");
  fs::create_directories(dir / "workloads" / "models");
  // This directory's own default design point: the 8x8 design under the default file name.
  fs::copy_file(fs::path(ADASIM_SOURCE_DIR) / "configs" / "tiny_8x8.json",
                dir / "configs" / "default.json");
  fs::copy_file(fs::path(ADASIM_SOURCE_DIR) / "workloads" / "models" / "tiny_mlp.json",
                dir / "workloads" / "models" / "ds_cnn_kws.json");
  const auto r = run_in(dir, "run -q --out out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // nothing to announce
  const auto j = read_json((dir / "out" / "report.json").string());
  EXPECT_EQ(j["adasim"]["arch"]["file"], "configs/default.json");
  EXPECT_EQ(j["adasim"]["pes"], 64);  // 8x8, not the shipped default's 32x32
  EXPECT_EQ(j["layers"].size(), 2u);
}

TEST(CliTraps, DefaultFilesFallBackToTheSourceTreeAndSaySo) {
  const fs::path dir = temp_out("no_defaults");
  fs::create_directories(dir);
  const auto r = run_in(dir, "run -q --out out");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string shipped = (fs::path(ADASIM_SOURCE_DIR) / "configs" / "default.json").string();
  EXPECT_NE(r.err.find("no ./configs/default.json here: using " + shipped), std::string::npos)
      << r.err;
  const auto j = read_json((dir / "out" / "report.json").string());
  EXPECT_EQ(j["adasim"]["arch"]["file"], shipped);
}

TEST(CliTraps, GtkwaveSaveFileNamesItsDumpByAbsolutePath) {
  const std::string out = temp_out("gtkw_abs");
  const auto r = run_adasim(
      "run -q --arch configs/tiny_8x8.json --workload workloads/models/tiny_cnn.json"
      " --out '" +
          out + "' --vcd '" + out + "/trace/trace.vcd' --trace-window 0:50",
      "gtkw_abs");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string gtkw = test::slurp(out + "/trace.gtkw");
  const std::string vcd = fs::absolute(out + "/trace/trace.vcd").lexically_normal().string();
  EXPECT_NE(gtkw.find("[dumpfile] \"" + vcd + "\""), std::string::npos) << gtkw.substr(0, 200);
  EXPECT_TRUE(fs::exists(vcd));
}

}  // namespace
}  // namespace adasim
