// SPDX-License-Identifier: Apache-2.0
// Error types. ConfigError = the user's input is wrong (exit code 2); ModelError = a simulator
// invariant broke (exit code 3, our bug). Library code throws; only main() turns them into exits.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace adasim::sim {

/// One problem found in a user input: the file, the JSON pointer (or "line N" for CSV), the bad
/// value as text, and what was expected.
struct InputIssue {
  std::string file;
  std::string where;     ///< JSON pointer like "/pe_array/rows", "line 7" for CSV inputs, "node 3
                         ///< 'conv1' (Conv)" for ONNX; empty when the file as a whole is at fault
                         ///< (missing, unreadable, not a protobuf message)
  std::string value;     ///< the offending value, rendered (JSON dump or raw text)
  std::string expected;  ///< what would have been accepted
  std::string render() const;
};

/// The user's input is invalid. Carries every issue found (collect all, then throw).
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<InputIssue> issues);
  ConfigError(std::string file, std::string where, std::string value, std::string expected);
  const std::vector<InputIssue>& issues() const { return issues_; }

 private:
  std::vector<InputIssue> issues_;
};

/// The same error with `file` filled in where an issue named none (e.g. a mapping failure found
/// after parsing, which concerns the architecture config).
ConfigError attribute_to(const ConfigError& e, const std::string& file);

/// A simulator invariant does not hold. Never the user's fault.
class ModelError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Exit codes used by the command-line front end.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitConfig = 2;
constexpr int kExitModel = 3;

}  // namespace adasim::sim
