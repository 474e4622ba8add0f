// SPDX-License-Identifier: Apache-2.0
// Reports are collected by walking the module tree: every block that declares statistics is
// found wherever it sits, depth first in creation order, and a filter on the declared part of
// the datapath picks the groups a layer reports.
#include <gtest/gtest.h>

#include <systemc>

#include "arch/component.hpp"

namespace adasim::arch {
namespace {

class Counting : public Component {
 public:
  Counting(sc_core::sc_module_name name, BlockRole role, uint64_t value)
      : Component(name), value_(value), group_(std::string(basename())) {
    group_.add("n", value_, "events", "a counter");
    declare(group_, role);
  }

 private:
  uint64_t value_;
  sim::StatGroup group_;
};

class Holder : public sc_core::sc_module {  // not a Component: declares nothing itself
 public:
  explicit Holder(sc_core::sc_module_name name)
      : sc_core::sc_module(name), inner("inner", BlockRole::kSramLevel, 2) {}
  Counting inner;
};

class Top : public Component {
 public:
  explicit Top(sc_core::sc_module_name name)
      : Component(name),
        a("a", BlockRole::kDram, 1),
        holder("holder"),
        b("b", BlockRole::kNoc, 3) {}
  Counting a;
  Holder holder;
  Counting b;
};

TEST(StatTree, WalkFindsNestedBlocksAndFiltersByRole) {
  Top top("top");
  std::vector<sim::StatValue> all;
  collect_stats(
      top, sim::Interval{}, [](const Component&, BlockRole) { return true; }, all);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].group, "a");
  EXPECT_EQ(all[1].group, "inner");  // found under a module that is not a Component
  EXPECT_EQ(all[1].count, 2u);
  EXPECT_EQ(all[2].group, "b");
  std::vector<sim::StatValue> noc;
  collect_stats(
      top, sim::Interval{}, [](const Component&, BlockRole r) { return r == BlockRole::kNoc; },
      noc);
  ASSERT_EQ(noc.size(), 1u);
  EXPECT_EQ(noc[0].count, 3u);
}

}  // namespace
}  // namespace adasim::arch
