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
  SC_THREAD(run);
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
  if (same_point(to, domain_.point())) return true;
  if (!policy_->may_switch()) {
    // A policy that holds one point for the whole run ("fixed"): the domain starts there.
    domain_.set_point(to);
    show(to.freq_mhz, to.voltage_v, false);
    return true;
  }
  if (!costs_) throw sim::ModelError("DVFS: a switch without clock.transition");
  last_ = plan_transition(*costs_, domain_.point(), to);
  busy_ = true;
  start_.notify(sc_core::SC_ZERO_TIME);
  return false;
}

void DvfsController::show(double freq_mhz, double voltage_v, bool halted) {
  if (observer_) observer_(DomainState{freq_mhz, voltage_v, halted});
}

void DvfsController::run() {
  for (;;) {
    sc_core::wait(start_);
    const DvfsTransition t = last_;
    show(t.from.freq_mhz, t.from.voltage_v, true);
    if (t.to.freq_mhz > t.from.freq_mhz) {
      // Up: the supply reaches V1 before the PLL relocks at the higher frequency.
      sc_core::wait(t.ramp);
      show(t.from.freq_mhz, t.to.voltage_v, true);
      sc_core::wait(t.relock);
    } else {
      // Down: the clock slows first, then the supply ramps down to V1.
      sc_core::wait(t.relock);
      show(t.to.freq_mhz, t.from.voltage_v, true);
      sc_core::wait(t.ramp);
    }
    domain_.set_point(t.to);
    busy_ = false;
    show(t.to.freq_mhz, t.to.voltage_v, false);
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace adasim::arch
