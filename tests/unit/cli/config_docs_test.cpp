// SPDX-License-Identifier: Apache-2.0
// The generated config documentation is current: the key reference section of configs/README.md
// and configs/adasim.schema.json equal what `adasim list --markdown` / `--schema` print (so CI
// fails on a stale reference; scripts/regen_config_docs.sh rewrites both). `adasim list` names
// every registered implementation with its parameters, and every shipped config and golden input
// loads with the parser (the schema side is tests/configs/check_schema.py).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "arch/components.hpp"
#include "cli_support.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/config/config_reference.hpp"

namespace adasim {
namespace {

namespace fs = std::filesystem;
const fs::path kRoot = fs::path(ADASIM_TEST_DIR).parent_path();

TEST(ConfigDocs, ReadmeKeyReferenceIsWhatTheBuildGenerates) {
  const std::string readme = test::slurp(kRoot / "configs" / "README.md");
  const size_t begin = readme.find(sim::kReferenceBegin);
  const size_t end = readme.find(sim::kReferenceEnd);
  ASSERT_NE(begin, std::string::npos) << "configs/README.md lacks the generated-section marker";
  ASSERT_NE(end, std::string::npos);
  const std::string checked_in =
      readme.substr(begin, end + std::string(sim::kReferenceEnd).size() + 1 - begin);
  const auto r = test::run_adasim("list --markdown", "list_markdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(checked_in, r.out) << "configs/README.md is stale: run scripts/regen_config_docs.sh";
}

TEST(ConfigDocs, SchemaFileIsWhatTheBuildGenerates) {
  const auto r = test::run_adasim("list --schema", "list_schema");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::slurp(kRoot / "configs" / "adasim.schema.json"), r.out)
      << "configs/adasim.schema.json is stale: run scripts/regen_config_docs.sh";
  const nlohmann::json schema = nlohmann::json::parse(r.out);
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema["properties"]["schema_version"]["minimum"], sim::kArchSchemaVersion);
  EXPECT_EQ(schema["properties"]["schema_version"]["maximum"], sim::kArchSchemaVersion);
}

TEST(ConfigDocs, ListNamesEveryImplementationAndItsParameters) {
  const auto all = test::run_adasim("list", "list_all");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  for (const sim::ComponentKind& k : sim::component_kinds(arch::builtin_components())) {
    EXPECT_NE(all.out.find(k.kind + ": "), std::string::npos) << k.kind;
    for (const sim::ComponentDoc& c : k.implementations) {
      EXPECT_NE(all.out.find("  " + c.name + ": " + c.description), std::string::npos) << c.name;
      for (const sim::ParamDoc& p : c.params)
        EXPECT_NE(all.out.find("    " + p.name + ": "), std::string::npos) << p.name;
    }
  }
  const auto dvfs = test::run_adasim("list dvfs", "list_dvfs");
  ASSERT_EQ(dvfs.exit_code, 0) << dvfs.err;
  EXPECT_EQ(dvfs.out.rfind("dvfs: ", 0), 0u) << dvfs.out;
  EXPECT_EQ(dvfs.out.find("noc: "), std::string::npos) << "one kind only";
  // Every kind of swappable part the issue names is listed (engines and dataflows come from
  // registries outside arch); "dataflow" lists both dataflow families.
  for (const char* kind :
       {"engine", "systolic_dataflow", "spatial_dataflow", "noc", "dvfs", "dram", "sparse_format"})
    EXPECT_EQ(all.out.find(std::string("\n") + kind + ": ") != std::string::npos ||
                  all.out.rfind(std::string(kind) + ": ", 0) == 0,
              true)
        << kind;
  const auto dataflows = test::run_adasim("list dataflow", "list_dataflow");
  ASSERT_EQ(dataflows.exit_code, 0) << dataflows.err;
  for (const char* line : {"systolic_dataflow: ", "\n  os: ", "spatial_dataflow: ", "\n  rs: "})
    EXPECT_NE(dataflows.out.find(line), std::string::npos) << line;
  EXPECT_EQ(dataflows.out.find("engine: "), std::string::npos) << "dataflows only";
  const auto config = test::run_adasim("list config", "list_config");
  ASSERT_EQ(config.exit_code, 0) << config.err;
  for (const char* line : {"pe_array\n  kind: ", "memory.sram[]\n  name: ", "clock\n  name: ",
                           "  rows: integer in [1, 1024], required\n"})
    EXPECT_NE(config.out.find(line), std::string::npos) << line;
}

TEST(ConfigDocs, UnknownKindIsABadInput) {
  const auto r = test::run_adasim("list mesh", "list_unknown");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected one of \"noc\", \"dvfs\", \"dram\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("got \"mesh\""), std::string::npos) << r.err;
}

// Every shipped architecture config (configs/**/*.json) and every golden case's config with its
// --set overrides loads with the parser.
TEST(ConfigDocs, EveryShippedConfigAndGoldenInputLoads) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kRoot / "configs")) {
    // Architecture configs only: schemas and sweep specs (configs/sweeps/) are other formats.
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.find(".schema.") != std::string::npos ||
        e.path().parent_path().filename() == "sweeps")
      continue;
    EXPECT_NO_THROW(sim::load_arch_config(e.path().string())) << e.path();
    ++n;
  }
  EXPECT_GE(n, 12);
  std::ifstream cases(kRoot / "tests" / "golden" / "cases.txt");
  std::string line;
  int golden = 0;
  while (std::getline(cases, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream args(line.substr(line.find('|') + 1));
    std::string word, arch;
    std::vector<std::string> sets;
    while (args >> word) {
      if (word == "--arch") args >> arch;
      if (word == "--set") sets.emplace_back(), args >> sets.back();
    }
    ASSERT_FALSE(arch.empty()) << line;
    EXPECT_NO_THROW(sim::load_arch_config((kRoot / arch).string(), sets)) << line;
    ++golden;
  }
  EXPECT_GE(golden, 4);
}

}  // namespace
}  // namespace adasim
