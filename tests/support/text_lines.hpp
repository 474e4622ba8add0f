// SPDX-License-Identifier: Apache-2.0
// Reads the line-oriented expectation files of the invalid-input corpora (tests/configs/invalid,
// tests/invalid): trailing blanks and carriage returns dropped, blank lines and '#' comments
// skipped.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace adasim::test {

inline std::vector<std::string> content_lines(const std::filesystem::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

}  // namespace adasim::test
