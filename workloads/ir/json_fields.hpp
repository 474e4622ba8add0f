// SPDX-License-Identifier: Apache-2.0
// Typed, issue-collecting readers for JSON objects (used by the graph loader): each getter checks
// type and range, and records an InputIssue (file, JSON pointer, value, expectation) on failure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/errors.hpp"

namespace adasim::workloads {

/// Collects InputIssues for one input file and offers typed field getters.
class JsonIssues {
 public:
  explicit JsonIssues(std::string file) : file_(std::move(file)) {}

  void add(const std::string& where, const std::string& value, const std::string& expected);
  bool empty() const { return issues_.empty(); }
  /// Throws sim::ConfigError with every issue collected so far (if any).
  void throw_if_any() const;
  const std::string& file() const { return file_; }

  /// Reports every key of obj that is not in allowed (with a "did you mean" hint).
  void check_keys(const nlohmann::json& obj, const std::string& ptr,
                  std::initializer_list<const char*> allowed);
  /// obj must be an object; otherwise an issue is recorded and false returned.
  bool require_object(const nlohmann::json& obj, const std::string& ptr);

  // Getters: nullopt when missing (issue only if required) or invalid (issue always).
  std::optional<std::string> get_string(const nlohmann::json& obj, const std::string& ptr,
                                        const char* key, bool required);
  std::optional<int64_t> get_int(const nlohmann::json& obj, const std::string& ptr,
                                 const char* key, bool required, int64_t lo, int64_t hi);
  std::optional<double> get_positive_number(const nlohmann::json& obj, const std::string& ptr,
                                            const char* key, bool required);
  std::optional<bool> get_bool(const nlohmann::json& obj, const std::string& ptr, const char* key,
                               bool required);
  /// Integer array with a size in allowed_sizes (empty = any size >= 1), elements in [lo, hi].
  std::optional<std::vector<int64_t>> get_int_array(const nlohmann::json& obj,
                                                    const std::string& ptr, const char* key,
                                                    bool required,
                                                    std::vector<size_t> allowed_sizes,
                                                    int64_t lo, int64_t hi = INT64_MAX);
  /// Array of non-empty strings (size in [min_size, max_size]).
  std::optional<std::vector<std::string>> get_string_array(const nlohmann::json& obj,
                                                           const std::string& ptr,
                                                           const char* key, bool required,
                                                           size_t min_size, size_t max_size);

 private:
  std::string file_;
  std::vector<sim::InputIssue> issues_;
};

/// "[1,64,56,56]" rendering of a shape (same as the JSON dump).
std::string render_shape(const std::vector<int64_t>& shape);
/// JSON pointer of obj[key] under ptr (escapes '~' and '/').
std::string child_ptr(const std::string& ptr, const std::string& key);
std::string child_ptr(const std::string& ptr, size_t index);

}  // namespace adasim::workloads
