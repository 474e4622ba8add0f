// SPDX-License-Identifier: Apache-2.0
// The adasim command line: `run`, `validate`, `map`. Parsing (Boost.Program_options) and exit
// codes live here and only here: 0 ok, 1 usage, 2 bad input (config/workload), 3 model error.
#pragma once

#include <iosfwd>

namespace adasim::sim {

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace adasim::sim
