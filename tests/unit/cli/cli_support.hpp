// SPDX-License-Identifier: Apache-2.0
// Runs the adasim executable in a child process (one SystemC elaboration per process) and reads
// its outputs.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace adasim::test {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `adasim ARGS` from the repository root; captures stdout/stderr through files.
inline CliResult run_adasim(const std::string& args, const std::string& tag) {
  // The process id keeps concurrent suites (two checkouts on one machine) apart.
  const std::filesystem::path tmp = std::filesystem::path(::testing::TempDir()) /
                                    ("cli_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  const std::string cmd = std::string("cd '") + ADASIM_SOURCE_DIR + "' && '" + ADASIM_BINARY +
                          "' " + args + " > '" + (tmp / "stdout").string() + "' 2> '" +
                          (tmp / "stderr").string() + "'";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(tmp / "stdout");
  r.err = slurp(tmp / "stderr");
  return r;
}

inline std::string temp_out(const std::string& tag) {
  const std::filesystem::path p = std::filesystem::path(::testing::TempDir()) /
                                  ("out_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  return p.string();
}

inline nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(slurp(path));
}

}  // namespace adasim::test
