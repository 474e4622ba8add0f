// SPDX-License-Identifier: Apache-2.0
// Documentation generated from the key tables (config_keys.hpp) and the component registries
// (arch/components.hpp): the text of `adasim list` (like sst-info or gem5's parameter dump), the
// key reference section of configs/README.md and configs/adasim.schema.json. Nothing here is
// written by hand, so the documents cannot drift from what the parser accepts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/components.hpp"
#include "sim/core/param_doc.hpp"

namespace adasim::sim {

/// Every kind `adasim list` prints: the arch registries (components.kinds()), then the layer
/// engines and the systolic and spatial dataflows (the mapper's registries).
std::vector<ComponentKind> component_kinds(const arch::Components& components);

/// `adasim list` (kind empty: every kind) or `adasim list <kind>` (a kind, or the suffix after
/// its last '_': "dataflow" lists both dataflow kinds); an unknown kind is a ConfigError listing
/// the kinds (and "config").
std::string list_components(const std::vector<ComponentKind>& kinds, const std::string& kind);

/// `adasim list config`: every key of the fixed sections, section by section.
std::string list_config_keys(const ParamDoc& keys);

/// The key reference of configs/README.md (markdown, between the generated-section markers).
std::string key_reference_markdown(const ParamDoc& keys);

/// The markers that delimit the generated key reference in configs/README.md.
inline constexpr const char* kReferenceBegin =
    "<!-- BEGIN GENERATED KEY REFERENCE (adasim list --markdown; do not edit by hand) -->";
inline constexpr const char* kReferenceEnd = "<!-- END GENERATED KEY REFERENCE -->";

/// configs/adasim.schema.json: a JSON Schema (draft-07) of the architecture config, for editors
/// (VS Code's json.schemas) and independent checkers.
nlohmann::json config_json_schema(const ParamDoc& keys);

}  // namespace adasim::sim
