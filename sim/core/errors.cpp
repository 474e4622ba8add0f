// SPDX-License-Identifier: Apache-2.0
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {
std::string join(const std::vector<InputIssue>& issues) {
  std::string out;
  for (size_t i = 0; i < issues.size(); ++i) {
    if (i) out += '\n';
    out += issues[i].render();
  }
  return out;
}
}  // namespace

std::string InputIssue::render() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  out += ": ";
  if (!where.empty()) out += where + ": ";  // empty: the problem concerns the file as a whole
  out += "expected " + expected + ", got " + value;
  return out;
}

ConfigError::ConfigError(std::vector<InputIssue> issues)
    : std::runtime_error(join(issues)), issues_(std::move(issues)) {}

ConfigError::ConfigError(std::string file, std::string where, std::string value,
                         std::string expected)
    : ConfigError(std::vector<InputIssue>{
          InputIssue{std::move(file), std::move(where), std::move(value), std::move(expected)}}) {}

ConfigError attribute_to(const ConfigError& e, const std::string& file) {
  std::vector<InputIssue> issues = e.issues();
  for (InputIssue& i : issues)
    if (i.file.empty()) i.file = file;
  return ConfigError(std::move(issues));
}

}  // namespace adasim::sim
