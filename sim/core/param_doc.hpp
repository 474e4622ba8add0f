// SPDX-License-Identifier: Apache-2.0
// ParamDoc: the one declaration of a config key (name, type, unit, default, range or choices,
// one-line doc). Tables of ParamDocs describe the fixed config sections and the parameters of
// every registered implementation; the config parser derives its checks and defaults from them,
// and `adasim list`, the key reference of configs/README.md and configs/adasim.schema.json are
// generated from the same tables, so none of them can drift from the code.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adasim::sim {

/// The JSON type a parameter takes.
enum class ParamType { kInt, kNumber, kBool, kString, kEnum, kArray, kObject };
const char* to_string(ParamType t);

/// What a missing key resolves to.
enum class Presence {
  kAuto,      ///< required when `dflt` is null, else `dflt` (written into the resolved config)
  kDerived,   ///< a default computed from other keys (`default_text` says how), written back
  kOptional,  ///< absent stays absent in the resolved config (`default_text` says what it means)
};

struct ComponentDoc;

/// One documented parameter of a component or of a fixed config section.
/// Contract: `name` is the key inside its object; `dflt` is the value a missing key resolves to
/// (null = required, unless `presence` says otherwise); `min`/`max` bound numeric values
/// (inclusive unless `*_exclusive`; an integer without `max` is capped at INT32_MAX); `choices`
/// lists the accepted strings of an enum; `unit` is the unit in words ("MHz", "bytes", "" or "1"
/// for none; error messages name it after the range); `doc` is one line. The remaining fields
/// refine the check (and so the JSON Schema): whatever a field does not say is not checked by the
/// table but by the section's code.
struct ParamDoc {
  ParamDoc() = default;
  /// The eight core attributes, in declaration order (tables use the builders in `param`).
  ParamDoc(std::string name_, ParamType type_, std::string unit_, nlohmann::json dflt_,
           std::optional<double> min_, std::optional<double> max_,
           std::vector<std::string> choices_, std::string doc_)
      : name(std::move(name_)),
        type(type_),
        unit(std::move(unit_)),
        dflt(std::move(dflt_)),
        min(min_),
        max(max_),
        choices(std::move(choices_)),
        doc(std::move(doc_)) {}

  std::string name;
  ParamType type = ParamType::kNumber;
  std::string unit;
  nlohmann::json dflt;  ///< null: required (Presence::kAuto)
  std::optional<double> min, max;
  std::vector<std::string> choices;
  std::string doc;

  Presence presence = Presence::kAuto;
  std::string default_text;  ///< kDerived / kOptional: what a missing key means, in words
  bool min_exclusive = false, max_exclusive = false;
  std::vector<int64_t> int_choices;  ///< kInt: the accepted values (empty = any in range)
  int64_t step = 0;                  ///< kInt: values are multiples of this (0 = any)
  double num_step = 0;               ///< kNumber: values are multiples of this (0 = any)
  /// kNumber: a typical value in `unit`. A value outside the range that a factor 1000^k
  /// (k = -4..4, k != 0) brings into it within 100x of `typical` gets a unit-slip guess in the
  /// message (12.8e9 GB/s: "did you mean 12.8 GB/s?"); unset: no guess.
  std::optional<double> typical;
  bool power_of_two = false;          ///< kInt
  bool non_empty = false;             ///< kString
  std::string pattern;                ///< kString: ECMAScript regex the whole value must match
  std::string pattern_text;           ///< kString: how messages name the pattern
  std::vector<std::string> reserved;  ///< kString: values that are not allowed
  std::string expect_text;            ///< replaces the generated expectation (documented text)
  /// kArray: items.at(0) describes every element. kObject with `open_keys`: items.at(0)
  /// describes the value of every key.
  std::vector<ParamDoc> items;
  size_t min_items = 0;
  size_t max_items = 0;  ///< 0 = no limit
  bool unique_items = false;
  /// kObject: the fixed keys of the object.
  std::vector<ParamDoc> fields;
  bool open_keys = false;  ///< kObject: keys are free (names of layers, ...), values are items[0]
  std::vector<std::string> key_choices;  ///< open_keys: the keys allowed (empty = any)
  /// kObject: keys (fields of kEnum type) whose value names one of `variants`; the parameters of
  /// a variant are keys of this object too, accepted only when some selector names it.
  std::vector<std::string> selectors;
  std::vector<ComponentDoc> variants;

  bool required() const { return presence == Presence::kAuto && dflt.is_null(); }
  /// "integer in [1, 1024]", "one of \"ws\", \"os\"", ... (what error messages say).
  std::string expectation() const;
  /// expectation() for a rejected value `v`, with the unit-slip guess when `typical` allows one.
  std::string expectation_for(const nlohmann::json& v) const;
  /// Whether `v` has the declared type and meets every declared constraint (scalar types; for
  /// arrays and objects only the JSON type is checked here).
  bool accepts(const nlohmann::json& v) const;
  /// The field called `key`, or nullptr (kObject).
  const ParamDoc* field(const std::string& key) const;
  /// The field called `key`; a missing one is a ModelError (a bug in the caller).
  const ParamDoc& at(const std::string& key) const;
  /// The parameters of the variant called `name`, or nullptr.
  const ComponentDoc* variant(const std::string& name) const;
  /// Field names followed by every variant's parameter names (unique, in declaration order).
  std::vector<std::string> all_keys() const;
  /// What the reference prints as the default: "required", "`512`", or default_text.
  std::string default_label() const;

  // Fluent setters used by the tables (each returns a modified copy).
  ParamDoc with_default(nlohmann::json v) const;
  ParamDoc derived(std::string how) const;       ///< Presence::kDerived
  ParamDoc when_absent(std::string what) const;  ///< Presence::kOptional
  ParamDoc in_unit(std::string u) const;
  ParamDoc described(std::string d) const;
  ParamDoc expecting(std::string text) const;  ///< a documented custom expectation text
};

/// What `adasim list` prints about one implementation of a swappable part.
struct ComponentDoc {
  std::string kind;         ///< the interface, e.g. "noc", "dvfs", "engine"
  std::string name;         ///< the name configs use, e.g. "bus"
  std::string description;  ///< one line
  std::vector<ParamDoc> params;
};

/// Builders of table rows: `integer("rows").in(1, 1024).described("physical PE rows")`.
namespace param {

/// Integer parameters (min/max inclusive, INT32_MAX cap when no max is given).
struct IntDoc : ParamDoc {
  IntDoc in(int64_t lo, int64_t hi) const;
  IntDoc at_least(int64_t lo) const;
  IntDoc one_of(std::vector<int64_t> allowed) const;
  IntDoc multiple_of(int64_t m) const;
  IntDoc pow2() const;
};
struct NumberDoc : ParamDoc {
  NumberDoc above(double lo) const;                   ///< (lo, inf)
  NumberDoc at_least(double lo) const;                ///< [lo, inf)
  NumberDoc in(double lo, double hi) const;           ///< [lo, hi]
  NumberDoc open_closed(double lo, double hi) const;  ///< (lo, hi]
  NumberDoc multiple_of(double step) const;           ///< v / step whole (within 1e-6)
  NumberDoc typically(double v) const;                ///< `typical` (unit-slip guesses)
};
struct StringDoc : ParamDoc {
  StringDoc not_empty() const;
  /// Values matching the ECMAScript regex `re` (whole value), named `text` in messages.
  StringDoc matching(std::string re, std::string text) const;
  StringDoc except(std::vector<std::string> values) const;
};

IntDoc integer(std::string name);
NumberDoc number(std::string name);
ParamDoc boolean(std::string name);
StringDoc string(std::string name);
/// A clock frequency in MHz: [0.001, 10000] (1 kHz keeps the period a representable SystemC time),
/// typically 1000 (unit-slip guesses: 8e8, Hz for MHz, suggests 800).
ParamDoc frequency_mhz(std::string name);
/// A supply voltage in V: [0.1, 2], typically 0.9 (900, mV for V, suggests 0.9).
ParamDoc voltage_v(std::string name);
/// An identifier [a-z][a-z0-9_]* (level names, clock-domain names).
StringDoc identifier(std::string name);
ParamDoc choice(std::string name, std::vector<std::string> choices);
ParamDoc array_of(std::string name, ParamDoc item);
ParamDoc object(std::string name, std::vector<ParamDoc> fields);
/// An object whose keys are free (layer names, ...) and whose values are all `value`; with
/// `keys`, only those keys are allowed.
ParamDoc map_of(std::string name, ParamDoc value, std::vector<std::string> keys = {});

}  // namespace param

/// Shortest text that reads back as the same double ("0.9", "1e-05", "10000").
std::string number_text(double v);

/// The unit-slip guess for `v` rejected by the range [lo, hi] of a quantity in `unit` whose
/// typical value is `typical` ("; did you mean 12.8 GB/s? (...)"), or "" when no factor 1000^k
/// (k = -4..4) brings `v` into range within 100x of `typical`.
std::string unit_slip_hint(double v, const std::string& unit, double lo, double hi, double typical);

}  // namespace adasim::sim
