// SPDX-License-Identifier: Apache-2.0
// Sweep spec and point space: value generators against hand-listed values, grid order, zipped
// groups, conditional axes, Latin-hypercube strata, random sampling, duplicates, pre-run
// constraints against the area model, and spec errors with their JSON pointers.
#include "sim/app/sweep/sweep_spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "sim/app/sweep/point_space.hpp"
#include "sim/app/sweep/results_table.hpp"
#include "sim/app/sweep/study.hpp"

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

json spec_with(const json& axes, const json& extra = json::object()) {
  json j = {{"sweep_version", 1},
            {"arch", "configs/tiny_8x8.json"},
            {"workloads", {{{"path", "workloads/models/tiny_cnn.json"}}}},
            {"axes", axes}};
  for (const auto& item : extra.items()) j[item.key()] = item.value();
  return j;
}

SweepSpec parse(const json& j) { return parse_sweep_spec(j, "study.json", ADASIM_SOURCE_DIR); }

std::vector<InputIssue> issues_of(const json& j) {
  try {
    parse(j);
  } catch (const ConfigError& e) {
    return e.issues();
  }
  return {};
}

bool has_issue(const std::vector<InputIssue>& issues, const std::string& where,
               const std::string& expected_part) {
  for (const InputIssue& i : issues)
    if (i.file == "study.json" && i.where == where &&
        i.expected.find(expected_part) != std::string::npos)
      return true;
  return false;
}

TEST(SweepAxes, GeneratorsGiveTheHandListedValues) {
  const SweepSpec s = parse(spec_with(json::array({
      {{"key", "pe_array.rows"}, {"range", {{"from", 4}, {"to", 12}, {"step", 4}}}},
      {{"key", "memory.dram.latency_ns"}, {"range", {{"from", 0.1}, {"to", 0.3}, {"step", 0.1}}}},
      {{"key", "memory.sram.0.size_kib"}, {"pow2", {{"from", 12}, {"to", 64}}}},
      {{"key", "energy.scale"}, {"pow2", {{"from", 0.25}, {"to", 1}}}},
      {{"key", "memory.dram.bandwidth_gb_per_s"},
       {"log", {{"from", 3.2}, {"to", 25.6}, {"count", 4}}}},
      {{"key", "pe_array.vector_lanes"}, {"log", {{"from", 1}, {"to", 16}, {"count", 5}}}},
  })));
  EXPECT_EQ(json(s.axes[0].values), json::parse("[4, 8, 12]"));
  EXPECT_EQ(json(s.axes[1].values), json::parse("[0.1, 0.2, 0.3]"));  // no 0.30000000000000004
  EXPECT_EQ(json(s.axes[2].values), json::parse("[16, 32, 64]"));
  EXPECT_EQ(json(s.axes[3].values), json::parse("[0.25, 0.5, 1]"));
  EXPECT_EQ(json(s.axes[4].values), json::parse("[3.2, 6.4, 12.8, 25.6]"));
  EXPECT_EQ(json(s.axes[5].values), json::parse("[1, 2, 4, 8, 16]"));
  EXPECT_TRUE(s.axes[5].values[4].is_number_integer());  // integer ends give integers
}

TEST(SweepPoints, ProductZipAndConditionalAxes) {
  // Arrays 8 and 16 zipped with vector lanes 8 and 16; SRAM sizes per array size.
  const SweepSpec s = parse(spec_with(json::array({
      {{"name", "array"},
       {"keys", {"pe_array.rows", "pe_array.cols"}},
       {"values", {8, 16}},
       {"group", "a"}},
      {{"key", "pe_array.vector_lanes"}, {"values", {8, 16}}, {"group", "a"}},
      {{"name", "dram"}, {"key", "memory.dram.bandwidth_gb_per_s"}, {"values", {4, 8}}},
      {{"name", "gbuf"},
       {"key", "memory.sram.0.size_kib"},
       {"values", {16, 32}},
       {"when", {{"array", 8}}}},
      {{"name", "gbuf"},
       {"key", "memory.sram.0.size_kib"},
       {"values", {64, 128, 256}},
       {"when", {{"array", {16}}}}},
  })));
  const std::vector<Point> pts = enumerate_grid(s);
  // (8, 8) x 2 dram x 2 gbuf + (16, 16) x 2 dram x 3 gbuf = 4 + 6.
  ASSERT_EQ(pts.size(), 10u);
  std::vector<std::string> got;
  for (const Point& p : pts) {
    std::string o;
    for (const std::string& x : point_overrides(s, p)) o += x + " ";
    got.push_back(o);
  }
  EXPECT_EQ(got[0],
            "pe_array.rows=8 pe_array.cols=8 pe_array.vector_lanes=8 "
            "memory.dram.bandwidth_gb_per_s=4 memory.sram.0.size_kib=16 ");
  EXPECT_EQ(got[1],
            "pe_array.rows=8 pe_array.cols=8 pe_array.vector_lanes=8 "
            "memory.dram.bandwidth_gb_per_s=4 memory.sram.0.size_kib=32 ");
  EXPECT_EQ(got[9],
            "pe_array.rows=16 pe_array.cols=16 pe_array.vector_lanes=16 "
            "memory.dram.bandwidth_gb_per_s=8 memory.sram.0.size_kib=256 ");
  // The CSV shows one "gbuf" column, filled for every point.
  const Study st = build_study(s);
  EXPECT_EQ(st.columns,
            (std::vector<std::string>{"array", "pe_array.vector_lanes", "dram", "gbuf"}));
  EXPECT_EQ(st.points[9].columns[3], 256);
}

TEST(SweepPoints, OverlappingConditionsAreASpecError) {
  const SweepSpec s = parse(spec_with(json::array({
      {{"name", "array"}, {"key", "pe_array.rows"}, {"values", {8, 16}}},
      {{"name", "gbuf"},
       {"key", "memory.sram.0.size_kib"},
       {"values", {16}},
       {"when", {{"array", {8, 16}}}}},
      {{"name", "gbuf"},
       {"key", "memory.sram.0.size_kib"},
       {"values", {64}},
       {"when", {{"array", 16}}}},
  })));
  try {
    enumerate_grid(s);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "/axes/2/when");
  }
}

TEST(SweepPoints, LatinHypercubeHitsEveryStratumOnce) {
  // 7 samples over two 7-value axes: each value of each axis exactly once.
  const json axes =
      json::array({{{"key", "pe_array.rows"}, {"range", {{"from", 2}, {"to", 14}, {"step", 2}}}},
                   {{"key", "pe_array.cols"}, {"range", {{"from", 3}, {"to", 21}, {"step", 3}}}}});
  const SweepSpec s =
      parse(spec_with(axes, {{"sampling", {{"method", "lhs"}, {"count", 7}, {"seed", 5}}}}));
  const std::vector<Point> pts = latin_hypercube(s);
  ASSERT_EQ(pts.size(), 7u);
  std::set<int> rows, cols;
  for (const Point& p : pts) {
    rows.insert(p.choice[0]);
    cols.insert(p.choice[1]);
  }
  EXPECT_EQ(rows.size(), 7u);
  EXPECT_EQ(cols.size(), 7u);
  EXPECT_EQ(latin_hypercube(s), pts);  // same seed, same points
  const SweepSpec other =
      parse(spec_with(axes, {{"sampling", {{"method", "lhs"}, {"count", 7}, {"seed", 6}}}}));
  EXPECT_NE(latin_hypercube(other), pts);
}

TEST(SweepPoints, RandomSamplingDrawsAmongValidPoints) {
  const std::vector<size_t> a = sample_indices(100, 10, 3), b = sample_indices(100, 10, 3);
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::set<size_t>(a.begin(), a.end()).size(), 10u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(sample_indices(5, 10, 3).size(), 5u);
  // banks 3 makes every point invalid (size not a multiple of 24 bytes): 3 valid points to draw
  // from, 2 drawn; the 3 invalid ones stay listed.
  const Study st = build_study(
      parse(spec_with(json::array({{{"key", "memory.sram.0.size_kib"}, {"values", {16, 32, 64}}},
                                   {{"key", "memory.sram.0.banks"}, {"values", {8, 3}}}}),
                      {{"sampling", {{"method", "random"}, {"count", 2}, {"seed", 1}}}})));
  size_t valid = 0, invalid = 0;
  for (const ResolvedPoint& p : st.points) (p.status == PointStatus::kValid ? valid : invalid)++;
  EXPECT_EQ(valid, 2u);
  EXPECT_EQ(invalid, 3u);
}

TEST(SweepStudy, PreRunConstraintsUseTheAreaModelAndDuplicatesAreListed) {
  // tiny_8x8 is about 0.5 mm^2 at 8x8 (the 32 KiB buffer is 0.29); 32x32 PEs add ~0.87 mm^2.
  const Study st = build_study(parse(spec_with(
      // Two lane axes on one key: the later wins, so (4, 8) and (8, 8) resolve alike.
      json::array(
          {{{"name", "array"}, {"keys", {"pe_array.rows", "pe_array.cols"}}, {"values", {8, 32}}},
           {{"name", "lanes_a"}, {"key", "pe_array.vector_lanes"}, {"values", {4, 8}}},
           {{"name", "lanes_b"}, {"key", "pe_array.vector_lanes"}, {"values", {8}}}}),
      {{"constraints", {{{"metric", "area"}, {"max", 1.0}}}}})));
  ASSERT_EQ(st.points.size(), 4u);
  EXPECT_EQ(st.points[0].status, PointStatus::kValid);
  EXPECT_EQ(st.points[1].status, PointStatus::kDuplicate);
  EXPECT_EQ(st.points[1].reason, "same resolved config as point 0");
  EXPECT_EQ(st.points[2].status, PointStatus::kInvalid);
  EXPECT_NE(st.points[2].reason.find("constraint /constraints/0 (area <= 1)"), std::string::npos)
      << st.points[2].reason;
  EXPECT_LT(st.points[0].area_mm2, 1.0);
  EXPECT_GT(st.points[2].area_mm2, 1.0);
  EXPECT_EQ(st.items.size(), 1u);
}

TEST(SweepSpecErrors, EveryProblemWithItsPointer) {
  json j = spec_with(json::array({
      {{"key", "pe_array.rows"}, {"values", {4, 4}}},
      {{"keys", {"pe_array.rows", "pe_array.cols"}}, {"values", {1}}},
      {{"name", "cycles_total"}, {"key", "pe_array.cols"}, {"values", {1}}},
      {{"key", "memory.dram.latency_ns"}, {"values", {1}}, {"when", {{"nothing", 1}}}},
      {{"key", "noc.latency_cycles"}, {"values", {1, 2}}, {"group", "g"}},
      {{"key", "energy.scale"}, {"values", {1}}, {"group", "g"}},
      {{"key", "pe_array.mac_bits"}, {"values", {8}}, {"pow2", {{"from", 1}, {"to", 2}}}},
  }));
  j["axis"] = "red";
  j["constraints"] = {{{"metric", "speed"}}};
  j["workloads"][0]["path"] = "no/such/file.json";
  const auto issues = issues_of(j);
  EXPECT_TRUE(has_issue(issues, "/axis", "did you mean 'axes'")) << issues.size();
  EXPECT_TRUE(has_issue(issues, "/axes/0/values/1", "a value not listed before"));
  EXPECT_TRUE(has_issue(issues, "/axes/1/name", "for an axis with \"keys\""));
  EXPECT_TRUE(has_issue(issues, "/axes/2/name", "a column name results.csv does not use"));
  EXPECT_TRUE(has_issue(issues, "/axes/3/when/nothing", "the name of an earlier axis"));
  EXPECT_TRUE(has_issue(issues, "/axes/5", "2 values, as axis \"noc.latency_cycles\""));
  EXPECT_TRUE(has_issue(issues, "/axes/6", "exactly one of"));
  EXPECT_TRUE(has_issue(issues, "/constraints/0/metric", "one of \"area\""));
  EXPECT_TRUE(has_issue(issues, "/constraints/0", "a \"min\" or a \"max\""));
  EXPECT_TRUE(has_issue(issues, "/workloads/0/path", "a readable workload file"));
}

}  // namespace
}  // namespace adasim::sim::sweep

namespace adasim::sim::sweep {
namespace {

// configs/sweeps/sweep.schema.json lists exactly the keys the parser accepts, object by object,
// and every shipped spec parses and resolves.
TEST(SweepSchema, ListsTheParsersKeysAndShippedSpecsLoad) {
  const std::filesystem::path dir = std::filesystem::path(ADASIM_SOURCE_DIR) / "configs" / "sweeps";
  std::ifstream in(dir / "sweep.schema.json");
  const json schema = json::parse(in);
  auto keys_of = [](const json& props) {
    std::vector<std::string> k;
    for (const auto& item : props.items()) k.push_back(item.key());
    return k;  // nlohmann objects iterate in sorted order
  };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const json& defs = schema["$defs"];
  EXPECT_EQ(keys_of(schema["properties"]), sorted(spec_keys("")));
  EXPECT_EQ(keys_of(defs["workload"]["properties"]), sorted(spec_keys("workload")));
  EXPECT_EQ(keys_of(defs["axis"]["properties"]), sorted(spec_keys("axis")));
  for (const char* gen : {"range", "pow2", "log"})
    EXPECT_EQ(keys_of(defs["axis"]["properties"][gen]["properties"]), sorted(spec_keys(gen)))
        << gen;
  EXPECT_EQ(keys_of(defs["constraint"]["properties"]), sorted(spec_keys("constraint")));
  EXPECT_EQ(keys_of(defs["sampling"]["properties"]), sorted(spec_keys("sampling")));
  std::vector<std::string> metrics;
  for (const json& m : defs["metric"]["enum"]) {
    metrics.push_back(m.get<std::string>());
    EXPECT_TRUE(metric_from_string(metrics.back()).has_value()) << metrics.back();
  }
  int shipped = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".json" || e.path().filename() == "sweep.schema.json") continue;
    ++shipped;
    const Study st = build_study(load_sweep_spec(e.path().string()));
    EXPECT_FALSE(st.items.empty()) << e.path();
  }
  EXPECT_GE(shipped, 1);
}

}  // namespace
}  // namespace adasim::sim::sweep

namespace adasim::sim::sweep {
namespace {

// A worker's report turned into a row: power = energy / time, EDP = energy x time, the post-run
// constraint checked, by hand on a synthetic report.
TEST(SweepRows, PowerEdpAndPostRunConstraintsByHand) {
  const Study st = build_study(parse(spec_with(
      json::array({{{"key", "pe_array.rows"}, {"values", {8}}}}),
      {{"constraints",
        {{{"metric", "power"}, {"max", 40.0}}, {{"metric", "latency"}, {"min", 10.0}}}}})));
  ASSERT_EQ(st.items.size(), 1u);
  const json report = {
      {"adasim", {{"config_hash", st.points[0].config_hash}}},
      {"total",
       {{"cycles",
         {{"total", 100}, {"compute", 80}, {"stall", 20}, {"stall_by_cause", {{"dram", 20}}}}},
        {"time_ns", 500.0},
        {"macs", 1000},
        {"energy_pj",
         {{"total", 25000.0},
          {"dynamic", 24000.0},
          {"leakage", 1000.0},
          {"by_module", {{"gbuf", {{"total", 5000.0}}}}}}},
        {"utilization", {{"pe", 0.25}, {"sram", {{"gbuf", 0.5}}}}}}},
      {"layers", json::array()}};
  const json row = ok_row(st, st.items[0], report, false);
  const json& c = row["cells"];
  EXPECT_DOUBLE_EQ(c["power_mw"].get<double>(), 50.0);     // 25000 pJ / 500 ns
  EXPECT_DOUBLE_EQ(c["edp_pj_ns"].get<double>(), 12.5e6);  // 25000 x 500
  EXPECT_EQ(c["stall_dram"], 20);
  EXPECT_DOUBLE_EQ(c["utilization_sram_gbuf"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(c["energy_pj_gbuf"].get<double>(), 5000.0);
  EXPECT_EQ(c["feasible"], false);
  EXPECT_EQ(c["violations"], "power <= 40: 50");  // latency 500 >= 10 holds
  // A report of another config is our bug, not a row.
  json other = report;
  other["adasim"]["config_hash"] = "0000000000000000";
  EXPECT_THROW(ok_row(st, st.items[0], other, false), ModelError);
  // The CSV: an infeasible row is never Pareto-optimal.
  const std::string csv = results_csv(layout_of(st), {row});
  EXPECT_NE(csv.find(",ok,false,false,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace adasim::sim::sweep
