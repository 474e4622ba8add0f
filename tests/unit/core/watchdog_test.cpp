// SPDX-License-Identifier: Apache-2.0
// The forward-progress watchdog on a fake progress counter: it tolerates exactly `limit` cycles
// without progress, fires on the first cycle beyond with the owner's state dump, and any change
// of the counter restarts the count.
#include "sim/core/watchdog.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

TEST(Watchdog, ToleratesExactlyTheLimitThenFiresWithTheDump) {
  int dumps = 0;
  ProgressWatchdog w(100, [&] {
    ++dumps;
    return std::string("layer 2/5 'conv2', dma: 3 job(s) not issued\n");
  });
  w.restart(1000, 7);
  EXPECT_NO_THROW(w.observe(1050, 7));
  EXPECT_NO_THROW(w.observe(1100, 7));  // 100 cycles without progress: the limit, tolerated
  EXPECT_EQ(dumps, 0);
  try {
    w.observe(1101, 7);
    FAIL() << "no error after 101 cycles without progress";
  } catch (const ModelError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("no forward progress for 101 cycles (limit 100"), std::string::npos) << m;
    EXPECT_NE(m.find("from cycle 1000 to 1101"), std::string::npos) << m;
    EXPECT_NE(m.find("layer 2/5 'conv2', dma: 3 job(s) not issued"), std::string::npos) << m;
  }
  EXPECT_EQ(dumps, 1);
}

TEST(Watchdog, ProgressRestartsTheCount) {
  ProgressWatchdog w(10, nullptr);
  uint64_t progress = 0;  // the fake counter: moves every 10th cycle
  for (uint64_t cycle = 0; cycle < 10000; ++cycle) {
    if (cycle % 10 == 0) ++progress;
    ASSERT_NO_THROW(w.observe(cycle, progress)) << cycle;
  }
  // Stuck from cycle 9990 on (the last change): cycle 10000 is 10 later, 10001 is 11.
  EXPECT_NO_THROW(w.observe(10000, progress));
  EXPECT_THROW(w.observe(10001, progress), ModelError);
}

TEST(Watchdog, AJumpPastTheLimitFiresAtOnce) {
  // A single step that waits longer than the limit (an engine's kWait) is no progress either.
  ProgressWatchdog w(1000, nullptr);
  w.restart(0, 0);
  EXPECT_THROW(w.observe(5000, 0), ModelError);
}

TEST(Watchdog, ZeroLimitIsABug) { EXPECT_THROW(ProgressWatchdog(0, nullptr), ModelError); }

}  // namespace
}  // namespace adasim::sim
