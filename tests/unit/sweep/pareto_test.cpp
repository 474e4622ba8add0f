// SPDX-License-Identifier: Apache-2.0
// The sweep's Pareto front against an independent brute-force dominance check (every pair
// compared), on random tables with ties and repeated rows, 1 to 4 objectives.
#include "sim/app/sweep/pareto.hpp"

#include <gtest/gtest.h>

#include <random>

namespace adasim::sim::sweep {
namespace {

// Row i is optimal iff no row j is <= in every objective and < in one.
std::vector<bool> brute_force(const std::vector<std::vector<double>>& rows) {
  std::vector<bool> out(rows.size(), true);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows.size(); ++j) {
      if (i == j) continue;
      bool no_worse = true, better = false;
      for (size_t k = 0; k < rows[i].size(); ++k) {
        no_worse = no_worse && rows[j][k] <= rows[i][k];
        better = better || rows[j][k] < rows[i][k];
      }
      if (no_worse && better) out[i] = false;
    }
  return out;
}

TEST(Pareto, EqualsBruteForceOnRandomTables) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = 1 + rng() % 60, d = 1 + rng() % 4;
    const int range = 2 + int(rng() % 12);  // small ranges give many ties
    std::vector<std::vector<double>> rows(n, std::vector<double>(d));
    for (auto& r : rows)
      for (double& v : r) v = double(rng() % unsigned(range)) * 0.5;
    if (n > 3) rows[n - 1] = rows[0];  // an exact repeat
    EXPECT_EQ(pareto_optimal(rows), brute_force(rows)) << "trial " << trial;
  }
}

TEST(Pareto, HandExample) {
  // (latency, energy): (1,9) (2,5) (3,5) (4,1) (4,2) (5,5): (3,5) is beaten by (2,5), (4,2) by
  // (4,1), (5,5) by several.
  const std::vector<std::vector<double>> rows = {{1, 9}, {2, 5}, {3, 5}, {4, 1}, {4, 2}, {5, 5}};
  EXPECT_EQ(pareto_optimal(rows), (std::vector<bool>{true, true, false, true, false, false}));
  EXPECT_EQ(pareto_optimal({}), std::vector<bool>{});
}

}  // namespace
}  // namespace adasim::sim::sweep
