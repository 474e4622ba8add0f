// SPDX-License-Identifier: Apache-2.0
#include "sim/core/param_values.hpp"

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

[[noreturn]] void wrong_type(const std::string& name, const char* want) {
  throw ModelError("parameter '" + name + "' is not " + want);
}

}  // namespace

const ParamValue& ParamValues::at(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw ModelError("parameter '" + name + "' was not set");
  return it->second;
}

int64_t ParamValues::integer(const std::string& name) const {
  if (const auto* v = std::get_if<int64_t>(&at(name))) return *v;
  wrong_type(name, "an integer");
}

double ParamValues::number(const std::string& name) const {
  const ParamValue& v = at(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return double(*i);
  wrong_type(name, "a number");
}

bool ParamValues::boolean(const std::string& name) const {
  if (const auto* v = std::get_if<bool>(&at(name))) return *v;
  wrong_type(name, "a boolean");
}

const std::string& ParamValues::string(const std::string& name) const {
  if (const auto* v = std::get_if<std::string>(&at(name))) return *v;
  wrong_type(name, "a string");
}

const ParamRecords& ParamValues::records(const std::string& name) const {
  if (const auto* v = std::get_if<ParamRecords>(&at(name))) return *v;
  wrong_type(name, "an array of objects");
}

}  // namespace adasim::sim
