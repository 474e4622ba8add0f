// SPDX-License-Identifier: Apache-2.0
// Strict parsing of JSON user inputs (architecture configs, JSON graphs, --set values). Beyond
// nlohmann's syntax check it refuses what would otherwise be resolved silently or blow up later:
// a key given twice in one object, nesting deeper than kMaxJsonDepth (deep documents overflow the
// stack when copied or printed) and numbers beyond the range of a double (1e400). Every problem
// is a sim::ConfigError naming the file, the location and the bad text; no nlohmann exception
// text reaches the user.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"

namespace adasim::sim {

/// Deepest nesting of arrays and objects accepted (a config or graph needs fewer than 10).
inline constexpr size_t kMaxJsonDepth = 64;

/// Parses `text`; `file` names it in errors. Collects every duplicate key before throwing; a
/// syntax error, a number out of range or too deep a nesting stops at the first occurrence.
nlohmann::json parse_json_input(const std::string& text, const std::string& file);

/// Reads the file at `path` and parses it with parse_json_input. An unreadable file is a
/// ConfigError naming the path.
nlohmann::json read_json_input(const std::string& path);

/// Result of parsing a short JSON text that may also be meant as a bare string (--set values).
struct JsonValueParse {
  std::optional<nlohmann::json> value;  ///< the parsed value (empty if `text` is not JSON)
  std::optional<InputIssue> issue;      ///< set if `text` is JSON-like but unacceptable
};

/// Parses a --set value: valid JSON gives its value; a number out of double range or nesting
/// deeper than kMaxJsonDepth gives an issue (file and where left empty for the caller); any other
/// text is not JSON (the caller takes it as a string).
JsonValueParse parse_json_value(const std::string& text);

}  // namespace adasim::sim
