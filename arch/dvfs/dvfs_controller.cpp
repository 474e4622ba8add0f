// SPDX-License-Identifier: Apache-2.0
#include "arch/dvfs/dvfs_controller.hpp"

#include "arch/components.hpp"
#include "arch/program/dvfs_transition.hpp"
#include "arch/sim_time.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

DvfsTransition plan_transition(const DvfsTransitionSpec& costs, const OperatingPoint& from,
                               const OperatingPoint& to) {
  const TransitionCost c = transition_cost(costs, from, to);
  DvfsTransition t;
  t.from = from;
  t.to = to;
  t.ramp = time_from_ps(c.ramp_ps, "DVFS voltage ramp");
  t.relock = time_from_ps(c.relock_ps, "PLL relock");
  t.energy_pj = c.energy_pj;
  t.run_at_lower_clock = costs.run_at_lower_clock;
  return t;
}

DvfsController::DvfsController(sc_core::sc_module_name name, const ClockSpec& spec,
                               ClockDomain& domain, const DvfsPolicyRegistry& policies)
    : sc_core::sc_module(name), domain_(domain), costs_(spec.transition) {
  const auto* entry = policies.find(spec.policy);
  if (!entry) throw sim::ModelError("DVFS: no policy named '" + spec.policy + "'");
  policy_ = entry->make(spec);
  if (policy_->may_switch() && !costs_)
    throw sim::ModelError("DVFS: policy '" + spec.policy +
                          "' switches points without clock.transition (the parser checks it)");
  if (const double us = policy_->sample_us(); us > 0.0) {
    sample_period_ = time_from_ps(us * 1e6, "DVFS governor sampling period");
    next_sample_ = sample_period_;
  }
  SC_METHOD(step);
  sensitive << start_;
  dont_initialize();
}

DvfsController::DvfsController(sc_core::sc_module_name name, const ClockSpec& spec,
                               ClockDomain& domain)
    : DvfsController(name, spec, domain, builtin_components().dvfs) {}

void DvfsController::check_layers(const std::vector<std::string>& names) const {
  try {
    policy_->check_layers(names);
  } catch (const sim::ConfigError& e) {
    std::vector<sim::InputIssue> issues = e.issues();
    for (sim::InputIssue& i : issues) i.where = "/clock/" + i.where;
    throw sim::ConfigError(std::move(issues));
  }
}

bool DvfsController::request(const DvfsLayer& layer) {
  if (busy_) throw sim::ModelError("DVFS: a point was requested during a transition");
  const OperatingPoint to = policy_->point_for_layer(layer);
  if (layer.index == 0 && policy_->starts_at_first_point()) {
    // The domain starts the run at the first layer's point: no transition.
    domain_.set_point(to);
    show(to.freq_mhz, to.voltage_v, false);
    return true;
  }
  return switch_to(to);
}

bool DvfsController::sample(const DvfsActivity& totals) {
  if (busy_) throw sim::ModelError("DVFS: a sample was taken during a transition");
  if (!next_sample_) throw sim::ModelError("DVFS: a sample for a policy that samples nothing");
  DvfsActivity window;
  window.busy_cycles = totals.busy_cycles - sampled_.busy_cycles;
  window.cycles = totals.cycles - sampled_.cycles;
  window.now_us = totals.now_us;
  window.active_pe_cycles = totals.active_pe_cycles - sampled_.active_pe_cycles;
  window.pes = totals.pes;
  sampled_ = totals;
  // The next sample is one period on (a transition restarts the timer at its end: run()); a
  // step that ran past it (a long DRAM wait) does not make the next window empty.
  while (*next_sample_ <= sc_core::sc_time_stamp()) *next_sample_ += sample_period_;
  return switch_to(policy_->on_sample(window, domain_.point()));
}

bool DvfsController::switch_to(const OperatingPoint& to) {
  if (same_point(to, domain_.point())) return true;
  if (!policy_->may_switch()) {
    // A policy that holds one point for the whole run ("fixed"): the domain started there.
    domain_.set_point(to);
    show(to.freq_mhz, to.voltage_v, false);
    return true;
  }
  if (!costs_) throw sim::ModelError("DVFS: a switch without clock.transition");
  last_ = plan_transition(*costs_, domain_.point(), to);
  busy_ = true;
  relock_requested_ = false;
  start_.notify(sc_core::SC_ZERO_TIME);
  if (last_.run_at_lower_clock && to.freq_mhz > domain_.point().freq_mhz) {
    // The clock runs on at the old (lower) frequency while the supply rises; no sample before
    // the transition's end (the timer restarts then).
    relock_at_ = sc_core::sc_time_stamp() + last_.ramp;
    next_sample_.reset();
    return true;
  }
  return false;
}

void DvfsController::halt_for_relock() {
  if (!relock_at_) throw sim::ModelError("DVFS: a relock halt without a pending relock");
  relock_at_.reset();
  relock_requested_ = true;
  relock_start_.notify(sc_core::SC_ZERO_TIME);
}

void DvfsController::show(double freq_mhz, double voltage_v, bool halted) {
  if (observer_) observer_(DomainState{freq_mhz, voltage_v, halted});
}

void DvfsController::step() {
  if (pc_ >= phases_.size()) {  // woken by start_: a new transition
    phases_ = last_.run_at_lower_clock ? lower_phases(last_) : halt_phases(last_);
    pc_ = 0;
  }
  while (pc_ < phases_.size()) {
    const Phase& p = phases_[pc_++];
    p.act();
    if (p.wait == Phase::Wait::kTime) {
      next_trigger(p.time);
      return;
    }
    if (p.wait == Phase::Wait::kRelockRequest && !relock_requested_) {
      next_trigger(relock_start_);
      return;
    }
  }
  next_trigger(start_);  // idle until the next transition
}

void DvfsController::finish(const DvfsTransition& t) {
  domain_.set_point(t.to);
  busy_ = false;
  if (sample_period_ != sc_core::SC_ZERO_TIME)
    next_sample_ = sc_core::sc_time_stamp() + sample_period_;
  show(t.to.freq_mhz, t.to.voltage_v, false);
  done_.notify(sc_core::SC_ZERO_TIME);
  idle_.notify(sc_core::SC_ZERO_TIME);
}

// clock.transition.during = halt: the domain's clock is stopped for the whole transition.
std::vector<DvfsController::Phase> DvfsController::halt_phases(const DvfsTransition& t) {
  using W = Phase::Wait;
  const bool up = t.to.freq_mhz > t.from.freq_mhz;
  if (up)  // the supply reaches V1 before the PLL relocks at the higher frequency
    return {{[this, t] { show(t.from.freq_mhz, t.from.voltage_v, true); }, W::kTime, t.ramp},
            {[this, t] { show(t.from.freq_mhz, t.to.voltage_v, true); }, W::kTime, t.relock},
            {[this, t] { finish(t); }, W::kNone, {}}};
  // Down: the clock slows first, then the supply ramps down to V1.
  return {{[this, t] { show(t.from.freq_mhz, t.from.voltage_v, true); }, W::kTime, t.relock},
          {[this, t] { show(t.to.freq_mhz, t.from.voltage_v, true); }, W::kTime, t.ramp},
          {[this, t] { finish(t); }, W::kNone, {}}};
}

// clock.transition.during = run_at_lower_clock: the domain runs at the lower of the two clocks
// while the supply ramps (both points allow it: the lower frequency at the lower voltage), and
// stops only while the PLL relocks, as a PLL's output is not used before lock. Going up, the
// halt starts at the sequencer's first step boundary at or after the ramp's end.
std::vector<DvfsController::Phase> DvfsController::lower_phases(const DvfsTransition& t) {
  using W = Phase::Wait;
  if (t.to.freq_mhz > t.from.freq_mhz)
    return {{[this, t] { show(t.from.freq_mhz, t.from.voltage_v, false); }, W::kTime, t.ramp},
            {[this, t] { show(t.from.freq_mhz, t.to.voltage_v, false); }, W::kRelockRequest, {}},
            {[this, t] { show(t.from.freq_mhz, t.to.voltage_v, true); }, W::kTime, t.relock},
            {[this, t] { finish(t); }, W::kNone, {}}};
  // Down: the clock slows first (halted while the PLL relocks), then runs at the new, lower
  // frequency while the supply falls.
  return {{[this, t] { show(t.from.freq_mhz, t.from.voltage_v, true); }, W::kTime, t.relock},
          {[this, t] {
             domain_.set_point(t.to);
             if (next_sample_) next_sample_ = sc_core::sc_time_stamp() + t.ramp + sample_period_;
             show(t.to.freq_mhz, t.from.voltage_v, false);
             done_.notify(sc_core::SC_ZERO_TIME);
           },
           W::kTime, t.ramp},
          {[this, t] {
             busy_ = false;
             show(t.to.freq_mhz, t.to.voltage_v, false);
             idle_.notify(sc_core::SC_ZERO_TIME);
           },
           W::kNone,
           {}}};
}

}  // namespace adasim::arch
