// SPDX-License-Identifier: Apache-2.0
// Architecture-config front end: JSON file (+ --set overrides) -> validated, frozen AcceleratorSpec
// plus the resolved JSON (every default filled in). Keys: config_keys.hpp, configs/README.md. A
// SCALE-Sim v2 .cfg file is accepted too (sim/config/scalesim_cfg.hpp).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "arch/spec.hpp"
#include "sim/config/config_keys.hpp"

namespace adasim::sim {

struct LoadedConfig {
  arch::AcceleratorSpec spec;
  nlohmann::json resolved;  ///< the full config with every default filled in and overrides applied
  std::string file;         ///< path as given
};

/// Reads the file, applies overrides ("dotted.path=value", e.g. "pe_array.rows=16",
/// "memory.sram.0.size_kib=128", "pe_array.dataflow=os"; value parsed as JSON if it parses, else
/// as a string), validates, derives. Throws ConfigError listing every issue found.
LoadedConfig load_arch_config(const std::string& path,
                              const std::vector<std::string>& overrides = {});

/// Same as load_arch_config for JSON already in memory; `file_label` names it in errors.
LoadedConfig parse_arch_config(nlohmann::json j, const std::string& file_label,
                               const std::vector<std::string>& overrides = {});

/// Writes `resolved` (pretty, 2-space indent, keys sorted as nlohmann does) to path.
/// Throws ConfigError if the file cannot be written.
void write_resolved_config(const LoadedConfig& cfg, const std::string& path);

/// Stable text of `resolved` used for hashing: resolved.dump() (compact, sorted keys).
std::string canonical_text(const nlohmann::json& resolved);

/// Reads a JSON file; a missing/unreadable file or a syntax error is a ConfigError naming the
/// file (and "line L, column C" for syntax errors). Shared with other JSON inputs.
nlohmann::json read_json_file(const std::string& path);

}  // namespace adasim::sim
