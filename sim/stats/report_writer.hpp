// SPDX-License-Identifier: Apache-2.0
// Serializes a RunReport into report.json, report.csv and a short stdout table, and writes output
// files atomically (temp file + rename). Fixed keys are documented in docs/report_keys.md.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/stats/report.hpp"

namespace adasim::sim {

/// report.json content: {"adasim": metadata, "layers": [...], "total": {...}}. Keys are sorted
/// (nlohmann::json), so identical reports give identical dumps. Throws ModelError when report keys
/// cannot be nested (e.g. both "sram" and "sram.gbuf" in utilization, or an access key with no '.').
nlohmann::json report_to_json(const RunReport& r);

/// report_to_json(r).dump(2) plus a trailing newline: the exact bytes of report.json.
std::string report_json_text(const RunReport& r);

/// report.csv content: one row per layer, then a row named "total". Fixed columns first, then the
/// sorted union of the per-row dynamic columns (stall_*, utilization_*, energy_pj_*, access_*).
std::string report_to_csv(const RunReport& r);

/// Short fixed-width table (one line per layer + total) for stdout. Ends with a newline.
std::string summary_table(const RunReport& r);

/// 64-bit FNV-1a of the bytes as 16 lowercase hex digits ("" -> "cbf29ce484222325").
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace adasim::sim
