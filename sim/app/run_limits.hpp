// SPDX-License-Identifier: Apache-2.0
// Budgets and progress of `adasim run`: the limits a run must stay within (simulated cycles, wall
// seconds, resident memory, cycles without forward progress), the estimate printed before
// simulating, and progress lines on stderr. A limit refuses the run before it starts (the
// mapper's estimate above --max-cycles) or stops it between two slices of simulated time; both
// are a ConfigError on "command line" naming the flag that lifts the limit (exit 2), and the
// run's output transaction leaves every output folder as it was.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/app/simulation.hpp"
#include "sim/core/watchdog.hpp"

namespace adasim::sim {

/// An estimate of at least this many cycles makes a run "long": the estimate is printed before
/// simulating (about 15 s in cycle mode at the ~0.6 M cycles/s of a ResNet-50 run with values on
/// a 2-core CI machine; fast mode is several times quicker).
constexpr uint64_t kLongRunCycles = 10'000'000;

struct RunLimits {
  /// Simulated cycles of the core clock, whole run: 10^10 (10 s at 1 GHz, hours of host time).
  uint64_t max_cycles = 10'000'000'000;
  double max_seconds = 3600;       ///< host wall-clock seconds, mapping and simulation
  uint64_t max_memory_mb = 16384;  ///< resident set size of the process, MiB
  uint64_t watchdog_cycles = kDefaultWatchdogCycles;  ///< cycles without forward progress
  /// Progress on stderr. kOn (--progress): the estimate, a line at the end of every layer and
  /// one every second. kAuto (stderr is a terminal, no --quiet): a line every 2 s once the run
  /// has taken 2 s. kOff: none (the estimate of a long run is still printed unless --quiet).
  enum class Progress { kOff, kAuto, kOn };
  Progress progress = Progress::kOff;
  bool quiet = false;  ///< --quiet: no estimate of a long run either (--progress still prints it)
};

/// The text of the limit flags, checked (positive decimal numbers; ConfigError naming the flag).
struct LimitFlags {
  std::string max_cycles, max_seconds, max_memory_mb, watchdog_cycles;
};
/// `progress`: --progress given; `quiet`: --quiet given; `tty`: stderr is a terminal.
RunLimits parse_limits(const LimitFlags& flags, bool progress, bool quiet, bool tty);

/// The resident set size of this process in MiB (/proc/self/statm; getrusage's peak otherwise).
uint64_t resident_mb();

/// Enforces the limits on a run and reports its progress on `note` (stderr). The host limits
/// (--max-seconds, --max-memory-mb) also stop the mapping search inside a layer.
class RunMonitor : public IRunObserver, public workloads::ISearchGuard {
 public:
  using Clock = std::chrono::steady_clock;
  RunMonitor(RunLimits limits, std::ostream& note, Clock::time_point start = Clock::now());

  /// Prints the per-layer estimate (when the run is long or progress is on) and refuses an
  /// estimate above --max-cycles, naming the layer where the run's estimate crosses it.
  void before_run(const workloads::Graph& graph,
                  const std::vector<workloads::LayerSchedule>& schedules) override;
  /// Stops the run past --max-cycles (each slice); past --max-seconds or --max-memory-mb and
  /// prints a progress line (at most four times a second of host time).
  void between_slices(size_t layers_done, uint64_t cycle) override;
  uint64_t watchdog_cycles() const override { return limits_.watchdog_cycles; }
  workloads::ISearchGuard* search_guard() override { return this; }
  /// Between the mapping search's candidates of `layer`: host time or memory over its limit
  /// (read at most four times a second) throws, naming the layer.
  void check(const std::string& layer) override;
  /// Host time or memory over its limit (also between mapped layers): throws.
  void check_host(const std::string& during);

  /// One progress line: "adasim: layer 3/12 'conv2', 123456 cycles simulated (est. 2664768),
  /// 1.23 M cycles/s, 2.0 s".
  static std::string progress_line(size_t layer, size_t layers, const std::string& name,
                                   uint64_t cycle, double estimate, double seconds);

 private:
  double seconds_since(Clock::time_point t) const;
  void progress(size_t layers_done, uint64_t cycle, Clock::time_point now);
  RunLimits limits_;
  std::ostream& note_;
  Clock::time_point start_, sim_start_, next_check_, next_line_;
  std::vector<std::string> names_;
  double estimate_ = 0;
  size_t layers_seen_ = 0;
};

}  // namespace adasim::sim
