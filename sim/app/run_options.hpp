// SPDX-License-Identifier: Apache-2.0
// Checks and conversions of `adasim run` / `map` option values that Boost.Program_options cannot
// express: decimal-only numbers (no "-1" wrapping to 2^64 - 1), the trace window, options that
// only make sense together (--trace needs --vcd), and the default input files. Every refusal is a
// ConfigError on "command line" naming the option, its value and what is accepted (exit 2).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>

#include "sim/app/run_command.hpp"

namespace adasim::sim {

/// Decimal digits only (no sign, blank, exponent), at most 2^64 - 1; nullopt otherwise.
std::optional<uint64_t> decimal_u64(const std::string& text);

/// A decimal seed in [0, 2^64 - 1]; anything else (sign, blanks, hex, too large) is refused.
uint64_t parse_seed(const std::string& text);

/// --trace-window "START:END" in cycles (END empty = to the end): {START, END}, {0, 0} for "".
std::pair<uint64_t, uint64_t> parse_trace_window(const std::string& text);

/// --power-window-us: a window in microseconds, finite, in [0.001, 1e6] ("" = 1 us).
double parse_power_window(const std::string& text);

/// The cross-option rules of `adasim run`: a non-empty --out, --dump-outputs and --vcd; --trace and
/// --trace-window only with --vcd; --power-window-us only with --power-trace; --batch >= 0.
void check_run_options(const RunOptions& opt);

/// The file used when --arch / --workload is not given: `rel` (e.g. "configs/default.json") in the
/// current directory if it exists there, else the copy in the source tree this adasim was built
/// from, announced on `note` (a run from outside a checkout must not pick another file silently).
std::string default_input(const std::string& rel, std::ostream& note);

}  // namespace adasim::sim
