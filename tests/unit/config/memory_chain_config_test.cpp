// SPDX-License-Identifier: Apache-2.0
// memory.sram[].parent: an SRAM level filled from another level (an L1 under the global buffer)
// reaches the spec and the operand routes; a parent that names no other level, a chain that
// loops or runs past three levels, and a parent that does not hold the child's operands are
// config errors at the key, with what was expected.
#include <gtest/gtest.h>

#include <string>

#include "arch/program/transfers.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

using nlohmann::json;

// A global buffer holding everything and an L1 for the ifmap filled from it.
json chained() {
  return json::parse(R"({
    "schema_version": 1,
    "pe_array": {"rows": 4, "cols": 4},
    "memory": {"sram": [
      {"name": "gbuf", "size_kib": 4, "holds": ["ifmap", "weight", "ofmap"]},
      {"name": "l1", "size_kib": 0.0625, "holds": ["ifmap"], "parent": "gbuf"}]},
    "clock": {"freq_mhz": 500, "voltage_v": 0.8}
  })");
}

// The message of the ConfigError that parsing `j` raises ("" if none).
std::string error_of(const json& j) {
  try {
    parse_arch_config(j, "chain.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MemoryChainConfig, ParentReachesTheSpecAndTheRoutes) {
  const LoadedConfig cfg = parse_arch_config(chained(), "chain.json");
  ASSERT_EQ(cfg.spec.sram.size(), 2u);
  EXPECT_EQ(cfg.spec.sram[0].parent, "");
  EXPECT_EQ(cfg.spec.sram[1].parent, "gbuf");
  EXPECT_EQ(cfg.spec.level_index_of(arch::Operand::kIfmap), 1);
  const auto routes = arch::operand_routes(cfg.spec);
  EXPECT_EQ(routes[0], (std::vector<arch::Hop>{{arch::kDram, 0}, {0, 1}}));
  EXPECT_EQ(routes[1], (std::vector<arch::Hop>{{arch::kDram, 0}}));
  // An optional key: kept when given, not written when absent.
  EXPECT_EQ(cfg.resolved.at("memory").at("sram").at(1).at("parent"), "gbuf");
  EXPECT_FALSE(cfg.resolved.at("memory").at("sram").at(0).contains("parent"));
}

TEST(MemoryChainConfig, AParentMustNameAnotherLevel) {
  json j = chained();
  j["memory"]["sram"][1]["parent"] = "l2";
  const std::string e = error_of(j);
  EXPECT_TRUE(has(e, "/memory/sram/1/parent")) << e;
  EXPECT_TRUE(has(e, "\"l2\"")) << e;
  EXPECT_TRUE(has(e, "the name of another level: \"gbuf\"")) << e;
  j["memory"]["sram"][1]["parent"] = "l1";  // itself
  EXPECT_TRUE(has(error_of(j), "/memory/sram/1/parent"));
}

TEST(MemoryChainConfig, ParentsThatLoopAreRefused) {
  json j = chained();
  j["memory"]["sram"][0]["parent"] = "l1";
  j["memory"]["sram"][0]["holds"] = json::array({"ifmap"});
  j["memory"]["sram"][1]["holds"] = json::array({"ifmap", "weight", "ofmap"});
  const std::string e = error_of(j);
  EXPECT_TRUE(has(e, "reaches a level filled from DRAM within 3 levels")) << e;
}

TEST(MemoryChainConfig, AParentHoldsTheOperandsOfItsChild) {
  json j = chained();
  j["memory"]["sram"][0]["holds"] = json::array({"weight", "ofmap"});
  const std::string e = error_of(j);
  EXPECT_TRUE(has(e, "/memory/sram/1/parent")) << e;
  EXPECT_TRUE(has(e, "a level that holds \"ifmap\" too")) << e;
}

TEST(MemoryChainConfig, TwoLevelsFeedingTheArrayTheSameOperandAreRefused) {
  json j = chained();
  // A second L1 for the ifmap under the same buffer: two levels would feed the array.
  j["memory"]["sram"].push_back(
      {{"name", "l1b"}, {"size_kib", 0.0625}, {"holds", {"ifmap"}}, {"parent", "gbuf"}});
  const std::string e = error_of(j);
  EXPECT_TRUE(has(e, "\"ifmap\" held by levels")) << e;
  EXPECT_TRUE(has(e, "(or by the levels of one chain of parents)")) << e;
}

}  // namespace
}  // namespace adasim::sim
