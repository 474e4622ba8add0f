// SPDX-License-Identifier: Apache-2.0
// `adasim run --power-trace` (power.csv) and the power records of report.csv:
//  - power x window summed over the run is each block's energy in report.json (to rounding);
//  - two runs write the same power.csv bytes;
//  - report.csv carries each block's gating figures, the transitions' energy and the time and
//    energy per point, equal to report.json's;
//  - a bad --power-window-us is exit 2 naming the flag, with no output folder written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace adasim::test {
namespace {

using nlohmann::json;

const std::string kRun =
    "run -q --arch configs/default.json --workload workloads/models/tiny_cnn.json"
    " --set 'power={\"clock_gating\": [\"pe_array\", \"noc\"], \"policy\": \"per_layer\", "
    "\"power_gated\": [\"pe_array\"]}'"
    " --set 'clock.transition={\"slew_mv_per_us\": 50, \"relock_us\": 2, "
    "\"supply_cap_nf\": 50, \"regulator_efficiency\": 0.85}'"
    " --set clock.policy=schedule --set 'clock.schedule=[{\"layer_index\": 2, \"freq_mhz\": 400}]'";

// One CSV line's fields (RFC 4180: quoted fields may hold commas and doubled quotes).
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// Header name -> column, then the rows.
std::pair<std::map<std::string, size_t>, std::vector<std::vector<std::string>>> read_csv(
    const std::string& path) {
  std::stringstream in(slurp(path));
  std::string line;
  std::getline(in, line);
  std::map<std::string, size_t> cols;
  const std::vector<std::string> head = split(line);
  for (size_t i = 0; i < head.size(); ++i) cols[head[i]] = i;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(split(line));
  return {cols, rows};
}

TEST(PowerTraceCli, EnergyOverTheWindowsIsTheReportsAndBytesRepeat) {
  const std::string a = temp_out("ptrace_a"), b = temp_out("ptrace_b");
  const CliResult ra = run_adasim(kRun + " --power-trace --power-window-us 0.5 --out " + a, "pa");
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  const CliResult rb = run_adasim(kRun + " --power-trace --power-window-us 0.5 --out " + b, "pb");
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  EXPECT_EQ(slurp(a + "/power.csv"), slurp(b + "/power.csv"));

  const auto [cols, rows] = read_csv(a + "/power.csv");
  for (const char* c : {"time_us", "window_us", "layer", "domain", "voltage_v", "freq_mhz", "block",
                        "dynamic_mw", "leakage_mw"})
    ASSERT_EQ(cols.count(c), 1u) << c;
  std::map<std::string, double> pj;  // mW x us x 1000 = pJ
  std::map<std::string, int> points;
  for (const auto& r : rows) {
    const double us = std::stod(r[cols.at("window_us")]);
    pj[r[cols.at("block")]] +=
        (std::stod(r[cols.at("dynamic_mw")]) + std::stod(r[cols.at("leakage_mw")])) * us * 1e3;
    if (r[cols.at("domain")] == "core")
      points[r[cols.at("freq_mhz")] + "@" + r[cols.at("voltage_v")]] += 1;
  }
  const json rep = read_json(a + "/report.json");
  const json& by_module = rep["total"]["energy_pj"]["by_module"];
  ASSERT_EQ(pj.size(), by_module.size());
  for (const auto& [module, e] : by_module.items()) {
    const double want = e["total"].get<double>();
    EXPECT_NEAR(pj[module], want, 1e-9 * std::abs(want) + 1e-9) << module;
  }
  // The schedule's two points both show: 800 MHz @ 0.9 V, then 400 MHz @ 0.7 V from layer 2.
  EXPECT_GT(points["800@0.9"], 0) << slurp(a + "/power.csv").substr(0, 400);
  EXPECT_GT(points["400@0.7"], 0);
  EXPECT_EQ(points.size(), 2u);
}

TEST(PowerTraceCli, ReportCsvCarriesThePowerRecords) {
  const std::string a = temp_out("ptrace_csv");
  const CliResult r = run_adasim(kRun + " --out " + a, "pcsv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(std::filesystem::exists(a + "/power.csv"));  // only with --power-trace
  const json total = read_json(a + "/report.json")["total"];
  // Named, not a structured binding: the lambda below captures the columns (clang-14 refuses
  // to capture a structured binding under C++17).
  const auto csv = read_csv(a + "/report.csv");
  const auto& cols = std::get<0>(csv);
  const std::vector<std::string>& t = std::get<1>(csv).back();
  ASSERT_EQ(t[cols.at("layer")], "total");
  auto cell = [&](const std::string& c) {
    EXPECT_EQ(cols.count(c), 1u) << c;
    return cols.count(c) ? std::stod(t[cols.at(c)]) : -1.0;
  };
  const json& pe = total["power"]["pe_array"];
  EXPECT_EQ(cell("power_pe_array_wakeups"), pe["wakeups"].get<double>());
  EXPECT_EQ(cell("power_pe_array_power_gated_unit_cycles"),
            pe["power_gated_unit_cycles"].get<double>());
  EXPECT_EQ(cell("power_pe_array_clock_gated_unit_cycles"),
            pe["clock_gated_unit_cycles"].get<double>());
  EXPECT_EQ(cell("power_pe_array_leakage_saved_pj"), pe["leakage_saved_pj"].get<double>());
  EXPECT_EQ(cell("power_pe_array_leakage_pj"),
            total["energy_pj"]["by_module"]["pe_array"]["leakage"].get<double>());
  EXPECT_NEAR(cell("power_pe_array_dynamic_pj") + cell("power_pe_array_leakage_pj"),
              total["energy_pj"]["by_module"]["pe_array"]["total"].get<double>(), 1e-6);
  EXPECT_EQ(cell("dvfs_transitions"), 1.0);
  EXPECT_EQ(cell("dvfs_transition_pj"), total["dvfs"]["transition_pj"].get<double>());
  EXPECT_EQ(cell("time_ns_at_400MHz@0_7V"), total["time_ns_at_point"]["400MHz@0.7V"].get<double>());
  // Energy per point: every layer ran at one point, so the points' energy plus the transition's
  // is the run's.
  EXPECT_NEAR(cell("energy_pj_at_400MHz@0_7V") + cell("energy_pj_at_800MHz@0_9V") +
                  cell("dvfs_transition_pj"),
              cell("energy_pj_total"), 1e-6 * cell("energy_pj_total"));
}

TEST(PowerTraceCli, PlotDrawsThePng) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "python3-matplotlib not installed";
  const std::string out = temp_out("ptrace_plot");
  const CliResult r = run_adasim(kRun + " --power-trace --out " + out, "pplot");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cmd = std::string("cd '") + ADASIM_SOURCE_DIR +
                          "' && /usr/bin/python3 plots/plot_power.py '" + out +
                          "/power.csv' --report '" + out + "/report.csv' > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string png = slurp(out + "/power.png");
  ASSERT_GT(png.size(), 1000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

TEST(PowerTraceCli, BadWindowIsExit2NamingTheFlag) {
  for (const std::string bad : {"0", "-1", "abc", "nan", "inf", "1e9", "0.0001", "1x", ""}) {
    const std::string out = temp_out("ptrace_bad");
    const CliResult r =
        run_adasim(kRun + " --power-trace --power-window-us '" + bad + "' --out " + out, "pbad");
    EXPECT_EQ(r.exit_code, 2) << bad << r.err;
    EXPECT_NE(r.err.find("--power-window-us"), std::string::npos) << bad << r.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << bad;
  }
  const std::string out = temp_out("ptrace_alone");
  const CliResult r = run_adasim(kRun + " --power-window-us 1 --out " + out, "palone");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--power-window-us"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--power-trace"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace adasim::test
