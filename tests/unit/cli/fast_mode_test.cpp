// SPDX-License-Identifier: Apache-2.0
// --fidelity fast against the per-cycle simulation (the reference: every cycle simulated): on a
// regression set covering every systolic dataflow and the spatial ones, vector layers, ideal and
// finite DRAM bandwidth, SRAM port stalls, single-buffered registers, the SCALE-Sim convention,
// the sparse datapaths (gating, zero skipping, compressed storage, N:M) and batch > 1, the whole
// report.json of both modes must be equal apart from adasim.fidelity: cycles, stalls by cause,
// per-level and per-operand access counts, energy, utilisation, sparsity figures. The dumped
// outputs must be equal too (fast mode computes each fold's values at once). The SCALE-Sim
// mirror's figures (per-cycle tallies of the array) are compared on their own topologies too.
#include <gtest/gtest.h>

#include "cli_support.hpp"

namespace adasim::test {
namespace {

using nlohmann::json;

struct Case {
  const char* tag;
  std::string args;
};

/// Runs both modes; returns the per-cycle report.
json expect_same_reports(const Case& c) {
  const std::string cyc = temp_out(std::string("fast_cyc_") + c.tag);
  const std::string fst = temp_out(std::string("fast_fst_") + c.tag);
  const CliResult a =
      run_adasim("run -q " + c.args + " --out " + cyc + " --dump-outputs " + cyc + "/dump",
                 std::string("fc_") + c.tag);
  EXPECT_EQ(a.exit_code, 0) << c.tag << ": " << a.err;
  const CliResult b = run_adasim(
      "run -q --fidelity fast " + c.args + " --out " + fst + " --dump-outputs " + fst + "/dump",
      std::string("ff_") + c.tag);
  EXPECT_EQ(b.exit_code, 0) << c.tag << ": " << b.err;
  if (a.exit_code != 0 || b.exit_code != 0) return json::object();
  json ra = read_json(cyc + "/report.json"), rb = read_json(fst + "/report.json");
  EXPECT_EQ(ra["adasim"]["fidelity"], "cycle");
  EXPECT_EQ(rb["adasim"]["fidelity"], "fast");
  const json ref = ra;
  ra["adasim"].erase("fidelity");
  rb["adasim"].erase("fidelity");
  // Layer by layer first, for a readable failure.
  EXPECT_EQ(ra["layers"].size(), rb["layers"].size()) << c.tag;
  for (size_t i = 0; i < std::min(ra["layers"].size(), rb["layers"].size()); ++i)
    EXPECT_EQ(ra["layers"][i], rb["layers"][i])
        << c.tag << " layer " << ra["layers"][i]["name"] << "\ncycle: " << ra["layers"][i]["cycles"]
        << "\nfast:  " << rb["layers"][i]["cycles"];
  EXPECT_EQ(ra, rb) << c.tag;
  const std::string out = slurp(cyc + "/dump/output_0.pb");
  EXPECT_FALSE(out.empty()) << c.tag;
  EXPECT_EQ(out, slurp(fst + "/dump/output_0.pb")) << c.tag;
  return ref;
}

uint64_t stall(const json& r, const char* cause) {
  return r["total"]["cycles"]["stall_by_cause"][cause].get<uint64_t>();
}

const std::string kTiny = " --workload workloads/models/tiny_cnn.json";
const std::string kDs = " --workload workloads/models/ds_cnn_kws.json";
const std::string kWs = " --arch configs/default.json --set pe_array.dataflow=ws";
const std::string kOs = " --arch configs/default.json --set pe_array.dataflow=os";
const std::string kIs = " --arch configs/default.json --set pe_array.dataflow=is";
const std::string kIdeal = " --set memory.dram.ideal=true --set memory.sram.0.ideal=true";
const std::string kSlowDram = " --set memory.dram.bandwidth_gb_per_s=1.6";
// One 8-byte bank: SRAM port stalls; a 64-bit link: NoC stalls.
const std::string kNarrowSram = " --set memory.sram.0.banks=1";
const std::string kNarrowNoc = " --set noc.link_width_bits=64";
const std::string kSingleBuffer =
    " --set pe_array.weight_double_buffer=false --set pe_array.output_double_buffer=false";

TEST(FastMode, SystolicDataflowsWithDramStalls) {
  // The DS-CNN has pooling on the vector unit besides its conv / FC layers.
  for (const Case& c :
       {Case{"ws", kWs + kDs}, Case{"os", kOs + kDs}, Case{"is", kIs + kDs},
        Case{"ws_slow", kWs + kTiny + kSlowDram}, Case{"os_slow", kOs + kTiny + kSlowDram},
        Case{"is_slow", kIs + kTiny + kSlowDram}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      EXPECT_GT(stall(r, "dram"), 0u) << c.tag;
    }
  }
}

TEST(FastMode, IdealMemory) {
  for (const Case& c : {Case{"ws_ideal", kWs + kDs + kIdeal}, Case{"os_ideal", kOs + kDs + kIdeal},
                        Case{"is_ideal", kIs + kDs + kIdeal}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      EXPECT_EQ(stall(r, "dram") + stall(r, "sram") + stall(r, "noc"), 0u) << c.tag;
    }
  }
}

TEST(FastMode, PortStallsAndSingleBuffers) {
  for (const Case& c :
       {Case{"ws_sram", kWs + kTiny + kNarrowSram}, Case{"os_sram", kOs + kTiny + kNarrowSram},
        Case{"ws_noc", kWs + kTiny + kNarrowNoc}, Case{"is_noc", kIs + kTiny + kNarrowNoc}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      EXPECT_GT(stall(r, "sram") + stall(r, "noc"), 0u) << c.tag;
    }
  }
  for (const Case& c : {Case{"ws_single", kWs + kTiny + kSingleBuffer},
                        Case{"os_single", kOs + kTiny + kSingleBuffer}})
    expect_same_reports(c);
}

// The SRAM levels and the NoC in their own clock domain (clock.domains.memory): port and link
// cycles at 300 MHz under an 800 MHz core, crossings through a 3-cycle synchroniser and DRAM
// bursts through a 2-cycle one. Fast mode converts the same stretches between the two clocks.
TEST(FastMode, MemoryClockDomain) {
  const std::string mem =
      " --set clock.domains.memory.freq_mhz=300 --set clock.domains.memory.voltage_v=0.7"
      " --set clock.domains.memory.sync_cycles=3 --set clock.dram_sync_cycles=2";
  for (const Case& c : {Case{"ws_mem", kWs + kDs + mem}, Case{"os_mem", kOs + kTiny + mem},
                        Case{"is_mem_slow", kIs + kTiny + mem + kSlowDram}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      // The ports at 300 MHz serve the 800 MHz array: SRAM stalls only the domain causes (the
      // same runs without it have none: PortStallsAndSingleBuffers needs a 1-bank SRAM for them).
      EXPECT_GT(stall(r, "sram"), 0u) << c.tag;
    }
  }
}

TEST(FastMode, ScaleSimConventionAndBatch) {
  expect_same_reports({"scalesim", " --arch configs/scalesim.json" + kTiny});
  expect_same_reports({"ws_batch", kWs + kTiny + " --batch 3"});
  expect_same_reports({"os_batch", kOs + kTiny + " --batch 2"});
}

// The SCALE-Sim mirror (configs/scalesim.json, its figures under mirror.scalesim): they come
// from the array's per-cycle tallies (each fold's compute cycles; the SRAM values of every feed,
// stationary row and output write, OS outputs leaving along SCALE-Sim's diagonals after the last
// feed), which fast mode advances many cycles at a time. On SCALE-Sim topologies with partial
// folds both ways (rows < AR, a 1-column fold), every dataflow, the reports of the three
// fidelities must be equal (the per-cycle figures are SCALE-Sim's own: scalesim_reference_test),
// and --fidelity check verifies each stretch's tallies cycle by cycle.
TEST(FastMode, ScaleSimMirrorFigures) {
  const std::string conv = temp_out("fast_ss_conv") + ".csv";
  std::ofstream(conv) << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                         "Channels, Num Filter, Stride height, Stride width,\n"
                         "c1, 12, 12, 3, 3, 20, 40, 1, 1,\n"
                         "c2, 9, 9, 2, 2, 7, 33, 2, 2,\n";
  const std::string gemm = std::string(ADASIM_TEST_DIR) + "/data/scalesim/small_gemm.csv";
  for (const char* df : {"os", "ws", "is"})
    for (const std::string& topo : {conv, gemm}) {
      const std::string tag = std::string("ss_") + df + (topo == conv ? "_conv" : "_gemm");
      const std::string args = " --arch configs/scalesim.json --format scalesim --workload " +
                               topo + " --set pe_array.dataflow=" + df +
                               " --set pe_array.rows=16 --set pe_array.cols=8";
      json reports[3];
      const char* fids[3] = {"cycle", "fast", "check"};
      for (int k = 0; k < 3; ++k) {
        const std::string out = temp_out(tag + "_" + fids[k]);
        const CliResult r =
            run_adasim("run -q --fidelity " + std::string(fids[k]) + args + " --out " + out, tag);
        ASSERT_EQ(r.exit_code, 0) << tag << " " << fids[k] << ": " << r.err;
        reports[k] = read_json(out + "/report.json");
        reports[k]["adasim"].erase("fidelity");
      }
      ASSERT_FALSE(reports[0]["layers"].empty()) << tag;
      for (const json& l : reports[0]["layers"]) {
        const json& m = l["mirror"]["scalesim"];
        EXPECT_GT(m["total_cycles"].get<uint64_t>(), 0u) << tag;
        EXPECT_GT(m["sram_ofmap_writes"].get<uint64_t>(), 0u) << tag;
        EXPECT_GT(m["sram_filter_reads"].get<uint64_t>(), 0u) << tag;
      }
      EXPECT_EQ(reports[0], reports[1]) << tag << " fast";
      EXPECT_EQ(reports[0], reports[2]) << tag << " check";
    }
}

TEST(FastMode, VectorLayersOfOnnxModels) {
  // The vector layers ONNX imports bring (softmax, layernorm, transpose, views, lookup tables in
  // the BERT-structured encoder; residual adds and pooling in MobileNetV2's QDQ export).
  const std::string dir = " --workload workloads/exported/";
  expect_same_reports({"onnx_encoder", kWs + dir + "encoder_small_float.onnx --quantize int8"});
  expect_same_reports({"onnx_mbv2", kOs + dir + "mobilenet_v2_w025_64_qdq.onnx" + kSlowDram});
}

TEST(FastMode, DvfsScheduleWithTransitions) {
  // The default config's table (400 MHz @ 0.7 V, 800 @ 0.9, 1000 @ 1.0) under a schedule that
  // moves the core domain at layer boundaries (by index and by time), with finite DRAM: each
  // layer runs at its own period, the halts are whole cycles of the new clock.
  const std::string dvfs =
      " --set clock.policy=schedule"
      " --set 'clock.transition={\"slew_mv_per_us\": 50, \"relock_us\": 2, "
      "\"supply_cap_nf\": 50, \"regulator_efficiency\": 0.85}'"
      " --set 'clock.schedule=[{\"layer_index\": 1, \"freq_mhz\": 400}, "
      "{\"layer_index\": 2, \"freq_mhz\": 1000}, {\"at_us\": 10, \"freq_mhz\": 400}]'";
  const json r = expect_same_reports({"dvfs_schedule", kWs + kTiny + kSlowDram + dvfs});
  if (!r.empty()) {
    EXPECT_EQ(r["total"]["dvfs"]["transitions"].get<uint64_t>(), 3u);  // 400, 1000, 400 again
    EXPECT_GT(stall(r, "dvfs"), 0u);
    EXPECT_GT(stall(r, "dram"), 0u);
  }
}

TEST(FastMode, PrecisionScalableLanes) {
  // One 4-bit conv layer: two MAC lanes per PE (mac_lanes 2 in the schedule).
  const std::string wl = temp_out("fast_int4") + ".json";
  std::ofstream(wl) << R"({"format": "adasim-graph", "version": 1, "name": "int4", "batch": 1,
  "inputs": ["input"], "outputs": ["c1.out"],
  "tensors": [{"name": "input", "shape": [1, 40, 12, 12], "bits": 4, "scale": 0.05}],
  "layers": [{"name": "c1", "op": "conv2d", "inputs": ["input"], "output": "c1.out",
    "out_channels": 48, "kernel": [3, 3], "padding": [1, 1],
    "weight_quant": {"bits": 4, "scale": 0.01}}]})";
  const std::string ps = " --set pe_array.precision_scalable=true --workload " + wl;
  for (const Case& c : {Case{"ps_ws", kWs + ps + kSlowDram}, Case{"ps_is", kIs + ps}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      EXPECT_EQ(r["layers"][0]["schedule"]["mac_lanes"], 2) << c.tag;
    }
  }
}

TEST(FastMode, SparseDatapaths) {
  const std::string sparse =
      " --weight-sparsity uniform:0.5 --act-sparsity uniform:0.6 --act-every-layer";
  for (const Case& c :
       {Case{"ws_gate", kWs + kTiny + sparse + " --set sparsity.mode=gate"},
        Case{"ws_skip", kWs + kTiny + sparse + " --set sparsity.mode=skip"},
        Case{"os_skip", kOs + kTiny + sparse + " --set sparsity.mode=skip"},
        Case{"is_skip", kIs + kTiny + sparse + " --set sparsity.mode=skip"},
        Case{"ws_csr", kWs + kTiny + sparse +
                           " --set sparsity.storage.ifmap=bitmask --set sparsity.storage.weight=csr"
                           " --set sparsity.storage.ofmap=rle --set sparsity.mode=gate"},
        Case{"is_csr_sram",
             kIs + kTiny + sparse + kNarrowSram +
                 " --set sparsity.storage.ifmap=rle --set sparsity.storage.weight=bitmask"
                 " --set sparsity.mode=gate"},
        Case{"ws_nm", kWs + kTiny +
                          " --set 'sparsity.structured={\"n\":2,\"m\":4}'"
                          " --weight-sparsity nm:2:4 --act-sparsity uniform:0.5"
                          " --act-every-layer --set sparsity.mode=skip"}}) {
    const json r = expect_same_reports(c);
    if (!r.empty()) {
      EXPECT_GT(
          r["total"]["macs_skipped"].get<uint64_t>() + r["total"]["macs_gated"].get<uint64_t>(), 0u)
          << c.tag;
    }
  }
}

TEST(FastMode, SpatialDataflows) {
  // The spatial engine already advances a DRAM iteration's passes per step; fast mode keeps it.
  for (const char* df : {"rs", "ws", "os_a", "os_b", "os_c", "nlr"})
    expect_same_reports({df, std::string(" --arch configs/eyeriss/") + df + ".json" + kTiny});
}

// The test switch --fidelity check simulates every cycle and verifies, cycle by cycle, each
// stretch fast mode would advance in one step (a model error, exit 3, on the first cycle that
// differs); its report is the per-cycle one.
TEST(FastMode, CheckSwitchVerifiesEveryStretch) {
  for (const Case& c :
       {Case{"chk_ws", kWs + kTiny + kSlowDram}, Case{"chk_os", kOs + kTiny},
        Case{"chk_is", kIs + kTiny + kNarrowSram},
        Case{"chk_noc", kWs + kTiny + kNarrowNoc + kSingleBuffer},
        Case{"chk_csr", kIs + kTiny +
                            " --weight-sparsity uniform:0.5 --act-sparsity "
                            "uniform:0.6 --act-every-layer"
                            " --set sparsity.storage.ifmap=rle --set sparsity.mode=skip"}}) {
    const std::string a = temp_out(std::string("chk_c_") + c.tag);
    const std::string b = temp_out(std::string("chk_k_") + c.tag);
    const CliResult rc = run_adasim("run -q" + c.args + " --out " + a, std::string("cc") + c.tag);
    const CliResult rk =
        run_adasim("run -q --fidelity check" + c.args + " --out " + b, std::string("ck") + c.tag);
    ASSERT_EQ(rc.exit_code, 0) << rc.err;
    ASSERT_EQ(rk.exit_code, 0) << c.tag << ": " << rk.err;
    json ja = read_json(a + "/report.json"), jb = read_json(b + "/report.json");
    EXPECT_EQ(jb["adasim"]["fidelity"], "check");
    ja["adasim"].erase("fidelity");
    jb["adasim"].erase("fidelity");
    EXPECT_EQ(ja, jb) << c.tag;
  }
}

TEST(FastMode, MapShowsTheSameSimulatedFigures) {
  const std::string args = " --json" + kOs + kTiny;
  const CliResult a = run_adasim("map" + args, "map_cycle");
  const CliResult b = run_adasim("map --fidelity fast" + args, "map_fast");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const json ja = json::parse(a.out), jb = json::parse(b.out);
  ASSERT_FALSE(ja.empty());
  EXPECT_TRUE(ja[0].contains("simulated"));
  EXPECT_EQ(ja, jb);
}

TEST(FastMode, RefusedWithTraces) {
  const CliResult r = run_adasim("run -q --fidelity fast --vcd " + temp_out("fast_vcd") +
                                     "/t.vcd --out " + temp_out("fast_vcd_out"),
                                 "fast_vcd");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--fidelity cycle"), std::string::npos) << r.err;
  const CliResult bad =
      run_adasim("run -q --fidelity quick --out " + temp_out("fast_bad"), "fast_bad");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("quick"), std::string::npos) << bad.err;
}

// --no-values: the same report as with values except the measured operand densities (which
// need the values) and the fidelity, in both modes, on each kind of engine.
TEST(FastMode, NoValuesKeepsTheTiming) {
  for (const Case& c : {Case{"nv_ws", kWs + kDs}, Case{"nv_os", kOs + kTiny + kSlowDram},
                        Case{"nv_is", kIs + kTiny + kNarrowSram},
                        Case{"nv_rs", " --arch configs/eyeriss/rs.json" + kTiny},
                        // An ONNX model that is already quantized runs as it is.
                        Case{"nv_qdq", kWs + " --workload "
                                             "workloads/exported/mobilenet_v2_w025_64_qdq.onnx"}}) {
    const std::string ref = temp_out(std::string("nvref_") + c.tag);
    const CliResult a = run_adasim("run -q " + c.args + " --out " + ref, std::string("r") + c.tag);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    json want = read_json(ref + "/report.json");
    want["adasim"].erase("fidelity");
    for (json& l : want["layers"]) l.erase("sparsity");
    for (const char* fid : {"cycle", "fast"}) {
      const std::string out = temp_out(std::string("nv_") + fid + c.tag);
      const CliResult b =
          run_adasim("run -q --no-values --fidelity " + std::string(fid) + c.args + " --out " + out,
                     std::string("n") + fid + c.tag);
      ASSERT_EQ(b.exit_code, 0) << b.err;
      json got = read_json(out + "/report.json");
      EXPECT_EQ(got["adasim"]["fidelity"], std::string(fid) + "-no-values");
      got["adasim"].erase("fidelity");
      for (const json& l : got["layers"]) EXPECT_FALSE(l.contains("sparsity")) << l["name"];
      EXPECT_EQ(got, want) << c.tag << " " << fid;
    }
  }
}

TEST(FastMode, NoValuesRefusesWhatNeedsValues) {
  const std::string out = temp_out("nv_refused");
  for (const std::string& extra :
       {std::string(" --dump-outputs ") + out + "/d", std::string(" --weight-sparsity uniform:0.5"),
        std::string(" --input workloads/exported/resnet18_w8_64_data/input_0.pb"),
        std::string(" --set sparsity.mode=skip"),
        std::string(" --set sparsity.storage.ifmap=csr")}) {
    const CliResult r =
        run_adasim("run -q --no-values" + kTiny + extra + " --out " + out, "nv_ref");
    EXPECT_EQ(r.exit_code, 2) << extra;
    EXPECT_NE(r.err.find("--no-values"), std::string::npos) << extra << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/report.json")) << extra;
  }
}

}  // namespace
}  // namespace adasim::test
