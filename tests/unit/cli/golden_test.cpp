// SPDX-License-Identifier: Apache-2.0
// Golden end-to-end runs: each case of tests/golden/cases.txt is run through the executable and
// compared with its reviewed expected_report.json (regenerated only by scripts/regen_goldens.sh).
// Cycles, MACs and access counts must match exactly; energies within 1e-9 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "cli_support.hpp"

namespace adasim {
namespace {

struct Case {
  std::string name, args;
};

std::vector<Case> load_cases() {
  std::ifstream in(std::string(ADASIM_TEST_DIR) + "/golden/cases.txt");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto bar = line.find('|');
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    cases.push_back({trim(line.substr(0, bar)), trim(line.substr(bar + 1))});
  }
  return cases;
}

// Walks two JSON documents; numbers compare exactly when integers, within rel_tol otherwise.
void compare(const nlohmann::json& got, const nlohmann::json& want, const std::string& path,
             int& mismatches) {
  if (mismatches > 20) return;
  if (want.is_object()) {
    ASSERT_TRUE(got.is_object()) << path;
    for (auto it = want.begin(); it != want.end(); ++it) {
      if (!got.contains(it.key())) {
        ++mismatches;
        ADD_FAILURE() << path << "/" << it.key() << " missing";
        continue;
      }
      compare(got[it.key()], it.value(), path + "/" + it.key(), mismatches);
    }
    for (auto it = got.begin(); it != got.end(); ++it)
      if (!want.contains(it.key())) {
        ++mismatches;
        ADD_FAILURE() << path << "/" << it.key() << " unexpected";
      }
  } else if (want.is_array()) {
    ASSERT_TRUE(got.is_array()) << path;
    ASSERT_EQ(got.size(), want.size()) << path;
    for (size_t i = 0; i < want.size(); ++i) compare(got[i], want[i], path + "/" + std::to_string(i), mismatches);
  } else if (want.is_number_float()) {
    const double g = got.get<double>(), w = want.get<double>();
    if (std::fabs(g - w) > 1e-9 * std::max(1.0, std::fabs(w))) {
      ++mismatches;
      ADD_FAILURE() << path << ": got " << g << ", golden " << w;
    }
  } else if (got != want) {
    ++mismatches;
    ADD_FAILURE() << path << ": got " << got.dump() << ", golden " << want.dump();
  }
}

TEST(Golden, EveryCaseMatchesItsReviewedReport) {
  const auto cases = load_cases();
  ASSERT_GE(cases.size(), 3u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string out = test::temp_out("golden_" + c.name);
    const auto r = test::run_adasim("run -q --out '" + out + "' " + c.args, "golden_" + c.name);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json got = test::read_json(out + "/report.json");
    nlohmann::json want = test::read_json(std::string(ADASIM_TEST_DIR) + "/golden/" + c.name + "/expected_report.json");
    // The version string is not part of the model's behaviour.
    got["adasim"].erase("version");
    want["adasim"].erase("version");
    int mismatches = 0;
    compare(got, want, "", mismatches);
    EXPECT_EQ(mismatches, 0) << "if the change is intended: scripts/regen_goldens.sh, then review the diff";
  }
}

}  // namespace
}  // namespace adasim
