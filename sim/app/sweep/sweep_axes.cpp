// SPDX-License-Identifier: Apache-2.0
// The "axes" part of the sweep spec: names, keys, value generators, groups (zipped axes) and
// conditions, and the check of every key against the base config (sweep_spec.hpp).
#include <algorithm>
#include <map>

#include "sim/app/sweep/axis_values.hpp"
#include "sim/app/sweep/results_table.hpp"
#include "sim/app/sweep/sweep_spec.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/config/overrides.hpp"

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

std::vector<std::string> axis_keys(ParamReader& a) {
  const bool one = a.has("key"), many = a.has("keys");
  if (one == many) {
    a.issue(a.pointer(), one ? "both \"key\" and \"keys\"" : "neither \"key\" nor \"keys\"",
            "\"key\": \"dotted.config.key\" or \"keys\": [...] (keys set to the same value)");
    return {};
  }
  if (one) {
    std::string k;
    if (!decode(a.node()["key"], k) || k.empty()) {
      a.issue(a.ptr("key"), render(a.node()["key"]), "a dotted config key, e.g. \"pe_array.rows\"");
      return {};
    }
    return {k};
  }
  const json& arr = a.node()["keys"];
  std::vector<std::string> out;
  if (!arr.is_array() || arr.empty()) {
    a.issue(a.ptr("keys"), render(arr), "a non-empty array of dotted config keys");
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string k;
    if (!decode(arr[i], k) || k.empty() || std::count(out.begin(), out.end(), k))
      a.issue(pointer_append(a.ptr("keys"), std::to_string(i)), render(arr[i]),
              "a dotted config key not listed before");
    else
      out.push_back(k);
  }
  return out;
}

void check_unique_values(ParamReader& a, const std::vector<json>& values) {
  if (!a.has("values")) return;
  for (size_t l = 1; l < values.size(); ++l)
    if (std::find(values.begin(), values.begin() + long(l), values[l]) != values.begin() + long(l))
      a.issue(pointer_append(a.ptr("values"), std::to_string(l)), render(values[l]),
              "a value not listed before");
}

/// name -> every value the axes of that name can take (conditional axes may share a name).
using ValueIndex = std::map<std::string, std::vector<json>>;

void parse_when(ParamReader& a, const ValueIndex& earlier, Axis& axis) {
  if (!a.has("when")) return;
  const json& w = a.node()["when"];
  if (!w.is_object() || w.empty()) {
    a.issue(a.ptr("when"), render(w), "an object: earlier axis name -> value or array of values");
    return;
  }
  for (const auto& item : w.items()) {
    const std::string at = pointer_append(a.ptr("when"), item.key());
    const auto it = earlier.find(item.key());
    if (it == earlier.end()) {
      std::vector<std::string> names;
      for (const auto& [n, v] : earlier) names.push_back(n);
      a.issue(at, "\"" + item.key() + "\"",
              "the name of an earlier axis" +
                  (names.empty() ? std::string(" (there is none)") : ": " + quoted_list(names)));
      continue;
    }
    std::vector<json> accepted;
    if (item.value().is_array())
      accepted.assign(item.value().begin(), item.value().end());
    else
      accepted.push_back(item.value());
    for (const json& v : accepted)
      if (std::find(it->second.begin(), it->second.end(), v) == it->second.end())
        a.issue(at, render(v),
                "a value of axis \"" + item.key() + "\": " + render(json(it->second)));
    axis.when.emplace_back(item.key(), std::move(accepted));
  }
}

void check_groups(ParamReader& root, const SweepSpec& out) {
  std::map<std::string, const Axis*> first;
  for (const Axis& a : out.axes) {
    if (a.conditional() || a.group.empty()) continue;
    const auto [it, fresh] = first.emplace(a.group, &a);
    if (!fresh && it->second->values.size() != a.values.size())
      root.issue(a.pointer, std::to_string(a.values.size()) + " values",
                 std::to_string(it->second->values.size()) + " values, as axis \"" +
                     it->second->name + "\" of the same zipped group");
  }
}

}  // namespace

void parse_axes(ParamReader& root, SweepSpec& out) {
  if (!root.has("axes")) {
    root.node()["axes"] = json::array();
    return;
  }
  const json& arr = root.node()["axes"];
  if (!arr.is_array()) {
    root.issue(root.ptr("axes"), render(arr), "an array of axis objects");
    return;
  }
  const bool zip = root.node().value("combine", "product") == "zip";
  ValueIndex names;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ptr = pointer_append(root.ptr("axes"), std::to_string(i));
    if (!arr[i].is_object()) {
      root.issue(ptr, render(arr[i]), "an axis object {\"key\": ..., \"values\": [...]}");
      continue;
    }
    ParamReader a(root.node()["axes"][i], ptr, root.file(), root.issues());
    a.reject_unknown(spec_keys("axis"));
    Axis axis;
    axis.pointer = ptr;
    axis.keys = axis_keys(a);
    if (!a.has("name") && axis.keys.size() > 1)
      a.issue(a.ptr("name"), kMissingValue,
              "a \"name\" (the CSV column) for an axis with \"keys\"");
    const std::string dflt = axis.keys.empty() ? "axis" + std::to_string(i) : axis.keys.front();
    if (auto n = a.get_or<std::string>("name", dflt, non_empty_string())) axis.name = *n;
    if (is_reserved_column(axis.name))
      a.issue(a.ptr("name"), render(axis.name),
              "a column name results.csv does not use already (give the axis a \"name\")");
    axis.values = expand_axis_values(a);
    axis.listed = a.has("values");
    check_unique_values(a, axis.values);
    if (auto g =
            a.has("group") ? a.required<std::string>("group", non_empty_string()) : std::nullopt)
      axis.group = *g;
    if (zip && a.has("group"))
      a.issue(a.ptr("group"), render(a.node()["group"]),
              "no \"group\" with \"combine\": \"zip\" (every axis is zipped already)");
    parse_when(a, names, axis);
    if (axis.conditional() && a.has("group"))
      a.issue(a.ptr("group"), render(a.node()["group"]), "no \"group\" on a conditional axis");
    if (zip && !axis.conditional()) axis.group = "zip";
    for (const Axis& prev : out.axes)
      if (prev.name == axis.name &&
          !(prev.conditional() && axis.conditional() && prev.keys == axis.keys))
        a.issue(a.ptr("name"), render(axis.name),
                "an axis name not used before (only conditional axes setting the same keys may "
                "share a name)");
    auto& vals = names[axis.name];
    for (const json& v : axis.values)
      if (std::find(vals.begin(), vals.end(), v) == vals.end()) vals.push_back(v);
    out.axes.push_back(std::move(axis));
  }
  check_groups(root, out);
}

void check_axis_keys(const SweepSpec& spec, std::vector<InputIssue>& issues) {
  json base = read_json_file(spec.arch);
  for (size_t i = 0; i < spec.set.size(); ++i) {
    std::vector<InputIssue> found;
    apply_overrides(base, {spec.set[i]}, spec.arch, found);
    for (const InputIssue& f : found)
      issues.push_back({spec.file, "/set/" + std::to_string(i), f.value, f.expected});
  }
  for (const Axis& axis : spec.axes)
    for (size_t k = 0; k < axis.keys.size() && !axis.values.empty(); ++k) {
      json trial = base;
      std::vector<InputIssue> found;
      apply_overrides(trial, {axis.keys[k] + "=" + axis.values.front().dump()}, spec.arch, found);
      const std::string where =
          axis.pointer + (axis.keys.size() == 1 ? "/key" : "/keys/" + std::to_string(k));
      for (const InputIssue& f : found) issues.push_back({spec.file, where, f.value, f.expected});
      if (!found.empty()) continue;
      // Every value must be one the key accepts (its declared type and range): a value out of
      // range is a spec error, not a column of invalid points found one run at a time.
      const ParamDoc* doc = declared_key(base, axis.keys[k]);
      if (!doc || doc->type == ParamType::kArray || doc->type == ParamType::kObject) continue;
      for (size_t v = 0; v < axis.values.size(); ++v)
        if (!doc->accepts(axis.values[v]))
          issues.push_back(
              {spec.file,
               axis.listed ? axis.pointer + "/values/" + std::to_string(v) : axis.pointer,
               render(axis.values[v]) + " for " + axis.keys[k],
               doc->expectation_for(axis.values[v])});
    }
}

}  // namespace adasim::sim::sweep
