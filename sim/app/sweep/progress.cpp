// SPDX-License-Identifier: Apache-2.0
// Sweep progress line (progress.hpp).
#include "sim/app/sweep/progress.hpp"

#include <cstdio>
#include <ostream>

namespace adasim::sim::sweep {

Progress::Progress(std::ostream& err, bool tty, size_t total, size_t resumed)
    : err_(err),
      tty_(tty),
      total_(total),
      resumed_(resumed),
      start_(Clock::now()),
      last_draw_(start_) {
  if (tty_) draw();
}

std::string Progress::duration_text(double s) {
  char buf[32];
  const long t = long(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof(buf), "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof(buf), "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof(buf), "%lds", t);
  return buf;
}

std::string Progress::line() const {
  const size_t done = resumed_ + done_;
  constexpr int kWidth = 24;
  const int filled = total_ ? int(double(done) / double(total_) * kWidth) : kWidth;
  std::string bar(size_t(filled), '#');
  bar.resize(kWidth, '-');
  std::string out = "sweep [" + bar + "] " + std::to_string(done) + "/" + std::to_string(total_);
  if (resumed_) out += " (" + std::to_string(resumed_) + " resumed)";
  out += ", " + std::to_string(failed_) + " failed";
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  if (done_ > 0 && elapsed > 0) {
    char rate[32];
    std::snprintf(rate, sizeof(rate), "%.1f", double(done_) / elapsed * 60.0);
    out += std::string(", ") + rate + " items/min";
    const size_t left = total_ > done ? total_ - done : 0;
    out += ", ETA " + duration_text(elapsed / double(done_) * double(left));
  }
  return out;
}

void Progress::draw() {
  err_ << "\r\033[K" << line() << std::flush;
  drawn_ = true;
  last_draw_ = Clock::now();
}

void Progress::finished(bool failed) {
  ++done_;
  if (failed) ++failed_;
  if (tty_)
    draw();
  else
    err_ << line() << "\n" << std::flush;
}

void Progress::tick() {
  if (tty_ && Clock::now() - last_draw_ > std::chrono::milliseconds(250)) draw();
}

void Progress::close() {
  if (tty_) {
    draw();
    err_ << "\n" << std::flush;
  }
}

}  // namespace adasim::sim::sweep
