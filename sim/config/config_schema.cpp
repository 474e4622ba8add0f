// SPDX-License-Identifier: Apache-2.0
// configs/adasim.schema.json from the key tables: JSON Schema draft-07 (what VS Code and
// python3-jsonschema both read in full). Cross-field rules (a dataflow of the array family, bank
// multiples, the nominal point in the table, ...) stay in the parser; the schema checks each key.
#include <limits>

#include "sim/config/config_keys.hpp"
#include "sim/config/config_reference.hpp"

namespace adasim::sim {
namespace {

using nlohmann::json;

json numeric_bounds(const ParamDoc& p, json s) {
  if (p.min) s[p.min_exclusive ? "exclusiveMinimum" : "minimum"] = *p.min;
  if (p.max) s[p.max_exclusive ? "exclusiveMaximum" : "maximum"] = *p.max;
  return s;
}

json int_schema(const ParamDoc& p) {
  json s{{"type", "integer"}};
  if (!p.max) s["maximum"] = std::numeric_limits<int32_t>::max();
  if (p.min) s[p.min_exclusive ? "exclusiveMinimum" : "minimum"] = int64_t(*p.min);
  if (p.max) s[p.max_exclusive ? "exclusiveMaximum" : "maximum"] = int64_t(*p.max);
  if (!p.int_choices.empty()) s["enum"] = p.int_choices;
  if (p.step > 0) s["multipleOf"] = p.step;
  if (p.power_of_two) {
    json powers = json::array();
    for (int64_t v = 1; v <= s["maximum"].get<int64_t>(); v *= 2)
      if (!p.min || v >= *p.min) powers.push_back(v);
    s["enum"] = powers;
  }
  return s;
}

json string_schema(const ParamDoc& p) {
  json s{{"type", "string"}};
  if (p.non_empty) s["minLength"] = 1;
  if (!p.pattern.empty()) s["pattern"] = "^(" + p.pattern + ")$";
  if (!p.reserved.empty()) s["not"] = json{{"enum", p.reserved}};
  return s;
}

json schema_of(const ParamDoc& p);

// A parameter of an implementation may appear only when a selector names that implementation
// (or, absent, defaults to it; a selector with a derived default may name any). A parameter
// several implementations declare is allowed with any of them.
json variant_rules(const ParamDoc& p) {
  json rules = json::array();
  for (const ComponentDoc& v : p.variants) {
    json forbidden = json::array();
    for (const ParamDoc& f : v.params) {
      bool shared = false;
      for (const ComponentDoc& o : p.variants)
        for (const ParamDoc& g : o.params)
          shared = shared || (o.name != v.name && g.name == f.name);
      if (!shared) forbidden.push_back({{"required", {f.name}}});
    }
    if (forbidden.empty()) continue;
    json named_by = json::array();
    for (const std::string& sel : p.selectors) {
      named_by.push_back({{"properties", {{sel, {{"const", v.name}}}}}, {"required", {sel}}});
      const ParamDoc& sd = p.at(sel);
      if (sd.presence == Presence::kDerived || sd.dflt == json(v.name))
        named_by.push_back({{"not", {{"required", {sel}}}}});
    }
    rules.push_back(
        {{"if", {{"not", {{"anyOf", named_by}}}}}, {"then", {{"not", {{"anyOf", forbidden}}}}}});
  }
  return rules;
}

json object_schema(const ParamDoc& p) {
  json s{{"type", "object"}};
  if (p.open_keys) {
    s["additionalProperties"] = schema_of(p.items.at(0));
    if (!p.key_choices.empty()) s["propertyNames"] = json{{"enum", p.key_choices}};
    return s;
  }
  json props = json::object(), required = json::array();
  for (const ParamDoc& f : p.fields) {
    props[f.name] = schema_of(f);
    if (f.required()) required.push_back(f.name);
  }
  for (const ComponentDoc& v : p.variants)
    for (const ParamDoc& f : v.params) props[f.name] = schema_of(f);
  s["properties"] = props;
  if (!required.empty()) s["required"] = required;
  s["additionalProperties"] = false;
  const json rules = variant_rules(p);
  if (!rules.empty()) s["allOf"] = rules;
  return s;
}

json schema_of(const ParamDoc& p) {
  json s;
  switch (p.type) {
    case ParamType::kInt:
      s = int_schema(p);
      break;
    case ParamType::kNumber:
      s = numeric_bounds(p, json{{"type", "number"}});
      if (p.num_step > 0) s["multipleOf"] = p.num_step;
      break;
    case ParamType::kBool:
      s = json{{"type", "boolean"}};
      break;
    case ParamType::kString:
      s = string_schema(p);
      break;
    case ParamType::kEnum:
      s = json{{"type", "string"}, {"enum", p.choices}};
      break;
    case ParamType::kArray:
      s = json{{"type", "array"}, {"items", schema_of(p.items.at(0))}};
      if (p.min_items > 0) s["minItems"] = p.min_items;
      if (p.max_items > 0) s["maxItems"] = p.max_items;
      if (p.unique_items) s["uniqueItems"] = true;
      break;
    case ParamType::kObject:
      s = object_schema(p);
      break;
  }
  std::string description = p.doc;
  if (!p.unit.empty()) description += " [" + p.unit + "]";
  if (p.presence != Presence::kAuto && !p.default_text.empty())
    description += (description.empty() ? "default: " : "; default: ") + p.default_text;
  if (!description.empty()) s["description"] = description;
  if (p.presence == Presence::kAuto && !p.dflt.is_null()) s["default"] = p.dflt;
  return s;
}

}  // namespace

json config_json_schema(const ParamDoc& keys) {
  json s = schema_of(keys);
  json out{
      {"$schema", "http://json-schema.org/draft-07/schema#"},
      {"title", "adasim architecture config, schema_version " + std::to_string(kArchSchemaVersion)},
      {"description",
       "Generated by `adasim list --schema` from the key tables; do not edit by hand. Checks "
       "every key; cross-field rules are checked by `adasim validate`."}};
  out.update(s);
  return out;
}

}  // namespace adasim::sim
