// SPDX-License-Identifier: Apache-2.0
// The keys that let a spatial array express the Eyeriss chip: per-operand spads
// (pe_array.spads), per-operand NoC buses and psum links (xy_multicast's parameters) and a
// global buffer split by operand (several SRAM levels). Parsed values, the old single-pool
// meaning when they are absent (nothing written into the resolved config), and errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

using nlohmann::json;

json spatial() {
  return json::parse(R"({
    "schema_version": 1,
    "pe_array": {"kind": "spatial", "rows": 12, "cols": 14, "mac_bits": 16, "accum_bits": 16},
    "memory": {"sram": [{"name": "glb", "size_kib": 108, "holds": ["ifmap", "weight", "ofmap"]}]},
    "noc": {"type": "xy_multicast", "link_width_bits": 64},
    "clock": {"freq_mhz": 200, "voltage_v": 1.0}
  })");
}

std::string error_of(const json& j) {
  try {
    parse_arch_config(j, "chip.json", {});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SpatialChipKeys, AbsentKeysKeepTheSinglePoolMeaning) {
  const LoadedConfig c = parse_arch_config(spatial(), "chip.json", {});
  EXPECT_FALSE(c.spec.pe_array.spads.has_value());
  EXPECT_EQ(c.spec.pe_array.rf_bytes, 512);
  EXPECT_EQ(c.spec.noc.bus_bits, (std::array<int, 3>{0, 0, 0}));
  for (int o = 0; o < 3; ++o) EXPECT_EQ(c.spec.noc.bus_width(o), 64);
  EXPECT_EQ(c.spec.noc.psum_link_bits, 0);
  EXPECT_FALSE(c.resolved["pe_array"].contains("spads"));
  for (const char* k : {"ifmap_bus_bits", "weight_bus_bits", "psum_bus_bits", "psum_link_bits"})
    EXPECT_FALSE(c.resolved["noc"].contains(k)) << k;
}

TEST(SpatialChipKeys, SpadsBusesAndLinks) {
  json j = spatial();
  j["pe_array"]["spads"] = json::parse(R"({
    "ifmap": {"entries": 12}, "weight": {"entries": 224, "access_pj": 1.586},
    "psum": {"entries": 24, "word_bits": 32}})");
  j["noc"]["ifmap_bus_bits"] = 16;
  j["noc"]["psum_link_bits"] = 32;
  const LoadedConfig c = parse_arch_config(j, "chip.json", {});
  ASSERT_TRUE(c.spec.pe_array.spads.has_value());
  const auto& sp = *c.spec.pe_array.spads;
  EXPECT_EQ(sp[0].entries, 12);
  EXPECT_EQ(sp[0].word_bits, 16);  // the default
  EXPECT_FALSE(sp[0].access_pj.has_value());
  EXPECT_DOUBLE_EQ(*sp[1].access_pj, 1.586);
  EXPECT_EQ(sp[2].word_bits, 32);
  // rf_bytes is the spads' total: 12 x 2 + 224 x 2 + 24 x 4 bytes.
  EXPECT_EQ(c.spec.pe_array.rf_bytes, 24 + 448 + 96);
  EXPECT_EQ(c.spec.noc.bus_width(0), 16);
  EXPECT_EQ(c.spec.noc.bus_width(1), 64);
  EXPECT_EQ(c.spec.noc.bus_width(2), 64);
  EXPECT_EQ(c.spec.noc.psum_link_bits, 32);
}

TEST(SpatialChipKeys, SplitGlobalBuffer) {
  json j = spatial();
  j["memory"]["sram"] = json::parse(R"([
    {"name": "glb_ifmap_psum", "size_kib": 100, "banks": 25, "holds": ["ifmap", "ofmap"]},
    {"name": "glb_filter", "size_kib": 8, "holds": ["weight"]}])");
  const LoadedConfig c = parse_arch_config(j, "chip.json", {});
  ASSERT_EQ(c.spec.sram.size(), 2u);
  EXPECT_EQ(c.spec.level_of(arch::Operand::kIfmap).name, "glb_ifmap_psum");
  EXPECT_EQ(c.spec.level_of(arch::Operand::kOfmap).name, "glb_ifmap_psum");
  EXPECT_EQ(c.spec.level_of(arch::Operand::kWeight).size_bytes, 8 * 1024);
}

TEST(SpatialChipKeys, SplitBufferLevelsAreFilledFromDram) {
  json j = spatial();
  j["memory"]["sram"] = json::parse(R"([
    {"name": "glb", "size_kib": 100, "holds": ["ifmap", "weight", "ofmap"]},
    {"name": "l1", "size_kib": 8, "holds": ["ifmap"], "parent": "glb"}])");
  const std::string e = error_of(j);
  EXPECT_NE(e.find("/memory/sram/1/parent: expected no parent on a spatial array"),
            std::string::npos)
      << e;
}

TEST(SpatialChipKeys, Errors) {
  json j = spatial();
  j["pe_array"]["spads"] = json::parse(R"({"ifmap": {"entries": 12}, "weight": {"entries": 2},
                                            "psum": {"entries": 0}})");
  j["pe_array"]["rf_bytes"] = 512;
  const std::string e = error_of(j);
  EXPECT_NE(e.find("/pe_array/spads/psum/entries"), std::string::npos) << e;
  // rf_bytes beside the spads: their total (a resolved config carries it) or nothing.
  json r = spatial();
  r["pe_array"]["spads"] = json::parse(R"({"ifmap": {"entries": 12}, "weight": {"entries": 224},
                                            "psum": {"entries": 24}})");
  r["pe_array"]["rf_bytes"] = 520;
  EXPECT_EQ(error_of(r), "");
  r["pe_array"]["rf_bytes"] = 512;
  const std::string e2 = error_of(r);
  EXPECT_NE(e2.find("/pe_array/rf_bytes: expected the spads' total of 520 bytes beside "
                    "/pe_array/spads"),
            std::string::npos)
      << e2;

  json m = spatial();
  m["pe_array"]["spads"] = json::parse(R"({"ifmap": {"entries": 12}, "weight": {"entries": 2}})");
  EXPECT_NE(error_of(m).find("/pe_array/spads/psum"), std::string::npos) << error_of(m);

  json s = spatial();
  s["pe_array"]["kind"] = "systolic";
  s["pe_array"].erase("accum_bits");
  s["noc"] = json::object();
  s["pe_array"]["spads"] = json::parse(R"({"ifmap": {"entries": 12}, "weight": {"entries": 2},
                                            "psum": {"entries": 4}})");
  EXPECT_NE(error_of(s).find("no spads on a systolic array"), std::string::npos) << error_of(s);

  json n = spatial();
  n["noc"]["weight_bus_bits"] = 0;
  EXPECT_NE(error_of(n).find("/noc/weight_bus_bits"), std::string::npos) << error_of(n);
  json b = spatial();
  b["noc"]["type"] = "bus";
  b["noc"]["psum_link_bits"] = 16;  // a parameter of xy_multicast only
  EXPECT_NE(error_of(b).find("/noc"), std::string::npos) << error_of(b);
}

TEST(SpatialChipKeys, ShippedChipConfig) {
  const LoadedConfig c = load_arch_config(
      (std::filesystem::path(ADASIM_SOURCE_DIR) / "configs" / "eyeriss_chip.json").string(), {});
  const arch::AcceleratorSpec& s = c.spec;
  EXPECT_EQ(s.pe_array.rows * s.pe_array.cols, 168);
  ASSERT_TRUE(s.pe_array.spads.has_value());
  EXPECT_EQ((*s.pe_array.spads)[0].entries, 12);
  EXPECT_EQ((*s.pe_array.spads)[1].entries, 224);
  EXPECT_EQ((*s.pe_array.spads)[2].entries, 24);
  int64_t total = 0;
  for (const auto& l : s.sram) total += l.size_bytes;
  EXPECT_EQ(total, 108 * 1024);
  EXPECT_EQ(s.level_of(arch::Operand::kIfmap).banks, 25);
  EXPECT_EQ(s.noc.bus_width(0), 16);
  EXPECT_EQ(s.noc.bus_width(1), 64);
  EXPECT_EQ(s.noc.bus_width(2), 64);
  EXPECT_DOUBLE_EQ(s.clock.nominal.freq_mhz, 200);
  EXPECT_DOUBLE_EQ(s.clock.nominal.voltage_v, 1.0);
  EXPECT_EQ(s.pe_array.mac_bits, 16);
}

}  // namespace
}  // namespace adasim::sim
