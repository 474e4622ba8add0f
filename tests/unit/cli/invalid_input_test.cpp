// SPDX-License-Identifier: Apache-2.0
// The invalid-input corpus through the real binary (tests/invalid/README.md): every case of
// tests/invalid/<kind>/ and every bad config of tests/configs/invalid/ must end with its exit code,
// print its expected error lines (file, location, value, expectation), print no library text,
// and leave the --out folder exactly as it was (entries and contents, no staging folder).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "text_lines.hpp"

namespace adasim {
namespace {
namespace fs = std::filesystem;

const fs::path kSource = ADASIM_SOURCE_DIR;

struct Case {
  std::string id;                 ///< "<kind>/<name>"
  std::vector<std::string> args;  ///< after "adasim", placeholders substituted later
  int exit_code = 2;
  std::vector<std::string> errors;  ///< each a substring of stderr
};

// gtest prints a failing parameter: its id, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.id; }

/// Splits on blanks; '...' groups a word with blanks (no escapes inside).
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : s) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

Case parse_case(const fs::path& file, const std::string& kind) {
  Case c;
  c.id = kind + "/" + file.stem().string();
  const std::string dir = "tests/invalid/" + kind;
  for (const std::string& line : test::content_lines(file)) {
    const size_t colon = line.find(':');
    const std::string key = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value = replace_all(value, "{dir}", dir);
    if (key == "args")
      c.args = words(value);
    else if (key == "exit")
      c.exit_code = std::stoi(value);
    else if (key == "error")
      c.errors.push_back(value);
    else
      ADD_FAILURE() << file << ": unknown line '" << line << "'";
  }
  return c;
}

/// The bad configs of tests/configs/invalid/ as `adasim run --arch FILE [--set ...]` cases.
std::vector<Case> config_cases() {
  std::vector<Case> out;
  const fs::path dir = kSource / "tests" / "configs" / "invalid";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    Case c;
    const std::string stem = e.path().stem().string();
    c.id = "config/" + stem;
    c.args = {"run", "--arch", "tests/configs/invalid/" + stem + ".json"};
    if (fs::exists(dir / (stem + ".set")))
      for (const std::string& s : test::content_lines(dir / (stem + ".set")))
        c.args.insert(c.args.end(), {"--set", s});
    c.errors = test::content_lines(dir / (stem + ".expect"));
    out.push_back(c);
  }
  return out;
}

std::vector<Case> all_cases() {
  std::vector<Case> out = config_cases();
  const fs::path root = kSource / "tests" / "invalid";
  for (const auto& kind : fs::directory_iterator(root)) {
    if (!kind.is_directory()) continue;
    for (const auto& e : fs::directory_iterator(kind.path()))
      if (e.path().extension() == ".case")
        out.push_back(parse_case(e.path(), kind.path().filename().string()));
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.id < b.id; });
  return out;
}

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    out[fs::relative(e.path(), dir).string()] =
        e.is_directory() ? std::string("<dir>") : test::slurp(e.path());
  return out;
}

std::string shell_quote(const std::string& s) { return "'" + replace_all(s, "'", "'\\''") + "'"; }

class InvalidInput : public ::testing::TestWithParam<Case> {};

TEST_P(InvalidInput, ExitsWithItsCodeAndMessageAndLeavesOutAlone) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.args.empty()) << c.id << " has no args";
  ASSERT_FALSE(c.errors.empty()) << c.id << " expects no error text";
  std::string tag = c.id;
  std::replace(tag.begin(), tag.end(), '/', '_');
  const fs::path work = fs::path(test::temp_out("invalid_" + tag));
  const fs::path out = work / "out";
  fs::create_directories(out);
  std::ofstream(out / "report.json") << "{\"an earlier run\": true}\n";
  const auto before = snapshot(work);

  std::string cmd;
  bool has_out = false;
  for (const std::string& a : c.args) {
    has_out = has_out || a == "--out";
    cmd += " " + shell_quote(replace_all(a, "{out}", out.string()));
  }
  if (c.args[0] == "run" && !has_out) cmd += " --out " + shell_quote(out.string());
  const test::CliResult r = test::run_adasim(cmd, tag);

  EXPECT_EQ(r.exit_code, c.exit_code) << c.id << "\nstderr:\n" << r.err;
  for (const std::string& want : c.errors)
    EXPECT_NE(r.err.find(want), std::string::npos)
        << c.id << ": missing\n  " << want << "\nstderr:\n"
        << r.err;
  for (const char* bad : {"[json.exception", "std::", "basic_string", "what()", "terminate"})
    EXPECT_EQ(r.err.find(bad), std::string::npos) << c.id << ": library text\n" << r.err;
  if (c.exit_code == 2) {  // every line is a rendered issue
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);)
      EXPECT_EQ(line.rfind("error: ", 0), 0u) << c.id << ": stray line '" << line << "'";
  }
  EXPECT_EQ(snapshot(work), before) << c.id << ": the output folder changed";
  fs::remove_all(work);
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s = info.param.id;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidInput, ::testing::ValuesIn(all_cases()), case_name);

TEST(InvalidInputCorpus, CoversEveryInputKindWithAtLeastAHundredCases) {
  std::map<std::string, size_t> per_kind;
  for (const Case& c : all_cases()) ++per_kind[c.id.substr(0, c.id.find('/'))];
  EXPECT_GE(all_cases().size(), 100u);
  for (const char* kind :
       {"config", "set", "graph", "onnx", "csv", "tensor", "cli", "cfg", "sweep", "calib"})
    EXPECT_GE(per_kind[kind], 5u) << kind;
}

}  // namespace
}  // namespace adasim
