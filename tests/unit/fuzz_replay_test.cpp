// SPDX-License-Identifier: Apache-2.0
// Replays every reproducer the fuzz harnesses found (tests/fuzz/regressions/<harness>/) through
// the same target in the ordinary suite: each must now end in a clean ConfigError or be
// accepted; a finding aborts the test process (and trips ASan / UBSan in the sanitizer build).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.hpp"

namespace adasim::fuzz {
namespace {
namespace fs = std::filesystem;

struct Reproducer {
  std::string harness;
  fs::path file;
};

void PrintTo(const Reproducer& r, std::ostream* os) {
  *os << r.harness << "/" << r.file.filename();
}

std::vector<Reproducer> reproducers() {
  std::vector<Reproducer> out;
  const fs::path root = fs::path(ADASIM_SOURCE_DIR) / "tests" / "fuzz" / "regressions";
  for (const Target& t : targets()) {
    if (!fs::is_directory(root / t.harness)) continue;
    for (const auto& e : fs::directory_iterator(root / t.harness))
      out.push_back({t.harness, e.path()});
  }
  std::sort(out.begin(), out.end(),
            [](const Reproducer& a, const Reproducer& b) { return a.file < b.file; });
  return out;
}

class FuzzReplay : public ::testing::TestWithParam<Reproducer> {};

TEST_P(FuzzReplay, EndsInAConfigErrorOrIsAccepted) {
  const Reproducer& r = GetParam();
  std::ifstream in(r.file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const Target& t : targets())
    if (r.harness == t.harness)
      t.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());  // aborts on a finding
}

std::string name(const ::testing::TestParamInfo<Reproducer>& info) {
  std::string s = info.param.harness + "_" + info.param.file.filename().string();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Regressions, FuzzReplay, ::testing::ValuesIn(reproducers()), name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FuzzReplay);

}  // namespace
}  // namespace adasim::fuzz
