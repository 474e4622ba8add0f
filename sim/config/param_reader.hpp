// SPDX-License-Identifier: Apache-2.0
// ParamReader: typed, validated access to one JSON object of a user config. Problems become
// InputIssues (pointer, value, expectation) collected in a shared list; missing optional keys get
// their default written back into the object, which is how the resolved config is built.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/errors.hpp"

namespace adasim::sim {

/// What a value must satisfy, and how to say so in an error ("integer in [1, 1024]").
template <class T>
struct Rule {
  std::string expected;
  std::function<bool(const T&)> ok;  ///< empty: any value of the JSON type is fine
  /// Optional: text added to `expected` for a value that breaks the rule (a unit-slip guess).
  std::function<std::string(const T&)> hint = {};
};

Rule<int64_t> int_in(int64_t lo, int64_t hi);
Rule<int64_t> int_at_least(int64_t lo);  ///< lo..INT32_MAX, said as "integer >= lo"
Rule<int64_t> int_one_of(const std::vector<int64_t>& allowed);
Rule<double> number_above(double lo);           ///< (lo, inf)
Rule<double> number_at_least(double lo);        ///< [lo, inf)
Rule<double> number_in_open_closed(double lo, double hi);  ///< (lo, hi]
/// A physical quantity: a number of `unit` in [lo, hi], said with its name and unit ("a DRAM
/// bandwidth in GB/s in [0.001, 100000]"; `unit` "" for a ratio). A value outside that a factor
/// of 1000^k (k = -4..4) would bring into range and within 100x of `typical` (the nearest such)
/// gets the guess: 12.8e9 GB/s suggests 12.8; 1e-15 GB/s, no plausible slip, gets none.
Rule<double> quantity(const std::string& what, const std::string& unit, double lo, double hi,
                      double typical);
/// The same for integers (no unit-slip guess: integer keys are counts and widths).
Rule<int64_t> int_quantity(const std::string& what, const std::string& unit, int64_t lo,
                           int64_t hi);
/// The unit-slip guess of quantity() for `v`, or "" (exposed for the override maps).
std::string unit_slip_hint(double v, const std::string& unit, double lo, double hi, double typical);
Rule<bool> any_bool();
Rule<std::string> non_empty_string();
Rule<std::string> identifier();  ///< [a-z][a-z0-9_]*

bool is_identifier(const std::string& s);
/// The value as compact JSON, shortened to about 120 characters.
std::string render(const nlohmann::json& v);
/// `base` + "/" + `token`, escaping '~' and '/' as JSON pointers require.
std::string pointer_append(const std::string& base, const std::string& token);
/// Quoted list: "\"ws\", \"os\", \"is\"".
std::string quoted_list(const std::vector<std::string>& items);

/// Value text used when a required key is absent.
inline constexpr const char* kMissingValue = "nothing (required key missing)";

// JSON -> C++ conversions that accept only the exact JSON type (no "32" for 32, no 32.5 for int).
bool decode(const nlohmann::json& j, int64_t& out);
bool decode(const nlohmann::json& j, double& out);
bool decode(const nlohmann::json& j, bool& out);
bool decode(const nlohmann::json& j, std::string& out);

class ParamReader {
 public:
  /// `node` is read and completed with defaults; `pointer` is its JSON pointer ("" = root).
  ParamReader(nlohmann::json& node, std::string pointer, std::string file,
              std::vector<InputIssue>& issues);

  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return file_; }
  nlohmann::json& node() { return *node_; }
  std::vector<InputIssue>& issues() { return *issues_; }
  bool has(const std::string& key) const { return node_->contains(key); }
  std::string ptr(const std::string& key) const { return pointer_append(pointer_, key); }

  /// Records an issue at `where` (a JSON pointer).
  void issue(std::string where, std::string value, std::string expected);

  /// The value of `key`, or nullopt with an issue if it is missing or breaks `rule`.
  template <class T>
  std::optional<T> required(const std::string& key, const Rule<T>& rule) {
    if (!has(key)) {
      issue(ptr(key), kMissingValue, rule.expected);
      return std::nullopt;
    }
    return check(key, rule);
  }

  /// The value of `key`; if absent, `dflt` (also written into the node). nullopt + issue if bad.
  template <class T>
  std::optional<T> get_or(const std::string& key, const T& dflt, const Rule<T>& rule) {
    if (!has(key)) {
      (*node_)[key] = dflt;
      return dflt;
    }
    return check(key, rule);
  }

  /// A string from `allowed`; `dflt` when absent (nullopt dflt = required).
  std::optional<std::string> enum_of(const std::string& key,
                                     const std::vector<std::string>& allowed,
                                     const std::optional<std::string>& dflt = std::nullopt);

  /// One issue per key of the node that is not in `known` (with a did-you-mean hint).
  void reject_unknown(const std::vector<std::string>& known);

  /// Reader for the sub-object `key`. Absent and optional: an empty object is created (so its
  /// defaults get filled). Absent and required, or not an object: issue and nullopt.
  std::optional<ParamReader> object(const std::string& key, bool required);

 private:
  template <class T>
  std::optional<T> check(const std::string& key, const Rule<T>& rule) {
    const nlohmann::json& v = (*node_)[key];
    T out{};
    if (!decode(v, out)) {
      issue(ptr(key), render(v), rule.expected);
      return std::nullopt;
    }
    if (rule.ok && !rule.ok(out)) {
      issue(ptr(key), render(v), rule.hint ? rule.expected + rule.hint(out) : rule.expected);
      return std::nullopt;
    }
    return out;
  }

  nlohmann::json* node_;
  std::string pointer_;
  std::string file_;
  std::vector<InputIssue>* issues_;
};

}  // namespace adasim::sim
