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

/// The shortest text that reads back as exactly `v` (std::to_chars): "0.1", "200", "1.5e+20".
std::string format_double(double v);

/// A CSV field (RFC 4180): quoted, inner quotes doubled, when it holds ',', '"' or a line break.
std::string csv_field(const std::string& s);

/// 64-bit FNV-1a of the bytes as 16 lowercase hex digits ("" -> "cbf29ce484222325").
std::string fnv1a64_hex(std::string_view bytes);

/// Writes every (file name, contents) pair into out_dir (created if missing). Each file is first
/// written to a temp name in out_dir, then all are renamed into place; on any error the temps are
/// removed and std::runtime_error naming the path is thrown. File names must be plain names (no
/// '/'). Returns the written paths (out_dir/name) in input order.
std::vector<std::string> write_files_atomically(
    const std::string& out_dir, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace adasim::sim
