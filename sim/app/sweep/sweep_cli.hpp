// SPDX-License-Identifier: Apache-2.0
// Command line of `adasim sweep` and `adasim sweep merge` (called from sim/app/cli.cpp).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace adasim::sim::sweep {

/// `args` follow "sweep". Returns the exit code; throws like the other commands (ConfigError,
/// boost::program_options errors).
int cmd_sweep(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace adasim::sim::sweep
