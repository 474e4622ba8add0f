// SPDX-License-Identifier: Apache-2.0
// ParamValues: the validated parameters of one selected implementation (a NoC, a DVFS policy, a
// DRAM model, ...), typed but not JSON, so an implementation reads its own parameters without the
// spec growing a field per implementation. Filled by the config parser from the implementation's
// ParamDoc table (defaults included).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace adasim::sim {

class ParamValues;
/// An array-of-objects parameter (e.g. a DVFS schedule): one ParamValues per element, each with
/// the element's declared scalar fields that were given.
using ParamRecords = std::vector<ParamValues>;
using ParamValue = std::variant<int64_t, double, bool, std::string, ParamRecords>;

class ParamValues {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  bool empty() const { return values_.empty(); }
  const std::map<std::string, ParamValue>& all() const { return values_; }

  /// The value of `name` as the declared type; a missing name or another type is a ModelError
  /// (the parser fills every declared parameter, so this is a bug).
  int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;  ///< also accepts an integer value
  bool boolean(const std::string& name) const;
  const std::string& string(const std::string& name) const;
  const ParamRecords& records(const std::string& name) const;

  bool operator==(const ParamValues& o) const { return values_ == o.values_; }
  bool operator!=(const ParamValues& o) const { return !(*this == o); }

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
};

}  // namespace adasim::sim
