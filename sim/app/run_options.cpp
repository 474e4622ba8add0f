// SPDX-License-Identifier: Apache-2.0
#include "sim/app/run_options.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"

namespace adasim::sim {
namespace {

constexpr const char* kCommandLine = "command line";

void require_non_empty(const std::string& flag, const std::string& value, const char* what) {
  if (value.empty()) throw ConfigError(kCommandLine, flag, "\"\" (an empty path)", what);
}

}  // namespace

std::optional<uint64_t> decimal_u64(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = uint64_t(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

uint64_t parse_seed(const std::string& text) {
  if (auto v = decimal_u64(text)) return *v;
  throw ConfigError(kCommandLine, "--seed", "\"" + text + "\"",
                    "a decimal integer in [0, 18446744073709551615] (no sign)");
}

std::pair<uint64_t, uint64_t> parse_trace_window(const std::string& text) {
  if (text.empty()) return {0, 0};
  const std::string expected =
      "START:END in cycles, e.g. 0:2000 (decimal integers below 2^64, END empty = to the end)";
  const size_t colon = text.find(':');
  if (colon == std::string::npos) throw ConfigError(kCommandLine, "--trace-window", text, expected);
  const std::string start = text.substr(0, colon), end = text.substr(colon + 1);
  const auto s = start.empty() ? std::optional<uint64_t>(0) : decimal_u64(start);
  const auto e = end.empty() ? std::optional<uint64_t>(0) : decimal_u64(end);
  if (!s || !e) throw ConfigError(kCommandLine, "--trace-window", text, expected);
  return {*s, *e};
}

double parse_power_window(const std::string& text) {
  if (text.empty()) return 1.0;
  const std::string expected = "a window in microseconds in [0.001, 1000000], e.g. 1 or 0.5";
  // Plain decimal only: no sign, blank, hex, "inf" or "nan" (strtod would take them).
  if (text.find_first_not_of("0123456789.eE-+") != std::string::npos || text[0] == '-' ||
      text[0] == '+')
    throw ConfigError(kCommandLine, "--power-window-us", text, expected);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v) || v < 0.001 || v > 1e6)
    throw ConfigError(kCommandLine, "--power-window-us", text, expected);
  return v;
}

void check_run_options(const RunOptions& opt) {
  require_non_empty("--out", opt.out_dir, "a directory for the reports, e.g. out");
  if (opt.vcd_given) require_non_empty("--vcd", opt.vcd, "a VCD file path, e.g. out/trace.vcd");
  if (opt.dump_given)
    require_non_empty("--dump-outputs", opt.dump_dir, "a directory for the output tensors");
  if (opt.save_quantized_given)
    require_non_empty("--save-quantized", opt.save_quantized,
                      "an ONNX file path for the quantized model, e.g. out/model_int8.onnx");
  if (opt.vcd.empty() && !opt.trace_globs.empty())
    throw ConfigError(kCommandLine, "--trace", "'" + opt.trace_globs.front() + "' without --vcd",
                      "--trace together with --vcd FILE (it selects the signals of that trace)");
  if (opt.vcd.empty() && !opt.trace_window.empty())
    throw ConfigError(kCommandLine, "--trace-window", opt.trace_window + " without --vcd",
                      "--trace-window together with --vcd FILE (it limits that trace)");
  for (const std::string& g : opt.trace_globs)
    if (g.empty())
      throw ConfigError(kCommandLine, "--trace", "\"\"", "a glob like 'top.pe_array.*'");
  if (opt.batch < 0 || opt.batch > workloads::kMaxTensorDim)
    throw ConfigError(kCommandLine, "--batch", std::to_string(opt.batch),
                      "an integer in [0, " + std::to_string(workloads::kMaxTensorDim) +
                          "] (0 = the workload's own batch)");
  parse_trace_window(opt.trace_window);
  if (!opt.power_trace && opt.power_window_given)
    throw ConfigError(
        kCommandLine, "--power-window-us", opt.power_window_us + " without --power-trace",
        "--power-window-us together with --power-trace (it sets that trace's window)");
  if (opt.power_window_given && opt.power_window_us.empty())
    throw ConfigError(kCommandLine, "--power-window-us", "\"\"",
                      "a window in microseconds in [0.001, 1000000], e.g. 1 or 0.5");
  parse_power_window(opt.power_window_us);
}

std::string default_input(const std::string& rel, std::ostream& note) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(rel, ec)) return rel;
  const std::string shipped = (std::filesystem::path(ADASIM_SOURCE_DIR) / rel).string();
  note << "adasim: no ./" << rel << " here: using " << shipped << "\n";
  return shipped;
}

}  // namespace adasim::sim
