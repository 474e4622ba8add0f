// SPDX-License-Identifier: Apache-2.0
// Runs every bad config in tests/configs/invalid/ (one test per file): loading must throw
// ConfigError, each line of NN_name.expect must appear in one reported issue, and every reported
// issue must be matched by some line (so no spurious or cascading errors). NN_name.set holds
// --set override lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"
#include "text_lines.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() { return fs::path(ADASIM_TEST_DIR) / "configs" / "invalid"; }

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  if (!fs::is_directory(corpus_dir())) return out;
  for (const auto& e : fs::directory_iterator(corpus_dir()))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class InvalidConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidConfig, ReportsEveryExpectedIssueAndNothingElse) {
  const fs::path json = corpus_dir() / (GetParam() + ".json");
  const fs::path expect = corpus_dir() / (GetParam() + ".expect");
  const fs::path set = corpus_dir() / (GetParam() + ".set");
  ASSERT_TRUE(fs::exists(expect)) << "missing " << expect;
  const std::vector<std::string> expected = test::content_lines(expect);
  ASSERT_FALSE(expected.empty()) << expect << " has no expected lines";
  const std::vector<std::string> overrides =
      fs::exists(set) ? test::content_lines(set) : std::vector<std::string>{};

  try {
    load_arch_config(json.string(), overrides);
    FAIL() << json << " loaded without error";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    std::vector<bool> matched(e.issues().size(), false);
    for (const std::string& line : expected) {
      bool found = false;
      for (size_t i = 0; i < e.issues().size(); ++i) {
        if (e.issues()[i].render().find(line) == std::string::npos) continue;
        matched[i] = found = true;
      }
      EXPECT_TRUE(found) << "expected line not reported:\n  " << line << "\nerror was:\n" << what;
    }
    for (size_t i = 0; i < matched.size(); ++i)
      EXPECT_TRUE(matched[i]) << "unexpected extra issue: " << e.issues()[i].render();
    // Every issue names the file it came from.
    for (const auto& issue : e.issues()) EXPECT_EQ(issue.file, json.string());
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidConfig, ::testing::ValuesIn(case_names()), test_name);

TEST(InvalidConfigCorpus, HasAtLeastTwentyCasesEachWithExpectations) {
  const auto names = case_names();
  EXPECT_GE(names.size(), 20u);
  for (const auto& n : names) EXPECT_TRUE(fs::exists(corpus_dir() / (n + ".expect"))) << n;
}

}  // namespace
}  // namespace adasim::sim
