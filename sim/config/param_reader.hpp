// SPDX-License-Identifier: Apache-2.0
// ParamReader: typed, validated access to one JSON object of a user config. Each key's type,
// range and default come from its ParamDoc declaration (sim/config/config_keys.hpp); problems
// become InputIssues (pointer, value, expectation) collected in a shared list; missing optional
// keys get their default written back into the object, which is how the resolved config is built.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/param_doc.hpp"
#include "sim/core/param_values.hpp"

namespace adasim::sim {

/// What a value must satisfy, and how to say so in an error, for the few checks whose rule depends
/// on other keys (e.g. the dataflows of the array family); every other key's rule is its ParamDoc.
template <class T>
struct Rule {
  std::string expected;
  std::function<bool(const T&)> ok;  ///< empty: any value of the JSON type is fine
};

/// The value as compact JSON, shortened to about 120 characters.
std::string render(const nlohmann::json& v);
/// `base` + "/" + `token`, escaping '~' and '/' as JSON pointers require.
std::string pointer_append(const std::string& base, const std::string& token);
/// Quoted list: "\"ws\", \"os\", \"is\"".
std::string quoted_list(const std::vector<std::string>& items);

/// The rule a declaration implies (for readers of files without a key table, e.g. sweep specs).
template <class T>
Rule<T> rule_of(const ParamDoc& p) {
  return {p.expectation(), [p](const T& v) { return p.accepts(nlohmann::json(v)); }};
}
Rule<int64_t> int_in(int64_t lo, int64_t hi);  ///< "integer in [lo, hi]"
Rule<int64_t> int_at_least(int64_t lo);        ///< lo..INT32_MAX, said as "integer >= lo"
Rule<bool> any_bool();                         ///< "true or false"
Rule<std::string> non_empty_string();          ///< "non-empty string"

/// Value text used when a required key is absent.
inline constexpr const char* kMissingValue = "nothing (required key missing)";

// JSON -> C++ conversions that accept only the exact JSON type (no "32" for 32, no 32.5 for int).
bool decode(const nlohmann::json& j, int64_t& out);
bool decode(const nlohmann::json& j, double& out);
bool decode(const nlohmann::json& j, bool& out);
bool decode(const nlohmann::json& j, std::string& out);

class ParamReader {
 public:
  /// `node` is read and completed with defaults; `pointer` is its JSON pointer ("" = root);
  /// `schema` declares its keys (kObject; may be null for readers that only use explicit rules).
  ParamReader(nlohmann::json& node, std::string pointer, std::string file,
              std::vector<InputIssue>& issues, const ParamDoc* schema = nullptr);

  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return file_; }
  nlohmann::json& node() { return *node_; }
  std::vector<InputIssue>& issues() { return *issues_; }
  bool has(const std::string& key) const { return node_->contains(key); }
  std::string ptr(const std::string& key) const { return pointer_append(pointer_, key); }

  /// Records an issue at `where` (a JSON pointer).
  void issue(std::string where, std::string value, std::string expected);

  /// The declaration of this object (a ModelError if the reader has none).
  const ParamDoc& schema() const;
  /// The declaration of `key`: a field of this object, or a parameter of one of its variants.
  const ParamDoc& doc(const std::string& key) const;

  /// The value of `key` checked against its declaration. Absent: required -> issue; a default
  /// (or, for a derived default, `derived`) is written into the node and returned; an optional
  /// key stays absent (nullopt). A bad value -> issue and nullopt.
  template <class T>
  std::optional<T> get(const std::string& key, const std::optional<T>& derived = std::nullopt) {
    const ParamDoc& p = doc(key);
    if (!has(key)) return absent<T>(p, derived);
    const nlohmann::json& v = (*node_)[key];
    T out{};
    if (!decode(v, out) || !p.accepts(v)) {
      issue(ptr(key), render(v), p.expectation_for(v));
      return std::nullopt;
    }
    return out;
  }

  /// One issue per key the declaration does not know (fields, and the parameters of the
  /// variants the selectors name), with a did-you-mean hint.
  void reject_unknown();
  /// Variants named by this object's selector keys (valid names only, in selector order).
  std::vector<std::string> selected_variants() const;
  /// Reads every parameter of `variant` (with its defaults) into typed values.
  ParamValues variant_values(const std::string& variant);
  /// Reads array-of-objects key `key` (its items' scalar fields, each element checked against
  /// the item declaration and for unknown keys). Absent: empty.
  ParamRecords records(const std::string& key);

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
  /// defaults get filled). Absent and required, or not an object: issue and nullopt. The child
  /// reader gets the field's declaration when this reader has one.
  std::optional<ParamReader> object(const std::string& key, bool required);
  /// Same, with required-ness taken from the field's declaration.
  std::optional<ParamReader> section(const std::string& key);

 private:
  template <class T>
  std::optional<T> absent(const ParamDoc& p, const std::optional<T>& derived) {
    if (p.required()) {
      issue(ptr(p.name), kMissingValue, p.expectation());
      return std::nullopt;
    }
    T d{};
    if (p.presence == Presence::kOptional) return std::nullopt;
    if (p.presence == Presence::kDerived) {
      if (!derived) return std::nullopt;
      d = *derived;
    } else if (!decode(p.dflt, d)) {
      throw ModelError("the declared default of '" + p.name + "' does not have its type");
    }
    (*node_)[p.name] = d;
    return d;
  }

  template <class T>
  std::optional<T> check(const std::string& key, const Rule<T>& rule) {
    const nlohmann::json& v = (*node_)[key];
    T out{};
    if (!decode(v, out) || (rule.ok && !rule.ok(out))) {
      issue(ptr(key), render(v), rule.expected);
      return std::nullopt;
    }
    return out;
  }

  nlohmann::json* node_;
  std::string pointer_;
  std::string file_;
  std::vector<InputIssue>* issues_;
  const ParamDoc* schema_ = nullptr;
};

}  // namespace adasim::sim
