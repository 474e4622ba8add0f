// SPDX-License-Identifier: Apache-2.0
// Properties of the sparse datapath (sparsity.mode none / gate / skip, configs/README.md
// "sparsity") through the real executable, on small JSON graphs with seeded values
// (--weight-sparsity / --act-sparsity), on the default 32x32 systolic array with each dataflow
// (ws, os, is) and on the Eyeriss-like spatial array (configs/eyeriss/rs.json). Every expectation
// is a relation between runs (dense vs gate vs skip, one zero pattern vs another) or a bound
// derived below; no figure is taken from a previous run of the simulator.
//
// The graphs are written here. kConv32 and kFc64 have one MAC layer and no ReLU, so every operand
// of every MAC is a graph input or a generated weight and --*-sparsity uniform:1.0 makes all of
// them nonzero. Their GEMM dimensions are multiples of 32 (conv: Kred = 32*3*3 = 288, output
// pixels 64, 32 channels; fc: Kred 64, batch 32, 64 features), so on the 32x32 array every
// stream vector of every fold carries the same number of MACs (no ragged folds); this is what the
// speedup bound of SkipSpeedupIsBoundedByTheNonzeroFraction needs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace adasim {
namespace {

using nlohmann::json;
using test::read_json;
using test::run_adasim;
using test::temp_out;

const char* const kConv32 =
    R"({"format": "adasim-graph", "version": 1, "name": "conv32", "batch": 1,
  "inputs": ["x"], "outputs": ["y"], "tensors": [{"name": "x", "shape": [1, 32, 10, 10], "scale": 0.03125}],
  "layers": [{"name": "conv", "op": "conv2d", "inputs": ["x"], "output": "y", "out_channels": 32,
              "kernel": [3, 3], "weight_quant": {"scale": 0.0009765625}}]})";

const char* const kFc64 = R"({"format": "adasim-graph", "version": 1, "name": "fc64", "batch": 32,
  "inputs": ["x"], "outputs": ["y"], "tensors": [{"name": "x", "shape": [32, 64], "scale": 0.03125}],
  "layers": [{"name": "fc", "op": "fc", "inputs": ["x"], "output": "y", "out_features": 64,
              "weight_quant": {"scale": 0.0009765625}}]})";

/// 16 output channels: on the 16x16 spatial array with mapper.factors array M = 16, rf M = 1,
/// each PE column computes exactly one output channel.
const char* const kConv16 =
    R"({"format": "adasim-graph", "version": 1, "name": "conv16", "batch": 1,
  "inputs": ["x"], "outputs": ["y"], "tensors": [{"name": "x", "shape": [1, 16, 10, 10], "scale": 0.03125}],
  "layers": [{"name": "conv", "op": "conv2d", "inputs": ["x"], "output": "y", "out_channels": 16,
              "kernel": [3, 3], "weight_quant": {"scale": 0.0009765625}}]})";

const std::string kTinyCnn = "workloads/models/tiny_cnn.json";

/// Writes a graph under the test temp dir (a name per test: ctest runs tests in parallel).
std::string write_graph(const char* text, const std::string& name) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            ("sdp_" + name + "_" + std::to_string(::getpid()) + ".json"))
                               .string();
  std::ofstream(path) << text;
  return path;
}

struct Arch {
  const char* name;
  const char* args;
};
/// Printed in the ctest names' "GetParam() = ..." (gtest would print the bytes, addresses
/// included).
void PrintTo(const Arch& a, std::ostream* os) { *os << a.name; }
const Arch kWs{"ws", "--arch configs/default.json --set pe_array.dataflow=ws"};
const Arch kOs{"os", "--arch configs/default.json --set pe_array.dataflow=os"};
const Arch kIs{"is", "--arch configs/default.json --set pe_array.dataflow=is"};
const Arch kRs{"eyeriss_rs", "--arch configs/eyeriss/rs.json"};

struct Outcome {
  json rep;
  std::string output;  ///< bytes of the dumped output_0.pb
};

/// One run of `workload` with `mode` and the seeded zero patterns; ASSERTs success.
Outcome run(const std::string& workload, const Arch& arch, const std::string& mode,
            const std::string& wsp, const std::string& asp, int seed, const std::string& tag,
            const std::string& extra = "") {
  const std::string out = temp_out(tag);
  const std::string args = "run -q " + std::string(arch.args) + " --workload '" + workload +
                           "' --set sparsity.mode=" + mode + " --weight-sparsity " + wsp +
                           " --act-sparsity " + asp + " --seed " + std::to_string(seed) +
                           " --out '" + out + "' --dump-outputs '" + out + "/dump' " + extra;
  const auto r = run_adasim(args, tag);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  if (r.exit_code != 0) throw std::runtime_error("adasim failed: " + args);
  return {read_json(out + "/report.json"), test::slurp(out + "/dump/output_0.pb")};
}

bool is_mac(const json& l) { return l["dataflow"] != "vector"; }
uint64_t u(const json& j) { return j.get<uint64_t>(); }
double energy(const json& l) { return l["energy_pj"]["total"].get<double>(); }
uint64_t compute(const json& l) { return u(l["cycles"]["compute"]); }
uint64_t total(const json& l) { return u(l["cycles"]["total"]); }

/// Sparse data of the property tests: weight density, ifmap density, seed.
struct Mix {
  double w, a;
  int seed;
};
const Mix kMixes[] = {{0.2, 0.9, 11}, {0.5, 0.5, 12}, {0.9, 0.2, 13}, {0.35, 0.65, 14}};

std::string uniform(double d) {
  std::ostringstream o;
  o << "uniform:" << d;
  return o.str();
}

class SparseDatapath : public ::testing::TestWithParam<Arch> {};

// ---- a. All operands nonzero: gate and skip cost exactly what dense costs ---------------------

TEST_P(SparseDatapath, AllNonzeroOperandsGateAndSkipEqualDense) {
  const Arch& a = GetParam();
  for (const char* g : {kConv32, kFc64}) {
    const std::string wl = write_graph(g, std::string("allnz_") + a.name);
    SCOPED_TRACE(g);
    const std::string t = std::string("sdp_allnz_") + a.name;
    const Outcome d = run(wl, a, "none", "uniform:1.0", "uniform:1.0", 3, t + "_none");
    for (const char* mode : {"gate", "skip"}) {
      SCOPED_TRACE(mode);
      const Outcome s = run(wl, a, mode, "uniform:1.0", "uniform:1.0", 3, t + "_" + mode);
      EXPECT_EQ(s.output, d.output);
      ASSERT_EQ(s.rep["layers"].size(), 1u);
      const json &ld = d.rep["layers"][0], &ls = s.rep["layers"][0];
      // Every operand is nonzero, as the report measures it.
      EXPECT_EQ(ls["sparsity"]["weight_density"].get<double>(), 1.0);
      EXPECT_EQ(ls["sparsity"]["ifmap_density"].get<double>(), 1.0);
      EXPECT_EQ(ls["macs_gated"], 0);
      EXPECT_EQ(ls["macs_skipped"], 0);
      EXPECT_EQ(ls["macs_issued"], ld["macs"]);
      EXPECT_EQ(ls["sparsity"]["steps_skipped"].get<double>(), 0.0);
      EXPECT_EQ(total(ls), total(ld));
      EXPECT_EQ(compute(ls), compute(ld));
      EXPECT_NEAR(energy(ls), energy(ld), 1e-12 * energy(ld));
      EXPECT_EQ(total(s.rep["total"]), total(d.rep["total"]));
      EXPECT_NEAR(energy(s.rep["total"]), energy(d.rep["total"]), 1e-12 * energy(d.rep["total"]));
    }
  }
}

// ---- b. Gating saves energy, never cycles -------------------------------------------------------

/// Checks gate against dense layer by layer, on conv32 and tiny_cnn (whose later layers read
/// ReLU outputs with their own zeros) at several densities and seeds.
void check_gating(const Arch& a) {
  for (const std::string& wl : {write_graph(kConv32, std::string("gate_") + a.name), kTinyCnn}) {
    for (const Mix& m : kMixes) {
      SCOPED_TRACE(wl + " weight " + uniform(m.w) + " ifmap " + uniform(m.a));
      const std::string t = std::string("sdp_gate_") + a.name;
      const Outcome d = run(wl, a, "none", uniform(m.w), uniform(m.a), m.seed, t + "_none");
      const Outcome g = run(wl, a, "gate", uniform(m.w), uniform(m.a), m.seed, t + "_gate");
      EXPECT_EQ(g.output, d.output);
      ASSERT_EQ(g.rep["layers"].size(), d.rep["layers"].size());
      uint64_t gated = 0;
      for (size_t i = 0; i < d.rep["layers"].size(); ++i) {
        const json &ld = d.rep["layers"][i], &lg = g.rep["layers"][i];
        SCOPED_TRACE(ld["name"].get<std::string>());
        EXPECT_EQ(lg["cycles"], ld["cycles"]);  // total, compute, stall and its causes
        EXPECT_EQ(u(lg["macs_issued"]) + u(lg["macs_gated"]), u(ld["macs"]));
        EXPECT_EQ(lg["macs_skipped"], 0);
        gated += u(lg["macs_gated"]);
        if (u(lg["macs_gated"]) > 0) {
          EXPECT_LT(energy(lg), energy(ld));
        } else {
          EXPECT_NEAR(energy(lg), energy(ld), 1e-12 * energy(ld));
        }
      }
      EXPECT_GT(gated, 0u);  // densities < 1: some MAC has a zero operand
      EXPECT_EQ(g.rep["total"]["cycles"], d.rep["total"]["cycles"]);
    }
  }
}

// "gate: saves energy, not cycles" (configs/README.md), on the spatial array too: a gated MAC's
// partial sum still moves as in a dense run, so the NoC stall does not change either.
TEST_P(SparseDatapath, GatingKeepsCyclesAndOutputsAndSavesEnergy) { check_gating(GetParam()); }

// ---- c. Skipping: never slower, speedup at most 1 / (nonzero MAC fraction) ----------------------
//
// Bound. In skip mode a MAC is issued iff both checked operands are nonzero; the rest are skipped
// or gated, so macs_zero = macs_gated + macs_skipped and the nonzero fraction is
// f = (macs - macs_zero) / macs. The dense schedule has S stream steps of L MACs each (no ragged
// folds) plus O fill / drain steps with no MAC to skip. Skipping removes stream steps in which
// every MAC has a zero operand, so removed steps <= macs_zero / L = (1 - f) S, and
// compute(skip) >= O + f S >= f (O + S) = f compute(dense): dense / skip <= 1 / f, checked in
// integers as compute(dense) * (macs - macs_zero) <= compute(skip) * macs. On the spatial array a
// pass of S_p steps on n PEs (each PE one MAC per step, all valid) saves the fewest zeros any PE
// has, least <= zeros_p / n, which gives the same inequality pass by pass.
// Without the "no ragged folds" premise the bound can fail in principle (zeros concentrated in a
// fold of short vectors), so on tiny_cnn only the general facts are asserted: skip <= dense, and
// the issued MACs fit the skip cycles (at most one MAC per PE per cycle).

TEST_P(SparseDatapath, SkipSpeedupIsBoundedByTheNonzeroFraction) {
  const Arch& a = GetParam();
  const std::vector<std::pair<std::string, bool>> graphs = {
      {write_graph(kConv32, std::string("skip_c_") + a.name), true},
      {write_graph(kFc64, std::string("skip_f_") + a.name), true},
      {kTinyCnn, false}};
  for (const auto& [wl, regular] : graphs) {
    for (const Mix& m : kMixes) {
      SCOPED_TRACE(wl + " weight " + uniform(m.w) + " ifmap " + uniform(m.a));
      const std::string t = std::string("sdp_skip_") + a.name;
      const Outcome d = run(wl, a, "none", uniform(m.w), uniform(m.a), m.seed, t + "_none");
      const Outcome s = run(wl, a, "skip", uniform(m.w), uniform(m.a), m.seed, t + "_skip");
      EXPECT_EQ(s.output, d.output);
      const json& pe = s.rep["adasim"]["pes"];
      ASSERT_TRUE(pe.is_number_unsigned()) << s.rep["adasim"].dump();
      for (size_t i = 0; i < d.rep["layers"].size(); ++i) {
        const json &ld = d.rep["layers"][i], &ls = s.rep["layers"][i];
        SCOPED_TRACE(ld["name"].get<std::string>());
        const uint64_t macs = u(ld["macs"]);
        EXPECT_EQ(u(ls["macs_issued"]) + u(ls["macs_gated"]) + u(ls["macs_skipped"]), macs);
        EXPECT_LE(total(ls), total(ld));
        EXPECT_LE(compute(ls), compute(ld));
        if (!is_mac(ld)) continue;
        EXPECT_GE(compute(ls) * u(pe), u(ls["macs_issued"]));
        const uint64_t nonzero = macs - u(ls["macs_gated"]) - u(ls["macs_skipped"]);
        if (regular) {
          EXPECT_LE(compute(ld) * nonzero, compute(ls) * macs) << "dense / skip > 1 / f";
        }
      }
      EXPECT_LE(total(s.rep["total"]), total(d.rep["total"]));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Arrays, SparseDatapath, ::testing::Values(kWs, kOs, kIs, kRs),
                         [](const ::testing::TestParamInfo<Arch>& i) {
                           return std::string(i.param.name);
                         });

// ---- d. Skipping shrinks with imbalance ---------------------------------------------------------

struct Saving {
  double weight_density, imbalance;
  uint64_t dense_compute, skip_compute;
  uint64_t saved() const { return dense_compute - skip_compute; }
};

Saving skip_saving(const std::string& wl, const Arch& a, const std::string& wsp, int seed,
                   const std::string& tag, const std::string& extra = "") {
  const Outcome d = run(wl, a, "none", wsp, "uniform:1.0", seed, tag + "_none", extra);
  const Outcome s = run(wl, a, "skip", wsp, "uniform:1.0", seed, tag + "_skip", extra);
  EXPECT_EQ(s.output, d.output);
  const json &ld = d.rep["layers"][0], &ls = s.rep["layers"][0];
  EXPECT_LE(compute(ls), compute(ld));
  return {ls["sparsity"]["weight_density"].get<double>(), ls["sparsity"]["imbalance"].get<double>(),
          compute(ld), compute(ls)};
}

// IS on the systolic array: the ifmap is stationary and the weights stream, one vector per output
// channel (over a fold of the reduction). The lockstep feeder can only leave out an all-zero
// vector. channel:0.5 zeroes whole output channels, i.e. whole stream vectors: half the steps have
// no work, balanced. uniform:0.5 scatters the same share of zeros: a vector of 32 weights is all
// zero with probability 2^-32, so almost nothing is skipped and the lanes wait for each other.
// Ifmaps are all nonzero so that only the weight pattern differs. Chunks of 32 stream vectors
// are fixed: with the latency mapper's own choice for conv32 (one vector per chunk) the layer
// saves no step.
TEST(SparseDatapath, SystolicIsSkipsWholeZeroChannelsNotScatteredZeros) {
  const std::string chunk = "--set mapper.chunk_len=32";
  for (const char* g : {kConv32, kFc64}) {
    const std::string wl = write_graph(g, "imb_is");
    for (int seed : {1, 2, 3}) {
      SCOPED_TRACE(std::string(g) + " seed " + std::to_string(seed));
      const Saving ch = skip_saving(wl, kIs, "channel:0.5", seed, "sdp_imb_is_ch", chunk);
      const Saving un = skip_saving(wl, kIs, "uniform:0.5", seed, "sdp_imb_is_un", chunk);
      EXPECT_NEAR(ch.weight_density, un.weight_density, 0.05);
      EXPECT_GT(ch.saved(), un.saved());
      EXPECT_GT(ch.saved(), 0u);
      EXPECT_GT(un.imbalance, ch.imbalance);
    }
  }
}

// The spatial array skips per PE, and a pass lasts as long as its slowest PE: the opposite
// ordering. With mapper.factors array M = 16, rf M = 1 (kConv16) each output channel has its own
// PE column for the whole layer. channel:0.5 keeps 8 of the 16 channels: the PEs of a kept channel
// have no zero to skip (ifmaps all nonzero), so no pass gets shorter: steps_skipped = 0, compute
// unchanged, imbalance 2 (half the PEs idle). uniform:0.5 gives every PE about half zeros over
// its 384 steps per pass, so every pass shrinks (all 384 weights of a PE nonzero: p = 2^-384).
TEST(SparseDatapath, SpatialSkipsScatteredZerosNotWholeZeroChannels) {
  const std::string wl = write_graph(kConv16, "imb_rs");
  const std::string factors = R"(--set 'mapper.factors={"array":{"M":16},"rf":{"M":1}}')";
  for (int seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Saving ch = skip_saving(wl, kRs, "channel:0.5", seed, "sdp_imb_rs_ch", factors);
    const Saving un = skip_saving(wl, kRs, "uniform:0.5", seed, "sdp_imb_rs_un", factors);
    EXPECT_EQ(ch.weight_density, 0.5);  // round(0.5 * 16) = 8 whole channels kept
    EXPECT_NEAR(ch.weight_density, un.weight_density, 0.05);
    EXPECT_EQ(ch.saved(), 0u);
    EXPECT_GT(un.saved(), 0u);
    EXPECT_GT(ch.imbalance, un.imbalance);
  }
}

// Skipping leaves out MACs, not outputs: each of kConv16's 16 x 8 x 8 = 1024 int8 outputs is
// stored to DRAM once in every mode (no psum spills at this size). Disabled: on the spatial array
// an output none of whose MACs was issued (here every output of a zeroed channel) is never
// drained, so skip reports dram.psum writes = gbuf.psum drains = 512 and charges DRAM energy for
// 512 stores, while the same report's dram.write_bytes is 1024 (arch/spatial/spatial_engine.cpp:
// skipped MACs do not mark the RF psum touched, flush_rf_psums sends only touched psums, and
// flush_gbuf_psums drains only valid ones). Reproduce: kConv16 on configs/eyeriss/rs.json,
// --weight-sparsity channel:0.5 --act-sparsity uniform:1.0, sparsity.mode none vs skip.
TEST(SparseDatapath, SpatialSkipStoresEveryOutput) {
  const std::string wl = write_graph(kConv16, "store_rs");
  for (const char* mode : {"none", "gate", "skip"}) {
    SCOPED_TRACE(mode);
    const Outcome r =
        run(wl, kRs, mode, "channel:0.5", "uniform:1.0", 1, std::string("sdp_store_") + mode);
    const json& acc = r.rep["layers"][0]["accesses"];
    EXPECT_EQ(acc["dram"]["write_bytes"], 1024);
    EXPECT_EQ(acc["dram.psum"]["writes"], 1024);
    EXPECT_EQ(acc["gbuf.psum"]["drains"], 1024);
  }
}

// ---- e. Per-layer modes -------------------------------------------------------------------------

TEST(SparseDatapath, PerLayerModeChangesOnlyThatLayer) {
  // Chunks of 64 output pixels: conv1's compute is exposed there (the mapper's own choice, 32,
  // leaves the layer DRAM-bound, where skipping saves energy but no cycle).
  const Arch a{"ws",
               "--arch configs/default.json --set pe_array.dataflow=ws --set mapper.chunk_len=64"};
  const Outcome d = run(kTinyCnn, a, "none", "uniform:0.3", "uniform:0.3", 5, "sdp_layers_none");
  const Outcome s = run(kTinyCnn, a, "none", "uniform:0.3", "uniform:0.3", 5, "sdp_layers_conv1",
                        R"(--set 'sparsity.layers={"conv1":"skip"}')");
  // The opposite: skip everywhere but conv1.
  const Outcome o = run(kTinyCnn, a, "skip", "uniform:0.3", "uniform:0.3", 5, "sdp_layers_all_but",
                        R"(--set 'sparsity.layers={"conv1":"none"}')");
  EXPECT_EQ(s.output, d.output);
  EXPECT_EQ(o.output, d.output);
  ASSERT_EQ(s.rep["layers"].size(), d.rep["layers"].size());
  ASSERT_EQ(d.rep["layers"][0]["name"], "conv1");
  for (size_t i = 0; i < d.rep["layers"].size(); ++i) {
    const json &ld = d.rep["layers"][i], &ls = s.rep["layers"][i], &lo = o.rep["layers"][i];
    SCOPED_TRACE(ld["name"].get<std::string>());
    const json& same = i == 0 ? lo : ls;  // the layer that runs dense in the per-layer run
    EXPECT_EQ(same["macs_gated"], 0);
    EXPECT_EQ(same["macs_skipped"], 0);
    EXPECT_EQ(same["macs_issued"], ld["macs"]);
    EXPECT_EQ(same["cycles"], ld["cycles"]);
    EXPECT_NEAR(energy(same), energy(ld), 1e-12 * energy(ld));
  }
  const json& c1 = s.rep["layers"][0];
  EXPECT_GT(u(c1["macs_skipped"]), 0u);
  EXPECT_LT(total(c1), total(d.rep["layers"][0]));
  EXPECT_LT(energy(c1), energy(d.rep["layers"][0]));
}

TEST(SparseDatapath, UnknownLayerInSparsityLayersIsAConfigError) {
  const std::string out = temp_out("sdp_layers_bad");
  const auto r = run_adasim("run -q --workload " + kTinyCnn + " --out '" + out +
                                R"(' --set 'sparsity.layers={"conv9":"skip"}')",
                            "sdp_layers_bad");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("/sparsity/layers/conv9"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/report.json"));
}

// Without trained weights, activations computed from generated weights need not keep any
// particular density at depth; --act-every-layer makes every layer read generated activations
// with the study's pattern (and the report records that), so each MAC layer's measured ifmap
// density is the requested one: within 4 sigma of a Bernoulli draw over its elements, and the
// smallest operand of tiny_cnn (the fc input, 16 x 2 x 2 = 64 values) gives the widest bound,
// 4 * sqrt(0.3 * 0.7 / 64) = 0.23.
TEST(SparseDatapath, ActEveryLayerHoldsTheDensityAtEveryDepth) {
  const std::string out = temp_out("sdp_every_layer");
  const auto r = run_adasim("run -q --workload " + kTinyCnn + " --out '" + out +
                                "' --weight-sparsity uniform:0.6 --act-sparsity uniform:0.3"
                                " --act-every-layer --set sparsity.mode=skip",
                            "sdp_every_layer");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json rep = read_json(out + "/report.json");
  EXPECT_EQ(rep["adasim"]["value_patterns"]["act_scope"], "every layer");
  int mac_layers = 0;
  for (const json& l : rep["layers"]) {
    if (!is_mac(l)) continue;
    ++mac_layers;
    const double d = l["sparsity"]["ifmap_density"].get<double>();
    EXPECT_NEAR(d, 0.3, 0.23) << l["name"];
    EXPECT_NEAR(l["sparsity"]["weight_density"].get<double>(), 0.6, 0.23) << l["name"];
  }
  EXPECT_GE(mac_layers, 2);
  // --input files and generated activations at every layer exclude each other.
  const auto bad = run_adasim("run -q --workload " + kTinyCnn + " --out '" + out +
                                  "_bad' --act-every-layer --input /dev/null",
                              "sdp_every_layer_bad");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace adasim
