// SPDX-License-Identifier: Apache-2.0
// "ondemand": a run-time governor. Every sample_us it reads the domain's activity counters over
// the window since the last sample (DVFS halts are not part of a window), and takes as its load
// either (load "busy") busy cycles / all cycles, 1 - the stall fraction, or (load
// "pe_utilization") the PE utilization, PE-cycles of MAC work / (PEs x all cycles), which also
// sees a mapping that leaves part of the array idle. It moves one point of the V/f table at a
// time:
//  - up when load > up_threshold;
//  - down when load <= down_threshold for down_samples samples in a row (the hysteresis: a
//    short dip does not lower the clock); a sample between the thresholds resets that count.
// The reference behaviour is Linux's cpufreq governors (Documentation/admin-guide/pm/
// cpufreq.rst): the load over a sampling period against up_threshold (ondemand, conservative),
// a down_threshold below which the frequency falls (conservative), stepping rather than jumping
// to the maximum (conservative's freq_step, here one table point), and a factor that keeps a
// raised frequency for several periods (ondemand's sampling_down_factor, here down_samples).
// Unlike Linux, a load at or below down_threshold steps down (so down_threshold = 1 lowers the
// clock of a fully busy domain), and the run starts at the nominal point. The timer restarts at
// the end of each transition (the window excludes the halt).
#include <algorithm>
#include <string>
#include <vector>

#include "arch/dvfs/i_dvfs_policy.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

constexpr const char* kSampleKey = "sample_us";
constexpr const char* kUpKey = "up_threshold";
constexpr const char* kDownKey = "down_threshold";
constexpr const char* kDownSamplesKey = "down_samples";
constexpr const char* kLoadKey = "load";
constexpr const char* kLoadBusy = "busy";
constexpr const char* kLoadPe = "pe_utilization";

class OndemandPolicy : public IDvfsPolicy {
 public:
  explicit OndemandPolicy(const ClockSpec& spec)
      : sample_us_(spec.policy_params.number(kSampleKey)),
        up_(spec.policy_params.number(kUpKey)),
        down_(spec.policy_params.number(kDownKey)),
        down_samples_(uint64_t(spec.policy_params.integer(kDownSamplesKey))),
        pe_load_(spec.policy_params.string(kLoadKey) == kLoadPe),
        points_(spec.operating_points) {
    if (!pe_load_ && spec.policy_params.string(kLoadKey) != kLoadBusy)
      throw sim::ModelError("DVFS ondemand: load '" + spec.policy_params.string(kLoadKey) +
                            "' (the config parser checks it)");
    if (down_ > up_)
      throw sim::ConfigError("", kDownKey, sim::number_text(down_),
                             "at most up_threshold (" + sim::number_text(up_) + ")");
    if (spec.memory)
      throw sim::ConfigError("", "policy", "\"ondemand\"",
                             "a policy that switches only at layer boundaries (static, fixed, "
                             "schedule, per_layer) with clock.domains.memory: the crossing's "
                             "feed latency is set per layer");
    std::sort(points_.begin(), points_.end(), [](const OperatingPoint& a, const OperatingPoint& b) {
      return a.freq_mhz < b.freq_mhz;
    });
    for (size_t i = 0; i < points_.size(); ++i)
      if (same_point(points_[i], spec.nominal)) at_ = i;
    if (at_ == points_.size())
      throw sim::ModelError(
          "DVFS ondemand: the nominal point is not in the operating-point table (the config "
          "parser checks this)");
  }

  OperatingPoint point_for_layer(const DvfsLayer& /*layer*/) override { return points_[at_]; }
  bool may_switch() const override { return true; }
  double sample_us() const override { return sample_us_; }

  OperatingPoint on_sample(const DvfsActivity& w, const OperatingPoint& /*now*/) override {
    if (w.cycles == 0) return points_[at_];  // the window was all halt: nothing measured
    const double load = pe_load_ ? w.pe_utilization() : double(w.busy_cycles) / double(w.cycles);
    if (load > up_) {
      below_ = 0;
      if (at_ + 1 < points_.size()) ++at_;
    } else if (load <= down_) {
      if (++below_ >= down_samples_) {
        below_ = 0;
        if (at_ > 0) --at_;
      }
    } else {
      below_ = 0;
    }
    return points_[at_];
  }

 private:
  double sample_us_, up_, down_;
  uint64_t down_samples_;
  bool pe_load_;                        // load "pe_utilization" (else "busy")
  std::vector<OperatingPoint> points_;  // by rising frequency
  size_t at_ = ~size_t(0);              // the current point
  uint64_t below_ = 0;                  // samples in a row at or below down_threshold
};

}  // namespace

void register_ondemand_policy(DvfsPolicyRegistry& r) {
  namespace p = sim::param;
  r.add("ondemand",
        "run-time governor: every sample_us, load = busy / all cycles of the window (load "
        "\"busy\") or PE-cycles of MAC work / (PEs x cycles) (\"pe_utilization\"); one table "
        "point up above up_threshold, one down at or below down_threshold (down_samples in a "
        "row); Linux cpufreq ondemand/conservative as the reference",
        {p::number(kSampleKey)
             .in(1e-3, 1e6)
             .in_unit("us")
             .described("the sampling period (the timer restarts after each transition)"),
         p::number(kUpKey).in(0, 1).with_default(0.8).described(
             "load above which the governor steps one point up (1: never)"),
         p::number(kDownKey).in(0, 1).with_default(0.2).described(
             "load at or below which it steps one point down; at most up_threshold"),
         p::integer(kDownSamplesKey)
             .in(1, 1000)
             .with_default(1)
             .described("hysteresis: samples in a row at or below down_threshold before a step "
                        "down"),
         p::choice(kLoadKey, {kLoadBusy, kLoadPe})
             .with_default(kLoadBusy)
             .described("the load signal: \"busy\", the window's busy / all cycles (1 - the "
                        "stall fraction); \"pe_utilization\", its PE-cycles of MAC work / (PEs x "
                        "cycles), as utilization.pe (a vector's work counted as it enters a "
                        "systolic array)")},
        [](const ClockSpec& s) { return std::make_unique<OndemandPolicy>(s); });
}

}  // namespace adasim::arch
