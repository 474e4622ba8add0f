// SPDX-License-Identifier: Apache-2.0
// End-to-end checks of `adasim run/validate/map` through the real executable.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "cli_support.hpp"

namespace adasim {
namespace {

using test::read_json;
using test::run_adasim;
using test::temp_out;

TEST(CliRun, DefaultJobWritesEveryReportWithFixedKeys) {
  const std::string out = temp_out("default");
  const auto r = run_adasim("run --out '" + out + "'", "default");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"report.json", "report.csv", "resolved_config.json", "energy_table.json",
                        "schedule.json"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + f)) << f;
  const auto j = read_json(out + "/report.json");
  ASSERT_TRUE(j.contains("layers"));
  ASSERT_FALSE(j["layers"].empty());
  for (const auto* part : {&j["layers"][0], &j["total"]}) {
    for (const char* k : {"cycles", "energy_pj", "utilization", "macs"}) EXPECT_TRUE(part->contains(k)) << k;
    EXPECT_TRUE((*part)["cycles"].contains("total"));
    EXPECT_TRUE((*part)["cycles"].contains("compute"));
    EXPECT_TRUE((*part)["cycles"].contains("stall"));
    EXPECT_TRUE((*part)["energy_pj"].contains("total"));
    EXPECT_TRUE((*part)["utilization"].contains("pe"));
  }
  EXPECT_TRUE(j["layers"][0].contains("name"));
  EXPECT_EQ(j["adasim"]["seed"], 1);
  EXPECT_EQ(j["adasim"]["config_hash"].get<std::string>().size(), 16u);
  // Totals are sums over layers.
  uint64_t cycles = 0, macs = 0;
  for (const auto& l : j["layers"]) {
    cycles += l["cycles"]["total"].get<uint64_t>();
    macs += l["macs"].get<uint64_t>();
  }
  EXPECT_EQ(j["total"]["cycles"]["total"].get<uint64_t>(), cycles);
  EXPECT_EQ(j["total"]["macs"].get<uint64_t>(), macs);
  // The DS-CNN has 2,656,768 MACs in its conv/FC layers (Zhang et al., 2017).
  uint64_t array_macs = 0;
  for (const auto& l : j["layers"])
    if (l["dataflow"] != "vector") array_macs += l["macs"].get<uint64_t>();
  EXPECT_EQ(array_macs, 2656768u);
  // CSV: a header, one row per layer, a total row.
  const std::string csv = test::slurp(out + "/report.csv");
  EXPECT_EQ(size_t(std::count(csv.begin(), csv.end(), '\n')), j["layers"].size() + 2);
  EXPECT_EQ(csv.rfind("layer,op,dataflow,macs,macs_issued,macs_gated,macs_skipped,cycles_total,cycles_compute,cycles_stall", 0), 0u);
  EXPECT_NE(r.out.find("total"), std::string::npos) << "summary table on stdout";
}

TEST(CliRun, SameInputsAndSeedGiveSameBytes) {
  const std::string a = temp_out("det_a"), b = temp_out("det_b");
  const std::string args = " --workload workloads/models/tiny_cnn.json --arch configs/tiny_8x8.json --seed 5 -q";
  ASSERT_EQ(run_adasim("run --out '" + a + "'" + args, "det_a").exit_code, 0);
  ASSERT_EQ(run_adasim("run --out '" + b + "'" + args, "det_b").exit_code, 0);
  for (const char* f : {"report.json", "report.csv", "resolved_config.json", "schedule.json"})
    EXPECT_EQ(test::slurp(a + "/" + f), test::slurp(b + "/" + f)) << f;
}

TEST(CliRun, SetOverridesReachTheResolvedConfig) {
  const std::string out = temp_out("set");
  const auto r = run_adasim("run -q --out '" + out +
                                "' --workload workloads/models/tiny_mlp.json --set pe_array.rows=16"
                                " --set pe_array.cols=8 --set pe_array.dataflow=os",
                            "set");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto cfg = read_json(out + "/resolved_config.json");
  EXPECT_EQ(cfg["pe_array"]["rows"], 16);
  EXPECT_EQ(cfg["pe_array"]["cols"], 8);
  EXPECT_EQ(cfg["pe_array"]["dataflow"], "os");
  const auto rep = read_json(out + "/report.json");
  EXPECT_EQ(rep["adasim"]["pes"], 128);
  EXPECT_EQ(rep["layers"][0]["dataflow"], "os");
}

// A per_layer run of `workload` on adaptive_32x32 with a deadline and a power section (and
// `extra` arguments; `values`: compute the values, else --no-values): the result and
// report.json's dvfs_plan.
std::pair<test::CliResult, nlohmann::json> per_layer_run(const std::string& tag,
                                                         const std::string& workload,
                                                         const std::string& deadline,
                                                         const std::string& power,
                                                         const std::string& extra = "",
                                                         bool values = false) {
  const std::string out = temp_out(tag);
  const auto r = run_adasim(
      "run -q --out '" + out + "' --arch configs/adaptive_32x32.json --workload workloads/models/" +
          workload +
          ".json --fidelity fast" + (values ? "" : " --no-values") +
          " --set clock.policy=per_layer --set "
          "'clock.transition={\"slew_mv_per_us\": 50, \"relock_us\": 2, \"supply_cap_nf\": 50, "
          "\"regulator_efficiency\": 0.85}' --set clock.deadline_us=" +
          deadline + " --set 'power=" + power + "'" + extra,
      tag);
  if (r.exit_code != 0) return {r, nlohmann::json()};
  return {r, read_json(out + "/report.json")["dvfs_plan"]};
}

// The plan's time to the last digit, so a deadline set to it is just feasible (`slack`: relative,
// for a plan whose fastest points are its own, which the parser sums in another order).
std::string plan_time_text(const nlohmann::json& plan, double slack = 0) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", plan["plan_time_us"].get<double>() * (1 + slack));
  return text;
}

// The per_layer plan counts an idle_timeout wake-up at a layer's start too: tiny_cnn's fc starts
// with the array's wake-up (2000 cycles) after the add and the pool left it idle over 50 cycles.
// The plan charges it less the part the DMA's first wait hides (the engine holds the layer's
// first step while the DMA loads), so the gated run takes the plan's time to the last digit
// and meets a deadline set to it, as the ungated run meets its own plan's.
TEST(CliRun, PerLayerPlanCountsTheWakeUpAtALayersStart) {
  const std::string off = R"({"policy": "none"})";
  const std::string gated_array =
      R"({"policy": "idle_timeout", "idle_cycles": 50, "wakeup_cycles": 2000, )"
      R"("power_gated": ["pe_array"]})";
  const auto [loose, lj] = per_layer_run("plan_loose", "tiny_cnn", "1000000", off);
  ASSERT_EQ(loose.exit_code, 0) << loose.err;
  const auto [met, mj] = per_layer_run("plan_met", "tiny_cnn", plan_time_text(lj), off);
  ASSERT_EQ(met.exit_code, 0) << met.err;
  EXPECT_EQ(mj["deadline_met"], true) << mj.dump();
  EXPECT_EQ(met.err.find("warning"), std::string::npos) << met.err;
  const auto [gated, gj] = per_layer_run("plan_gated", "tiny_cnn", "1000000", gated_array);
  ASSERT_EQ(gated.exit_code, 0) << gated.err;
  const std::string out = temp_out("plan_gated_met");
  const auto [tight, tj] =
      per_layer_run("plan_gated_met", "tiny_cnn", plan_time_text(gj), gated_array);
  ASSERT_EQ(tight.exit_code, 0) << tight.err;
  EXPECT_EQ(tj["deadline_met"], true) << tj.dump();
  EXPECT_NEAR(tj["simulated_time_us"].get<double>(), tj["plan_time_us"].get<double>(),
              1e-9 * tj["plan_time_us"].get<double>());
  EXPECT_EQ(tight.err.find("warning"), std::string::npos) << tight.err;
  // The run's fc waited the whole wake-up; the plan charged it less what the first wait hid.
  const nlohmann::json report = read_json(out + "/report.json");
  const nlohmann::json sched = read_json(out + "/schedule.json");
  ASSERT_EQ(report.at("layers").back().at("name"), "fc");
  EXPECT_EQ(report.at("layers").back().at("cycles").at("stall_by_cause").at("wakeup"), 2000);
  const nlohmann::json& fc = report.at("layers").back();
  const double period_ns =
      fc.at("time_ns").get<double>() / fc.at("cycles").at("total").get<double>();
  const double charged = sched.back().at("dvfs").at("wakeup_ns").get<double>();
  EXPECT_GT(charged, 0.0);
  EXPECT_LT(charged, 2000 * period_ns);
}

// Under power.policy "per_layer" a layer's wake-up at its start (the units its mapping uses and
// the previous layer's left off) holds its first step while the DMA already loads: the plan
// charges each wake-up less the part the layer's first DRAM wait hides, so the run takes the
// plan's time exactly (tiny_cnn, 200-cycle wake-ups of the array and the vector unit; charged
// in full, the plan said 2.709 us for the run's 2.348).
TEST(CliRun, PerLayerPlanChargesWhatTheFirstWaitDoesNotHide) {
  const std::string gated = R"({"policy": "per_layer", "wakeup_cycles": 200, )"
                            R"("power_gated": ["pe_array", "vector_unit"]})";
  const std::string out = temp_out("hidden_wake");
  const auto [r, plan] = per_layer_run("hidden_wake", "tiny_cnn", "1000000", gated);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(plan["simulated_time_us"].get<double>(), plan["plan_time_us"].get<double>(),
              1e-9 * plan["plan_time_us"].get<double>());
  const nlohmann::json report = read_json(out + "/report.json");
  const nlohmann::json sched = read_json(out + "/schedule.json");
  double stalled_ns = 0, charged_ns = 0;
  for (size_t i = 0; i < report.at("layers").size(); ++i) {
    const nlohmann::json& l = report.at("layers")[i];
    const double period_ns = l.at("time_ns").get<double>() / l.at("cycles").at("total").get<double>();
    stalled_ns += l.at("cycles").at("stall_by_cause").at("wakeup").get<double>() * period_ns;
    charged_ns += sched[i].at("dvfs").value("wakeup_ns", 0.0);
  }
  EXPECT_GT(stalled_ns, 0.0);
  EXPECT_LT(charged_ns, stalled_ns);  // some of the wake-ups hide under the first wait
}

// Where the plan's bytes are not the run's it can miss a deadline it meets: with compressed
// storage (sparsity.storage) the plan moves each tile's dense bytes, the run its encoded ones,
// which follow the values. tiny_cnn with its activations run-length coded (Eyeriss RLE, longer
// than dense on these mostly nonzero values): with the deadline set to its plan's time the run
// is slower, says so on stderr and in report.json (deadline_met false), and exits 0 (a missed
// deadline is a result, not an input error).
TEST(CliRun, PerLayerRunSaysWhenItMissesTheDeadline) {
  const std::string rle =
      " --set sparsity.storage.ifmap=rle --set sparsity.storage.ofmap=rle";
  const std::string off = R"({"policy": "none"})";
  const auto [loose, lj] = per_layer_run("rle_loose", "tiny_cnn", "1000000", off, rle, true);
  ASSERT_EQ(loose.exit_code, 0) << loose.err;
  const auto [missed, xj] =
      per_layer_run("rle_missed", "tiny_cnn", plan_time_text(lj), off, rle, true);
  ASSERT_EQ(missed.exit_code, 0) << missed.err;
  EXPECT_EQ(xj["deadline_met"], false) << xj.dump();
  EXPECT_GT(xj["simulated_time_us"].get<double>(), xj["deadline_us"].get<double>());
  EXPECT_NE(missed.err.find("over clock.deadline_us"), std::string::npos) << missed.err;
  EXPECT_NE(missed.err.find("sparsity.storage"), std::string::npos) << missed.err;
}

// Chained SRAM levels (memory.sram[].parent): the timelines replay every hop (a copy between two
// levels waits for its data and its slot, and takes no time), so an L1 chained under the global
// buffer (tiny_cnn's ifmaps staged through 8 KiB) runs in its plan's time: met to the last digit.
TEST(CliRun, PerLayerPlanReplaysChainedLevels) {
  const std::string chained =
      R"( --set 'memory.sram=[{"name": "gbuf", "size_kib": 512, "word_bits": 64, "banks": 32, )"
      R"("holds": ["weight", "ofmap", "ifmap"]}, {"name": "l1", "size_kib": 8, )"
      R"("word_bits": 64, "banks": 4, "holds": ["ifmap"], "parent": "gbuf"}]')";
  const std::string off = R"({"policy": "none"})";
  const auto [loose, lj] = per_layer_run("chained_loose", "tiny_cnn", "1000000", off, chained);
  ASSERT_EQ(loose.exit_code, 0) << loose.err;
  const auto [met, mj] = per_layer_run("chained_met", "tiny_cnn", plan_time_text(lj), off, chained);
  ASSERT_EQ(met.exit_code, 0) << met.err;
  EXPECT_EQ(mj["deadline_met"], true) << mj.dump();
  EXPECT_NEAR(mj["simulated_time_us"].get<double>(), mj["plan_time_us"].get<double>(),
              1e-9 * mj["plan_time_us"].get<double>());
}

// Wake-ups inside array layers are in the plan (the mapper's estimate replays them): tiny_mlp
// (two FC layers, no vector layer) with the array gated after 10 idle cycles wakes up in both
// layers, and the run takes the plan's time, so it meets the deadline set to it; the ungated
// plan's time is out of reach for the gated array (a config error that names the wake-ups).
TEST(CliRun, PerLayerPlanCountsIdleTimeoutWakeUpsInArrayLayers) {
  const std::string gated =
      R"({"policy": "idle_timeout", "idle_cycles": 10, "wakeup_cycles": 2000, )"
      R"("power_gated": ["pe_array"]})";
  const auto [loose, lj] = per_layer_run("wake_loose", "tiny_mlp", "1000000", gated);
  ASSERT_EQ(loose.exit_code, 0) << loose.err;
  const std::string out = temp_out("wake_met");
  const auto [met, mj] = per_layer_run("wake_met", "tiny_mlp", plan_time_text(lj, 1e-12), gated);
  ASSERT_EQ(met.exit_code, 0) << met.err;
  EXPECT_EQ(mj["deadline_met"], true) << mj.dump();
  EXPECT_NEAR(mj["simulated_time_us"].get<double>(), mj["plan_time_us"].get<double>(),
              1e-9 * mj["plan_time_us"].get<double>());
  EXPECT_EQ(met.err.find("warning"), std::string::npos) << met.err;
  uint64_t wakeup = 0;
  const nlohmann::json report = read_json(out + "/report.json");
  for (const auto& l : report.at("layers"))
    wakeup += l.at("cycles").at("stall_by_cause").at("wakeup").get<uint64_t>();
  EXPECT_GE(wakeup, 2u * 2000u);  // at least one wake-up in each layer
  const auto [off, oj] = per_layer_run("wake_off", "tiny_mlp", "1000000", R"({"policy": "none"})");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  const auto [late, unused] = per_layer_run("wake_late", "tiny_mlp", plan_time_text(oj), gated);
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_NE(late.err.find("wake-ups included"), std::string::npos) << late.err;
}

TEST(CliRun, InvalidConfigExitsTwoNamesThePathAndWritesNothing) {
  const std::string out = temp_out("invalid");
  const auto r = run_adasim("run --out '" + out + "' --set pe_array.rows=0", "invalid");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/pe_array/rows"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("default.json"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliRun, MalformedWorkloadExitsTwo) {
  const std::string out = temp_out("badwl");
  const auto r = run_adasim(std::string("run --out '") + out + "' --workload '" + ADASIM_TEST_DIR +
                                "/configs/invalid/21_not_json.json'",
                            "badwl");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/report.json"));
}

TEST(CliValidate, ReportsEveryErrorOfAConfig) {
  const auto r = run_adasim(std::string("validate --arch '") + ADASIM_TEST_DIR +
                                "/configs/invalid/23_several_errors.json'",
                            "validate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_GE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  const auto ok = run_adasim("validate --arch configs/default.json", "validate_ok");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// The summary names the dataflow the layers run: a spatial array's, not the systolic default.
TEST(CliValidate, SummaryNamesTheSpatialDataflow) {
  const auto rs = run_adasim("validate --arch configs/eyeriss/rs.json", "validate_rs");
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  EXPECT_NE(rs.out.find("16x16 rs,"), std::string::npos) << rs.out;
  const auto aut =
      run_adasim("validate --arch configs/eyeriss_chip.json --set pe_array.dataflow=auto",
                 "validate_auto");
  ASSERT_EQ(aut.exit_code, 0) << aut.err;
  EXPECT_NE(aut.out.find("12x14 auto: rs ws os_a os_b os_c nlr,"), std::string::npos) << aut.out;
}

TEST(CliMap, JsonHasScheduleSearchAndSimulatedFiguresPerLayer) {
  const auto r = run_adasim("map --workload workloads/models/tiny_cnn.json --set pe_array.dataflow=auto --json", "map");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), 6u);  // tiny_cnn: conv1, dw, pw, res, pool, fc
  for (const auto& s : j) {
    EXPECT_TRUE(s.contains("loop_order"));
    EXPECT_TRUE(s.contains("simulated"));
    if (s["path"] == "array") {
      EXPECT_TRUE(s.contains("search"));
      EXPECT_EQ(s["search"]["objective"], "latency");
      EXPECT_GT(s["search"]["candidates_evaluated"].get<int>(), 1);
    }
    if (s["path"] == "vector") {
      EXPECT_TRUE(s["vector"].contains("estimated_cycles")) << s["layer"];
    }
  }
  // The pool layer's estimate is the vector timeline's (workloads/mapper/timeline/
  // vector_timeline.cpp), by hand on configs/default.json (800 MHz: 1.25 ns a cycle; DRAM
  // 12.8 GB/s, 100 ns latency, 64-byte bursts; 32 vector lanes): one chunk of 64 outputs of 4
  // operations from 256 input bytes. Its load, 4 bursts of 5 ns, is done at 20 + 100 = 120 ns
  // (cycle 96); ceil(256 / 32) = 8 cycles, 96..103, each reading 32 bytes and writing 8, which the
  // buffer (32 banks of 8 bytes) and the 128-byte bus carry without a stall; the outputs complete
  // at cycle 103 (128.75 ns) and their store, one 5 ns burst, is done at 233.75 ns: cycle 187.
  const auto pool =
      std::find_if(j.begin(), j.end(), [](const auto& s) { return s["layer"] == "pool"; });
  ASSERT_NE(pool, j.end());
  ASSERT_EQ((*pool)["path"], "vector");
  EXPECT_EQ((*pool)["vector"]["estimated_cycles"].get<double>(), 187.0);
}

TEST(CliMap, TextShowsLoopNestEstimateRunnerUpAndSimulation) {
  const auto r = run_adasim("map --workload workloads/models/tiny_cnn.json --set pe_array.dataflow=auto", "map_text");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"DRAM -> SRAM : for pack", "SRAM -> array: rows =", "estimate     :",
                           "runner-up    :", "simulated    :", "vector path:"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  const auto quick = run_adasim("map --workload workloads/models/tiny_cnn.json --no-simulate", "map_quick");
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_EQ(quick.out.find("simulated    :"), std::string::npos);
}

// A vector layer's text shows its estimate too: tiny_cnn's pool on configs/default.json takes
// the 187 cycles worked out by hand in CliMap.JsonHasScheduleSearchAndSimulatedFiguresPerLayer.
TEST(CliMap, TextShowsTheVectorLayersEstimate) {
  const auto r = run_adasim("map --workload workloads/models/tiny_cnn.json --no-simulate",
                            "map_vector_text");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t pool = r.out.find("pool (");
  ASSERT_NE(pool, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("estimate     : ", pool),
            r.out.find("estimate     : 187 cycles (the vector unit's timeline", pool))
      << r.out.substr(pool, 400);
  EXPECT_NE(r.out.find("estimate     : 187 cycles", pool), std::string::npos)
      << r.out.substr(pool, 400);
}

TEST(CliTrace, VcdAndGtkwaveSaveFileAreWritten) {
  const std::string out = temp_out("vcd");
  const auto r = run_adasim("run -q --arch configs/tiny_8x8.json --workload workloads/models/tiny_cnn.json --out '" +
                                out + "' --vcd '" + out + "/trace.vcd' --trace 'top.pe_array.pe_0_*'"
                                " --trace-window 0:500",
                            "vcd");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string vcd = test::slurp(out + "/trace.vcd");
  EXPECT_NE(vcd.find("$scope module pe_0_3 $end"), std::string::npos);
  EXPECT_EQ(vcd.find("pe_1_0"), std::string::npos) << "filter must exclude other PEs";
  EXPECT_TRUE(std::filesystem::exists(out + "/trace.gtkw"));
  EXPECT_FALSE(std::filesystem::exists(out + "/trace.vcd.partial"));
}

}  // namespace
}  // namespace adasim
