// SPDX-License-Identifier: Apache-2.0
#include "sim/core/stats.hpp"

#include <utility>

namespace adasim::sim {

void StatGroup::add(std::string name, const uint64_t& counter, std::string unit, std::string desc,
                    StatKind kind) {
  Stat s;
  s.doc = Doc{std::move(name), std::move(unit), std::move(desc), kind};
  s.counter = &counter;
  stats_.push_back(std::move(s));
}

void StatGroup::add(std::string name, const int64_t& counter, std::string unit, std::string desc,
                    StatKind kind) {
  Stat s;
  s.doc = Doc{std::move(name), std::move(unit), std::move(desc), kind};
  s.signed_counter = &counter;
  stats_.push_back(std::move(s));
}

void StatGroup::add_count(std::string name, std::function<uint64_t()> value, std::string unit,
                          std::string desc, StatKind kind) {
  Stat s;
  s.doc = Doc{std::move(name), std::move(unit), std::move(desc), kind};
  s.count = [value = std::move(value)](const Interval&) { return value(); };
  stats_.push_back(std::move(s));
}

void StatGroup::add_count_at(std::string name, std::function<uint64_t(const Interval&)> value,
                             std::string unit, std::string desc, StatKind kind) {
  Stat s;
  s.doc = Doc{std::move(name), std::move(unit), std::move(desc), kind};
  s.count = std::move(value);
  stats_.push_back(std::move(s));
}

void StatGroup::add_real(std::string name, std::function<double(const Interval&)> value,
                         std::string unit, std::string desc, StatKind kind) {
  Stat s;
  s.doc = Doc{std::move(name), std::move(unit), std::move(desc), kind};
  s.real = std::move(value);
  stats_.push_back(std::move(s));
}

void StatGroup::collect(const Interval& in, std::vector<StatValue>& out) const {
  for (const Stat& s : stats_) {
    StatValue v;
    v.group = name_;
    v.name = s.doc.name;
    v.unit = s.doc.unit;
    v.kind = s.doc.kind;
    if (s.real) {
      v.integral = false;
      v.real = s.real(in);
    } else {
      v.count = s.counter          ? *s.counter
                : s.signed_counter ? uint64_t(*s.signed_counter)
                                   : s.count(in);
    }
    out.push_back(std::move(v));
  }
}

std::vector<StatGroup::Doc> StatGroup::docs() const {
  std::vector<Doc> out;
  for (const Stat& s : stats_) out.push_back(s.doc);
  return out;
}

}  // namespace adasim::sim
