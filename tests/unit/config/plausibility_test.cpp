// SPDX-License-Identifier: Apache-2.0
// Issue 17, part 3: every numeric config key has a physical plausibility range, said with its unit.
// The sweep below takes every numeric leaf of every shipped config (plus every energy and area
// table key as an override), sets it to an absurd magnitude either way and expects the loader to
// refuse it at that key's JSON pointer with a bounded range in the expectation; a key whose name
// carries a unit (_ns, _mhz, _gb_per_s, ...) must name that unit. The unit-slip guesses are checked
// against hand-worked values.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arch/area/area_table.hpp"
#include "arch/energy/energy_table.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<fs::path> shipped_configs() {
  std::vector<fs::path> out;
  for (const char* dir : {"configs", "configs/eyeriss"})
    for (const auto& e : fs::directory_iterator(fs::path(ADASIM_SOURCE_DIR) / dir))
      if (e.path().extension() == ".json" && e.path().stem().extension() != ".schema")
        out.push_back(e.path());  // architecture configs, not the JSON Schema beside them
  std::sort(out.begin(), out.end());
  return out;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

void numeric_leaves(const json& j, const json::json_pointer& at,
                    std::vector<json::json_pointer>& out) {
  if (j.is_number()) out.push_back(at);
  if (j.is_object())
    for (const auto& item : j.items()) numeric_leaves(item.value(), at / item.key(), out);
  if (j.is_array())
    for (size_t i = 0; i < j.size(); ++i) numeric_leaves(j[i], at / i, out);
}

/// The unit a key's name declares (longest suffix first), "" for none.
std::string unit_of_name(const std::string& key) {
  static const std::vector<std::pair<std::string, std::string>> kSuffixes = {
      {"_gb_per_s", "GB/s"},
      {"_ns", "ns"},
      {"_mhz", "MHz"},
      {"_v", "V"},
      {"_kib", "KiB"},
      {"_bits", "bits"},
      {"_bytes", "bytes"},
      {"_cycles", "cycles"},
      {"_pj", "pJ"},
      {"_pj_per_bit", "pJ/bit"},
      {"_mw", "mW"},
      {"_um2", "um2"},
      {"_um2_per_bit", "um2/bit"}};
  std::string best, unit;
  for (const auto& [suffix, u] : kSuffixes)
    if (key.size() > suffix.size() &&
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        suffix.size() > best.size())
      best = suffix, unit = u;
  return unit;
}

/// The resolved config of `file` with every energy and area table key set to its default, so
/// the override maps are swept too.
json with_every_override(const fs::path& file) {
  json j = parse_arch_config(read_json(file), file.string()).resolved;
  for (const auto& d : arch::EnergyTable::keys()) j["energy"]["overrides"][d.key] = d.default_value;
  j["area"]["scale"] = 1.0;
  for (const auto& d : arch::AreaTable::keys()) j["area"]["overrides"][d.key] = d.default_value;
  return j;
}

/// The table unit of an override key ("" for a ratio), or nullopt when `at` is no override.
std::optional<std::string> table_unit(const json::json_pointer& at) {
  const std::string parent = at.parent_pointer().to_string();
  const std::string key = at.back();
  std::string unit;
  bool found = false;
  if (parent == "/energy/overrides")
    for (const auto& d : arch::EnergyTable::keys()) found |= d.key == key && (unit = d.unit, true);
  if (parent == "/area/overrides")
    for (const auto& d : arch::AreaTable::keys()) found |= d.key == key && (unit = d.unit, true);
  if (!found) return std::nullopt;
  return unit == "1" ? "" : unit;
}

TEST(Plausibility, EveryNumericKeyHasABoundedRangeWithItsUnit) {
  std::set<std::string> swept;
  for (const fs::path& file : shipped_configs()) {
    const json base = with_every_override(file);
    ASSERT_NO_THROW(parse_arch_config(base, file.string())) << file;
    std::vector<json::json_pointer> leaves;
    numeric_leaves(base, json::json_pointer(), leaves);
    for (const auto& at : leaves) {
      swept.insert(at.to_string());
      for (const json& absurd :
           {json(int64_t(1) << 50), json(-(int64_t(1) << 50)), json(1e15), json(-1e15)}) {
        json bad = base;
        bad[at] = absurd;
        try {
          parse_arch_config(bad, file.string());
          ADD_FAILURE() << file << ": " << at.to_string() << " = " << absurd.dump()
                        << " was accepted";
        } catch (const ConfigError& e) {
          const InputIssue* issue = nullptr;
          for (const auto& i : e.issues())
            if (i.where == at.to_string()) issue = &i;
          ASSERT_NE(issue, nullptr) << at.to_string() << " = " << absurd.dump() << ": " << e.what();
          const std::string& x = issue->expected;
          EXPECT_TRUE(x.find(']') != std::string::npos || x.find("one of") != std::string::npos ||
                      x.find("integer 1") != std::string::npos)
              << at.to_string() << ": no bounded range in \"" << x << "\"";
          const std::string unit = table_unit(at).value_or(unit_of_name(at.back()));
          if (!unit.empty()) {
            EXPECT_NE(x.find(" " + unit), std::string::npos)
                << at.to_string() << ": unit " << unit << " missing from \"" << x << "\"";
          }
        }
      }
    }
  }
  // The sweep saw the keys of every section, not just a few.
  for (const char* p :
       {"/pe_array/rows", "/pe_array/vector_lanes", "/memory/sram/0/size_kib",
        "/memory/sram/0/banks", "/memory/dram/bandwidth_gb_per_s", "/memory/dram/latency_ns",
        "/noc/link_width_bits", "/noc/latency_cycles", "/clock/freq_mhz",
        "/clock/operating_points/0/voltage_v", "/energy/scale", "/energy/overrides/dram_pj_per_bit",
        "/area/overrides/mac_int8_um2", "/mapper/chunk_len"})
    EXPECT_EQ(swept.count(p), 1u) << p << " was not swept";
}

std::string expectation_for(const std::string& set) {
  try {
    load_arch_config((fs::path(ADASIM_SOURCE_DIR) / "configs" / "default.json").string(), {set});
  } catch (const ConfigError& e) {
    return e.issues().front().expected;
  }
  return "accepted";
}

TEST(Plausibility, UnitSlipsSuggestTheValueInTheKeysUnit) {
  // Bytes/s for GB/s: 12.8e9 / 1e9 = 12.8.
  EXPECT_NE(expectation_for("memory.dram.bandwidth_gb_per_s=12.8e9")
                .find("did you mean 12.8 GB/s? (12800000000 is 1e9 times too large"),
            std::string::npos);
  // Hz for MHz: 8e8 / 1e6 = 800; mV for V: 900 / 1e3 = 0.9; fJ for pJ: 2e4 / 1e3 = 20.
  EXPECT_NE(expectation_for("clock.freq_mhz=8e8").find("did you mean 800 MHz?"), std::string::npos);
  EXPECT_NE(expectation_for("clock.voltage_v=900").find("did you mean 0.9 V?"), std::string::npos);
  EXPECT_NE(expectation_for("energy.overrides.dram_pj_per_bit=2e4")
                .find("did you mean 20 pJ/bit? (20000 is 1e3 times too large"),
            std::string::npos);
  // No plausible slip: 1e-15 GB/s * 1e12 = 0.001 is in range but 16000x off the typical 16 GB/s.
  EXPECT_EQ(expectation_for("memory.dram.bandwidth_gb_per_s=1e-15"),
            "number in [0.001, 100000] GB/s");
}

}  // namespace
}  // namespace adasim::sim
