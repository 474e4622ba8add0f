// SPDX-License-Identifier: Apache-2.0
// Named implementations of a swappable part (a NoC, a DVFS policy, a layer engine, ...), each
// with its parameters declared once. One table drives the config parser's validation, the
// `adasim list` dump, the generated key reference and the JSON Schema, so documentation and
// defaults cannot drift from the code (the SST ELI caveat). Registration is explicit: each block
// exposes a `register_<block>(...)` function called from one place, so there is no static-init
// order problem and no hidden global state: a Registry is an ordinary object its owner builds.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/param_doc.hpp"

namespace adasim::sim {

/// One kind of swappable part as `adasim list` shows it.
struct ComponentKind {
  std::string kind;         ///< "noc", "dvfs", ...
  std::string summary;      ///< one line
  std::string selected_by;  ///< config key(s) naming the implementation
  std::vector<ComponentDoc> implementations;
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

  /// `kind` names the interface ("noc"); `summary` says in one line what it is; `selected_by`
  /// names the config key(s) that pick an implementation ("noc.type").
  explicit Registry(std::string kind, std::string summary = "", std::string selected_by = "")
      : kind_(std::move(kind)),
        summary_(std::move(summary)),
        selected_by_(std::move(selected_by)) {}

  const std::string& kind() const { return kind_; }
  const std::string& summary() const { return summary_; }
  const std::string& selected_by() const { return selected_by_; }

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
  ComponentKind describe() const { return ComponentKind{kind_, summary_, selected_by_, docs()}; }

 private:
  std::string kind_, summary_, selected_by_;
  std::vector<Entry> entries_;
};

}  // namespace adasim::sim
