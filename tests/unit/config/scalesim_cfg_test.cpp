// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim .cfg files as --arch: SCALE-Sim's own shipped files (../shared/reference/scalesim)
// map onto the hand-written configs/scalesim.json mirror with their values, read here from the
// files by eye; every key SCALE-Sim v2 does not read, and every bad value, is refused by file,
// line, key and what was expected.
#include "sim/config/scalesim_cfg.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <sstream>

#include "sim/config/arch_config.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kShared = fs::path(ADASIM_SOURCE_DIR) / ".." / "shared" / "reference" / "scalesim";
const fs::path kConfigs = fs::path(ADASIM_SOURCE_DIR) / "configs";

bool have_shared() { return fs::exists(kShared / "configs" / "scale_v2_shipped.cfg"); }

/// The "where" of every issue a .cfg text raises ("" if it loads).
std::vector<std::string> issues_of(const std::string& text) {
  std::istringstream in(text);
  try {
    parse_arch_config(scalesim_cfg_to_arch(in, "t.cfg"), "t.cfg");
  } catch (const ConfigError& e) {
    std::vector<std::string> out;
    for (const InputIssue& i : e.issues()) {
      EXPECT_EQ(i.file, "t.cfg");
      out.push_back(i.where);
    }
    return out;
  }
  return {};
}

const std::string kValid =
    "[general]\nrun_name = r\n\n[architecture_presets]\nArrayHeight:    16\nArrayWidth:     8\n"
    "IfmapSramSzkB:   4\nFilterSramSzkB:  2\nOfmapSramSzkB:   1\nIfmapOffset:    0\n"
    "FilterOffset:   10000000\nOfmapOffset:    20000000\nDataflow : is\nBandwidth : 10\n"
    "MemoryBanks: 1\n\n[run_presets]\nInterfaceBandwidth: CALC\n";

/// The array, dataflow and the ifmap / filter / ofmap SRAM sizes (KiB) of a loaded config.
void expect_design(const LoadedConfig& c, int rows, int cols, const std::string& df,
                   const std::array<int, 3>& kib) {
  EXPECT_EQ(c.spec.pe_array.rows, rows);
  EXPECT_EQ(c.spec.pe_array.cols, cols);
  EXPECT_EQ(c.resolved["pe_array"]["dataflow"], df);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.resolved["memory"]["sram"][i]["size_kib"], kib[i]);
}

TEST(ScaleSimCfg, ValuesMapOntoTheMirror) {
  std::istringstream in(kValid);
  const LoadedConfig c = parse_arch_config(scalesim_cfg_to_arch(in, "t.cfg"), "t.cfg");
  EXPECT_EQ(c.spec.name, "r");
  // SCALE-Sim's SRAMs hold 1024 * <n>kB one-byte words: n KiB.
  expect_design(c, 16, 8, "is", {4, 2, 1});
  EXPECT_EQ(c.resolved["memory"]["sram"][1]["holds"], json::array({"weight"}));
  EXPECT_EQ(c.spec.pe_array.convention, arch::TimingConvention::kScaleSim);
  for (const json& level : c.resolved["memory"]["sram"]) EXPECT_TRUE(level["ideal"].get<bool>());
  EXPECT_TRUE(c.resolved["memory"]["dram"]["ideal"].get<bool>());  // CALC: stall-free
}

TEST(ScaleSimCfg, ShippedScaleCfgIsConfigsScalesimJson) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  // SCALE-Sim's default scale.cfg (32x32 os, 64/64/64 kB, CALC) is the design point
  // configs/scalesim.json was written for: the same resolved config but for its name.
  LoadedConfig cfg = load_arch_config((kShared / "configs" / "scale_v2_shipped.cfg").string());
  LoadedConfig js = load_arch_config((kConfigs / "scalesim.json").string());
  EXPECT_EQ(cfg.resolved["name"], "scale_example_run_32x32_os");
  cfg.resolved.erase("name");
  js.resolved.erase("name");
  EXPECT_EQ(cfg.resolved, js.resolved);
}

TEST(ScaleSimCfg, ShippedGoogleAndEyerissCfgs) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  // google.cfg: 256x256 ws, 6144/6144/2048 kB. eyeriss.cfg: 12 rows x 14 columns ws, 36 kB each.
  const LoadedConfig g = load_arch_config((kShared / "configs" / "google_v2_shipped.cfg").string());
  EXPECT_EQ(g.spec.name, "GoogleTPU_v1_ws");
  expect_design(g, 256, 256, "ws", {6144, 6144, 2048});
  const LoadedConfig e = load_arch_config((kShared / "configs" / "eyeriss_v2_shipped.cfg").string(),
                                          {"pe_array.dataflow=os"});  // --set still applies
  expect_design(e, 12, 14, "os", {36, 36, 36});
}

TEST(ScaleSimCfg, EveryShippedV2RunConfigLoadsAndEveryV3OneIsRefusedByItsKeys) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  int v2 = 0, v3 = 0;
  for (const auto& e : fs::directory_iterator(kShared / "run_configs")) {
    const std::string name = e.path().filename().string();
    SCOPED_TRACE(name);
    if (name.rfind("v2", 0) == 0) {
      const LoadedConfig c = load_arch_config(e.path().string());
      // The file names say the array and dataflow: v2_<topology>_<R>x<C>_<df>.cfg.
      const std::string tail = name.substr(name.rfind('_', name.size() - 8) + 1);
      EXPECT_EQ(tail, std::to_string(c.spec.pe_array.rows) + "x" +
                          std::to_string(c.spec.pe_array.cols) + "_" +
                          c.resolved["pe_array"]["dataflow"].get<std::string>() + ".cfg");
      ++v2;
    } else {
      EXPECT_THROW(load_arch_config(e.path().string()), ConfigError);
      ++v3;
    }
  }
  EXPECT_EQ(v2, 27);
  EXPECT_EQ(v3, 4);
}

TEST(ScaleSimCfg, V3KeysAreNamedWithTheirLines) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  const std::string path = (kShared / "configs" / "scale_v3_shipped.cfg").string();
  try {
    load_arch_config(path);
    FAIL() << "a v3 file loaded";
  } catch (const ConfigError& e) {
    std::vector<std::string> where;
    for (const InputIssue& i : e.issues()) {
      EXPECT_EQ(i.file, path);
      where.push_back(i.where);
    }
    // Lines of the keys in the file (ReadRequestBuffer 16, WriteRequestBuffer 17, [layout]
    // 20-27, [sparsity] 30-34, UseRamulatorTrace 38).
    ASSERT_EQ(where.size(), 16u);
    EXPECT_EQ(where.front(), "line 16, [architecture_presets] ReadRequestBuffer");
    EXPECT_EQ(where[2], "line 20, [layout] IfmapCustomLayout");
    EXPECT_EQ(where[10], "line 30, [sparsity] SparsitySupport");
    EXPECT_EQ(where.back(), "line 38, [run_presets] UseRamulatorTrace");
  }
}

TEST(ScaleSimCfg, BadValuesAndKeysAreRefusedByName) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string t = kValid;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_EQ(issues_of(kValid), std::vector<std::string>{});
  // SCALE-Sim would warn and run OS; USER mode's read buffers are not mirrored.
  EXPECT_EQ(issues_of(with("Dataflow : is", "Dataflow : rs")),
            std::vector<std::string>{"line 13, [architecture_presets] Dataflow"});
  EXPECT_EQ(issues_of(with("InterfaceBandwidth: CALC", "InterfaceBandwidth: USER")),
            std::vector<std::string>{"line 18, [run_presets] InterfaceBandwidth"});
  EXPECT_EQ(issues_of(with("ArrayWidth:     8", "ArrayWidth:     0")),
            std::vector<std::string>{"line 6, [architecture_presets] ArrayWidth"});
  EXPECT_EQ(issues_of(with("Bandwidth : 10", "Bandwidth : 10,x")),
            std::vector<std::string>{"line 14, [architecture_presets] Bandwidth"});
  EXPECT_EQ(issues_of(with("IfmapOffset:    0", "IfmapOffset:    -5")),
            std::vector<std::string>{"line 10, [architecture_presets] IfmapOffset"});
  // Missing, misspelt, repeated keys; unknown sections; a topology named in the file.
  EXPECT_EQ(issues_of(with("ArrayHeight:    16\n", "")),
            std::vector<std::string>{"[architecture_presets] ArrayHeight"});
  EXPECT_EQ(issues_of(with("ArrayHeight", "ArrayHieght")),
            (std::vector<std::string>{"line 5, [architecture_presets] ArrayHieght",
                                      "[architecture_presets] ArrayHeight"}));
  EXPECT_EQ(issues_of(with("MemoryBanks: 1", "MemoryBanks: 1\nmemorybanks: 2")),
            std::vector<std::string>{"line 16, [architecture_presets] memorybanks"});
  EXPECT_EQ(issues_of(kValid + "[network_presets]\nTopologyCsvLoc = \"t.csv\"\n"),
            std::vector<std::string>{"line 20, [network_presets] TopologyCsvLoc"});
  EXPECT_EQ(issues_of(kValid + "[extra]\nfoo = 1\n"),
            std::vector<std::string>{"line 20, [extra] foo"});
  EXPECT_EQ(issues_of("run_name = r\n" + kValid).front(), "line 1");
  EXPECT_EQ(issues_of(with("ArrayWidth:     8", "ArrayWidth      8")).front(), "line 6");
}

TEST(ScaleSimCfg, MemoryBanksSetsEveryLevelsBanks) {
  std::string t = kValid;
  t.replace(t.find("MemoryBanks: 1"), 14, "MemoryBanks: 4");
  std::istringstream in(t);
  const json j = scalesim_cfg_to_arch(in, "t.cfg");
  for (const json& level : j["memory"]["sram"]) EXPECT_EQ(level["banks"], 4);
}

TEST(ScaleSimCfg, DetectedByExtension) {
  EXPECT_TRUE(is_scalesim_cfg("a/b/scale.cfg"));
  EXPECT_TRUE(is_scalesim_cfg("X.CFG"));
  EXPECT_FALSE(is_scalesim_cfg("configs/scalesim.json"));
  EXPECT_FALSE(is_scalesim_cfg("cfg"));
}

}  // namespace
}  // namespace adasim::sim
