// SPDX-License-Identifier: Apache-2.0
// The DVFS policies through the CLI (each run its own process, so two runs can be compared):
//  - "schedule" that never leaves the nominal point equals "static": same cycles, time and
//    energy per layer, no transition; so does "ondemand" whose thresholds never trigger;
//  - clock.load reaches the resolved config and the governor;
//  - "per_layer" shows each layer's point and the options it weighed in `adasim map`, and a
//    deadline below the shortest achievable time is a config error (exit 2) naming that time;
//  - `adasim list dvfs` lists the schedule entries' fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace adasim::test {
namespace {

using nlohmann::json;

const std::string kBase =
    " --arch configs/default.json --workload workloads/models/tiny_cnn.json"
    " --set 'clock.transition={\"slew_mv_per_us\": 50, \"relock_us\": 2, "
    "\"supply_cap_nf\": 50, \"regulator_efficiency\": 0.85}'";

TEST(DvfsCli, ScheduleAtTheNominalPointEqualsStatic) {
  const std::string a = temp_out("dvfs_static"), b = temp_out("dvfs_sched_nominal");
  ASSERT_EQ(run_adasim("run -q" + kBase + " --out " + a, "dvfs_static").exit_code, 0);
  // default.json's nominal point is 800 MHz @ 0.9 V.
  const CliResult r = run_adasim("run -q" + kBase +
                                     " --set clock.policy=schedule --set 'clock.schedule=[{\"layer_"
                                     "index\": 2, \"freq_mhz\": 800}]' --out " +
                                     b,
                                 "dvfs_sched_nominal");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ra = read_json(a + "/report.json"), rb = read_json(b + "/report.json");
  ASSERT_EQ(ra["layers"].size(), rb["layers"].size());
  for (size_t i = 0; i < ra["layers"].size(); ++i) {
    const json &x = ra["layers"][i], &y = rb["layers"][i];
    EXPECT_EQ(x["cycles"]["total"], y["cycles"]["total"]) << i;
    EXPECT_EQ(x["time_ns"], y["time_ns"]) << i;
    EXPECT_EQ(x["energy_pj"], y["energy_pj"]) << i;
    EXPECT_FALSE(x.contains("dvfs"));
    EXPECT_EQ(y["dvfs"]["transitions"], 0) << i;
    EXPECT_EQ(y["cycles"]["stall_by_cause"]["dvfs"], 0) << i;
  }
}

TEST(DvfsCli, OndemandWhoseThresholdsNeverTriggerEqualsStatic) {
  // up_threshold 1: a load (busy / all cycles) is never above 1; down_threshold 0 with
  // down_samples 1000: a step down needs 1000 samples in a row, more than the run has (asserted
  // below). The governor samples the whole run and never switches: the same figures, byte for
  // byte, as "static" at the nominal point.
  const std::string a = temp_out("dvfs_static_od"), b = temp_out("dvfs_ondemand_idle");
  ASSERT_EQ(run_adasim("run -q" + kBase + " --out " + a, "dvfs_static_od").exit_code, 0);
  const CliResult r = run_adasim("run -q" + kBase +
                                     " --set clock.policy=ondemand --set clock.sample_us=0.5"
                                     " --set clock.up_threshold=1 --set clock.down_threshold=0"
                                     " --set clock.down_samples=1000 --out " +
                                     b,
                                 "dvfs_ondemand_idle");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ra = read_json(a + "/report.json"), rb = read_json(b + "/report.json");
  EXPECT_LT(rb["total"]["time_ns"].get<double>(), 1000 * 500.0);
  ASSERT_EQ(ra["layers"].size(), rb["layers"].size());
  for (size_t i = 0; i < ra["layers"].size(); ++i) {
    const json &x = ra["layers"][i], &y = rb["layers"][i];
    EXPECT_EQ(x["cycles"]["total"], y["cycles"]["total"]) << i;
    EXPECT_EQ(x["cycles"]["compute"], y["cycles"]["compute"]) << i;
    EXPECT_EQ(x["time_ns"], y["time_ns"]) << i;
    EXPECT_EQ(x["time_ns_at_point"], y["time_ns_at_point"]) << i;
    EXPECT_EQ(x["energy_pj"].dump(), y["energy_pj"].dump()) << i;
    EXPECT_EQ(y["dvfs"]["transitions"], 0) << i;
  }
}

TEST(DvfsCli, OndemandLoadKeyReachesTheGovernor) {
  // clock.load from the command line: the resolved config records the choice ("busy" when
  // absent), and "pe_utilization" governs. tiny_cnn's conv1 (Kred 8 x 3 x 3 = 72 rows, 16
  // filters) occupies at most 32 x 16 of default.json's 32 x 32 PEs per cycle, so no window's PE
  // utilization exceeds 0.5: with down_threshold 0.5 the first sample (0.5 us, inside conv1:
  // checked on the busy run) steps down to 400 MHz, the table's lowest point, and there it stays.
  const std::string gov =
      " --set clock.policy=ondemand --set clock.sample_us=0.5"
      " --set clock.up_threshold=1 --set clock.down_threshold=0.5";
  const std::string a = temp_out("dvfs_od_busy"), b = temp_out("dvfs_od_pe");
  ASSERT_EQ(run_adasim("run -q" + kBase + gov + " --out " + a, "dvfs_od_busy").exit_code, 0);
  const CliResult r = run_adasim(
      "run -q" + kBase + gov + " --set clock.load=pe_utilization --out " + b, "dvfs_od_pe");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_json(a + "/resolved_config.json")["clock"]["load"], "busy");
  EXPECT_EQ(read_json(b + "/resolved_config.json")["clock"]["load"], "pe_utilization");
  const json ra = read_json(a + "/report.json"), rb = read_json(b + "/report.json");
  ASSERT_EQ(ra["layers"][0]["name"], "conv1");
  ASSERT_GT(ra["layers"][0]["time_ns"].get<double>(), 500.0);
  EXPECT_EQ(rb["layers"][0]["dvfs"]["transitions"], 1);
  EXPECT_GT(rb["layers"][0]["time_ns_at_point"]["400MHz@0.7V"].get<double>(), 0.0);
  size_t transitions = 0;
  for (const json& l : rb["layers"]) transitions += l["dvfs"]["transitions"].get<size_t>();
  EXPECT_EQ(transitions, 1u);
}

TEST(DvfsCli, PerLayerMapShowsEachLayersPointAndWhy) {
  const CliResult r = run_adasim(
      "map --no-simulate" + kBase + " --set clock.policy=per_layer --set clock.deadline_us=100",
      "dvfs_map");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // tiny_cnn has 6 layers; each shows its point and the three points of the table.
  size_t points = 0, chosen = 0, pos = 0;
  while ((pos = r.out.find("dvfs point   : ", pos)) != std::string::npos) ++points, ++pos;
  pos = 0;
  while ((pos = r.out.find("<- chosen", pos)) != std::string::npos) ++chosen, ++pos;
  EXPECT_EQ(points, 6u) << r.out;
  EXPECT_EQ(chosen, 6u) << r.out;
  EXPECT_NE(r.out.find("under a 100 us deadline"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("at 400MHz@0.7V: "), std::string::npos) << r.out;
}

// The "<- chosen" option lines of `adasim map`'s per_layer output, and their power (mW).
std::vector<std::string> chosen_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.find("<- chosen") != std::string::npos) lines.push_back(line);
  return lines;
}
double power_of(const std::string& line) {
  const size_t mw = line.find(" mW");
  const size_t start = line.rfind(' ', mw - 1) + 1;
  return std::stod(line.substr(start, mw - start));
}

// A memory domain with two points under per_layer: `adasim map` names the memory point chosen
// for the run on every layer and lists the network plan at each memory point once (the chosen
// one marked); `adasim run` reports it in dvfs_plan, whose plan time is the run's. Which point
// wins is checked against separately made plans in tests/systemc/dvfs_per_layer_test.cpp; this
// checks that the choice reaches the output and the run.
TEST(DvfsCli, PerLayerShowsAndRunsTheMemoryPointItChose) {
  const std::string mem =
      R"( --set 'clock.domains={"memory": {"freq_mhz": 800, "voltage_v": 0.9, )"
      R"("operating_points": [{"freq_mhz": 300, "voltage_v": 0.7}, )"
      R"({"freq_mhz": 800, "voltage_v": 0.9}]}}')";
  const std::string per_layer =
      kBase + mem + " --set clock.policy=per_layer --set mapper.objective=energy";
  const CliResult m = run_adasim("map --no-simulate" + per_layer, "dvfs_mem_map");
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const std::string out = temp_out("dvfs_mem_run");
  const CliResult r = run_adasim("run -q" + per_layer + " --out " + out, "dvfs_mem_run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plan = read_json(out + "/report.json")["dvfs_plan"];
  const std::string point = plan["memory_point"].get<std::string>();
  ASSERT_TRUE(point == "300MHz@0.7V" || point == "800MHz@0.9V") << plan.dump();
  size_t named = 0, pos = 0;
  while ((pos = m.out.find("memory point : " + point + " for the run", pos)) != std::string::npos)
    ++named, ++pos;
  EXPECT_EQ(named, 6u) << m.out;  // every layer of tiny_cnn
  EXPECT_NE(m.out.find("plan with memory at " + point), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("plan with memory at 300MHz@0.7V"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("plan with memory at 800MHz@0.9V"), std::string::npos) << m.out;
  const size_t chosen = m.out.find("plan with memory at " + point);
  EXPECT_NE(m.out.find("<- chosen", chosen), std::string::npos) << m.out;
  EXPECT_NEAR(plan["simulated_time_us"].get<double>(), plan["plan_time_us"].get<double>(),
              1e-9 * plan["plan_time_us"].get<double>());
}

TEST(DvfsCli, PowerCapKeepsEveryLayerUnderItOrNamesTheLowestFeasibleCap) {
  // tiny_cnn with the latency objective picks 1000 MHz for every layer (the domain starts at the
  // first layer's point: no transition to avoid); its first conv draws the most there (about
  // 1.8 W, 1.5 W at 800 MHz), so a 1500 mW cap moves it to a slower point, and a 1 mW cap is
  // below what any layer draws anywhere.
  const std::string per_layer =
      kBase + " --set clock.policy=per_layer --set mapper.objective=latency";
  const CliResult free = run_adasim("map --no-simulate" + per_layer, "dvfs_cap_free");
  ASSERT_EQ(free.exit_code, 0) << free.err;
  const CliResult capped =
      run_adasim("map --no-simulate" + per_layer + " --set clock.power_cap_mw=1500", "dvfs_cap");
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  EXPECT_NE(capped.out.find("under a 1500 mW cap per layer"), std::string::npos) << capped.out;
  const std::vector<std::string> a = chosen_lines(free.out), b = chosen_lines(capped.out);
  ASSERT_EQ(a.size(), 6u) << free.out;
  ASSERT_EQ(b.size(), 6u) << capped.out;
  for (const std::string& line : b) EXPECT_LE(power_of(line), 1500.0) << line;
  double most = 0;
  for (const std::string& line : a) most = std::max(most, power_of(line));
  EXPECT_GT(most, 1500.0);  // without the cap some layer's choice is above it
  EXPECT_NE(a, b);          // and the cap changed it
  const CliResult low = run_adasim(
      "run -q" + per_layer + " --set clock.power_cap_mw=1 --out " + temp_out("dvfs_cap_low"),
      "dvfs_cap_low");
  EXPECT_EQ(low.exit_code, 2) << low.err;
  EXPECT_NE(low.err.find("/clock/power_cap_mw"), std::string::npos) << low.err;
  EXPECT_NE(low.err.find("got 1"), std::string::npos) << low.err;
  EXPECT_NE(low.err.find("the lowest is "), std::string::npos) << low.err;
}

TEST(DvfsCli, UnmeetableDeadlineIsAConfigErrorNamingTheShortestTime) {
  const CliResult r = run_adasim(
      "run -q" + kBase + " --set clock.policy=per_layer --set clock.deadline_us=0.001 --out " +
          temp_out("dvfs_deadline"),
      "dvfs_deadline");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("configs/default.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/clock/deadline_us"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the shortest achievable time is "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("got 0.001"), std::string::npos) << r.err;
}

TEST(DvfsCli, ListShowsTheScheduleEntryFields) {
  const CliResult r = run_adasim("list dvfs", "dvfs_list");
  ASSERT_EQ(r.exit_code, 0);
  for (const char* f : {"schedule[].layer:", "schedule[].layer_index:", "schedule[].at_us:",
                        "schedule[].freq_mhz:", "per_layer:", "deadline_us:"})
    EXPECT_NE(r.out.find(f), std::string::npos) << f << "\n" << r.out;
}

}  // namespace
}  // namespace adasim::test
