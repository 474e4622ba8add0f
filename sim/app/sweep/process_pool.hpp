// SPDX-License-Identifier: Apache-2.0
// Runs commands in worker processes, at most N at a time (SystemC allows one elaboration per
// process, so every simulation gets its own). Waits with sigtimedwait on SIGCHLD / SIGINT /
// SIGTERM / SIGHUP (blocked while the pool runs), so there is no signal handler and no global
// state; workers die with the pool's process (PR_SET_PDEATHSIG), so a kill -9 of the sweep leaves
// no orphan writing into its folder. Linux only (prctl).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace adasim::sim::sweep {

struct Job {
  std::vector<std::string> argv;  ///< argv[0] is the executable's path
  std::string log;                ///< stdout and stderr of the worker go here
};

struct JobResult {
  size_t job = 0;      ///< index into the jobs given to run()
  int exit_code = -1;  ///< -1 when killed by a signal
  int signal = 0;      ///< the signal that killed it, 0 if it exited
  double seconds = 0;  ///< wall time
};

/// How a pool run ended.
enum class PoolEnd { kFinished, kInterrupted };

class ProcessPool {
 public:
  /// `parallel` >= 1 workers; `on_done` is called in this process for each finished job (in
  /// completion order); `on_tick` about every 250 ms and after each completion (progress).
  ProcessPool(int parallel, std::function<void(const JobResult&)> on_done,
              std::function<void()> on_tick);

  /// Runs every job. On SIGINT / SIGTERM / SIGHUP it stops starting jobs, sends SIGTERM to the
  /// running ones, reaps them (their results are not reported) and returns kInterrupted with
  /// the signal in interrupt_signal(). If on_done throws, the workers are stopped the same way
  /// and the exception propagates.
  PoolEnd run(const std::vector<Job>& jobs);
  int interrupt_signal() const { return signal_; }

 private:
  int parallel_;
  std::function<void(const JobResult&)> on_done_;
  std::function<void()> on_tick_;
  int signal_ = 0;
};

/// Worker processes to run by default: the CPUs this process may run on (sched_getaffinity, so
/// a Slurm allocation or taskset is honoured), at least 1.
int default_parallelism();

}  // namespace adasim::sim::sweep
