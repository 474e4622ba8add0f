// SPDX-License-Identifier: Apache-2.0
// Named implementations of a swappable part (a NoC, a DVFS policy, a layer engine, ...), each
// with its parameters declared once. One table drives the config parser's validation, the
// `adasim list` dump, the generated key reference and the JSON Schema, so documentation and
// defaults cannot drift from the code (the SST ELI caveat). Registration is explicit: each block
// exposes a `register_<block>(...)` function called from one place, so there is no static-init
// order problem and no hidden global state: a Registry is an ordinary object its owner builds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/errors.hpp"

namespace adasim::sim {

/// The JSON type a parameter takes.
enum class ParamType { kInt, kNumber, kBool, kString, kEnum, kArray, kObject };
const char* to_string(ParamType t);

/// One documented parameter of a component (or of a fixed config section).
/// Contract: `name` is the key inside the component's config object; `dflt` is the value a
/// missing key resolves to (null = required); `min`/`max` bound numeric values (inclusive);
/// `choices` lists the accepted strings of an enum; `unit` is the suffix's unit in words
/// ("MHz", "bytes", "" for none); `doc` is one line.
struct ParamDoc {
  std::string name;
  ParamType type = ParamType::kNumber;
  std::string unit;
  nlohmann::json dflt;  ///< null: required
  std::optional<double> min, max;
  std::vector<std::string> choices;
  std::string doc;

  bool required() const { return dflt.is_null(); }
  /// "integer in [1, 1024]", "one of \"ws\", \"os\"", ... (what error messages say).
  std::string expectation() const;
};

/// What `adasim list` prints about one implementation.
struct ComponentDoc {
  std::string kind;         ///< the interface, e.g. "noc", "dvfs_policy", "engine"
  std::string name;         ///< the name configs use, e.g. "bus"
  std::string description;  ///< one line
  std::vector<ParamDoc> params;
};

/// Implementations of one interface, by name. `Factory` is the callable that builds one (its
/// signature is the interface's business, e.g. std::function<std::unique_ptr<INoc>(const NocSpec&)>).
template <class Factory>
class Registry {
 public:
  struct Entry {
    ComponentDoc doc;
    Factory make;
  };

  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  const std::string& kind() const { return kind_; }

  /// Adds an implementation; a second one with the same name is a ModelError (our bug).
  void add(std::string name, std::string description, std::vector<ParamDoc> params, Factory make) {
    if (find(name))
      throw ModelError("registry '" + kind_ + "': implementation '" + name + "' registered twice");
    entries_.push_back(Entry{ComponentDoc{kind_, std::move(name), std::move(description),
                                          std::move(params)},
                             std::move(make)});
  }

  /// The entry called `name`, or nullptr.
  const Entry* find(const std::string& name) const {
    for (const Entry& e : entries_)
      if (e.doc.name == name) return &e;
    return nullptr;
  }

  /// The entry called `name`; an unknown name is a ConfigError at `file`/`where` that lists
  /// the registered names.
  const Entry& at(const std::string& name, const std::string& file, const std::string& where) const {
    if (const Entry* e = find(name)) return *e;
    throw ConfigError(file, where, "\"" + name + "\"", "one of " + names_text());
  }

  /// Registered names in registration order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.push_back(e.doc.name);
    return out;
  }

  /// "\"a\", \"b\"" (for error messages).
  std::string names_text() const {
    std::string out;
    for (const Entry& e : entries_) out += (out.empty() ? "\"" : ", \"") + e.doc.name + "\"";
    return out;
  }

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<ComponentDoc> docs() const {
    std::vector<ComponentDoc> out;
    for (const Entry& e : entries_) out.push_back(e.doc);
    return out;
  }

 private:
  std::string kind_;
  std::vector<Entry> entries_;
};

}  // namespace adasim::sim
