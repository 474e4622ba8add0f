// SPDX-License-Identifier: Apache-2.0
// noc.type names the NoC model the accelerator builds (arch/noc/impl/): a NoC declares the array
// family it feeds, so a systolic array takes "bus" and a spatial one "xy_multicast", the default
// is the family's NoC, and a NoC of the other family is refused at /noc/type. The parsed name
// builds its model: the same traffic takes the cycles of that model's law (hand-derived below;
// the laws themselves: tests/unit/arch/components_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "arch/noc/i_noc.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;
const fs::path kConfigs = fs::path(ADASIM_SOURCE_DIR) / "configs";

std::string issue_of(const fs::path& config, const std::string& set) {
  try {
    load_arch_config(config.string(), {set});
  } catch (const ConfigError& e) {
    return e.issues().size() == 1 ? e.issues()[0].render() : e.what();
  }
  return "accepted";
}

TEST(NocSelection, TheArrayFamilyDecidesWhichNocsTheConfigMayName) {
  const fs::path systolic = kConfigs / "default.json",
                 spatial = kConfigs / "eyeriss_like_16x16.json";
  EXPECT_EQ(load_arch_config(systolic.string()).spec.noc.type, "bus");
  EXPECT_EQ(load_arch_config(spatial.string()).spec.noc.type, "xy_multicast");
  EXPECT_NE(issue_of(systolic, "noc.type=xy_multicast")
                .find("/noc/type: expected one of \"bus\", got \"xy_multicast\""),
            std::string::npos)
      << issue_of(systolic, "noc.type=xy_multicast");
  EXPECT_NE(issue_of(spatial, "noc.type=bus")
                .find("/noc/type: expected one of \"xy_multicast\", got \"bus\""),
            std::string::npos)
      << issue_of(spatial, "noc.type=bus");
  // The name builds that model. Both configs' links: eyeriss 64 bits; default 1024 bits.
  arch::NocTraffic t;
  t.to_pes_bits = {640, 64, 0};  // ifmap 640 bits, weight 64 bits
  // xy_multicast: one bus per operand, in parallel: max(ceil(640 / 64), ceil(64 / 64)) = 10.
  EXPECT_EQ(arch::make_noc(load_arch_config(spatial.string()).spec.noc)->cycles(t), 10u);
  // The same traffic on a bus of the same 64-bit width shares one link: ceil(704 / 64) = 11.
  arch::NocSpec bus = load_arch_config(systolic.string()).spec.noc;
  bus.link_width_bits = 64;
  EXPECT_EQ(arch::make_noc(bus)->cycles(t), 11u);
}

}  // namespace
}  // namespace adasim::sim
