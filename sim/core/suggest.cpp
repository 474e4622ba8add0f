// SPDX-License-Identifier: Apache-2.0
#include "sim/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace adasim::sim {
namespace {
std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

size_t edit_distance(const std::string& a_in, const std::string& b_in) {
  const std::string a = lower(a_in), b = lower(b_in);
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> did_you_mean(const std::string& key,
                                        const std::vector<std::string>& candidates) {
  // A typo: the closest key within 2 edits (a third of the key for long keys).
  const size_t limit = std::max<size_t>(2, key.size() / 3);
  std::optional<std::string> best;
  size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best || key.size() < 4) return best;
  // A unit suffix left off ("bandwidth" for "bandwidth_gb_per_s"): the shortest such key.
  const std::string k = lower(key);
  for (const auto& c : candidates)
    if (c.size() > k.size() && lower(c).compare(0, k.size(), k) == 0 &&
        (!best || c.size() < best->size()))
      best = c;
  return best;
}

}  // namespace adasim::sim
