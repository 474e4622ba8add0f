// SPDX-License-Identifier: Apache-2.0
// The points of a sweep: the grid of its axes (zipped groups, product across groups, then every
// conditional axis that applies expands the point), or a Latin-hypercube sample of it. A point is
// the value index each axis takes; everything else about it is derived from the spec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/sweep/sweep_spec.hpp"

namespace adasim::sim::sweep {

/// At most this many grid points are enumerated (use "sampling": "lhs" for larger spaces).
constexpr size_t kMaxGridPoints = 1000000;

struct Point {
  std::vector<int> choice;  ///< per axis: index into Axis::values, -1 = conditional, not applying
  bool operator==(const Point& o) const { return choice == o.choice; }
};

/// Every point of the grid, first group slowest. Throws ConfigError when two conditional axes
/// of one name apply to the same point, or the grid exceeds kMaxGridPoints.
std::vector<Point> enumerate_grid(const SweepSpec& spec);

/// spec.sample_count points of a Latin hypercube over the unconditional groups (each group's
/// values split into count strata, one sample per stratum and group, strata paired at random);
/// conditional axes that apply pick a value at random. Repeated points are dropped, so fewer
/// may come back. Deterministic for a seed.
std::vector<Point> latin_hypercube(const SweepSpec& spec);

/// `count` of the indices 0..n-1 chosen uniformly without replacement (seeded), ascending.
std::vector<size_t> sample_indices(size_t n, size_t count, uint64_t seed);

/// The --set overrides of a point's axes ("key=<JSON value>"), in axis order.
std::vector<std::string> point_overrides(const SweepSpec& spec, const Point& p);

/// A small portable generator (SplitMix64) so that samples do not depend on the standard
/// library's distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  uint64_t below(uint64_t n);  ///< in [0, n), n > 0
  double unit();               ///< in [0, 1)

 private:
  uint64_t state_;
};

}  // namespace adasim::sim::sweep
