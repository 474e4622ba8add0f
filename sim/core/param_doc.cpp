// SPDX-License-Identifier: Apache-2.0
// ParamDoc: expectation texts, value checks and the table builders.
#include "sim/core/param_doc.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <regex>
#include <sstream>

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

std::string int_text(double v) { return std::to_string(static_cast<long long>(v)); }

std::string bound_text(double v, bool integer) { return integer ? int_text(v) : number_text(v); }

// " in [1, 1024]", " > 0", " >= 0", " in (0, 2]" ("" without bounds).
std::string range_text(const ParamDoc& p, bool integer) {
  if (p.min && p.max)
    return std::string(" in ") + (p.min_exclusive ? "(" : "[") + bound_text(*p.min, integer) +
           ", " + bound_text(*p.max, integer) + (p.max_exclusive ? ")" : "]");
  if (p.min) return (p.min_exclusive ? " > " : " >= ") + bound_text(*p.min, integer);
  if (p.max) return (p.max_exclusive ? " < " : " <= ") + bound_text(*p.max, integer);
  return "";
}

std::string quoted(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out;
}

bool in_range(const ParamDoc& p, double v) {
  if (p.min && (p.min_exclusive ? !(v > *p.min) : !(v >= *p.min))) return false;
  if (p.max && (p.max_exclusive ? !(v < *p.max) : !(v <= *p.max))) return false;
  return true;
}

bool accepts_int(const ParamDoc& p, const nlohmann::json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(kInt32Max)) return false;
  const int64_t i = v.get<int64_t>();
  if (!p.max && i > kInt32Max) return false;
  if (!in_range(p, double(i))) return false;
  if (!p.int_choices.empty() &&
      std::find(p.int_choices.begin(), p.int_choices.end(), i) == p.int_choices.end())
    return false;
  if (p.step > 0 && i % p.step != 0) return false;
  if (p.power_of_two && (i <= 0 || (i & (i - 1)) != 0)) return false;
  return true;
}

bool accepts_number(const ParamDoc& p, const nlohmann::json& v) {
  if (!v.is_number() || !std::isfinite(v.get<double>()) || !in_range(p, v.get<double>()))
    return false;
  if (p.num_step <= 0) return true;
  const double q = v.get<double>() / p.num_step;
  return std::fabs(q - std::round(q)) < 1e-6;
}

bool accepts_string(const ParamDoc& p, const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (p.non_empty && s.empty()) return false;
  if (!p.pattern.empty() && !std::regex_match(s, std::regex(p.pattern))) return false;
  return std::find(p.reserved.begin(), p.reserved.end(), s) == p.reserved.end();
}

std::string int_expectation(const ParamDoc& p) {
  if (!p.int_choices.empty()) {
    std::string out = "one of ";
    for (size_t i = 0; i < p.int_choices.size(); ++i)
      out += (i ? ", " : "") + std::to_string(p.int_choices[i]);
    return out;
  }
  if (p.power_of_two) return "power of two" + range_text(p, true);
  if (p.step > 0) {
    const std::string head = "multiple of " + std::to_string(p.step);
    return p.max ? head + range_text(p, true) : head + "," + range_text(p, true);
  }
  return "integer" + range_text(p, true);
}

std::string string_expectation(const ParamDoc& p) {
  if (!p.pattern_text.empty())
    return p.reserved.empty() ? p.pattern_text
                              : p.pattern_text + " other than " + quoted(p.reserved);
  return p.non_empty ? "non-empty string" : "string";
}

// A copy of `d` changed by `f` (the fluent setters).
template <class D, class F>
D modified(const D& d, F&& f) {
  D p = d;
  f(p);
  return p;
}

}  // namespace

std::string number_text(double v) {
  std::ostringstream os;
  os.precision(15);
  os << v;
  return os.str();
}

const char* to_string(ParamType t) {
  static constexpr const char* kNames[] = {"integer", "number", "boolean", "string",
                                           "enum",    "array",  "object"};  // enum order
  const auto i = size_t(t);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string unit_slip_hint(double v, const std::string& unit, double lo, double hi,
                           double typical) {
  if (!(v > 0) || !(typical > 0)) return "";
  int best_k = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (int k = -4; k <= 4; ++k) {
    const double candidate = v * std::pow(1000.0, k);
    if (k == 0 || candidate < lo || candidate > hi) continue;
    const double distance = std::fabs(std::log(candidate / typical));
    if (distance > std::log(100.0)) continue;  // not near a typical value: no guess
    if (distance < best_distance) best_k = k, best_distance = distance;
  }
  if (best_k == 0) return "";
  const std::string u = unit.empty() || unit == "1" ? "" : " " + unit;
  return "; did you mean " + number_text(v * std::pow(1000.0, best_k)) + u + "? (" +
         number_text(v) + " is 1e" + std::to_string(3 * std::abs(best_k)) + " times too " +
         (best_k < 0 ? "large" : "small") + ": a unit slip?)";
}

std::string ParamDoc::expectation() const {
  if (!expect_text.empty()) return expect_text;
  // Numbers name their unit after the range: "number in [0.001, 100000] GB/s".
  const std::string u = unit.empty() || unit == "1" ? "" : " " + unit;
  switch (type) {
    case ParamType::kInt:
      return int_expectation(*this) + u;
    case ParamType::kNumber:
      return "number" + range_text(*this, false) + u;
    case ParamType::kBool:
      return "true or false";
    case ParamType::kString:
      return string_expectation(*this);
    case ParamType::kEnum:
      return "one of " + quoted(choices);
    case ParamType::kArray:
      return "array";
    case ParamType::kObject:
      return "object";
  }
  return "?";
}

std::string ParamDoc::expectation_for(const nlohmann::json& v) const {
  std::string out = expectation();
  if (type == ParamType::kNumber && typical && min && max && v.is_number())
    out += unit_slip_hint(v.get<double>(), unit, *min, *max, *typical);
  return out;
}

bool ParamDoc::accepts(const nlohmann::json& v) const {
  switch (type) {
    case ParamType::kInt:
      return accepts_int(*this, v);
    case ParamType::kNumber:
      return accepts_number(*this, v);
    case ParamType::kBool:
      return v.is_boolean();
    case ParamType::kString:
      return accepts_string(*this, v);
    case ParamType::kEnum:
      return v.is_string() &&
             std::find(choices.begin(), choices.end(), v.get<std::string>()) != choices.end();
    case ParamType::kArray:
      return v.is_array() && v.size() >= min_items && (max_items == 0 || v.size() <= max_items);
    case ParamType::kObject:
      return v.is_object();
  }
  return false;
}

const ParamDoc* ParamDoc::field(const std::string& key) const {
  for (const ParamDoc& f : fields)
    if (f.name == key) return &f;
  return nullptr;
}

const ParamDoc& ParamDoc::at(const std::string& key) const {
  if (const ParamDoc* f = field(key)) return *f;
  throw ModelError("config key table '" + name + "' has no key '" + key + "'");
}

const ComponentDoc* ParamDoc::variant(const std::string& n) const {
  for (const ComponentDoc& v : variants)
    if (v.name == n) return &v;
  return nullptr;
}

std::vector<std::string> ParamDoc::all_keys() const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& k) {
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  };
  for (const ParamDoc& f : fields) add(f.name);
  for (const ComponentDoc& v : variants)
    for (const ParamDoc& p : v.params) add(p.name);
  return out;
}

std::string ParamDoc::default_label() const {
  if (presence != Presence::kAuto) return default_text;
  if (dflt.is_null()) return "required";
  return "`" + dflt.dump() + "`";
}

ParamDoc ParamDoc::with_default(nlohmann::json v) const {
  return modified(*this, [&](ParamDoc& p) { p.dflt = std::move(v); });
}

ParamDoc ParamDoc::derived(std::string how) const {
  return modified(*this, [&](ParamDoc& p) {
    p.presence = Presence::kDerived;
    p.default_text = std::move(how);
  });
}

ParamDoc ParamDoc::when_absent(std::string what) const {
  return modified(*this, [&](ParamDoc& p) {
    p.presence = Presence::kOptional;
    p.default_text = std::move(what);
  });
}

ParamDoc ParamDoc::in_unit(std::string u) const {
  return modified(*this, [&](ParamDoc& p) { p.unit = std::move(u); });
}

ParamDoc ParamDoc::described(std::string d) const {
  return modified(*this, [&](ParamDoc& p) { p.doc = std::move(d); });
}

ParamDoc ParamDoc::expecting(std::string text) const {
  return modified(*this, [&](ParamDoc& p) { p.expect_text = std::move(text); });
}

namespace param {
namespace {

template <class D>
D typed(std::string name, ParamType t) {
  D p;
  p.name = std::move(name);
  p.type = t;
  return p;
}

}  // namespace

IntDoc IntDoc::in(int64_t lo, int64_t hi) const {
  return modified(*this, [&](IntDoc& p) {
    p.min = double(lo);
    p.max = double(hi);
  });
}

IntDoc IntDoc::at_least(int64_t lo) const {
  return modified(*this, [&](IntDoc& p) { p.min = double(lo); });
}

IntDoc IntDoc::one_of(std::vector<int64_t> allowed) const {
  return modified(*this, [&](IntDoc& p) { p.int_choices = std::move(allowed); });
}

IntDoc IntDoc::multiple_of(int64_t m) const {
  return modified(*this, [&](IntDoc& p) { p.step = m; });
}

IntDoc IntDoc::pow2() const {
  return modified(*this, [&](IntDoc& p) { p.power_of_two = true; });
}

NumberDoc NumberDoc::above(double lo) const {
  return modified(*this, [&](NumberDoc& p) {
    p.min = lo;
    p.min_exclusive = true;
  });
}

NumberDoc NumberDoc::at_least(double lo) const {
  return modified(*this, [&](NumberDoc& p) { p.min = lo; });
}

NumberDoc NumberDoc::in(double lo, double hi) const {
  return modified(*this, [&](NumberDoc& p) {
    p.min = lo;
    p.max = hi;
  });
}

NumberDoc NumberDoc::open_closed(double lo, double hi) const {
  NumberDoc p = in(lo, hi);
  p.min_exclusive = true;
  return p;
}

NumberDoc NumberDoc::multiple_of(double step) const {
  return modified(*this, [&](NumberDoc& p) { p.num_step = step; });
}

NumberDoc NumberDoc::typically(double v) const {
  return modified(*this, [&](NumberDoc& p) { p.typical = v; });
}

StringDoc StringDoc::not_empty() const {
  return modified(*this, [&](StringDoc& p) { p.non_empty = true; });
}

StringDoc StringDoc::matching(std::string re, std::string text) const {
  return modified(*this, [&](StringDoc& p) {
    p.pattern = std::move(re);
    p.pattern_text = std::move(text);
  });
}

StringDoc StringDoc::except(std::vector<std::string> values) const {
  return modified(*this, [&](StringDoc& p) { p.reserved = std::move(values); });
}

IntDoc integer(std::string name) { return typed<IntDoc>(std::move(name), ParamType::kInt); }

NumberDoc number(std::string name) { return typed<NumberDoc>(std::move(name), ParamType::kNumber); }

ParamDoc boolean(std::string name) { return typed<ParamDoc>(std::move(name), ParamType::kBool); }

StringDoc string(std::string name) { return typed<StringDoc>(std::move(name), ParamType::kString); }

ParamDoc frequency_mhz(std::string name) {
  return number(std::move(name)).in(1e-3, 1e4).typically(1000.0).in_unit("MHz");
}

ParamDoc voltage_v(std::string name) {
  return number(std::move(name)).in(0.1, 2.0).typically(0.9).in_unit("V");
}

StringDoc identifier(std::string name) {
  return string(std::move(name)).matching("[a-z][a-z0-9_]*", "identifier [a-z][a-z0-9_]*");
}

ParamDoc choice(std::string name, std::vector<std::string> choices) {
  ParamDoc p = typed<ParamDoc>(std::move(name), ParamType::kEnum);
  p.choices = std::move(choices);
  return p;
}

ParamDoc array_of(std::string name, ParamDoc item) {
  ParamDoc p = typed<ParamDoc>(std::move(name), ParamType::kArray);
  p.items.push_back(std::move(item));
  return p;
}

ParamDoc object(std::string name, std::vector<ParamDoc> fields) {
  ParamDoc p = typed<ParamDoc>(std::move(name), ParamType::kObject);
  p.fields = std::move(fields);
  return p;
}

ParamDoc map_of(std::string name, ParamDoc value, std::vector<std::string> keys) {
  ParamDoc p = object(std::move(name), {});
  p.open_keys = true;
  p.items.push_back(std::move(value));
  p.key_choices = std::move(keys);
  return p;
}

}  // namespace param
}  // namespace adasim::sim
