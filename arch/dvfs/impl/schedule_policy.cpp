// SPDX-License-Identifier: Apache-2.0
// "schedule": replays a firmware's DVFS script. clock.schedule lists entries, each a trigger (a
// layer by name or index, or a time) and a point of the V/f table named by its frequency. The
// run starts at the nominal point; at every layer boundary the entries apply one after another in
// list order as long as their trigger has been reached (layer: that layer or a later one is about
// to run; at_us: the simulated time has come), stopping at the first that has not; the last one
// applied sets the point of the layer and of the following ones. A layer runs at one point (the
// engines' timing is per layer), so a time entry takes effect at the first layer boundary at or
// after its time.
#include <cstdint>
#include <string>
#include <vector>

#include "arch/dvfs/i_dvfs_policy.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

constexpr const char* kKey = "schedule";

struct Entry {
  enum class Trigger { kLayerName, kLayerIndex, kTime };
  Trigger trigger = Trigger::kLayerIndex;
  std::string layer;
  size_t index = 0;  ///< kLayerIndex
  double at_us = 0.0;
  OperatingPoint point;
};

std::string at(size_t i, const char* field) {
  return std::string(kKey) + "/" + std::to_string(i) + "/" + field;
}

class SchedulePolicy : public IDvfsPolicy {
 public:
  explicit SchedulePolicy(const ClockSpec& spec) : current_(spec.nominal) {
    const sim::ParamRecords& recs = spec.policy_params.records(kKey);
    for (size_t i = 0; i < recs.size(); ++i) entries_.push_back(entry(spec, recs[i], i));
  }

  void check_layers(const std::vector<std::string>& names) const override {
    for (size_t i = 0; i < entries_.size(); ++i) {
      const Entry& e = entries_[i];
      if (e.trigger == Entry::Trigger::kLayerIndex && e.index >= names.size())
        throw sim::ConfigError(
            "", at(i, "layer_index"), std::to_string(e.index),
            "the index of a layer of the workload (it has " + std::to_string(names.size()) + ")");
      if (e.trigger == Entry::Trigger::kLayerName && index_of(names, e.layer) == names.size())
        throw sim::ConfigError("", at(i, "layer"), "\"" + e.layer + "\"",
                               "the name of a layer of the workload");
    }
  }

  OperatingPoint point_for_layer(const DvfsLayer& layer) override {
    seen_.push_back(layer.name);
    while (next_ < entries_.size() && reached(entries_[next_], layer)) {
      current_ = entries_[next_].point;
      ++next_;
    }
    return current_;
  }

  bool may_switch() const override { return true; }

 private:
  static size_t index_of(const std::vector<std::string>& names, const std::string& n) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return i;
    return names.size();
  }

  static Entry entry(const ClockSpec& spec, const sim::ParamValues& r, size_t i) {
    Entry e;
    const int given = int(r.has("layer")) + int(r.has("layer_index")) + int(r.has("at_us"));
    if (given != 1)
      throw sim::ConfigError("", std::string(kKey) + "/" + std::to_string(i),
                             std::to_string(given) + " triggers",
                             "exactly one of \"layer\", \"layer_index\", \"at_us\"");
    if (r.has("layer")) {
      e.trigger = Entry::Trigger::kLayerName;
      e.layer = r.string("layer");
    } else if (r.has("layer_index")) {
      e.index = size_t(r.integer("layer_index"));
    } else {
      e.trigger = Entry::Trigger::kTime;
      e.at_us = r.number("at_us");
    }
    const double f = r.number("freq_mhz");
    const OperatingPoint* p = point_with_freq(spec.operating_points, f);
    if (p == nullptr)
      throw sim::ConfigError("", at(i, "freq_mhz"), sim::number_text(f),
                             "the frequency of a point of clock.operating_points");
    e.point = *p;
    return e;
  }

  bool reached(const Entry& e, const DvfsLayer& layer) const {
    switch (e.trigger) {
      case Entry::Trigger::kLayerName:
        return ran(e.layer);
      case Entry::Trigger::kLayerIndex:
        return layer.index >= e.index;
      case Entry::Trigger::kTime:
        return layer.now_us >= e.at_us;
    }
    return false;
  }

  // A named layer is reached when it is about to run or has run.
  bool ran(const std::string& name) const {
    for (const std::string& n : seen_)
      if (n == name) return true;
    return false;
  }

  std::vector<Entry> entries_;
  size_t next_ = 0;
  OperatingPoint current_;
  std::vector<std::string> seen_;  // layers that are about to run or ran
};

}  // namespace

void register_schedule_policy(DvfsPolicyRegistry& r) {
  namespace p = sim::param;
  sim::ParamDoc entry = p::object(
      "", {p::string("layer")
               .not_empty()
               .when_absent("not a layer-name trigger")
               .described("trigger: this layer (by name) is about to run"),
           p::integer("layer_index")
               .at_least(0)
               .when_absent("not a layer-index trigger")
               .described("trigger: the layer with this index (program order, from 0) is "
                          "about to run"),
           p::number("at_us")
               .at_least(0)
               .in_unit("us")
               .when_absent("not a time trigger")
               .described("trigger: the first layer boundary at or after this simulated time"),
           p::frequency_mhz("freq_mhz")
               .described(
                   "the point to switch to: the frequency of a point of clock.operating_points")});
  sim::ParamDoc schedule =
      p::array_of(kKey, entry)
          .expecting(
              "non-empty array of {\"layer\" | \"layer_index\" | \"at_us\", \"freq_mhz\"} objects")
          .described(
              "the firmware's script, applied in list order at layer boundaries: each entry has "
              "exactly one trigger and switches to the table point with its frequency");
  schedule.min_items = 1;
  r.add("schedule",
        "replays a user list of (layer or time -> point) switches; transitions cost "
        "clock.transition",
        {schedule}, [](const ClockSpec& s) { return std::make_unique<SchedulePolicy>(s); });
}

}  // namespace adasim::arch
