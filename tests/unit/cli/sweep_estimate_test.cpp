// SPDX-License-Identifier: Apache-2.0
// The --dry-run estimate's work model against a measured sweep (not a timed test: the model's
// cycles and MACs against the simulated ones, its prices against a hand computation), and the
// sweep's timing-only mode ("values": false / --no-values).
#include "sim/app/sweep/sweep_estimate.hpp"

#include <gtest/gtest.h>

#include <map>

#include "cli_support.hpp"
#include "sim/app/sweep/study.hpp"
#include "sim/app/sweep/sweep_spec.hpp"

namespace adasim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string src(const std::string& rel) { return (fs::path(ADASIM_SOURCE_DIR) / rel).string(); }

/// 4 points (arrays 4x4 and 8x8, DRAM 2 and 8 GB/s) x 2 workloads, timing only.
std::string write_spec(const std::string& dir, const std::string& extra = "") {
  fs::create_directories(dir);
  const std::string path = dir + "/study.json";
  std::ofstream(path) << R"({"sweep_version": 1, "name": "est", "arch": ")"
                      << src("configs/tiny_8x8.json") << R"(", "values": false,
  "workloads": [{"name": "tiny", "path": ")"
                      << src("workloads/models/tiny_cnn.json") << R"("},
                {"name": "ds", "path": ")"
                      << src("workloads/models/ds_cnn_kws.json") << R"(")" << extra << R"(}],
  "axes": [{"name": "array", "keys": ["pe_array.rows", "pe_array.cols"], "values": [4, 8]},
           {"name": "dram", "key": "memory.dram.bandwidth_gb_per_s", "values": [2, 8]}]})";
  return path;
}

/// results.csv rows as column -> value maps.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& path) {
  std::istringstream in(test::slurp(path));
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> cells = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

// The estimate prices each item's work from the mapper's schedules of the item (the search the
// worker runs). Against a real fast, timing-only sweep of the same items: the MACs equal the
// simulated MACs, and the mapper's cycle estimate is within 10% of the simulated cycles (the
// factor the dry run's per-cycle price inherits; the fast prices scale with folds and DRAM
// bursts, which the schedules give exactly). The workers really ran timing only.
TEST(SweepEstimate, WorkModelMatchesAMeasuredSweep) {
  const std::string dir = test::temp_out("sweep_estimate");
  const std::string spec = write_spec(dir);
  const auto r = test::run_adasim(
      "sweep --spec '" + spec + "' --out '" + dir + "/out' -j 2 --keep-reports", "sweep_est");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(dir + "/out/results.csv");
  ASSERT_EQ(rows.size(), 8u);
  const sim::sweep::Study s = sim::sweep::build_study(sim::sweep::load_sweep_spec(spec));
  ASSERT_EQ(s.items.size(), 8u);
  for (size_t i = 0; i < s.items.size(); ++i) {
    const sim::sweep::WorkItem& it = s.items[i];
    const std::string workload = s.spec.workloads[it.workload].name;
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& x) {
      return x.at("point") == std::to_string(it.point) && x.at("workload") == workload;
    });
    ASSERT_NE(row, rows.end()) << i;
    ASSERT_EQ(row->at("status"), "ok") << i;
    const sim::sweep::ItemWork w = sim::sweep::study_item_work(s, i);
    EXPECT_EQ(w.pes, s.points[it.point].pes);
    EXPECT_EQ(w.macs, std::stod(row->at("macs"))) << workload << " point " << it.point;
    const double cycles = std::stod(row->at("cycles_total"));
    EXPECT_GT(w.cycles, cycles / 1.1) << workload << " point " << it.point;
    EXPECT_LT(w.cycles, cycles * 1.1) << workload << " point " << it.point;
    EXPECT_GT(w.folds, 0);
    EXPECT_GT(w.bursts, 0);
    const std::string report = dir + "/out/reports/" + std::to_string(it.point) + "-" + workload;
    ASSERT_TRUE(fs::exists(report + "/report.json")) << report;
    EXPECT_EQ(test::read_json(report + "/report.json")["adasim"]["fidelity"], "fast-no-values");
  }
}

// The prices of sweep_estimate.hpp by hand on a made-up item: 1 M cycles at 1024 PEs, 1 G MACs,
// 1000 folds, 100 k DRAM bursts, 0.5 s of mapping.
TEST(SweepEstimate, PricesByHand) {
  sim::sweep::ItemWork w;
  w.cycles = 1e6;
  w.macs = 1e9;
  w.folds = 1000;
  w.bursts = 1e5;
  w.map_seconds = 0.5;
  w.pes = 1024;
  const double start = 0.01 + 0.5;
  EXPECT_NEAR(sim::sweep::modelled_seconds(w, {false, true}), start + 1e6 * 1.0e-6, 1e-9);
  const double timing = start + 1000 * 6.6e-6 + 1e5 * 7.0e-8;
  EXPECT_NEAR(sim::sweep::modelled_seconds(w, {true, false}), timing, 1e-9);
  EXPECT_NEAR(sim::sweep::modelled_seconds(w, {true, true}), timing + 1e9 * 0.6e-9, 1e-9);
  w.pes = 64;  // a 16x smaller array: (1/16)^0.25 = 1/2 of the per-cycle price
  EXPECT_NEAR(sim::sweep::modelled_seconds(w, {false, true}), start + 0.5, 1e-9);
}

// The dry run prices the workers' fidelity (the spec's, or --fidelity) and says which it priced;
// it writes nothing.
TEST(SweepEstimate, DryRunNamesTheFidelityItPrices) {
  const std::string dir = test::temp_out("sweep_estimate_dry");
  const std::string spec = write_spec(dir);
  auto dry = [&](const std::string& flags) {
    const auto r = test::run_adasim(
        "sweep --spec '" + spec + "' --out '" + dir + "/out' --dry-run -j 1 " + flags, "est_dry");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const std::string timing = dry(""), cycle = dry("--fidelity cycle");
  EXPECT_NE(timing.find("priced fast, timing only"), std::string::npos) << timing;
  EXPECT_NE(cycle.find("priced per cycle"), std::string::npos) << cycle;
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

// "values": false refuses what needs values (generated zero patterns), with the pointer, and so
// does --no-values on a spec that asks for them.
TEST(SweepEstimate, TimingOnlyRefusesZeroPatterns) {
  const std::string dir = test::temp_out("sweep_timing_only");
  const std::string spec = write_spec(dir, R"(, "weight_sparsity": "uniform:0.5")");
  const auto r = test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out'", "est_tv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/workloads/1/weight_sparsity"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"values\": false"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/out"));
  std::string text = test::slurp(spec);
  text.replace(text.find("\"values\": false"), 15, "\"values\": true");
  std::ofstream(spec) << text;
  const auto cli =
      test::run_adasim("sweep --spec '" + spec + "' --out '" + dir + "/out' --no-values", "est_tv");
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find("/workloads/1/weight_sparsity"), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("--no-values"), std::string::npos) << cli.err;
}

}  // namespace
}  // namespace adasim
