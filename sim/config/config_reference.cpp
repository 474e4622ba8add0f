// SPDX-License-Identifier: Apache-2.0
// `adasim list` text and the markdown key reference, both walks over the key tables.
#include "sim/config/config_reference.hpp"

#include <cctype>
#include <sstream>

#include "arch/engine/layer_engine.hpp"
#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "sim/core/errors.hpp"
#include "workloads/mapper/spatial/spatial_dataflow.hpp"

namespace adasim::sim {
namespace {

// "array of one of \"ifmap\", \"weight\" (non-empty, unique)", "object", "integer in [1, 1024]".
std::string type_text(const ParamDoc& p) {
  if (p.type == ParamType::kArray) {
    std::string out =
        "array of " + (p.items.at(0).type == ParamType::kObject ? std::string("objects")
                                                                : type_text(p.items.at(0)));
    std::vector<std::string> notes;
    if (p.max_items > 0 && p.max_items == p.min_items)
      notes.push_back(std::to_string(p.min_items) + " elements");
    else if (p.min_items > 0)
      notes.push_back("non-empty");
    if (p.unique_items) notes.push_back("unique");
    for (size_t i = 0; i < notes.size(); ++i) out += (i ? ", " : " (") + notes[i];
    return notes.empty() ? out : out + ")";
  }
  if (p.type == ParamType::kObject && p.open_keys) {
    std::string keys = "name";
    for (size_t i = 0; i < p.key_choices.size(); ++i)
      keys = (i ? keys + ", " : std::string("")) + p.key_choices[i];
    return "object: " + keys + " -> " + type_text(p.items.at(0));
  }
  if (p.type == ParamType::kObject) return "object";
  if (p.type == ParamType::kEnum && !p.expect_text.empty()) {
    ParamDoc plain = p;  // the choices, not the cross-field wording of an error message
    plain.expect_text.clear();
    return plain.expectation();
  }
  ParamDoc no_unit = p;  // the unit has its own column
  no_unit.unit.clear();
  return no_unit.expectation();
}

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void md_table(std::ostringstream& os, const std::vector<ParamDoc>& params) {
  os << "| key | type | default | unit | meaning |\n|---|---|---|---|---|\n";
  for (const ParamDoc& p : params)
    os << "| `" << p.name << "` | " << md_cell(type_text(p)) << " | " << md_cell(p.default_label())
       << " | " << md_cell(p.unit) << " | " << md_cell(p.doc) << " |\n";
}

// Sections: every object (or array of objects) below `p`, depth first, as "### `path`" tables.
void md_section(std::ostringstream& os, const ParamDoc& p, const std::string& path) {
  const ParamDoc& obj = p.type == ParamType::kArray ? p.items.at(0) : p;
  if (obj.type != ParamType::kObject || obj.open_keys) return;
  os << "\n### " << (path.empty() ? std::string("top level") : "`" + path + "`") << "\n\n";
  if (!p.doc.empty() && !path.empty()) {
    std::string d = p.doc;
    d[0] = char(std::toupper(static_cast<unsigned char>(d[0])));
    os << md_cell(d) << ".\n\n";
  }
  md_table(os, obj.fields);
  for (const std::string& sel : obj.selectors) os << "\n`" << sel << "` selects:\n";
  for (const ComponentDoc& v : obj.variants) {
    os << "\n- `\"" << v.name << "\"`: " << v.description << ".";
    if (v.params.empty()) {
      os << " No parameters.\n";
      continue;
    }
    os << " Its parameters (keys of `" << path << "`):\n\n";
    md_table(os, v.params);
  }
  std::vector<const ParamDoc*> below;  // fields, then the variants' object parameters
  for (const ParamDoc& f : obj.fields) below.push_back(&f);
  for (const ComponentDoc& v : obj.variants)
    for (const ParamDoc& f : v.params) below.push_back(&f);
  for (const ParamDoc* f : below) {
    const std::string child = path.empty() ? f->name : path + "." + f->name;
    md_section(os, *f, f->type == ParamType::kArray ? child + "[]" : child);
  }
}

// "dataflow" names every kind ending in "_dataflow"; any other name one kind exactly.
bool kind_matches(const std::string& kind, const std::string& asked) {
  const std::string suffix = "_" + asked;
  return kind == asked || (kind.size() > suffix.size() &&
                           kind.compare(kind.size() - suffix.size(), suffix.size(), suffix) == 0);
}

std::string param_line(const ParamDoc& p, const std::string& indent) {
  std::string out = indent + p.name + ": " + type_text(p);
  std::string d;
  for (char c : p.default_label())
    if (c != '`') d += c;
  out += d == "required" ? ", required" : ", default " + d;
  if (!p.unit.empty()) out += " [" + p.unit + "]";
  out += "\n" + indent + "    " + p.doc + "\n";
  return out;
}

void list_kind(std::ostringstream& os, const ComponentKind& k) {
  os << k.kind << ": " << k.summary;
  if (!k.selected_by.empty()) os << " (selected by " << k.selected_by << ")";
  os << "\n";
  for (const ComponentDoc& c : k.implementations) {
    os << "  " << c.name << ": " << c.description << "\n";
    if (c.params.empty()) os << "    (no parameters)\n";
    for (const ParamDoc& p : c.params) {
      os << param_line(p, "    ");
      // The fields of an array-of-objects parameter (a DVFS schedule's entries).
      if (p.type == ParamType::kArray && p.items.at(0).type == ParamType::kObject)
        for (ParamDoc f : p.items.at(0).fields) {
          f.name = p.name + "[]." + f.name;
          os << param_line(f, "    ");
        }
    }
  }
}

void list_section(std::ostringstream& os, const ParamDoc& p, const std::string& path) {
  const ParamDoc& obj = p.type == ParamType::kArray ? p.items.at(0) : p;
  if (obj.type != ParamType::kObject || obj.open_keys) return;
  os << (path.empty() ? std::string("(top level)") : path) << "\n";
  for (const ParamDoc& f : obj.fields) os << param_line(f, "  ");
  if (!obj.selectors.empty()) {
    std::string sels;
    for (const std::string& sel : obj.selectors)
      sels += (sels.empty() ? "" : ", ") + path + "." + sel;
    os << "  + the parameters of the implementation(s) named by " << sels << " (adasim list)\n";
  }
  for (const ParamDoc& f : obj.fields) {
    const std::string child = path.empty() ? f.name : path + "." + f.name;
    list_section(os, f, f.type == ParamType::kArray ? child + "[]" : child);
  }
}

}  // namespace

std::vector<ComponentKind> component_kinds(const arch::Components& components) {
  // The registries of arch/components.hpp, then the layer engines and the mapper's dataflows
  // (the mapper is not visible from arch).
  std::vector<ComponentKind> out = components.kinds();
  out.push_back(arch::make_engine_registry().describe());
  out.push_back(arch::systolic_dataflows().describe());
  out.push_back(workloads::spatial::spatial_dataflows().describe());
  return out;
}

std::string list_components(const std::vector<ComponentKind>& kinds, const std::string& kind) {
  std::ostringstream os;
  bool found = kind.empty();
  for (const ComponentKind& k : kinds) {
    if (!kind.empty() && !kind_matches(k.kind, kind)) continue;
    if (found && kind.empty() && os.tellp() > 0) os << "\n";
    found = true;
    list_kind(os, k);
  }
  if (!found) {
    std::string names;
    for (const ComponentKind& k : kinds) names += "\"" + k.kind + "\", ";
    throw ConfigError("adasim list", "<kind>", "\"" + kind + "\"",
                      "one of " + names + "\"config\"");
  }
  return os.str();
}

std::string list_config_keys(const ParamDoc& keys) {
  std::ostringstream os;
  list_section(os, keys, "");
  return os.str();
}

std::string key_reference_markdown(const ParamDoc& keys) {
  std::ostringstream os;
  os << kReferenceBegin
     << "\n\nUnits are in the key's suffix. \"required\" means there is no "
        "default. Generated by `adasim list --markdown` from the key tables "
        "(`sim/config/config_keys*.cpp`) and the component registries (`adasim list`).\n";
  md_section(os, keys, "");
  os << "\n" << kReferenceEnd << "\n";
  return os.str();
}

}  // namespace adasim::sim
