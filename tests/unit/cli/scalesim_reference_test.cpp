// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim parity, layer by layer: adasim under configs/scalesim.json against
// tests/data/scalesim/reference_figures.csv, the figures SCALE-Sim v2 prints for those layers as
// computed by scripts/scalesim_reference.py from SCALE-Sim's conventions (its source, read in
// docs/scalesim_conventions.md; 48 rows also cross-checked against real SCALE-Sim runs). Nothing
// here is derived from adasim. Every row of the table is checked: one adasim run per
// (topology form, array, dataflow) over a topology file of that group's layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "cli_support.hpp"

namespace adasim {
namespace {

using Row = std::map<std::string, std::string>;

const std::string kTable = std::string(ADASIM_TEST_DIR) + "/data/scalesim/reference_figures.csv";

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream ss(line);
  std::string c;
  while (std::getline(ss, c, ',')) cells.push_back(c);
  return cells;
}

std::vector<Row> read_table() {
  std::ifstream in(kTable);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    if (cells.size() != header.size()) continue;
    Row r;
    for (size_t i = 0; i < cells.size(); ++i) r[header[i]] = cells[i];
    rows.push_back(std::move(r));
  }
  return rows;
}

/// (input type, array rows, array cols, dataflow): one adasim run.
using Group = std::tuple<std::string, int, int, std::string>;

Group group_of(const Row& r) {
  return {r.at("input_type"), std::stoi(r.at("array_rows")), std::stoi(r.at("array_cols")),
          r.at("dataflow")};
}

std::vector<Group> groups() {
  std::vector<Group> out;
  for (const Row& r : read_table())
    if (std::find(out.begin(), out.end(), group_of(r)) == out.end()) out.push_back(group_of(r));
  return out;
}

/// The group's layers as a SCALE-Sim topology file (layer names made unique by topology).
std::string write_topology(const std::vector<Row>& rows, const std::string& type,
                           const std::string& path) {
  std::ofstream out(path);
  if (type == "gemm") {
    out << "Layer, M, N, K,\n";
    for (const Row& r : rows)
      out << r.at("topology") << "_" << r.at("layer_name") << "," << r.at("gemm_m") << ","
          << r.at("gemm_n") << "," << r.at("gemm_k") << ",\n";
  } else {
    out << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
           "Num Filter, Stride height, Stride width,\n";
    for (const Row& r : rows) {
      out << r.at("topology") << "_" << r.at("layer_name");
      for (const char* k : {"ifmap_h", "ifmap_w", "filter_h", "filter_w", "channels", "num_filters",
                            "stride_h", "stride_w"})
        out << "," << r.at(k);
      out << ",\n";
    }
  }
  return path;
}

class ScaleSimReference : public ::testing::TestWithParam<Group> {};

TEST_P(ScaleSimReference, EveryFigureOfEveryLayerEqualsSCALESims) {
  const auto [type, ar, ac, df] = GetParam();
  std::vector<Row> rows;
  for (const Row& r : read_table())
    if (group_of(r) == GetParam()) rows.push_back(r);
  ASSERT_FALSE(rows.empty());
  const std::string tag = "ssref_" + type + std::to_string(ar) + "x" + std::to_string(ac) + df;
  const std::string out = test::temp_out(tag);
  const std::string topo = write_topology(rows, type, out + ".csv");
  const auto res = test::run_adasim(
      "run -q --arch configs/scalesim.json --format scalesim --workload '" + topo + "' --out '" +
          out + "' --set pe_array.dataflow=" + df + " --set pe_array.rows=" + std::to_string(ar) +
          " --set pe_array.cols=" + std::to_string(ac),
      tag);
  ASSERT_EQ(res.exit_code, 0) << res.err;
  const auto rep = test::read_json(out + "/report.json");
  ASSERT_EQ(rep["layers"].size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& want = rows[i];
    SCOPED_TRACE(want.at("topology") + " " + want.at("layer_name"));
    const auto& got = rep["layers"][i]["mirror"]["scalesim"];
    EXPECT_EQ(rep["layers"][i]["cycles"]["stall"].get<int64_t>(), 0);
    for (const char* k : {"total_cycles", "stall_cycles", "sram_ifmap_reads", "sram_filter_reads",
                          "sram_ofmap_writes"})
      EXPECT_EQ(got.at(k).get<uint64_t>(), std::stoull(want.at(k))) << k;
    // SCALE-Sim's floating-point figures, printed by Python's repr: equal up to rounding.
    for (const char* k : {"overall_util_pct", "mapping_eff_pct", "compute_util_pct",
                          "avg_ifmap_sram_bw", "avg_filter_sram_bw", "avg_ofmap_sram_bw"}) {
      const double w = std::stod(want.at(k));
      EXPECT_NEAR(got.at(k).get<double>(), w, 1e-11 * std::max(1.0, std::fabs(w))) << k;
    }
  }
}

std::string group_name(const ::testing::TestParamInfo<Group>& i) {
  const auto& [type, ar, ac, df] = i.param;
  return type + "_" + std::to_string(ar) + "x" + std::to_string(ac) + "_" + df;
}

INSTANTIATE_TEST_SUITE_P(Table, ScaleSimReference, ::testing::ValuesIn(groups()), group_name);

TEST(ScaleSimReferenceTable, HoldsEveryCheckedInRow) {
  // 186 rows: the cases of REFERENCE_CASES in scripts/scalesim_reference.py; a row lost to a
  // parse error would silently shrink the comparison.
  EXPECT_EQ(read_table().size(), 186u);
}

}  // namespace
}  // namespace adasim
