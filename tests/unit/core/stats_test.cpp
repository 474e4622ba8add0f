// SPDX-License-Identifier: Apache-2.0
// Statistics declared once per block: a group reads the block's counters when collected (the hot
// path stays a member increment), evaluates derived values over the interval, and can be
// redeclared; the strong cycle type converts only on purpose.
#include "sim/core/stats.hpp"

#include <gtest/gtest.h>

#include <type_traits>

#include "sim/core/cycle.hpp"

namespace adasim::sim {
namespace {

TEST(StatGroup, ReadsCountersAndFormulasWhenCollected) {
  uint64_t reads = 0;
  int64_t passes = 0;
  StatGroup g("gbuf");
  g.add("read_bytes", reads, "bytes", "read toward the array");
  g.add("passes", passes, "passes", "signed counter");
  g.add_count(
      "read_words", [&] { return (reads + 7) / 8; }, "words", "8-byte words");
  g.add_real(
      "util", [&](const Interval& in) { return double(reads) / (8.0 * double(in.cycles)); },
      "fraction", "8 bytes per cycle", StatKind::kUtilization);
  reads = 100;  // the block counts after declaring: the group sees the current value
  passes = 3;
  std::vector<StatValue> v;
  g.collect(Interval{25, 0.0}, v);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].group, "gbuf");
  EXPECT_EQ(v[0].name, "read_bytes");
  EXPECT_EQ(v[0].unit, "bytes");
  EXPECT_EQ(v[0].count, 100u);
  EXPECT_EQ(v[1].count, 3u);
  EXPECT_EQ(v[2].count, 13u);  // ceil(100 / 8)
  EXPECT_FALSE(v[3].integral);
  EXPECT_EQ(v[3].kind, StatKind::kUtilization);
  EXPECT_DOUBLE_EQ(v[3].real, 0.5);  // 100 / (8 x 25)
  ASSERT_EQ(g.docs().size(), 4u);
  EXPECT_EQ(g.docs()[2].desc, "8-byte words");
  g.clear();
  v.clear();
  g.collect(Interval{}, v);
  EXPECT_TRUE(v.empty());
}

TEST(Cycle, ConvertsOutOnlyImplicitly) {
  static_assert(!std::is_convertible_v<uint64_t, Cycle>, "no implicit construction");
  static_assert(std::is_convertible_v<Cycle, uint64_t>, "reads back as a count");
  Cycle c(5);
  c += Cycle(3);
  ++c;
  EXPECT_EQ(c.value(), 9u);
  EXPECT_EQ(uint64_t(c - Cycle(4)), 5u);
}

}  // namespace
}  // namespace adasim::sim
