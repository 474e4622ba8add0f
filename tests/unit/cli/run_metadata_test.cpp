// SPDX-License-Identifier: Apache-2.0
// Run metadata in report.json / report.csv: the --set overrides, the name derived from the
// resolved config (it follows overrides, the config's `name` does not), the marked total row,
// and the area of the design point (a hand sum for configs/tiny_8x8.json).
#include <gtest/gtest.h>

#include <sstream>

#include "cli_support.hpp"

namespace adasim {
namespace {

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  // Plain splitter: the cells checked here hold no quotes; quoted cells are skipped whole.
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

TEST(RunMetadata, OverridesDesignNameTotalRowAndArea) {
  const std::string out = test::temp_out("run_metadata");
  const auto r = test::run_adasim(
      "run -q --arch configs/tiny_8x8.json --workload "
      "workloads/models/tiny_cnn.json --set pe_array.rows=16 "
      "--set memory.sram.0.size_kib=64 --out '" +
          out + "'",
      "run_metadata");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = test::read_json(out + "/report.json");
  EXPECT_EQ(j["adasim"]["overrides"],
            (nlohmann::json{"pe_array.rows=16", "memory.sram.0.size_kib=64"}));
  EXPECT_EQ(j["adasim"]["arch"]["name"], "tiny-8x8-ws");  // the file's own label, unchanged
  EXPECT_EQ(j["adasim"]["arch"]["design"], "systolic-16x8-ws-int8-gbuf64KiB-dram4GBps-200MHz");

  // Area by hand (Accelergy/Aladdin figures, see arch/area/area_table.cpp): 128 PEs of an 8-bit
  // MAC (332.25) and 96 register bits (5.98 each: two moving operands, stationary + shadow,
  // accumulator + shadow); 64 KiB of 2-port cells at 0.769792 um^2/bit and 8 banks of 11105.1;
  // a 512-bit bus, one stage each way; 8 vector lanes of a 32-bit adder (277.8) + register +
  // an 8-bit comparator (8 x 71 / 32).
  const double c = (32 * 641718.8125 - 1162549.0) / (32 * 819200.0 - 1048576.0);
  const double p = 641718.8125 - 819200.0 * c;
  const double um2 = 128 * (332.25 + 96 * 5.98) + 65536.0 * 8 * c + 8 * p + 2 * 512 * 5.98 +
                     8 * (277.8 + 32 * 5.98 + 8 * 71.0 / 32);
  EXPECT_NEAR(j["area_mm2"]["total"].get<double>(), um2 * 1e-6, 1e-9);
  double blocks = 0;
  for (const auto& [name, b] : j["area_mm2"]["by_block"].items())
    blocks += b["total"].get<double>();
  EXPECT_NEAR(blocks, um2 * 1e-6, 1e-9);

  const auto rows = csv_rows(test::slurp(out + "/report.csv"));
  ASSERT_GE(rows.size(), 3u);
  const auto& header = rows[0];
  const auto col = [&](const std::string& name) {
    return size_t(std::find(header.begin(), header.end(), name) - header.begin());
  };
  ASSERT_LT(col("is_total"), header.size());
  ASSERT_LT(col("design"), header.size());
  for (size_t i = 1; i < rows.size(); ++i) {
    const bool last = i + 1 == rows.size();
    EXPECT_EQ(rows[i][col("is_total")], last ? "true" : "false") << i;
    EXPECT_EQ(rows[i][col("layer")] == "total", last) << i;
    EXPECT_EQ(rows[i][col("design")], "systolic-16x8-ws-int8-gbuf64KiB-dram4GBps-200MHz");
    EXPECT_NEAR(std::stod(rows[i][col("area_mm2")]), um2 * 1e-6, 1e-9);
  }
}

}  // namespace
}  // namespace adasim
