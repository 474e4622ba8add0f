// SPDX-License-Identifier: Apache-2.0
// Pareto front by a lexicographic sweep: a row's dominators all come before it in lexicographic
// order, and if any row dominates it some optimal one does (dominance is transitive), so each row
// is checked against the optimal rows found so far only: O(n log n + n * front * objectives).
#include "sim/app/sweep/pareto.hpp"

#include <algorithm>
#include <numeric>

namespace adasim::sim::sweep {
namespace {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    strictly = strictly || a[k] < b[k];
  }
  return strictly;
}

}  // namespace

std::vector<bool> pareto_optimal(const std::vector<std::vector<double>>& rows) {
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rows[a] < rows[b]; });
  std::vector<bool> optimal(rows.size(), false);
  std::vector<size_t> front;
  for (size_t r : order) {
    const bool dominated = std::any_of(front.begin(), front.end(),
                                       [&](size_t f) { return dominates(rows[f], rows[r]); });
    if (dominated) continue;
    optimal[r] = true;
    front.push_back(r);
  }
  return optimal;
}

}  // namespace adasim::sim::sweep
