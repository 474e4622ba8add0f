// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim v2 `.cfg` files as architecture configs: each key SCALE-Sim reads is mapped onto
// adasim's mirror of SCALE-Sim (the design point of configs/scalesim.json), each other key is
// refused by name. Key table and reasons: docs/scalesim_conventions.md, section 6.
#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>

namespace adasim::sim {

/// True if `path` names a SCALE-Sim config (extension ".cfg", any case).
bool is_scalesim_cfg(const std::string& path);

/// The architecture config (schema_version 1 JSON, before defaults) that mirrors the SCALE-Sim
/// run `in` describes. Throws ConfigError listing every refused, missing or malformed key with
/// `file`, its line, its section and name, and what was expected.
nlohmann::json scalesim_cfg_to_arch(std::istream& in, const std::string& file);

/// Reads the file; a missing or unreadable file is a ConfigError naming it.
nlohmann::json read_scalesim_cfg(const std::string& path);

}  // namespace adasim::sim
