// SPDX-License-Identifier: Apache-2.0
// The DVFS controller: a SystemC block with its own process (an SC_METHOD stepping through the
// phases of a transition, so no coroutine stack: ASan cannot follow SystemC's thread stacks,
// and a method is also cheaper) that owns the clock
// domain's operating point and changes it at layer boundaries on the request of the sequencer,
// with the point a DVFS policy (arch/dvfs/i_dvfs_policy.hpp, clock.policy) chooses, and, under a
// run-time governor ("ondemand"), at the governor's samples in the middle of a layer. A change
// follows the safe order of real DVFS hardware: going up, the regulator first ramps the voltage
// (|V1 - V0| / slew), then the PLL relocks at the higher frequency; going down, the PLL relocks
// first, then the voltage ramps down. The domain's clock is stopped for the whole transition
// (the sequencer halts: stall cause "dvfs"). Each transition costs (1 - eta) C |V1^2 - V0^2|
// (arch/spec.hpp DvfsTransitionSpec). Abstracts away the regulator's control loop (a linear
// ramp), PLL lock dynamics (a fixed time) and droop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "arch/dvfs/clock_domain.hpp"
#include "arch/dvfs/i_dvfs_policy.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// One switch between two points, as the controller carried it out.
struct DvfsTransition {
  OperatingPoint from, to;
  sc_core::sc_time ramp;            ///< the regulator's ramp |V1 - V0| / slew
  sc_core::sc_time relock;          ///< the PLL's relock
  double energy_pj = 0.0;           ///< (1 - eta) C |V1^2 - V0^2|
  bool run_at_lower_clock = false;  ///< the domain runs during the ramp (clock.transition.during)
  sc_core::sc_time total() const { return ramp + relock; }
};

/// What the domain's supply and clock show at an instant (VCD signals).
struct DomainState {
  double freq_mhz = 0.0;   ///< the clock the domain runs at (the old one until relocked)
  double voltage_v = 0.0;  ///< the supply, reached at the end of a ramp
  bool halted = false;     ///< a transition is in progress (the clock is stopped)
};

class DvfsController : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DvfsController);
  /// The policy comes from `policies` (an unknown name is a ModelError: the parser checks it).
  /// `domain` must outlive the controller.
  DvfsController(sc_core::sc_module_name name, const ClockSpec& spec, ClockDomain& domain,
                 const DvfsPolicyRegistry& policies);
  /// Same, with the built-in policies (arch/components.hpp).
  DvfsController(sc_core::sc_module_name name, const ClockSpec& spec, ClockDomain& domain);

  /// Before the run: the policy checks the layer names its parameters use (ConfigError at
  /// /clock/<parameter>).
  void check_layers(const std::vector<std::string>& names) const;
  /// Whether the policy can switch points (then the sequencer reports stall cause "dvfs").
  bool may_switch() const { return policy_->may_switch(); }

  /// The sequencer asks for layer `layer`'s point at its boundary. Returns true when the domain's
  /// clock keeps running: it is already there, or (run_at_lower_clock, going up) a transition
  /// started whose ramp it runs through at the old clock until relock_at(). Otherwise a
  /// transition starts now with the clock stopped and done_event() fires when it runs again
  /// (last() describes the transition). One transition at a time: not while busy().
  bool request(const DvfsLayer& layer);
  const sc_core::sc_event& done_event() const { return done_; }
  /// A transition is in progress (the sequencer may not request another one).
  bool busy() const { return busy_; }
  /// Fires when a transition has ended (busy() turned false).
  const sc_core::sc_event& idle_event() const { return idle_; }
  /// run_at_lower_clock, going up: the end of the voltage ramp, when the PLL must relock. The
  /// sequencer calls halt_for_relock() at its first step boundary at or after it (and splits
  /// fast-mode stretches there); nullopt when no relock waits for the sequencer.
  std::optional<sc_core::sc_time> relock_at() const { return relock_at_; }
  /// The sequencer stops the clock for the relock (at or after relock_at(), or before it at a
  /// layer boundary: the halt then waits for the ramp's end); done_event() fires when the clock
  /// runs again at the new point.
  void halt_for_relock();

  /// Run-time governors (the policy's sample_us() > 0): when the next sample is due (nullopt:
  /// the policy samples nothing). The sequencer takes it at its first step boundary at or after
  /// this time, and splits fast-mode stretches there.
  std::optional<sc_core::sc_time> next_sample() const { return next_sample_; }
  /// Whether a sample or a relock may be due in the middle of a layer (false for a policy that
  /// switches only at layer boundaries, with no relock pending): the sequencer skips its check.
  bool mid_layer_pending() const { return next_sample_.has_value() || relock_at_.has_value(); }
  /// The sample: `totals` are the domain's activity counters since the start of the run (DVFS
  /// halts excluded); the policy sees the window since the previous sample. Returns true when
  /// the domain keeps its point; otherwise a transition starts now, as for request().
  bool sample(const DvfsActivity& totals);
  const DvfsTransition& last() const { return last_; }

  /// Optional: called at every change of the domain's supply or clock (VCD signals).
  void set_observer(std::function<void(const DomainState&)> f) { observer_ = std::move(f); }

 private:
  /// One phase of a transition: an action, then a wait (a time, or the sequencer's relock
  /// request under run_at_lower_clock, or none: the next phase follows at once).
  struct Phase {
    enum class Wait { kNone, kTime, kRelockRequest };
    std::function<void()> act;
    Wait wait = Wait::kNone;
    sc_core::sc_time time;
  };
  void step();  // the controller's process (an SC_METHOD)
  std::vector<Phase> halt_phases(const DvfsTransition& t);
  std::vector<Phase> lower_phases(const DvfsTransition& t);
  void finish(const DvfsTransition& t);
  bool switch_to(const OperatingPoint& to);
  void show(double freq_mhz, double voltage_v, bool halted);

  ClockDomain& domain_;
  std::unique_ptr<IDvfsPolicy> policy_;
  std::optional<DvfsTransitionSpec> costs_;
  DvfsTransition last_;
  bool busy_ = false;
  std::optional<sc_core::sc_time> relock_at_;
  bool relock_requested_ = false;
  sc_core::sc_event relock_start_, idle_;
  sc_core::sc_time sample_period_;  // the governor's (zero: none)
  std::optional<sc_core::sc_time> next_sample_;
  DvfsActivity sampled_;  // the totals at the previous sample
  sc_core::sc_event start_, done_;
  std::vector<Phase> phases_;  // the transition in progress
  size_t pc_ = 0;              // its next phase (phases_.size(): idle)
  std::function<void(const DomainState&)> observer_;
};

/// The transition from `from` to `to` under `costs` (no change: zero times and energy).
DvfsTransition plan_transition(const DvfsTransitionSpec& costs, const OperatingPoint& from,
                               const OperatingPoint& to);

}  // namespace adasim::arch
