// SPDX-License-Identifier: Apache-2.0
#include "sim/app/interrupt.hpp"

#include <signal.h>

#include <csignal>
#include <systemc>

namespace adasim::sim {
namespace {

// The only state a signal handler may touch is static storage of type volatile sig_atomic_t: the
// one global of adasim, written by the handler and reset by InterruptGuard.
volatile std::sig_atomic_t g_received = 0;

extern "C" void record_signal(int signal) { g_received = signal; }

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error("interrupted by " + signal_name(signal)), signal_(signal) {}

InterruptGuard::InterruptGuard() {
  g_received = 0;
  struct sigaction sa {};
  sa.sa_handler = record_signal;
  sigemptyset(&sa.sa_mask);
  // One-shot: the first signal is recorded and polled; a second one gets the default action
  // (ends the process) for a user who does not want to wait for the next poll.
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, &previous_int_);
  sigaction(SIGTERM, &sa, &previous_term_);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
  g_received = 0;
}

int pending_interrupt() { return int(g_received); }

void throw_if_interrupted() {
  if (const int s = pending_interrupt()) throw Interrupted(s);
}

void run_kernel_until_idle(uint64_t slice_ps, const std::function<void()>& between) {
  const sc_core::sc_time slice(double(slice_ps), sc_core::SC_PS);
  const sc_core::sc_time tick(1.0, sc_core::SC_PS);
  do {
    throw_if_interrupted();
    // Exit on starvation keeps the end time the last event's, as sc_start() would; a slice
    // reaches at least one past the next event, so an idle gap longer than a slice (a long DRAM
    // latency) is crossed in one step instead of stalling.
    const sc_core::sc_time next = sc_core::sc_time_to_pending_activity();
    sc_core::sc_start(next >= slice ? next + tick : slice, sc_core::SC_EXIT_ON_STARVATION);
    if (between) between();
  } while (sc_core::sc_pending_activity());
  throw_if_interrupted();
}

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

}  // namespace adasim::sim
