// SPDX-License-Identifier: Apache-2.0
#include "sim/core/watchdog.hpp"

#include "sim/core/errors.hpp"

namespace adasim::sim {

ProgressWatchdog::ProgressWatchdog(uint64_t limit, std::function<std::string()> dump)
    : limit_(limit), dump_(std::move(dump)) {
  if (limit_ == 0) throw ModelError("watchdog: the limit must be at least one cycle");
}

void ProgressWatchdog::fire(uint64_t cycle) const {
  throw ModelError("watchdog: no forward progress for " + std::to_string(cycle - since_cycle_) +
                   " cycles (limit " + std::to_string(limit_) +
                   ", --watchdog-cycles), from cycle " + std::to_string(since_cycle_) + " to " +
                   std::to_string(cycle) + "\n" + (dump_ ? dump_() : std::string()));
}

}  // namespace adasim::sim
