// SPDX-License-Identifier: Apache-2.0
// Value generators of a sweep axis: an explicit list, a linear range, the powers of two in an
// interval, or geometric (log-spaced) steps.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/config/param_reader.hpp"

namespace adasim::sim::sweep {

/// At most this many values per axis (a typo like step 0.0001 should not build a billion points).
constexpr size_t kMaxAxisValues = 100000;

/// The values of the axis object read by `axis`: exactly one of
///   "values": [v, ...]                          (any JSON values, used as given)
///   "range":  {"from": a, "to": b, "step": s}   (a, a+s, ... <= b; integers if a, b, s are)
///   "pow2":   {"from": a, "to": b}              (every 2^k in [a, b], k an integer)
///   "log":    {"from": a, "to": b, "count": n}  (n points a * (b/a)^(i/(n-1)), 6 digits)
/// Problems are recorded through `axis` (JSON pointer, value, expectation); returns {} then.
std::vector<nlohmann::json> expand_axis_values(ParamReader& axis);

}  // namespace adasim::sim::sweep
