// SPDX-License-Identifier: Apache-2.0
// ParamReader and the value rules used by the config parsers.
#include "sim/config/param_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "sim/config/config_keys.hpp"

namespace adasim::sim {

Rule<int64_t> int_in(int64_t lo, int64_t hi) {
  return rule_of<int64_t>(param::integer("").in(lo, hi));
}

Rule<int64_t> int_at_least(int64_t lo) { return rule_of<int64_t>(param::integer("").at_least(lo)); }

Rule<bool> any_bool() { return rule_of<bool>(param::boolean("")); }

Rule<std::string> non_empty_string() { return rule_of<std::string>(param::string("").not_empty()); }

std::string render(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr size_t kMax = 120;
  if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
  return s;
}

std::string pointer_append(const std::string& base, const std::string& token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return base + "/" + escaped;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out;
}

bool decode(const nlohmann::json& j, int64_t& out) {
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    out = j.get<int64_t>();
    return true;
  }
  if (j.is_number_unsigned()) {
    const auto u = j.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max())) return false;
    out = int64_t(u);
    return true;
  }
  return false;
}

bool decode(const nlohmann::json& j, double& out) {
  if (!j.is_number()) return false;
  out = j.get<double>();
  return std::isfinite(out);
}

bool decode(const nlohmann::json& j, bool& out) {
  if (!j.is_boolean()) return false;
  out = j.get<bool>();
  return true;
}

bool decode(const nlohmann::json& j, std::string& out) {
  if (!j.is_string()) return false;
  out = j.get<std::string>();
  return true;
}

ParamReader::ParamReader(nlohmann::json& node, std::string pointer, std::string file,
                         std::vector<InputIssue>& issues, const ParamDoc* schema)
    : node_(&node),
      pointer_(std::move(pointer)),
      file_(std::move(file)),
      issues_(&issues),
      schema_(schema) {}

const ParamDoc& ParamReader::schema() const {
  if (!schema_) throw ModelError("config reader at '" + pointer_ + "' has no key table");
  return *schema_;
}

const ParamDoc& ParamReader::doc(const std::string& key) const {
  const ParamDoc& s = schema();
  if (const ParamDoc* f = s.field(key)) return *f;
  for (const ComponentDoc& v : s.variants)
    for (const ParamDoc& p : v.params)
      if (p.name == key) return p;
  throw ModelError("config key table of '" + pointer_ + "' has no key '" + key + "'");
}

std::vector<std::string> ParamReader::selected_variants() const {
  const ParamDoc& s = schema();
  std::vector<std::string> out;
  for (const std::string& sel : s.selectors) {
    const nlohmann::json& v = has(sel) ? (*node_)[sel] : s.at(sel).dflt;
    if (!v.is_string() || !s.variant(v.get<std::string>())) continue;
    if (std::find(out.begin(), out.end(), v.get<std::string>()) == out.end())
      out.push_back(v.get<std::string>());
  }
  return out;
}

namespace {

// The scalar fields of object `r` declared by `doc` (kObject), into `out`.
void read_scalars(ParamReader& r, const std::vector<ParamDoc>& fields, ParamValues& out) {
  for (const ParamDoc& p : fields) {
    switch (p.type) {
      case ParamType::kInt:
        if (auto x = r.get<int64_t>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kNumber:
        if (auto x = r.get<double>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kBool:
        if (auto x = r.get<bool>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kString:
      case ParamType::kEnum:
        if (auto x = r.get<std::string>(p.name)) out.set(p.name, *x);
        break;
      default:
        throw ModelError("field '" + p.name + "' of '" + r.pointer() + "' is not a scalar");
    }
  }
}

}  // namespace

ParamRecords ParamReader::records(const std::string& key) {
  const ParamDoc& p = doc(key);
  ParamRecords out;
  if (!has(key)) return out;
  nlohmann::json& arr = (*node_)[key];
  if (!p.accepts(arr) || !arr.is_array()) {
    issue(ptr(key), render(arr), p.expectation());
    return out;
  }
  const ParamDoc& item = p.items.at(0);
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(ptr(key), std::to_string(i));
    if (!arr[i].is_object()) {
      issue(at, render(arr[i]), item.expectation());
      continue;
    }
    ParamReader el(arr[i], at, file_, *issues_, &item);
    el.reject_unknown();
    ParamValues rec;
    read_scalars(el, item.fields, rec);
    out.push_back(std::move(rec));
  }
  return out;
}

ParamValues ParamReader::variant_values(const std::string& variant) {
  ParamValues out;
  const ComponentDoc* v = schema().variant(variant);
  if (!v) return out;
  for (const ParamDoc& p : v->params) {
    switch (p.type) {
      case ParamType::kArray:
        if (!p.items.empty() && p.items[0].type == ParamType::kObject) {
          out.set(p.name, records(p.name));
          break;
        }
        throw ModelError("parameter '" + p.name + "' of '" + variant + "' is not a scalar");
      case ParamType::kInt:
        if (auto x = get<int64_t>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kNumber:
        if (auto x = get<double>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kBool:
        if (auto x = get<bool>(p.name)) out.set(p.name, *x);
        break;
      case ParamType::kString:
      case ParamType::kEnum:
        if (auto x = get<std::string>(p.name)) out.set(p.name, *x);
        break;
      default:
        throw ModelError("parameter '" + p.name + "' of '" + variant + "' is not a scalar");
    }
  }
  return out;
}

void ParamReader::reject_unknown() {
  const ParamDoc& s = schema();
  if (s.open_keys || !node_->is_object()) return;
  std::vector<std::string> known;
  for (const ParamDoc& f : s.fields) known.push_back(f.name);
  // A selector naming no variant is reported by its own check; then every variant's parameters
  // pass here (no cascade of unknown keys).
  bool all_valid = true;
  for (const std::string& sel : s.selectors)
    if (has(sel) && (!(*node_)[sel].is_string() || !s.variant((*node_)[sel].get<std::string>())))
      all_valid = false;
  const std::vector<std::string> selected = selected_variants();
  for (const ComponentDoc& v : s.variants) {
    if (all_valid && std::find(selected.begin(), selected.end(), v.name) == selected.end())
      continue;
    for (const ParamDoc& p : v.params) known.push_back(p.name);
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  for (const auto& item : node_->items()) {
    const std::string& key = item.key();
    if (std::binary_search(known.begin(), known.end(), key)) continue;
    std::string owner;  // a parameter of a variant nothing selects?
    for (const ComponentDoc& v : s.variants)
      for (const ParamDoc& p : v.params)
        if (p.name == key && owner.empty()) owner = v.name;
    if (owner.empty()) {
      issue(ptr(key), "unknown key \"" + key + "\"", unknown_key_expectation(key, pointer_, known));
      continue;
    }
    std::string sel;
    for (size_t i = 0; i < s.selectors.size(); ++i)
      sel += (i == 0 ? "" : (i + 1 == s.selectors.size() ? " or " : ", ")) + ptr(s.selectors[i]);
    issue(ptr(key), "\"" + key + "\", a parameter of \"" + owner + "\"",
          "a key of what " + sel + " selects (\"" + owner + "\" is not selected)");
  }
}

void ParamReader::issue(std::string where, std::string value, std::string expected) {
  issues_->push_back(
      InputIssue{file_, std::move(where), std::move(value), std::move(expected)});
}

std::optional<std::string> ParamReader::enum_of(const std::string& key,
                                                const std::vector<std::string>& allowed,
                                                const std::optional<std::string>& dflt) {
  Rule<std::string> rule{"one of " + quoted_list(allowed), [&allowed](const std::string& s) {
                           return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
                         }};
  if (dflt) return get_or<std::string>(key, *dflt, rule);
  return required<std::string>(key, rule);
}

void ParamReader::reject_unknown(const std::vector<std::string>& known) {
  if (!node_->is_object()) return;
  for (const auto& item : node_->items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    issue(ptr(item.key()), "unknown key \"" + item.key() + "\"",
          unknown_key_expectation(item.key(), pointer_, known));
  }
}

std::optional<ParamReader> ParamReader::section(const std::string& key) {
  return object(key, schema().at(key).required());
}

std::optional<ParamReader> ParamReader::object(const std::string& key, bool required) {
  if (!has(key)) {
    if (required) {
      issue(ptr(key), kMissingValue, "object");
      return std::nullopt;
    }
    (*node_)[key] = nlohmann::json::object();
  }
  nlohmann::json& child = (*node_)[key];
  if (!child.is_object()) {
    issue(ptr(key), render(child), "object");
    return std::nullopt;
  }
  const ParamDoc* child_schema = schema_ ? schema_->field(key) : nullptr;
  return ParamReader(child, ptr(key), file_, *issues_, child_schema);
}

}  // namespace adasim::sim
