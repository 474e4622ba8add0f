// SPDX-License-Identifier: Apache-2.0
// "Did you mean" hints for unknown keys: shared by the config parser and the workload loaders.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace adasim::sim {

/// Levenshtein distance (case-insensitive).
size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `key` if it is close enough to be a likely typo (within 2 edits, a
/// third of the key for long keys), else a candidate that extends `key` with a unit suffix
/// ("bandwidth" -> "bandwidth_gb_per_s"), else nothing.
std::optional<std::string> did_you_mean(const std::string& key,
                                        const std::vector<std::string>& candidates);

}  // namespace adasim::sim
