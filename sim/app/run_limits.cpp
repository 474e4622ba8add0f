// SPDX-License-Identifier: Apache-2.0
#include "sim/app/run_limits.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "sim/app/run_options.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

constexpr const char* kCommandLine = "command line";

uint64_t integer_flag(const std::string& flag, const std::string& text, uint64_t max,
                      const std::string& unit) {
  if (auto v = decimal_u64(text); v && *v >= 1 && *v <= max) return *v;
  throw ConfigError(kCommandLine, flag, "\"" + text + "\"",
                    "a decimal integer in [1, " + std::to_string(max) + "] (" + unit + ")");
}

double seconds_flag(const std::string& text) {
  const std::string expected = "a decimal number of seconds in (0, 1e9], e.g. 600 or 0.5";
  // Digits with at most one point: no sign, exponent, "inf" or "nan" (strtod would take them).
  bool digit = false;
  int points = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c == '.')
      ++points;
    else
      throw ConfigError(kCommandLine, "--max-seconds", "\"" + text + "\"", expected);
  }
  const double v =
      digit && points <= 1 && text.size() <= 20 ? std::strtod(text.c_str(), nullptr) : 0.0;
  if (!(v > 0.0 && v <= 1e9))
    throw ConfigError(kCommandLine, "--max-seconds", "\"" + text + "\"", expected);
  return v;
}

std::string cycles_text(double c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", c);
  return buf;
}

std::string seconds_text(const char* format, double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, s);
  return buf;
}

}  // namespace

RunLimits parse_limits(const LimitFlags& f, bool progress, bool quiet, bool tty) {
  RunLimits l;
  if (!f.max_cycles.empty())
    l.max_cycles = integer_flag("--max-cycles", f.max_cycles, UINT64_MAX, "simulated cycles");
  if (!f.max_seconds.empty()) l.max_seconds = seconds_flag(f.max_seconds);
  if (!f.max_memory_mb.empty())
    l.max_memory_mb = integer_flag("--max-memory-mb", f.max_memory_mb, uint64_t(1) << 30, "MiB");
  if (!f.watchdog_cycles.empty())
    l.watchdog_cycles =
        integer_flag("--watchdog-cycles", f.watchdog_cycles, UINT64_MAX, "cycles without progress");
  l.quiet = quiet;
  l.progress = progress        ? RunLimits::Progress::kOn
               : tty && !quiet ? RunLimits::Progress::kAuto
                               : RunLimits::Progress::kOff;
  return l;
}

uint64_t resident_mb() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) return resident * uint64_t(sysconf(_SC_PAGESIZE)) >> 20;
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return uint64_t(u.ru_maxrss) >> 10;  // KiB on Linux
}

RunMonitor::RunMonitor(RunLimits limits, std::ostream& note, Clock::time_point start)
    : limits_(limits),
      note_(note),
      start_(start),
      sim_start_(start),
      next_check_(start),
      next_line_(start) {}

double RunMonitor::seconds_since(Clock::time_point t) const {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void RunMonitor::before_run(const workloads::Graph& graph,
                            const std::vector<workloads::LayerSchedule>& schedules) {
  names_.clear();
  for (const workloads::Layer& l : graph.layers) names_.push_back(l.name);
  std::vector<double> est;
  estimate_ = 0;
  for (const workloads::LayerSchedule& s : schedules) {
    est.push_back(std::max(0.0, s.estimated_cycles()));
    estimate_ += est.back();
  }
  const size_t n = est.size();
  const bool print = limits_.progress == RunLimits::Progress::kOn ||
                     (!limits_.quiet && estimate_ >= double(kLongRunCycles));
  if (print) {
    note_ << "adasim: estimated " << cycles_text(estimate_) << " cycles over " << n
          << " layers (the mapper's estimate: the simulated cycles, unless zero skipping or "
             "compressed storage make them follow the values)\n";
    for (size_t i = 0; i < n; ++i)
      note_ << "  layer " << i + 1 << "/" << n << " '" << names_[i] << "': " << cycles_text(est[i])
            << " cycles\n";
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += est[i];
    if (sum <= double(limits_.max_cycles)) continue;
    throw ConfigError(kCommandLine, "--max-cycles",
                      "an estimate of " + cycles_text(sum) + " cycles by the end of layer " +
                          std::to_string(i + 1) + "/" + std::to_string(n) + " '" + names_[i] +
                          "' (" + cycles_text(est[i]) + " cycles in that layer, " +
                          cycles_text(estimate_) + " in the whole run)",
                      "a run estimated at most " + std::to_string(limits_.max_cycles) +
                          " cycles (the limit; lift it with --max-cycles N)");
  }
  sim_start_ = Clock::now();
  check_host("mapping");
}

void RunMonitor::check_host(const std::string& during) {
  const double s = seconds_since(start_);
  if (s > limits_.max_seconds)
    throw ConfigError(kCommandLine, "--max-seconds",
                      seconds_text("%.3f", s) + " s of host time used, " + during,
                      "a run within " + seconds_text("%g", limits_.max_seconds) +
                          " s (the limit; lift it with --max-seconds S)");
  const uint64_t mb = resident_mb();
  if (mb > limits_.max_memory_mb)
    throw ConfigError(kCommandLine, "--max-memory-mb",
                      std::to_string(mb) + " MiB resident, " + during,
                      "a run within " + std::to_string(limits_.max_memory_mb) +
                          " MiB (the limit; lift it with --max-memory-mb N)");
}

void RunMonitor::check(const std::string& layer) {
  const Clock::time_point now = Clock::now();
  if (now < next_check_) return;
  next_check_ = now + std::chrono::milliseconds(250);
  check_host("mapping layer '" + layer + "'");
}

void RunMonitor::between_slices(size_t layers_done, uint64_t cycle) {
  auto where = [&] {
    const size_t n = names_.size();
    const size_t at = std::min(layers_done, n ? n - 1 : 0);
    return "layer " + std::to_string(at + 1) + "/" + std::to_string(n) +
           (n ? " '" + names_[at] + "'" : std::string()) + " at cycle " + std::to_string(cycle);
  };
  if (cycle > limits_.max_cycles)
    throw ConfigError(kCommandLine, "--max-cycles", "a run still going in " + where(),
                      "a run within " + std::to_string(limits_.max_cycles) +
                          " simulated cycles (the limit; lift it with --max-cycles N)");
  const Clock::time_point now = Clock::now();
  if (now >= next_check_) {
    next_check_ = now + std::chrono::milliseconds(250);
    check_host("simulating " + where());
  }
  progress(layers_done, cycle, now);
}

void RunMonitor::progress(size_t layers_done, uint64_t cycle, Clock::time_point now) {
  using RP = RunLimits::Progress;
  if (limits_.progress == RP::kOff) return;
  const bool layer_ended = layers_done != layers_seen_;
  layers_seen_ = layers_done;
  const bool on = limits_.progress == RP::kOn;
  const double run = std::chrono::duration<double>(now - start_).count();
  const bool timed = now >= next_line_ && (on || run >= 2.0);
  if (!(timed || (on && layer_ended))) return;
  next_line_ = now + std::chrono::seconds(on ? 1 : 2);
  const size_t n = names_.size();
  const size_t i = std::min(layers_done, n ? n - 1 : 0);
  note_ << progress_line(layers_done, n, n ? names_[i] : std::string(), cycle, estimate_,
                         std::chrono::duration<double>(now - sim_start_).count())
        << std::flush;
}

std::string RunMonitor::progress_line(size_t layers_done, size_t layers, const std::string& name,
                                      uint64_t cycle, double estimate, double seconds) {
  char buf[96];
  const double rate = seconds > 0 ? double(cycle) / seconds / 1e6 : 0.0;
  std::snprintf(buf, sizeof buf, ", %.2f M cycles/s, %.1f s\n", rate, seconds);
  const std::string layer = layers_done >= layers
                                ? "all " + std::to_string(layers) + " layers done"
                                : "layer " + std::to_string(layers_done + 1) + "/" +
                                      std::to_string(layers) + " '" + name + "'";
  return "adasim: " + layer + ", " + std::to_string(cycle) + " cycles simulated (estimate " +
         cycles_text(estimate) + ")" + buf;
}

}  // namespace adasim::sim
