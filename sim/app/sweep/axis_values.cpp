// SPDX-License-Identifier: Apache-2.0
// Sweep axis value generators (axis_values.hpp).
#include "sim/app/sweep/axis_values.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sim/app/sweep/sweep_spec.hpp"

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

/// `v` with `digits` significant digits, as the double that text reads back as.
double round_digits(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*g", digits, v);
  return std::strtod(buf, nullptr);
}

/// An integer-valued double within int64 range as a JSON integer, else a JSON number.
json number(double v, bool integral) {
  if (integral && std::fabs(v) < 9e15 && v == std::floor(v)) return json(int64_t(v));
  return json(v);
}

std::vector<json> too_many(ParamReader& r, const std::string& key, double n) {
  r.issue(r.ptr(key), render(r.node()[key]),
          "at most " + std::to_string(kMaxAxisValues) + " values (this gives " +
              std::to_string(int64_t(std::min(n, 9e18))) + ")");
  return {};
}

std::vector<json> linear_range(ParamReader& r) {
  const auto from = r.required<double>("from", {"number", {}});
  const auto to = r.required<double>("to", {"number", {}});
  const auto step =
      r.required<double>("step", {"number > 0", [](const double& v) { return v > 0; }});
  if (!from || !to || !step) return {};
  if (*to < *from) {
    r.issue(r.ptr("to"), render(r.node()["to"]),
            "a number >= \"from\" (" + render(r.node()["from"]) + ")");
    return {};
  }
  const double n = std::floor((*to - *from) / *step * (1 + 1e-12) + 1e-9) + 1;
  if (n > double(kMaxAxisValues)) return too_many(r, "step", n);
  const bool integral = r.node()["from"].is_number_integer() &&
                        r.node()["to"].is_number_integer() && r.node()["step"].is_number_integer();
  std::vector<json> out;
  for (int64_t k = 0; k < int64_t(n); ++k)
    out.push_back(number(round_digits(*from + double(k) * *step, 12), integral));
  return out;
}

std::vector<json> powers_of_two(ParamReader& r) {
  const Rule<double> positive{"number > 0", [](const double& v) { return v > 0; }};
  const auto from = r.required<double>("from", positive);
  const auto to = r.required<double>("to", positive);
  if (!from || !to) return {};
  if (*to < *from) {
    r.issue(r.ptr("to"), render(r.node()["to"]),
            "a number >= \"from\" (" + render(r.node()["from"]) + ")");
    return {};
  }
  std::vector<json> out;
  for (int k = int(std::ceil(std::log2(*from))) - 1; k <= int(std::floor(std::log2(*to))) + 1;
       ++k) {
    const double p = std::ldexp(1.0, k);
    if (p >= *from && p <= *to) out.push_back(number(p, p >= 1));
  }
  if (out.empty())
    r.issue(r.pointer(), render(r.node()), "an interval [from, to] containing a power of two");
  return out;
}

std::vector<json> log_steps(ParamReader& r) {
  const Rule<double> positive{"number > 0", [](const double& v) { return v > 0; }};
  const auto from = r.required<double>("from", positive);
  const auto to = r.required<double>("to", positive);
  const auto count = r.required<int64_t>("count", int_in(1, int64_t(kMaxAxisValues)));
  if (!from || !to || !count) return {};
  // Integer end points give integer values (rounded; repeats dropped), so integer keys work.
  const bool integral = r.node()["from"].is_number_integer() && r.node()["to"].is_number_integer();
  std::vector<json> out;
  for (int64_t i = 0; i < *count; ++i) {
    const double t = *count == 1 ? 0.0 : double(i) / double(*count - 1);
    double v = round_digits(*from * std::pow(*to / *from, t), 6);
    if (integral) v = std::round(v);
    const json j = number(v, integral);
    if (out.empty() || out.back() != j) out.push_back(j);
  }
  return out;
}

}  // namespace

std::vector<json> expand_axis_values(ParamReader& axis) {
  const char* kinds[] = {"values", "range", "pow2", "log"};
  std::vector<std::string> present;
  for (const char* k : kinds)
    if (axis.has(k)) present.push_back(k);
  const std::string expected =
      "exactly one of \"values\", \"range\", \"pow2\", \"log\" (the axis's value generator)";
  if (present.size() != 1) {
    axis.issue(axis.pointer(), present.empty() ? render(axis.node()) : quoted_list(present),
               expected);
    return {};
  }
  const std::string kind = present.front();
  if (kind == "values") {
    const json& v = axis.node()["values"];
    if (!v.is_array() || v.empty() || v.size() > kMaxAxisValues) {
      axis.issue(axis.ptr("values"), render(v),
                 "a non-empty array of values (at most " + std::to_string(kMaxAxisValues) + ")");
      return {};
    }
    return std::vector<json>(v.begin(), v.end());
  }
  auto gen = axis.object(kind, /*required=*/true);
  if (!gen) return {};
  if (kind == "range") {
    gen->reject_unknown(spec_keys("range"));
    return linear_range(*gen);
  }
  if (kind == "pow2") {
    gen->reject_unknown(spec_keys("pow2"));
    return powers_of_two(*gen);
  }
  gen->reject_unknown(spec_keys("log"));
  return log_steps(*gen);
}

}  // namespace adasim::sim::sweep
