// SPDX-License-Identifier: Apache-2.0
// --set overrides: "dotted.path=value" edits applied to a config's JSON before validation. Paths
// follow the schema key tree (a key the schema does not know is an error; array indices must exist).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/errors.hpp"

namespace adasim::sim {

/// The value part of an override: JSON if it parses ("16", "true", "[\"ws\"]"), else the raw text
/// as a string ("os"). A number beyond double range or too deep a nesting is a ConfigError.
nlohmann::json parse_override_value(const std::string& text);

/// Applies each override in order to `config`. An override that cannot be applied leaves `config`
/// untouched and adds an issue whose `where` is "--set <path>".
void apply_overrides(nlohmann::json& config, const std::vector<std::string>& overrides,
                     const std::string& file, std::vector<InputIssue>& issues);

}  // namespace adasim::sim
