// SPDX-License-Identifier: Apache-2.0
// Sweep progress on stderr: done/total, failures, rate and ETA. On a terminal one line redrawn in
// place (at most 4 times a second); otherwise (a log file, a Slurm job) one plain line per
// finished item.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace adasim::sim::sweep {

class Progress {
 public:
  /// `total` items in this run's slice, `resumed` of them already done before it started.
  Progress(std::ostream& err, bool tty, size_t total, size_t resumed);

  void finished(bool failed);  ///< one item done (failed: an error row or a crashed worker)
  void tick();                 ///< redraw if due (terminal only)
  void close();                ///< final line

  /// "1h02m", "4m05s", "12s".
  static std::string duration_text(double seconds);
  /// The status line without control characters, e.g.
  /// "sweep [#####-----] 37/120 (12 resumed), 1 failed, 4.2 items/min, ETA 19m40s".
  std::string line() const;

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& err_;
  bool tty_;
  size_t total_, resumed_, done_ = 0, failed_ = 0;
  Clock::time_point start_, last_draw_;
  bool drawn_ = false;
  void draw();
};

}  // namespace adasim::sim::sweep
