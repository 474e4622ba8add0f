// SPDX-License-Identifier: Apache-2.0
// Pareto-optimal rows of a table of objectives, all minimised.
#pragma once

#include <vector>

namespace adasim::sim::sweep {

/// For each row (its objective values, all to be minimised), whether no other row dominates it:
/// a dominates b when a <= b in every objective and a < b in at least one. Rows with identical
/// values do not dominate each other, so all of them stay optimal. Every row must have the same
/// number of values, none NaN (the caller leaves such rows out).
std::vector<bool> pareto_optimal(const std::vector<std::vector<double>>& rows);

}  // namespace adasim::sim::sweep
