// SPDX-License-Identifier: Apache-2.0
// ParamReader and the value rules used by the config parsers.
#include "sim/config/param_reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "sim/config/schema.hpp"

namespace adasim::sim {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// Shortest text that reads back as the same double ("0.9", "1e-05").
std::string num_text(double v) {
  std::ostringstream os;
  os.precision(15);
  os << v;
  return os.str();
}

}  // namespace

Rule<int64_t> int_in(int64_t lo, int64_t hi) {
  return {"integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]",
          [lo, hi](const int64_t& v) { return v >= lo && v <= hi; }};
}

Rule<int64_t> int_at_least(int64_t lo) {
  return {"integer >= " + std::to_string(lo),
          [lo](const int64_t& v) { return v >= lo && v <= kInt32Max; }};
}

Rule<int64_t> int_one_of(const std::vector<int64_t>& allowed) {
  std::string text = "one of ";
  for (size_t i = 0; i < allowed.size(); ++i) text += (i ? ", " : "") + std::to_string(allowed[i]);
  return {text, [allowed](const int64_t& v) {
            return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
          }};
}

Rule<double> number_above(double lo) {
  return {"number > " + num_text(lo), [lo](const double& v) { return v > lo; }};
}

Rule<double> number_at_least(double lo) {
  return {"number >= " + num_text(lo), [lo](const double& v) { return v >= lo; }};
}

Rule<double> number_in_open_closed(double lo, double hi) {
  return {"number in (" + num_text(lo) + ", " + num_text(hi) + "]",
          [lo, hi](const double& v) { return v > lo && v <= hi; }};
}

std::string unit_slip_hint(double v, const std::string& unit, double lo, double hi,
                           double typical) {
  if (!(v > 0) || !(typical > 0)) return "";
  int best_k = 0;
  double best_distance = std::numeric_limits<double>::infinity();
  for (int k = -4; k <= 4; ++k) {
    const double candidate = v * std::pow(1000.0, k);
    if (k == 0 || candidate < lo || candidate > hi) continue;
    const double distance = std::fabs(std::log(candidate / typical));
    if (distance > std::log(100.0)) continue;  // not near a typical value: no guess
    if (distance < best_distance) best_k = k, best_distance = distance;
  }
  if (best_k == 0) return "";
  return "; did you mean " + num_text(v * std::pow(1000.0, best_k)) +
         (unit.empty() ? "" : " " + unit) + "? (" + num_text(v) + " is 1e" +
         std::to_string(3 * std::abs(best_k)) + " times too " + (best_k < 0 ? "large" : "small") +
         ": a unit slip?)";
}

Rule<double> quantity(const std::string& what, const std::string& unit, double lo, double hi,
                      double typical) {
  return {what + (unit.empty() ? "" : " in " + unit) + " in [" + num_text(lo) + ", " +
              num_text(hi) + "]",
          [lo, hi](const double& v) { return v >= lo && v <= hi; },
          [unit, lo, hi, typical](const double& v) {
            return unit_slip_hint(v, unit, lo, hi, typical);
          }};
}

Rule<int64_t> int_quantity(const std::string& what, const std::string& unit, int64_t lo,
                           int64_t hi) {
  return {what + (unit.empty() ? "" : " in " + unit) + ": an integer in [" + std::to_string(lo) +
              ", " + std::to_string(hi) + "]",
          [lo, hi](const int64_t& v) { return v >= lo && v <= hi; }};
}

Rule<bool> any_bool() { return {"true or false", {}}; }

Rule<std::string> non_empty_string() {
  return {"non-empty string", [](const std::string& s) { return !s.empty(); }};
}

Rule<std::string> identifier() {
  return {"identifier [a-z][a-z0-9_]*", [](const std::string& s) { return is_identifier(s); }};
}

bool is_identifier(const std::string& s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string render(const nlohmann::json& v) {
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr size_t kMax = 120;
  if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
  return s;
}

std::string pointer_append(const std::string& base, const std::string& token) {
  std::string escaped;
  for (char c : token) {
    if (c == '~')
      escaped += "~0";
    else if (c == '/')
      escaped += "~1";
    else
      escaped += c;
  }
  return base + "/" + escaped;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", \"" : "\"") + items[i] + "\"";
  return out;
}

bool decode(const nlohmann::json& j, int64_t& out) {
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    out = j.get<int64_t>();
    return true;
  }
  if (j.is_number_unsigned()) {
    const auto u = j.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max())) return false;
    out = int64_t(u);
    return true;
  }
  return false;
}

bool decode(const nlohmann::json& j, double& out) {
  if (!j.is_number()) return false;
  out = j.get<double>();
  return std::isfinite(out);
}

bool decode(const nlohmann::json& j, bool& out) {
  if (!j.is_boolean()) return false;
  out = j.get<bool>();
  return true;
}

bool decode(const nlohmann::json& j, std::string& out) {
  if (!j.is_string()) return false;
  out = j.get<std::string>();
  return true;
}

ParamReader::ParamReader(nlohmann::json& node, std::string pointer, std::string file,
                         std::vector<InputIssue>& issues)
    : node_(&node), pointer_(std::move(pointer)), file_(std::move(file)), issues_(&issues) {}

void ParamReader::issue(std::string where, std::string value, std::string expected) {
  issues_->push_back(
      InputIssue{file_, std::move(where), std::move(value), std::move(expected)});
}

std::optional<std::string> ParamReader::enum_of(const std::string& key,
                                                const std::vector<std::string>& allowed,
                                                const std::optional<std::string>& dflt) {
  Rule<std::string> rule{"one of " + quoted_list(allowed), [&allowed](const std::string& s) {
                           return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
                         }};
  if (dflt) return get_or<std::string>(key, *dflt, rule);
  return required<std::string>(key, rule);
}

void ParamReader::reject_unknown(const std::vector<std::string>& known) {
  if (!node_->is_object()) return;
  for (const auto& item : node_->items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    issue(ptr(item.key()), "unknown key \"" + item.key() + "\"",
          unknown_key_expectation(item.key(), pointer_, known));
  }
}

std::optional<ParamReader> ParamReader::object(const std::string& key, bool required) {
  if (!has(key)) {
    if (required) {
      issue(ptr(key), kMissingValue, "object");
      return std::nullopt;
    }
    (*node_)[key] = nlohmann::json::object();
  }
  nlohmann::json& child = (*node_)[key];
  if (!child.is_object()) {
    issue(ptr(key), render(child), "object");
    return std::nullopt;
  }
  return ParamReader(child, ptr(key), file_, *issues_);
}

}  // namespace adasim::sim
