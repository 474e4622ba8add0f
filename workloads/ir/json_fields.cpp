// SPDX-License-Identifier: Apache-2.0
// Issue-collecting typed JSON field readers (see json_fields.hpp).
#include "workloads/ir/json_fields.hpp"

#include <algorithm>

#include "sim/core/suggest.hpp"

namespace adasim::workloads {
namespace {
using nlohmann::json;


std::string range_text(int64_t lo, int64_t hi) {
  if (hi == INT64_MAX) return "integer >= " + std::to_string(lo);
  return "integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

std::string sizes_text(const std::vector<size_t>& sizes) {
  if (sizes.empty()) return "a non-empty array";
  std::string out = "an array of ";
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i) out += " or ";
    out += std::to_string(sizes[i]);
  }
  return out;
}

constexpr const char* kMissing = "nothing (key missing)";
}  // namespace

std::string render_shape(const std::vector<int64_t>& shape) { return json(shape).dump(); }

std::string child_ptr(const std::string& ptr, const std::string& key) {
  std::string esc;
  for (char c : key) {
    if (c == '~') esc += "~0";
    else if (c == '/') esc += "~1";
    else esc += c;
  }
  return ptr + "/" + esc;
}

std::string child_ptr(const std::string& ptr, size_t index) {
  return ptr + "/" + std::to_string(index);
}

void JsonIssues::add(const std::string& where, const std::string& value,
                     const std::string& expected) {
  issues_.push_back(sim::InputIssue{file_, where, value, expected});
}

void JsonIssues::throw_if_any() const {
  if (!issues_.empty()) throw sim::ConfigError(issues_);
}

bool JsonIssues::require_object(const json& obj, const std::string& ptr) {
  if (obj.is_object()) return true;
  add(ptr.empty() ? "/" : ptr, obj.dump(), "a JSON object");
  return false;
}

void JsonIssues::check_keys(const json& obj, const std::string& ptr,
                            std::initializer_list<const char*> allowed) {
  if (!obj.is_object()) return;
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();
    bool ok = false;
    std::string list;
    std::vector<std::string> names;
    for (const char* a : allowed) {
      if (key == a) ok = true;
      names.emplace_back(a);
      if (!list.empty()) list += ", ";
      list += a;
    }
    if (ok) continue;
    std::string expected = "one of the keys {" + list + "}";
    if (auto best = sim::did_you_mean(key, names)) expected += " (did you mean \"" + *best + "\"?)";
    add(child_ptr(ptr, key), json(key).dump() + " (unknown key)", expected);
  }
}

std::optional<std::string> JsonIssues::get_string(const json& obj, const std::string& ptr,
                                                  const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(child_ptr(ptr, key), kMissing, "a non-empty string");
    return std::nullopt;
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    add(child_ptr(ptr, key), it->dump(), "a non-empty string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<int64_t> JsonIssues::get_int(const json& obj, const std::string& ptr,
                                           const char* key, bool required, int64_t lo,
                                           int64_t hi) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(child_ptr(ptr, key), kMissing, range_text(lo, hi));
    return std::nullopt;
  }
  const bool fits = it->is_number_integer() &&
                    !(it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX));
  if (!fits || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
    add(child_ptr(ptr, key), it->dump(), range_text(lo, hi));
    return std::nullopt;
  }
  return it->get<int64_t>();
}

std::optional<double> JsonIssues::get_positive_number(const json& obj, const std::string& ptr,
                                                      const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(child_ptr(ptr, key), kMissing, "a number > 0");
    return std::nullopt;
  }
  if (!it->is_number() || !(it->get<double>() > 0.0)) {
    add(child_ptr(ptr, key), it->dump(), "a number > 0");
    return std::nullopt;
  }
  return it->get<double>();
}

std::optional<bool> JsonIssues::get_bool(const json& obj, const std::string& ptr,
                                         const char* key, bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(child_ptr(ptr, key), kMissing, "true or false");
    return std::nullopt;
  }
  if (!it->is_boolean()) {
    add(child_ptr(ptr, key), it->dump(), "true or false");
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<std::vector<int64_t>> JsonIssues::get_int_array(
    const json& obj, const std::string& ptr, const char* key, bool required,
    std::vector<size_t> allowed_sizes, int64_t lo, int64_t hi) {
  const std::string p = child_ptr(ptr, key);
  const std::string expected = sizes_text(allowed_sizes) + " of " + range_text(lo, hi) + "s";
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(p, kMissing, expected);
    return std::nullopt;
  }
  const bool size_ok =
      it->is_array() && !it->empty() &&
      (allowed_sizes.empty() || std::find(allowed_sizes.begin(), allowed_sizes.end(),
                                          it->size()) != allowed_sizes.end());
  if (!size_ok) {
    add(p, it->dump(), expected);
    return std::nullopt;
  }
  std::vector<int64_t> out;
  bool ok = true;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    const bool fits = e.is_number_integer() &&
                      !(e.is_number_unsigned() && e.get<uint64_t>() > uint64_t(INT64_MAX));
    if (!fits || e.get<int64_t>() < lo || e.get<int64_t>() > hi) {
      add(child_ptr(p, i), e.dump(), range_text(lo, hi));
      ok = false;
      continue;
    }
    out.push_back(e.get<int64_t>());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> JsonIssues::get_string_array(
    const json& obj, const std::string& ptr, const char* key, bool required, size_t min_size,
    size_t max_size) {
  const std::string p = child_ptr(ptr, key);
  std::string expected = "an array of " + std::to_string(min_size);
  if (max_size != min_size) expected += ".." + std::to_string(max_size);
  expected += " tensor names";
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) add(p, kMissing, expected);
    return std::nullopt;
  }
  if (!it->is_array() || it->size() < min_size || it->size() > max_size) {
    add(p, it->dump(), expected);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_string() || e.get<std::string>().empty()) {
      add(child_ptr(p, i), e.dump(), "a non-empty string");
      ok = false;
      continue;
    }
    out.push_back(e.get<std::string>());
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace adasim::workloads
