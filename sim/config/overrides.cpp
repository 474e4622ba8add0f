// SPDX-License-Identifier: Apache-2.0
// --set override walker: follows the key tables (config_keys.hpp), so an override can set any key
// they declare (present in the file or not) but never invent one.
#include "sim/config/overrides.hpp"

#include <algorithm>
#include <cctype>

#include "sim/config/config_keys.hpp"
#include "sim/config/param_reader.hpp"
#include "sim/core/json_input.hpp"

namespace adasim::sim {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string label(const std::string& ptr) { return ptr.empty() ? std::string("/") : ptr; }

struct Failure {
  std::string value;
  std::string expected;
};

// The declaration of key `seg` inside object `sch` (a field, a variant's parameter, or the value
// of an open map), or nullptr.
const ParamDoc* child_of(const ParamDoc& sch, const std::string& seg) {
  if (sch.open_keys)
    return sch.key_choices.empty() || std::find(sch.key_choices.begin(), sch.key_choices.end(),
                                                seg) != sch.key_choices.end()
               ? &sch.items.at(0)
               : nullptr;
  if (const ParamDoc* f = sch.field(seg)) return f;
  for (const ComponentDoc& v : sch.variants)
    for (const ParamDoc& p : v.params)
      if (p.name == seg) return &p;
  return nullptr;
}

// Walks `segs` through `config` guided by the key tables, setting the last one to `value`.
// Missing objects on the way are created (the tables know them); nothing is done on failure.
// `*landed` (when given) is set to the declaration of the key that was set.
std::optional<Failure> set_path(nlohmann::json& config, const std::vector<std::string>& segs,
                                const nlohmann::json& value, const ParamDoc** landed = nullptr) {
  nlohmann::json* cur = &config;
  const ParamDoc* sch = &config_keys();
  std::string ptr;  // JSON pointer of *cur, for messages
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& seg = segs[i];
    const bool last = i + 1 == segs.size();
    if (seg.empty())
      return Failure{"an empty path segment", "a path like pe_array.rows (no empty segments)"};
    if (sch->type == ParamType::kObject) {
      const ParamDoc* child = child_of(*sch, seg);
      if (!child) {
        std::vector<std::string> known = sch->open_keys ? sch->key_choices : sch->all_keys();
        std::sort(known.begin(), known.end());
        return Failure{"unknown key \"" + seg + "\"",
                       unknown_key_expectation(seg, label(ptr), known)};
      }
      if (cur->is_null()) *cur = nlohmann::json::object();
      if (!cur->is_object())
        return Failure{render(*cur), "an object at " + label(ptr) + " to set \"" + seg + "\" in"};
      if (last) {
        (*cur)[seg] = value;
        if (landed) *landed = child;
        return std::nullopt;
      }
      cur = &(*cur)[seg];
      sch = child;
      ptr = pointer_append(ptr, seg);
    } else if (sch->type == ParamType::kArray) {
      const size_t size = cur->is_array() ? cur->size() : 0;
      const std::string range = size == 0 ? "no elements exist" : "0.." + std::to_string(size - 1);
      if (!all_digits(seg) || std::stoul(seg) >= size)
        return Failure{"index \"" + seg + "\"",
                       "an existing element index of " + label(ptr) + " (" + range + ")"};
      const size_t idx = std::stoul(seg);
      if (last) {
        (*cur)[idx] = value;
        if (landed) *landed = &sch->items.at(0);
        return std::nullopt;
      }
      cur = &(*cur)[idx];
      sch = &sch->items.at(0);
      ptr = pointer_append(ptr, seg);
    } else {
      return Failure{"a path below " + label(ptr),
                     "no deeper path (" + label(ptr) + " holds a value)"};
    }
  }
  return Failure{"an empty path", "a path like pe_array.rows"};
}

}  // namespace

nlohmann::json parse_override_value(const std::string& text) {
  JsonValueParse v = parse_json_value(text);
  if (v.issue) throw ConfigError({*v.issue});
  return v.value ? std::move(*v.value) : nlohmann::json(text);
}

const ParamDoc* declared_key(const nlohmann::json& config, const std::string& dotted_path) {
  nlohmann::json trial = config;
  const ParamDoc* landed = nullptr;
  if (set_path(trial, split_path(dotted_path), nlohmann::json(), &landed)) return nullptr;
  return landed;
}

void apply_overrides(nlohmann::json& config, const std::vector<std::string>& overrides,
                     const std::string& file, std::vector<InputIssue>& issues) {
  for (const std::string& text : overrides) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      issues.push_back(InputIssue{file, "--set " + text, "\"" + text + "\"",
                                  "dotted.path=value, e.g. pe_array.rows=16"});
      continue;
    }
    const std::string path = text.substr(0, eq);
    nlohmann::json value;
    try {
      value = parse_override_value(text.substr(eq + 1));
    } catch (const ConfigError& e) {  // a number beyond double range, or too deep a nesting
      issues.push_back(
          InputIssue{file, "--set " + path, e.issues()[0].value, e.issues()[0].expected});
      continue;
    }
    nlohmann::json trial = config;
    if (auto fail = set_path(trial, split_path(path), value)) {
      issues.push_back(InputIssue{file, "--set " + path, fail->value, fail->expected});
      continue;
    }
    config = std::move(trial);
  }
}

}  // namespace adasim::sim
