// SPDX-License-Identifier: Apache-2.0
// The N:M datapath end to end through `adasim run`: a model with generated 2:4 weights on the
// default array with sparsity.structured, against the same values on the dense datapath, and with
// the zero-activation modes on top. Also the config checks of sparsity.structured.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "cli_support.hpp"

namespace adasim {
namespace {

using nlohmann::json;
using test::read_json;
using test::run_adasim;
using test::temp_out;

const std::string kTinyCnn = "workloads/models/tiny_cnn.json";
const std::string kWs = "--arch configs/default.json --set pe_array.dataflow=ws";
const std::string kNm24 = " --set 'sparsity.structured={\"n\":2,\"m\":4}'";

struct Outcome {
  json rep;
  std::string output;  ///< bytes of the dumped output_0.pb
};

Outcome run(const std::string& extra, const std::string& tag) {
  const std::string out = temp_out(tag);
  const std::string args = "run -q " + kWs + " --workload " + kTinyCnn +
                           " --weight-sparsity nm:2:4 --act-sparsity uniform:0.5 --act-every-layer"
                           " --out '" + out + "' --dump-outputs '" + out + "/dump' " + extra;
  const auto r = run_adasim(args, tag);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  if (r.exit_code != 0) throw std::runtime_error("adasim failed: " + args);
  return {read_json(out + "/report.json"), test::slurp(out + "/dump/output_0.pb")};
}

uint64_t total(const json& l) { return l["cycles"]["total"].get<uint64_t>(); }
double energy(const json& l) { return l["energy_pj"]["total"].get<double>(); }

TEST(NmDatapathCli, SameOutputsAsTheDenseArrayInFewerCycles) {
  const Outcome dense = run("", "nm_dense");
  const Outcome nm = run(kNm24, "nm_none");
  EXPECT_EQ(nm.output, dense.output);  // the multiplexers pick exactly the nonzero weights' inputs
  int on_nm = 0;
  for (size_t i = 0; i < nm.rep["layers"].size(); ++i) {
    const json& l = nm.rep["layers"][i];
    const json& d = dense.rep["layers"][i];
    EXPECT_EQ(l["macs"], d["macs"]) << l["name"];  // the layer's MACs do not change
    if (!l["schedule"].contains("nm")) continue;
    ++on_nm;
    // A 2:4 layer holds about twice the reduction per fold: fewer cycles, and at most one MAC
    // per slot (slots_per_group of every kred reduction indices; 5 of 9 for a 3x3 depthwise).
    EXPECT_LT(total(l), total(d)) << l["name"];
    const uint64_t slots = l["schedule"]["nm"]["slots_per_group"].get<uint64_t>();
    const uint64_t kred = l["schedule"]["gemm"]["kred"].get<uint64_t>();
    EXPECT_LE(l["macs_issued"].get<uint64_t>() * kred, d["macs"].get<uint64_t>() * slots) << l["name"];
    EXPECT_EQ(l["macs_issued"].get<uint64_t>() + l["macs_skipped"].get<uint64_t>() +
                  l["macs_gated"].get<uint64_t>(),
              d["macs"].get<uint64_t>()) << l["name"];
  }
  EXPECT_EQ(on_nm, 4);  // conv1, dw, pw, fc (res and pool run on the vector unit)
  EXPECT_LT(total(nm.rep["total"]), total(dense.rep["total"]));
}

TEST(NmDatapathCli, GatingAndSkippingOnTopOfTheSlots) {
  const Outcome none = run(kNm24, "nm_m_none");
  const Outcome gate = run(kNm24 + " --set sparsity.mode=gate", "nm_m_gate");
  const Outcome skip = run(kNm24 + " --set sparsity.mode=skip", "nm_m_skip");
  EXPECT_EQ(gate.output, none.output);
  EXPECT_EQ(skip.output, none.output);
  for (size_t i = 0; i < none.rep["layers"].size(); ++i) {
    const json& n = none.rep["layers"][i];
    if (!n["schedule"].contains("nm")) continue;
    const json& g = gate.rep["layers"][i];
    const json& s = skip.rep["layers"][i];
    EXPECT_EQ(total(g), total(n)) << n["name"];
    EXPECT_LT(energy(g), energy(n)) << n["name"];
    EXPECT_GT(g["macs_gated"].get<uint64_t>(), 0u) << n["name"];
    EXPECT_LE(s["cycles"]["compute"].get<uint64_t>(), n["cycles"]["compute"].get<uint64_t>()) << n["name"];
  }
}

// unfit "dense": weights that break 2:4 everywhere (density 0.9: a group of 4 keeps at most 2
// nonzeros with probability 0.052, and every layer has dozens of groups) leave every layer on
// the dense path, so the run equals the dense array's, byte for byte in outputs and in cycles.
TEST(NmDatapathCli, UnfitDenseRunsLayersThatBreakThePatternDense) {
  auto go = [](const std::string& extra, const std::string& tag) {
    const std::string out = temp_out(tag);
    const std::string args = "run -q " + kWs + " --workload " + kTinyCnn +
                             " --weight-sparsity uniform:0.9 --out '" + out + "' --dump-outputs '" +
                             out + "/dump' " + extra;
    const auto r = run_adasim(args, tag);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return Outcome{read_json(out + "/report.json"), test::slurp(out + "/dump/output_0.pb")};
  };
  const Outcome dense = go("", "nm_unfit_dense_ref");
  const Outcome unfit = go("--set 'sparsity.structured={\"unfit\":\"dense\"}'", "nm_unfit_dense");
  EXPECT_EQ(unfit.output, dense.output);
  ASSERT_EQ(unfit.rep["layers"].size(), dense.rep["layers"].size());
  for (size_t i = 0; i < unfit.rep["layers"].size(); ++i) {
    const json& l = unfit.rep["layers"][i];
    EXPECT_FALSE(l["schedule"].contains("nm")) << l["name"];
    EXPECT_EQ(total(l), total(dense.rep["layers"][i])) << l["name"];
  }
}

struct BadCase {
  const char* tag;
  const char* args;
  const char* pointer;  ///< the JSON path the error must name
};

TEST(NmDatapathCli, ConfigErrorsNameThePath) {
  const BadCase cases[] = {
      {"nm_is", " --set pe_array.dataflow=is --set 'sparsity.structured={}'", "/pe_array/dataflow"},
      {"nm_n_ge_m", " --set 'sparsity.structured={\"n\":4,\"m\":4}'", "/sparsity/structured/n"},
      {"nm_pool", " --set 'sparsity.structured={\"layers\":[\"pool\"]}'", "/sparsity/structured/layers/0"},
      {"nm_dense_w", " --set 'sparsity.structured={}' --weight-sparsity uniform:0.9", "/sparsity/structured"},
      {"nm_spatial", " --arch configs/eyeriss/rs.json --set 'sparsity.structured={}'", "/sparsity/structured"},
      {"nm_unfit", " --set 'sparsity.structured={\"unfit\":\"maybe\"}'", "/sparsity/structured/unfit"},
  };
  for (const BadCase& c : cases) {
    const std::string out = temp_out(c.tag);
    std::string args = "run -q ";
    const std::string a = c.args;
    if (a.find("--arch") == std::string::npos) args += kWs + " ";
    args += "--workload " + kTinyCnn + " --out '" + out + "'" + a;
    const auto r = run_adasim(args, c.tag);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.pointer), std::string::npos) << c.tag << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/report.json")) << c.tag;
  }
}

}  // namespace
}  // namespace adasim
