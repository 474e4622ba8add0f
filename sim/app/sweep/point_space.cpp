// SPDX-License-Identifier: Apache-2.0
// Sweep points: grid enumeration, conditional axes, Latin hypercube and random sampling.
#include "sim/app/sweep/point_space.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

/// Unconditional axes grouped: axes of one group are zipped; groups in order of first appearance.
std::vector<std::vector<size_t>> groups_of(const SweepSpec& spec) {
  std::vector<std::vector<size_t>> out;
  std::map<std::string, size_t> by_name;
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    const Axis& axis = spec.axes[a];
    if (axis.conditional()) continue;
    if (axis.group.empty()) {
      out.push_back({a});
      continue;
    }
    const auto [it, fresh] = by_name.emplace(axis.group, out.size());
    if (fresh) out.emplace_back();
    out[it->second].push_back(a);
  }
  return out;
}

/// The value axis `name` took at `p`, looking only at axes before `before`; nullptr if none.
const json* value_of(const SweepSpec& spec, const Point& p, const std::string& name,
                     size_t before) {
  for (size_t a = 0; a < before; ++a)
    if (spec.axes[a].name == name && p.choice[a] >= 0)
      return &spec.axes[a].values[size_t(p.choice[a])];
  return nullptr;
}

bool applies(const SweepSpec& spec, const Point& p, size_t a) {
  for (const auto& [name, accepted] : spec.axes[a].when) {
    const json* v = value_of(spec, p, name, a);
    if (!v || std::find(accepted.begin(), accepted.end(), *v) == accepted.end()) return false;
  }
  return true;
}

/// A conditional axis applying where an earlier axis of its name already did is a spec error.
void check_overlap(const SweepSpec& spec, const Point& p, size_t a) {
  for (size_t b = 0; b < a; ++b)
    if (spec.axes[b].name == spec.axes[a].name && p.choice[b] >= 0)
      throw ConfigError(spec.file, spec.axes[a].pointer + "/when",
                        "conditions that also hold where axis " + spec.axes[b].pointer +
                            " applies (both set \"" + spec.axes[a].name + "\")",
                        "conditions that do not overlap those of other axes of the same name");
}

void too_many(const SweepSpec& spec, double n) {
  throw ConfigError(spec.file, "/axes", std::to_string(int64_t(n)) + " grid points",
                    "at most " + std::to_string(kMaxGridPoints) +
                        " grid points (use \"sampling\": {\"method\": \"lhs\", ...})");
}

/// Expands `points` by every conditional axis in order (each applying axis multiplies a point by
/// its values; a non-applying one leaves it as it is).
std::vector<Point> expand_conditional(const SweepSpec& spec, std::vector<Point> points) {
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    if (!spec.axes[a].conditional()) continue;
    std::vector<Point> next;
    for (const Point& p : points) {
      if (!applies(spec, p, a)) {
        next.push_back(p);
        continue;
      }
      check_overlap(spec, p, a);
      for (size_t v = 0; v < spec.axes[a].values.size(); ++v) {
        Point q = p;
        q.choice[a] = int(v);
        next.push_back(std::move(q));
      }
      if (next.size() > kMaxGridPoints) too_many(spec, double(next.size()));
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t n) {
  return uint64_t((static_cast<unsigned __int128>(next()) * n) >> 64);
}

double SplitMix64::unit() { return double(next() >> 11) * 0x1.0p-53; }

std::vector<Point> enumerate_grid(const SweepSpec& spec) {
  const auto groups = groups_of(spec);
  double n = 1;
  for (const auto& g : groups) n *= double(spec.axes[g.front()].values.size());
  if (n > double(kMaxGridPoints)) too_many(spec, n);
  std::vector<Point> points;
  Point p{std::vector<int>(spec.axes.size(), -1)};
  for (size_t i = 0; i < size_t(n); ++i) {
    size_t rest = i;  // mixed radix, the last group fastest
    for (size_t g = groups.size(); g-- > 0;) {
      const size_t len = spec.axes[groups[g].front()].values.size();
      for (size_t a : groups[g]) p.choice[a] = int(rest % len);
      rest /= len;
    }
    points.push_back(p);
  }
  return expand_conditional(spec, std::move(points));
}

std::vector<Point> latin_hypercube(const SweepSpec& spec) {
  const auto groups = groups_of(spec);
  const size_t count = size_t(spec.sample_count);
  SplitMix64 rng(spec.sample_seed);
  // One random pairing of strata per group.
  std::vector<std::vector<size_t>> strata(groups.size(), std::vector<size_t>(count));
  for (auto& s : strata) {
    for (size_t i = 0; i < count; ++i) s[i] = i;
    for (size_t i = count; i-- > 1;) std::swap(s[i], s[rng.below(i + 1)]);
  }
  std::vector<Point> out;
  std::set<std::vector<int>> seen;
  for (size_t i = 0; i < count; ++i) {
    Point p{std::vector<int>(spec.axes.size(), -1)};
    for (size_t g = 0; g < groups.size(); ++g) {
      const size_t len = spec.axes[groups[g].front()].values.size();
      const double at = (double(strata[g][i]) + rng.unit()) / double(count);
      const int idx = int(std::min(len - 1, size_t(at * double(len))));
      for (size_t a : groups[g]) p.choice[a] = idx;
    }
    for (size_t a = 0; a < spec.axes.size(); ++a)
      if (spec.axes[a].conditional() && applies(spec, p, a)) {
        check_overlap(spec, p, a);
        p.choice[a] = int(rng.below(spec.axes[a].values.size()));
      }
    if (seen.insert(p.choice).second) out.push_back(std::move(p));
  }
  return out;
}

std::vector<size_t> sample_indices(size_t n, size_t count, uint64_t seed) {
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  if (count >= n) return idx;
  SplitMix64 rng(seed);
  for (size_t i = 0; i < count; ++i) std::swap(idx[i], idx[i + rng.below(n - i)]);
  idx.resize(count);
  std::sort(idx.begin(), idx.end());
  return idx;
}

std::vector<std::string> point_overrides(const SweepSpec& spec, const Point& p) {
  std::vector<std::string> out;
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    if (p.choice[a] < 0) continue;
    const json& v = spec.axes[a].values[size_t(p.choice[a])];
    for (const std::string& k : spec.axes[a].keys) out.push_back(k + "=" + v.dump());
  }
  return out;
}

}  // namespace adasim::sim::sweep
