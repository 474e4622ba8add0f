// SPDX-License-Identifier: Apache-2.0
// report.json / report.csv / summary table / FNV-1a / atomic writes, on a two-layer report whose
// expected values are computed by hand in the comments.
#include "sim/stats/report_writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Layer conv1: 16 PEs x 100 cycles, 1200 MACs -> pe util 0.75. Energy: dyn 300 + 768, leak 50.
// Layer fc: 300 cycles, 2400 MACs -> 0.5. Energy: dyn 600 + 60, leak 150.
// Totals: 400 cycles, 3600 MACs -> 3600 / (16 * 400) = 0.5625; noc (0.25*100 + 0.75*300)/400 =
// 0.625; sram.gbuf 0.5*100/400 = 0.125; energy dyn 1728, leak 200, total 1928.
RunReport make_report() {
  RunReport r;
  r.meta.version = "0.1.0";
  r.meta.config_hash = "00000000000000aa";
  r.meta.workload_hash = "00000000000000bb";
  r.meta.seed = 7;
  r.meta.fidelity = "cycle";
  r.meta.arch_name = "tiny";
  r.meta.arch_file = "configs/arch/tiny.json";
  r.meta.workload_name = "toy";
  r.meta.workload_file = "toy.json";
  r.meta.pes = 16;
  r.meta.freq_mhz = 500.0;
  r.meta.voltage_v = 0.9;
  r.meta.overrides = {"pe_array.rows=4", "pe_array.dataflows=[\"ws\",\"os\"]"};
  r.meta.design = "systolic-4x4-ws-int8";
  // Area: 0.25 + 0.5 mm^2 of PE array, 1.25 mm^2 of buffer: 2 mm^2 in all.
  r.area_um2 = {{"pe_array", {{"mac", 250000.0}, {"registers", 500000.0}}},
                {"gbuf", {{"cells", 1000000.0}, {"periphery", 250000.0}}}};

  LayerReport a;
  a.name = "conv1";
  a.op = "conv2d";
  a.dataflow = "ws";
  a.cycles_total = 100;
  a.cycles_compute = 80;
  a.cycles_stall = 20;
  a.stall_by_cause = {{"dram", 15}, {"sram", 5}};
  a.macs = 1200;
  a.macs_issued = 1000;  // 1000 + 150 + 50 = 1200
  a.macs_gated = 150;
  a.macs_skipped = 50;
  a.sparsity = {{"weight_density", 0.5}};
  a.time_ns = 200.0;
  a.time_ns_at_point = {{"500MHz@0.9V", 200.0}};
  a.utilization = {{"pe", 0.75}, {"sram.gbuf", 0.5}, {"noc", 0.25}};
  a.accesses = {{"gbuf.read_bytes", 4096}, {"dram.read_bytes", 1024}};
  a.energy = {{"pe_array", "mac_int8", 1200, 0.25, 300.0},
              {"gbuf", "read", 512, 1.5, 768.0},
              {"pe_array", "leakage", 100, 0.5, 50.0}};
  a.schedule = json{{"tile", {{"k", 4}}}};

  LayerReport b;
  b.name = "fc,1 \"x\"";
  b.op = "fc";
  b.dataflow = "os";
  b.cycles_total = 300;
  b.cycles_compute = 300;
  b.macs = 2400;
  b.macs_issued = 2400;
  b.time_ns = 600.0;
  b.time_ns_at_point = {{"500MHz@0.9V", 600.0}};
  b.utilization = {{"pe", 0.5}, {"noc", 0.75}};
  b.accesses = {{"gbuf.read_bytes", 1000}, {"noc.flits", 30}};
  b.energy = {{"pe_array", "mac_int8", 2400, 0.25, 600.0},
              {"noc", "hop", 30, 2.0, 60.0},
              {"pe_array", "leakage", 300, 0.5, 150.0}};
  r.layers = {a, b};
  return r;
}

std::set<std::string> keys_of(const json& j) {
  std::set<std::string> k;
  for (const auto& [key, v] : j.items()) k.insert(key);
  return k;
}

TEST(ReportJson, MetadataKeysAndValues) {
  const json j = report_to_json(make_report());
  EXPECT_EQ(keys_of(j), (std::set<std::string>{"adasim", "layers", "total", "area_mm2"}));
  const json& m = j["adasim"];
  EXPECT_EQ(keys_of(m),
            (std::set<std::string>{"version", "config_hash", "workload_hash", "seed", "fidelity",
                                   "arch", "workload", "pes", "clock", "overrides"}));
  EXPECT_EQ(m["overrides"], (json{"pe_array.rows=4", "pe_array.dataflows=[\"ws\",\"os\"]"}));
  EXPECT_EQ(m["seed"], 7);
  EXPECT_TRUE(m["seed"].is_number_integer());
  EXPECT_EQ(m["pes"], 16);
  EXPECT_EQ(m["arch"], (json{{"name", "tiny"},
                             {"file", "configs/arch/tiny.json"},
                             {"design", "systolic-4x4-ws-int8"}}));
  EXPECT_EQ(m["workload"], (json{{"name", "toy"}, {"file", "toy.json"}}));
  EXPECT_TRUE(m["clock"]["freq_mhz"].is_number_float());
  EXPECT_DOUBLE_EQ(m["clock"]["freq_mhz"].get<double>(), 500.0);
  EXPECT_DOUBLE_EQ(m["clock"]["voltage_v"].get<double>(), 0.9);
  EXPECT_EQ(m["config_hash"], "00000000000000aa");
  EXPECT_EQ(m["fidelity"], "cycle");
}

TEST(ReportJson, AreaByBlockAndComponent) {
  const json a = report_to_json(make_report())["area_mm2"];
  EXPECT_DOUBLE_EQ(a["total"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(a["by_block"]["pe_array"]["total"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(a["by_block"]["pe_array"]["mac"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(a["by_block"]["gbuf"]["total"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ(a["by_block"]["gbuf"]["periphery"].get<double>(), 0.25);
  RunReport r = make_report();
  r.area_um2["gbuf"]["total"] = 1.0;  // reserved component name
  EXPECT_THROW(report_to_json(r), ModelError);
}

TEST(ReportJson, LayerLayout) {
  const json j = report_to_json(make_report());
  ASSERT_EQ(j["layers"].size(), 2u);
  const json& l = j["layers"][0];
  EXPECT_EQ(keys_of(l), (std::set<std::string>{"name", "op", "dataflow", "macs", "macs_issued",
                                               "macs_gated", "macs_skipped", "sparsity", "time_ns",
                                               "cycles", "energy_pj", "utilization", "accesses",
                                               "time_ns_at_point", "energy_pj_at_point",
                                               "schedule"}));
  EXPECT_TRUE(l["macs"].is_number_integer());
  EXPECT_EQ(l["macs"], 1200);
  EXPECT_TRUE(l["time_ns"].is_number_float());
  EXPECT_EQ(l["cycles"], (json{{"total", 100},
                               {"compute", 80},
                               {"stall", 20},
                               {"stall_by_cause", {{"dram", 15}, {"sram", 5}}}}));
  EXPECT_DOUBLE_EQ(l["energy_pj"]["dynamic"].get<double>(), 1068.0);
  EXPECT_DOUBLE_EQ(l["energy_pj"]["leakage"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(l["energy_pj"]["total"].get<double>(), 1118.0);
  const json& pe = l["energy_pj"]["by_module"]["pe_array"];
  EXPECT_EQ(keys_of(pe), (std::set<std::string>{"total", "mac_int8", "leakage"}));
  EXPECT_DOUBLE_EQ(pe["total"].get<double>(), 350.0);
  EXPECT_DOUBLE_EQ(pe["mac_int8"].get<double>(), 300.0);
  EXPECT_DOUBLE_EQ(l["energy_pj"]["by_module"]["gbuf"]["read"].get<double>(), 768.0);
  EXPECT_DOUBLE_EQ(l["utilization"]["pe"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(l["utilization"]["sram"]["gbuf"].get<double>(), 0.5);
  EXPECT_EQ(l["accesses"], (json{{"gbuf", {{"read_bytes", 4096}}}, {"dram", {{"read_bytes", 1024}}}}));
  EXPECT_DOUBLE_EQ(l["time_ns_at_point"]["500MHz@0.9V"].get<double>(), 200.0);
  EXPECT_EQ(l["schedule"], (json{{"tile", {{"k", 4}}}}));
  EXPECT_EQ(j["layers"][1]["name"], "fc,1 \"x\"");
  EXPECT_TRUE(j["layers"][1]["cycles"]["stall_by_cause"].is_object());
}

TEST(ReportJson, TotalRecomputedFromSums) {
  const json t = report_to_json(make_report())["total"];
  EXPECT_EQ(keys_of(t), (std::set<std::string>{"name", "op", "macs", "macs_issued", "macs_gated",
                                               "macs_skipped", "time_ns", "cycles",
                                               "energy_pj", "utilization", "accesses",
                                               "time_ns_at_point", "energy_pj_at_point"}));
  EXPECT_EQ(t["macs"], 3600);
  EXPECT_EQ(t["macs_issued"], 3400);
  EXPECT_EQ(t["macs_gated"], 150);
  EXPECT_EQ(t["macs_skipped"], 50);
  EXPECT_EQ(t["cycles"]["total"], 400);
  EXPECT_EQ(t["cycles"]["compute"], 380);
  EXPECT_EQ(t["cycles"]["stall"], 20);
  EXPECT_DOUBLE_EQ(t["utilization"]["pe"].get<double>(), 3600.0 / (16.0 * 400.0));
  EXPECT_DOUBLE_EQ(t["utilization"]["noc"].get<double>(), 0.625);
  EXPECT_DOUBLE_EQ(t["utilization"]["sram"]["gbuf"].get<double>(), 0.125);
  EXPECT_DOUBLE_EQ(t["energy_pj"]["dynamic"].get<double>(), 1728.0);
  EXPECT_DOUBLE_EQ(t["energy_pj"]["leakage"].get<double>(), 200.0);
  EXPECT_DOUBLE_EQ(t["energy_pj"]["total"].get<double>(), 1928.0);
  EXPECT_DOUBLE_EQ(t["energy_pj"]["by_module"]["pe_array"]["total"].get<double>(), 1100.0);
  EXPECT_EQ(t["accesses"]["gbuf"]["read_bytes"], 5096);
  EXPECT_EQ(t["accesses"]["noc"]["flits"], 30);
  EXPECT_DOUBLE_EQ(t["time_ns"].get<double>(), 800.0);
}

TEST(ReportJson, DeterministicAndSorted) {
  const RunReport r = make_report();
  const std::string a = report_json_text(r);
  RunReport copy = r;
  EXPECT_EQ(a, report_json_text(copy));
  EXPECT_EQ(a.back(), '\n');
  EXPECT_LT(a.find("\"accesses\""), a.find("\"cycles\""));  // sorted keys
  EXPECT_LT(a.find("\"adasim\""), a.find("\"layers\""));
}

// The per_layer plan against the run (report.json "dvfs_plan"). make_report's two layers take
// 800 ns together (TotalRecomputedFromSums); with 300 cycles of wake-up stalls in the second.
TEST(ReportJson, DvfsPlanAgainstTheRun) {
  RunReport r = make_report();
  EXPECT_FALSE(report_to_json(r).contains("dvfs_plan"));  // not a per_layer run
  for (LayerReport& l : r.layers)
    l.schedule["dvfs"] = {{"plan_time_us", 0.7}, {"deadline_us", 0.75}};
  r.layers[1].stall_by_cause["wakeup"] = 300;
  const auto c = dvfs_plan_check(r);
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(c->simulated_time_us, 0.8);
  EXPECT_EQ(c->wakeup_stall_cycles, 300u);
  EXPECT_FALSE(c->deadline_met());  // 0.8 us > 0.75 us
  const auto j = report_to_json(r)["dvfs_plan"];
  EXPECT_EQ(j["deadline_met"], false);
  EXPECT_DOUBLE_EQ(j["plan_time_us"].get<double>(), 0.7);
  EXPECT_DOUBLE_EQ(j["deadline_us"].get<double>(), 0.75);
  for (LayerReport& l : r.layers) l.schedule["dvfs"]["deadline_us"] = 0.8;
  EXPECT_TRUE(dvfs_plan_check(r)->deadline_met());  // met to the ns
  for (LayerReport& l : r.layers) l.schedule["dvfs"].erase("deadline_us");
  EXPECT_FALSE(report_to_json(r)["dvfs_plan"].contains("deadline_met"));  // no deadline set
}

TEST(ReportJson, UnrepresentableKeysAreModelErrors) {
  RunReport r = make_report();
  r.layers[0].utilization["sram"] = 0.1;  // "sram" and "sram.gbuf" cannot both exist
  EXPECT_THROW(report_to_json(r), ModelError);
  r = make_report();
  r.layers[0].accesses["nodot"] = 1;
  EXPECT_THROW(report_to_json(r), ModelError);
}

TEST(ReportCsv, HeaderAndRows) {
  // Run-level cells on every row: design, config hash, the overrides as a JSON array (quoted,
  // inner quotes doubled), area 2 mm^2.
  const std::string meta =
      "systolic-4x4-ws-int8,00000000000000aa,"
      "\"[\"\"pe_array.rows=4\"\",\"\"pe_array.dataflows=[\\\"\"ws\\\"\",\\\"\"os\\\"\"]\"\"]\",2";
  const std::string expected =
      "layer,op,dataflow,macs,macs_issued,macs_gated,macs_skipped,cycles_total,cycles_compute,"
      "cycles_stall,time_ns,energy_pj_total,"
      "energy_pj_dynamic,energy_pj_leakage,utilization_pe,is_total,design,config_hash,overrides,"
      "area_mm2,access_dram_read_bytes,access_gbuf_read_bytes,access_noc_flits,area_mm2_gbuf,"
      "area_mm2_pe_array,energy_pj_gbuf,energy_pj_noc,energy_pj_pe_array,"
      "sparsity_weight_density,stall_dram,stall_sram,time_ns_at_500MHz@0_9V,utilization_noc,"
      "utilization_sram_gbuf\n"
      "conv1,conv2d,ws,1200,1000,150,50,100,80,20,200,1118,1068,50,0.75,false," + meta +
      ",1024,4096,0,1.25,0.75,768,0,350,0.5,15,5,200,0.25,0.5\n"
      "\"fc,1 \"\"x\"\"\",fc,os,2400,2400,0,0,300,300,0,600,810,660,150,0.5,false," + meta +
      ",0,1000,30,1.25,0.75,0,60,750,0,0,0,600,0.75,0\n"
      "total,total,,3600,3400,150,50,400,380,20,800,1928,1728,200,0.5625,true," + meta +
      ",1024,5096,30,1.25,0.75,768,60,1100,0,15,5,800,0.625,0.125\n";
  EXPECT_EQ(report_to_csv(make_report()), expected);
}

TEST(ReportCsv, DoublesRoundTripAndColumnClash) {
  RunReport r = make_report();
  r.layers[0].time_ns = 0.1;
  const std::string csv = report_to_csv(r);
  EXPECT_NE(csv.find(",0.1,"), std::string::npos);  // shortest exact form, not 0.10000000000000001
  r.layers[0].utilization["sram_gbuf"] = 0.3;  // same column as "sram.gbuf"
  EXPECT_THROW(report_to_csv(r), ModelError);
}

TEST(SummaryTable, AlignedLinesAndValues) {
  RunReport r = make_report();
  r.layers[1].name = "a_very_long_layer_name_for_the_table.block4.conv2";
  const std::string t = summary_table(r);
  std::istringstream in(t);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u);  // header, rule, 2 layers, rule, total
  for (const std::string& line : lines) EXPECT_EQ(line.size(), lines[0].size()) << line;
  EXPECT_NE(lines[2].find("20.0"), std::string::npos);      // conv1 stall 20/100
  EXPECT_NE(lines[2].find("75.0"), std::string::npos);      // conv1 PE util
  EXPECT_NE(lines[2].find("0.0011"), std::string::npos);    // 1118 pJ in uJ
  EXPECT_NE(lines[3].find("conv2"), std::string::npos);     // tail of the long name kept
  EXPECT_EQ(lines[5].rfind("total", 0), 0u);
  EXPECT_NE(lines[5].find("56.2"), std::string::npos);      // 0.5625 -> 56.2 (%.1f)
  EXPECT_NE(lines[5].find("0.0019"), std::string::npos);    // 1928 pJ
}

TEST(Fnv1a64, PublishedTestVectors) {
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a64_hex("foobar"), "85944171f73967e8");
}

class AtomicWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / (std::string("adasim_atomic_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::set<std::string> listing(const fs::path& d) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(d)) names.insert(e.path().filename().string());
    return names;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  fs::path dir_;
};

TEST_F(AtomicWrite, WritesAllFilesAndCreatesDirectory) {
  const fs::path out = dir_ / "run" / "a";
  const auto paths = write_files_atomically(out.string(), {{"report.json", "{}\n"}, {"report.csv", "x\n"}});
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], (out / "report.json").string());
  EXPECT_EQ(slurp(out / "report.json"), "{}\n");
  EXPECT_EQ(slurp(out / "report.csv"), "x\n");
  EXPECT_EQ(listing(out), (std::set<std::string>{"report.json", "report.csv"}));  // no temps
  write_files_atomically(out.string(), {{"report.csv", "y\n"}});  // replaces
  EXPECT_EQ(slurp(out / "report.csv"), "y\n");
}

TEST_F(AtomicWrite, OutDirIsAFileLeavesNothing) {
  const fs::path file = dir_ / "blocker";
  std::ofstream(file) << "keep";
  try {
    write_files_atomically(file.string(), {{"report.json", "{}"}});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(file), "keep");
  EXPECT_EQ(listing(dir_), (std::set<std::string>{"blocker"}));
}

TEST_F(AtomicWrite, FailureOnSecondFileLeavesNoFileAtAll) {
  fs::create_directories(dir_ / "report.csv");  // a directory where the second file should go
  EXPECT_THROW(write_files_atomically(dir_.string(), {{"report.json", "{}"}, {"report.csv", "x"}}),
               std::runtime_error);
  EXPECT_EQ(listing(dir_), (std::set<std::string>{"report.csv"}));  // no report.json, no temps
  EXPECT_THROW(write_files_atomically(dir_.string(), {{"sub/x", "1"}}), std::runtime_error);
}

}  // namespace
}  // namespace adasim::sim
