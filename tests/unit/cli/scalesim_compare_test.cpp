// SPDX-License-Identifier: Apache-2.0
// Cross-simulator check: with configs/scalesim.json (SCALE-Sim's assumptions: stall-free memory,
// its fold timing convention) adasim's per-layer compute cycles equal SCALE-Sim's systolic model,
// computed here from the topology CSV alone: OS maps (rows M, cols N, time Kred), WS (Kred, N, M),
// IS (Kred, M, N); cycles per fold T + AR + AC - 2 (OS) or 2*AR + AC + T - 2 (WS/IS); folds run
// back to back. SCALE-Sim reports folds * per_fold - 1 (the index of the last cycle), so adasim's
// count is SCALE-Sim's reported figure + 1 (and its mirror.scalesim.total_cycles that figure).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include "cli_support.hpp"

namespace adasim {
namespace {

struct Row {
  std::string name;
  int64_t m, kred, n;
};

std::vector<Row> read_topology(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const bool gemm = line.find("M") != std::string::npos && line.find("IFMAP") == std::string::npos;
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) {
      c.erase(0, c.find_first_not_of(" \t\r"));
      c.erase(c.find_last_not_of(" \t\r") + 1);
      if (!c.empty()) cells.push_back(c);
    }
    if (cells.size() < 4) continue;
    if (gemm) {
      rows.push_back({cells[0], std::stoll(cells[1]), std::stoll(cells[3]), std::stoll(cells[2])});
    } else {
      const int64_t h = std::stoll(cells[1]), w = std::stoll(cells[2]), r = std::stoll(cells[3]),
                    s = std::stoll(cells[4]), ch = std::stoll(cells[5]), k = std::stoll(cells[6]),
                    st = std::stoll(cells[7]);
      // SCALE-Sim's output size: ceil((H - R) / S) + 1 (docs/scalesim_conventions.md, section 1).
      const int64_t p = (h - r + st - 1) / st + 1, q = (w - s + st - 1) / st + 1;
      rows.push_back({cells[0], p * q, r * s * ch, k});
    }
  }
  return rows;
}

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t scalesim_reported(const Row& l, const std::string& df, int64_t ar, int64_t ac) {
  int64_t sr = 0, sc = 0, t = 0;
  if (df == "os") { sr = l.m; sc = l.n; t = l.kred; }
  if (df == "ws") { sr = l.kred; sc = l.n; t = l.m; }
  if (df == "is") { sr = l.kred; sc = l.m; t = l.n; }
  const int64_t per_fold = df == "os" ? t + ar + ac - 2 : 2 * ar + ac + t - 2;
  return cdiv(sr, ar) * cdiv(sc, ac) * per_fold - 1;
}

/// report.json of `adasim run` under configs/scalesim.json with the array, dataflow and `extra`
/// overrides (a failed run is a test failure and gives no layers).
nlohmann::json run_scalesim(const std::string& path, const std::string& df, int ar, int ac,
                            const std::string& extra, const std::string& tag) {
  const std::string out = test::temp_out(tag);
  const auto r = test::run_adasim(
      "run -q --arch configs/scalesim.json --format scalesim --workload '" + path + "' --out '" +
          out + "' --set pe_array.dataflow=" + df + " --set pe_array.rows=" + std::to_string(ar) +
          " --set pe_array.cols=" + std::to_string(ac) + " " + extra,
      tag);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return nlohmann::json::object({{"layers", nlohmann::json::array()}});
  return test::read_json(out + "/report.json");
}

/// Every layer of `rep` ran stall-free with SCALE-Sim's cycles (its count is the figure + 1).
void expect_scalesim_cycles(const nlohmann::json& rep, const std::vector<Row>& rows,
                            const std::string& df, int ar, int ac) {
  ASSERT_EQ(rep["layers"].size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(rows[i].name);
    const auto& l = rep["layers"][i];
    EXPECT_EQ(l["cycles"]["stall"].get<int64_t>(), 0);
    EXPECT_EQ(l["cycles"]["compute"].get<int64_t>(), scalesim_reported(rows[i], df, ar, ac) + 1);
    EXPECT_EQ(l["mirror"]["scalesim"]["total_cycles"].get<int64_t>(),
              scalesim_reported(rows[i], df, ar, ac));
  }
}

using Param = std::tuple<std::string, std::string, int, int>;
class ScaleSimCompare : public ::testing::TestWithParam<Param> {};

TEST_P(ScaleSimCompare, ComputeCyclesMatchSystolicModel) {
  const auto [csv, df, ar, ac] = GetParam();
  const std::string path = std::string(ADASIM_TEST_DIR) + "/data/scalesim/" + csv;
  const std::string tag =
      csv.substr(0, csv.find('.')) + "_" + df + std::to_string(ar) + "x" + std::to_string(ac);
  expect_scalesim_cycles(run_scalesim(path, df, ar, ac, "", tag), read_topology(path), df, ar, ac);
}

INSTANTIATE_TEST_SUITE_P(
    Topologies, ScaleSimCompare,
    ::testing::Values(Param{"alexnet.csv", "os", 32, 32}, Param{"alexnet.csv", "ws", 32, 32},
                      Param{"alexnet.csv", "is", 32, 32}, Param{"alexnet.csv", "os", 16, 64},
                      Param{"small_gemm.csv", "os", 8, 8}, Param{"small_gemm.csv", "ws", 16, 8},
                      Param{"small_gemm.csv", "is", 8, 32}),
    [](const ::testing::TestParamInfo<Param>& i) {
      const std::string csv = std::get<0>(i.param);
      return csv.substr(0, csv.find('.')) + "_" + std::get<1>(i.param) + "_" +
             std::to_string(std::get<2>(i.param)) + "x" + std::to_string(std::get<3>(i.param));
    });

TEST(ScaleSimCompareSram, SizesNeverRefuseALayerNorChangeItsCycles) {
  // SCALE-Sim's SRAM sizes change only its DRAM traffic (docs/scalesim_conventions.md, section
  // 4): AlexNet on 256x256 WS with 1 KiB SRAMs (no tile fits) runs with SCALE-Sim's cycles and
  // no stall; the mapper marks the tilings it took over the capacity.
  const std::string path = std::string(ADASIM_TEST_DIR) + "/data/scalesim/alexnet.csv";
  const auto rep = run_scalesim(path, "ws", 256, 256,
                                "--set memory.sram.0.size_kib=1 --set memory.sram.1.size_kib=1"
                                " --set memory.sram.2.size_kib=1",
                                "ss_tiny_sram");
  expect_scalesim_cycles(rep, read_topology(path), "ws", 256, 256);
  for (const auto& l : rep["layers"])
    EXPECT_TRUE(l["schedule"]["search"].value("sram_overcommitted", false)) << l["name"];
}

TEST(ScaleSimCompareSram, IdealMemoryNeverStallsWhenPsumsSpill) {
  // ResNet-50 CB4a_1 (28x28, 1x1 /2, 512 -> 256) on 128x128 WS: Kred = 512 spans four row folds
  // and the partial sums go to DRAM and back between them. Ideal memory moves them for free, so
  // nothing waits. SCALE-Sim: 4 row folds x 2 column folds (N = 256), T = M = 15*15 = 225, per
  // fold 2*128 + 128 + 225 - 2 = 607, reported 8 x 607 - 1 = 4855 (as the reference table).
  const std::string topo = test::temp_out("ss_spill") + ".csv";
  std::ofstream(topo) << "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                         "Channels, Num Filter, Strides,\nCB4a_1,28,28,1,1,512,256,2,\n";
  const auto rep = run_scalesim(topo, "ws", 128, 128, "", "ss_spill");
  ASSERT_EQ(rep["layers"].size(), 1u);
  const auto& l = rep["layers"][0];
  EXPECT_TRUE(l["schedule"]["psum_spill"].get<bool>());
  EXPECT_GT(l["schedule"]["dram_store_bytes"].get<int64_t>(), 15 * 15 * 256);  // psums too
  EXPECT_EQ(l["cycles"]["stall"].get<int64_t>(), 0);
  EXPECT_EQ(l["mirror"]["scalesim"]["total_cycles"].get<int64_t>(), 8 * 607 - 1);
}

TEST(BandwidthStalls, GrowMonotonicallyAsDramBandwidthShrinks) {
  std::vector<uint64_t> stalls;
  const std::vector<std::string> bws = {"1000", "16", "4", "1", "0.25"};
  for (const std::string& bw : bws) {
    const std::string tag = "bw_" + bw;
    const std::string out = test::temp_out(tag);
    const auto r = test::run_adasim("run -q --workload workloads/models/tiny_cnn.json --out '" + out +
                                        "' --set memory.dram.bandwidth_gb_per_s=" + bw,
                                    tag);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    stalls.push_back(test::read_json(out + "/report.json")["total"]["cycles"]["stall"].get<uint64_t>());
  }
  for (size_t i = 1; i < stalls.size(); ++i) EXPECT_GE(stalls[i], stalls[i - 1]) << "bandwidth " << bws[i];
  EXPECT_GT(stalls.back(), 4 * stalls.front());
}

}  // namespace
}  // namespace adasim
