// SPDX-License-Identifier: Apache-2.0
// A traced run's VCD shows real, changing int8 operand values (negative ones included) for a
// traced PE, under a scope tree that mirrors the module tree, only inside the cycle window.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "arch/energy/energy_table.hpp"
#include "sim/app/simulation.hpp"
#include "test_support.hpp"
#include "vcd_reader.hpp"

namespace adasim {
namespace {

TEST(VcdTrace, TracedPeShowsChangingSignedInt8Values) {
  workloads::Graph g;
  test::add_conv(g, {"conv", 1, 4, 6, 6, 8, 3, 3, 1, 1});
  const arch::AcceleratorSpec spec = test::ideal_spec(8, 8, "ws");
  const arch::EnergyTable energy(spec.energy);
  arch::ValueStore values(g, test::test_generator(11));
  const std::string path = ::testing::TempDir() + "adasim_trace_test.vcd";
  {
    sim::VcdWriter vcd(path, sim::TraceFilter({"top.pe_array.pe_1_2.*", "top.core.cycle"}), 5, 60);
    sim::simulate(spec, g, energy, values, &vcd);
  }
  const test::VcdDump dump = test::read_vcd(path);
  const std::map<std::string, std::string>& name_of_code = dump.name_of_code;
  const std::vector<uint64_t>& times = dump.times;
  std::map<std::string, std::set<int64_t>> values_seen;
  for (const auto& [name, changes] : dump.changes) {
    if (name.size() < 3 || name.substr(name.size() - 3) != ".in") continue;
    for (const auto& [t, bits] : changes) {
      if (bits.find_first_not_of("01") != std::string::npos) continue;
      // Sign-extend the 8-bit two's complement value (leading zeros may be dropped).
      int64_t v = std::stoll(bits, nullptr, 2);
      if (bits.size() == 8 && bits[0] == '1') v -= 256;
      values_seen[name].insert(v);
    }
  }
  const std::string in_sig = "top.pe_array.pe_1_2.in";
  ASSERT_EQ(name_of_code.size(), 4u) << "pe_1_2 in/w/psum + the cycle counter";
  ASSERT_TRUE(values_seen.count(in_sig));
  EXPECT_GE(values_seen[in_sig].size(), 5u) << "operand register must change over the window";
  bool negative = false;
  for (int64_t v : values_seen[in_sig]) negative |= v < 0;
  EXPECT_TRUE(negative) << "signed int8 operands must not read as 0 or unsigned";
  // Window [5, 60) at 1 GHz: times are 5 ns .. 60 ns (the closing stamp).
  ASSERT_FALSE(times.empty());
  EXPECT_GE(times.front(), 5000u);
  EXPECT_LE(times.back(), 60000u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace adasim
