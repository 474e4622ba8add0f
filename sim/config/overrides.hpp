// SPDX-License-Identifier: Apache-2.0
// --set overrides: "dotted.path=value" edits applied to a config's JSON before validation. Paths
// follow the key tables (a key they do not declare is an error; array indices must exist).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/errors.hpp"
#include "sim/core/param_doc.hpp"

namespace adasim::sim {

/// The value part of an override: JSON if it parses ("16", "true", "[\"ws\"]"), else the raw text
/// as a string ("os"). A number beyond double range or too deep a nesting is a ConfigError.
nlohmann::json parse_override_value(const std::string& text);

/// The declaration (key tables) of the key an override of `dotted_path` would set in `config`, or
/// nullptr if such an override would fail (unknown key, missing index, ...).
const ParamDoc* declared_key(const nlohmann::json& config, const std::string& dotted_path);

/// Applies each override in order to `config`. An override that cannot be applied leaves `config`
/// untouched and adds an issue whose `where` is "--set <path>".
void apply_overrides(nlohmann::json& config, const std::vector<std::string>& overrides,
                     const std::string& file, std::vector<InputIssue>& issues);

}  // namespace adasim::sim
