// SPDX-License-Identifier: Apache-2.0
// Worker process pool (process_pool.hpp): fork/exec, sigtimedwait, waitpid.
#include "sim/app/sweep/process_pool.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>

namespace adasim::sim::sweep {
namespace {

using Clock = std::chrono::steady_clock;

struct Running {
  size_t job;
  Clock::time_point start;
};

sigset_t pool_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
  return set;
}

/// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(char* const* argv, const char* log, const sigset_t& old_mask,
                             pid_t parent) {
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(126);  // the pool died before prctl took effect
  const int fd = ::open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
  }
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  ::execv(argv[0], argv);
  ::_exit(127);
}

pid_t spawn(const Job& job, const sigset_t& old_mask) {
  std::vector<char*> argv;
  for (const std::string& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("cannot start a worker process: ") + std::strerror(errno));
  if (pid == 0) exec_child(argv.data(), job.log.c_str(), old_mask, parent);
  return pid;
}

void stop_all(const std::map<pid_t, Running>& running) {
  for (const auto& [pid, r] : running) ::kill(pid, SIGTERM);
  for (const auto& [pid, r] : running) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

/// Restores the signal mask when the pool returns or throws.
class MaskGuard {
 public:
  explicit MaskGuard(const sigset_t& block) { ::sigprocmask(SIG_BLOCK, &block, &old_); }
  ~MaskGuard() {
    // Drop signals that arrived while blocked and were handled by the pool (SIGCHLD mostly).
    sigset_t pending;
    sigpending(&pending);
    timespec zero{0, 0};
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    while (sigismember(&pending, SIGCHLD) && ::sigtimedwait(&chld, nullptr, &zero) > 0) {
      sigpending(&pending);
    }
    ::sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  const sigset_t& old() const { return old_; }

 private:
  sigset_t old_;
};

}  // namespace

ProcessPool::ProcessPool(int parallel, std::function<void(const JobResult&)> on_done,
                         std::function<void()> on_tick)
    : parallel_(parallel < 1 ? 1 : parallel),
      on_done_(std::move(on_done)),
      on_tick_(std::move(on_tick)) {}

PoolEnd ProcessPool::run(const std::vector<Job>& jobs) {
  const sigset_t set = pool_signals();
  MaskGuard guard(set);
  std::map<pid_t, Running> running;
  size_t next = 0;
  try {
    while (next < jobs.size() || !running.empty()) {
      while (signal_ == 0 && int(running.size()) < parallel_ && next < jobs.size()) {
        running[spawn(jobs[next], guard.old())] = Running{next, Clock::now()};
        ++next;
      }
      if (running.empty()) break;
      timespec wait{0, 250 * 1000 * 1000};
      const int sig = ::sigtimedwait(&set, nullptr, &wait);
      if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
        signal_ = sig;
        stop_all(running);
        return PoolEnd::kInterrupted;
      }
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        JobResult r;
        r.job = it->second.job;
        r.seconds = std::chrono::duration<double>(Clock::now() - it->second.start).count();
        if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
        running.erase(it);
        on_done_(r);
      }
      on_tick_();
    }
  } catch (...) {
    stop_all(running);
    throw;
  }
  return PoolEnd::kFinished;
}

int default_parallelism() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    const int n = CPU_COUNT(&cpus);
    if (n > 0) return n;
  }
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? int(n) : 1;
}

}  // namespace adasim::sim::sweep
