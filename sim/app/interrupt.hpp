// SPDX-License-Identifier: Apache-2.0
// Clean interruption of a run: SIGINT / SIGTERM only record the signal (the handler does nothing
// else); the run polls at safe points (between simulation slices, between mapped layers, before
// the outputs are committed) and unwinds with an Interrupted exception, so that the output
// transaction (output_commit.hpp) removes everything the run had staged. A second signal of the
// same kind ends the process at once (the default action is restored by the first one).
#pragma once

#include <signal.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace adasim::sim {

/// The run stopped because of a signal; `signal()` is its number (SIGINT, SIGTERM).
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  /// 128 + signal, the exit status shells give a process ended by that signal.
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

/// Installs the SIGINT / SIGTERM handlers for its lifetime and restores the previous dispositions
/// when destroyed. One per run (the CLI creates it around a command).
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

/// The signal received while a guard was installed, 0 if none.
int pending_interrupt();

/// Throws Interrupted if a signal was received. Cheap: one read of a sig_atomic_t.
void throw_if_interrupted();

/// sc_start() until the SystemC kernel runs out of events, in slices of `slice_ps` picoseconds
/// of simulated time; a signal received meanwhile throws Interrupted between two slices.
/// Slicing does not change the simulation: the kernel resumes exactly where it paused.
/// `between`, if given, is called after every slice (run limits and progress, run_limits.hpp);
/// what it throws ends the run the same way.
void run_kernel_until_idle(uint64_t slice_ps, const std::function<void()>& between = {});

/// "SIGINT", "SIGTERM" or "signal N".
std::string signal_name(int signal);

}  // namespace adasim::sim
