// SPDX-License-Identifier: Apache-2.0
#include "sim/core/registry.hpp"

#include <cmath>
#include <sstream>

namespace adasim::sim {
namespace {

std::string number_text(double v, bool integer) {
  if (integer || (std::floor(v) == v && std::fabs(v) < 1e15)) {
    std::ostringstream os;
    os << static_cast<long long>(v);
    return os.str();
  }
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string range_text(const ParamDoc& p, bool integer) {
  if (p.min && p.max)
    return " in [" + number_text(*p.min, integer) + ", " + number_text(*p.max, integer) + "]";
  if (p.min) return " >= " + number_text(*p.min, integer);
  if (p.max) return " <= " + number_text(*p.max, integer);
  return "";
}

}  // namespace

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::kInt: return "integer";
    case ParamType::kNumber: return "number";
    case ParamType::kBool: return "boolean";
    case ParamType::kString: return "string";
    case ParamType::kEnum: return "enum";
    case ParamType::kArray: return "array";
    case ParamType::kObject: return "object";
  }
  return "?";
}

std::string ParamDoc::expectation() const {
  switch (type) {
    case ParamType::kInt: return "integer" + range_text(*this, true);
    case ParamType::kNumber: return "number" + range_text(*this, false);
    case ParamType::kEnum: {
      std::string out = "one of ";
      for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", \"" : "\"") + choices[i] + "\"";
      return out;
    }
    default: return to_string(type);
  }
}

}  // namespace adasim::sim
