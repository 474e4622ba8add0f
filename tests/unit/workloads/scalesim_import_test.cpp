// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim topology import: GEMM views (M = ofmap pixels, Kred = R*S*C, N = filters) worked out by
// hand from the CSV rows, CSV quirks, and line-numbered errors.
#include "workloads/scalesim/topology_csv.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

const std::string kData = ADASIM_TEST_DIR "/data/scalesim/";
const std::string kShared = ADASIM_SOURCE_DIR "/../shared/reference/scalesim/";

struct Gemm {
  int64_t m, kred, n;
  bool operator==(const Gemm& o) const { return m == o.m && kred == o.kred && n == o.n; }
};
std::ostream& operator<<(std::ostream& os, const Gemm& g) {
  return os << "(" << g.m << ", " << g.kred << ", " << g.n << ")";
}

Gemm gemm_of(const Graph& g, const std::string& layer) {
  for (const Layer& l : g.layers)
    if (l.name == layer) {
      const ConvShape s = g.shape(l);
      return {s.gemm_m(), s.gemm_kred(), s.gemm_n()};
    }
  ADD_FAILURE() << "no layer " << layer;
  return {0, 0, 0};
}

std::vector<std::string> error_lines(const std::string& csv) {
  std::istringstream in(csv);
  try {
    parse_scalesim_topology(in, "t.csv");
  } catch (const sim::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) out.push_back(i.where);
    return out;
  }
  ADD_FAILURE() << "no ConfigError";
  return {};
}

const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";

TEST(ScaleSimImport, AlexNetConvForm) {
  const Graph g = load_scalesim_topology(kData + "alexnet.csv");
  EXPECT_EQ(g.name, "alexnet");
  ASSERT_EQ(g.layers.size(), 5u);
  // Conv1: 224, 11x11 /4 -> SCALE-Sim's ceil((224-11)/4)+1 = ceil(53.25)+1 = 55 -> 55*55 = 3025
  // px (floor would give 54); 11*11*3 = 363; 96 filters.
  EXPECT_EQ(gemm_of(g, "Conv1"), (Gemm{3025, 363, 96}));
  // Conv2: 27-5+1 = 23 -> 529; 5*5*96 = 2400; 256. Conv3: 11*11 = 121; 3*3*256 = 2304; 384.
  EXPECT_EQ(gemm_of(g, "Conv2"), (Gemm{529, 2400, 256}));
  EXPECT_EQ(gemm_of(g, "Conv3"), (Gemm{121, 2304, 384}));
  EXPECT_EQ(gemm_of(g, "Conv5"), (Gemm{121, 3456, 256}));
  EXPECT_EQ(g.total_macs(), 3025LL * 363 * 96 + 529LL * 2400 * 256 + 121LL * 2304 * 384 +
                                121LL * 3456 * 384 + 121LL * 3456 * 256);
  const TensorInfo& in = g.tensor("Conv1.ifmap");
  EXPECT_EQ(in.shape, (std::vector<int64_t>{1, 3, 224, 224}));
  EXPECT_EQ(in.bits, 8);
  EXPECT_EQ(g.tensor("Conv1.ofmap").shape, (std::vector<int64_t>{1, 96, 55, 55}));
  // The 55th output row / column reads 4*54+11-224 = 3 elements past the edge: zeros, bottom
  // and right only. Strides that divide H - R need none (Conv2).
  EXPECT_EQ(g.layers[0].pad_b, 3);
  EXPECT_EQ(g.layers[0].pad_r, 3);
  EXPECT_EQ(g.layers[0].pad_t + g.layers[0].pad_l, 0);
  EXPECT_EQ(g.layers[1].pad_b + g.layers[1].pad_r, 0);
  EXPECT_EQ(g.graph_inputs.size(), 5u);
}

TEST(ScaleSimImport, Gpt2GemmFormWithCrlf) {
  const Graph g = load_scalesim_topology(kData + "gpt2.csv");
  ASSERT_EQ(g.layers.size(), 6u);
  // Row "M, N, K": GEMM view (M, Kred = K, N).
  EXPECT_EQ(gemm_of(g, "QKT"), (Gemm{1024, 64, 1024}));
  EXPECT_EQ(gemm_of(g, "QKTV"), (Gemm{1024, 1024, 64}));
  EXPECT_EQ(gemm_of(g, "Linear1"), (Gemm{1024, 1600, 4800}));
  EXPECT_EQ(gemm_of(g, "PW-FF-L2"), (Gemm{1024, 3072, 1600}));
  // SCALE-Sim's conv form of a GEMM: ifmap M x K, filter 1 x K, one channel, N filters.
  EXPECT_EQ(g.tensor("QKTV.ifmap").shape, (std::vector<int64_t>{1, 1, 1024, 1024}));
  EXPECT_EQ(g.tensor("QKTV.weight").shape, (std::vector<int64_t>{64, 1, 1, 1024}));
}

TEST(ScaleSimImport, ToleratesSpacesBlankRowsTrailingCommasAndDepthwiseNaming) {
  const Graph g = load_scalesim_topology(kData + "tolerated_quirks.csv");
  // "DP" in the name: SCALE-Sim runs 8 one-channel layers with 1 filter each, named
  // "<name>Channel_<i>" (topology_utils.py, load_arrays_conv): 1 + 8 layers.
  ASSERT_EQ(g.layers.size(), 9u);
  // ConvA: 10x12, 3x5, stride 2: P = ceil((10-3)/2)+1 = 5, Q = ceil((12-5)/2)+1 = 5;
  // Kred = 3*5*4 = 60.
  EXPECT_EQ(gemm_of(g, "ConvA"), (Gemm{25, 60, 6}));
  for (int ch = 0; ch < 8; ++ch) {
    const std::string name = "dw3x3_DPChannel_" + std::to_string(ch);
    EXPECT_EQ(g.layers[size_t(1 + ch)].name, name);
    EXPECT_EQ(gemm_of(g, name), (Gemm{25, 9, 1}));  // 5x5 px, 3*3*1, 1 filter
    EXPECT_EQ(g.layers[size_t(1 + ch)].groups, 1);
  }
}

TEST(ScaleSimImport, MalformedRowsAreCollectedWithLineNumbers) {
  const std::string csv = std::string(kConvHeader) +
                          "ok,8,8,3,3,1,1,1,\n"      // line 2
                          "short,8,8,3,\n"           // line 3: missing columns
                          "text,8,eight,3,3,1,1,1,\n"  // line 4: non-integer
                          "zero,8,8,3,3,0,1,1,\n"    // line 5: zero channels
                          "big,8,8,9,3,1,1,1,\n"     // line 6: filter taller than ifmap
                          "\n"                       // line 7: blank, fine
                          "ok,8,8,3,3,1,1,1,\n"      // line 8: duplicate name
                          "extra,8,8,3,3,1,1,1,,5\n";  // line 9: non-empty cell past Strides
  EXPECT_EQ(error_lines(csv), (std::vector<std::string>{"line 3", "line 4", "line 5", "line 6",
                                                        "line 8", "line 9"}));
  std::istringstream in(std::string(kConvHeader) + "big,8,8,9,3,1,1,1,\n");
  try {
    parse_scalesim_topology(in, "t.csv");
    FAIL();
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "t.csv: line 2: expected Filter Height <= IFMAP Height (8), got \"9\"");
  }
}

TEST(ScaleSimImport, DepthwiseChannelNamesMustNotClash) {
  // Line 2 makes aDPChannel_0 and aDPChannel_1; line 3 reuses one of them; line 5's split
  // would make the name line 4 took.
  EXPECT_EQ(error_lines(std::string(kConvHeader) + "aDP,5,5,3,3,2,1,1,\n" +
                        "aDPChannel_1,5,5,3,3,1,1,1,\n" + "bDPChannel_0,5,5,3,3,1,1,1,\n" +
                        "bDP,5,5,3,3,1,1,1,\n"),
            (std::vector<std::string>{"line 3", "line 5"}));
}

TEST(ScaleSimImport, GemmErrorsAndBadHeaders) {
  EXPECT_EQ(error_lines("Layer,M,N,K,\r\nA,4,0,2,\r\nB,4,4\r\n"),
            (std::vector<std::string>{"line 2", "line 3"}));
  EXPECT_EQ(error_lines("Name,Rows,Cols\nA,1,2\n"), (std::vector<std::string>{"line 1"}));
  EXPECT_EQ(error_lines("\n\n"), (std::vector<std::string>{"line 2"}));
  EXPECT_EQ(error_lines("Layer,M,N,K,\n"), (std::vector<std::string>{"line 1"}));
  EXPECT_THROW(load_scalesim_topology(kData + "missing.csv"), sim::ConfigError);
}

// The files shipped with the reference study (outside this repository): skipped if absent.
bool have_shared() { return std::filesystem::exists(kShared + "Resnet50_clean.csv"); }

TEST(ScaleSimImportShared, Resnet50CleanAndMixedSubset) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  const Graph r = load_scalesim_topology(kShared + "Resnet50_clean.csv");
  EXPECT_EQ(r.layers.size(), 54u);  // 55 lines minus the header
  // ceil((224-7)/2)+1 = 110 (the "Eh" annotation of the shipped Resnet50.csv says 110 too)
  EXPECT_EQ(gemm_of(r, "Conv1"), (Gemm{110 * 110, 7 * 7 * 3, 64}));
  EXPECT_EQ(gemm_of(r, "FC6"), (Gemm{1, 2048, 1000}));
  const Graph m = load_scalesim_topology(kShared + "mixed_subset.csv");
  // CB4a_1: 28, 1x1 /2 -> ceil(27/2)+1 = 15 -> 15x15 = 225 px; 512; 256.
  EXPECT_EQ(gemm_of(m, "resnet50_CB4a_1"), (Gemm{225, 512, 256}));
  EXPECT_EQ(gemm_of(m, "mobilenet_Conv14_dwAsShipped"), (Gemm{144, 4608, 1}));
  // The conv-form row of a transformer GEMM equals the GEMM-form row of the same layer.
  const Graph t = load_scalesim_topology(kShared + "transformer_partial.csv");
  EXPECT_EQ(gemm_of(m, "transformer_SD_MatMul_QK_00_asConv"), gemm_of(t, "SD_MatMul_QK_00"));
  EXPECT_EQ(gemm_of(t, "SD_MatMul_QK_00"), (Gemm{128, 128, 64}));
}

TEST(ScaleSimImportShared, Resnet50WithAnnotationColumnsIsRejected) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  // Resnet50.csv carries spreadsheet annotations: header columns "Eh, Ew, e2" and values
  // "110, 110, 12100" on the Conv1 row (line 3). Those are not SCALE-Sim columns (SCALE-Sim itself
  // fails on the empty cells) and could be misread, so they are errors; the row of only commas
  // on line 2 is a blank row and is tolerated, as are the empty trailing cells of other rows.
  try {
    load_scalesim_topology(kShared + "Resnet50.csv");
    FAIL();
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u) << e.what();
    EXPECT_EQ(e.issues()[0].where, "line 1");
    EXPECT_EQ(e.issues()[1].where, "line 3");
    EXPECT_NE(e.issues()[1].value.find("\"110\", \"110\", \"12100\""), std::string::npos);
  }
}

TEST(ScaleSimImportShared, EveryOtherShippedTopologyLoads) {
  if (!have_shared()) GTEST_SKIP() << "no " << kShared;
  int loaded = 0;
  for (const auto& e : std::filesystem::directory_iterator(kShared)) {
    if (e.path().extension() != ".csv" || e.path().filename() == "Resnet50.csv") continue;
    const Graph g = load_scalesim_topology(e.path().string());
    EXPECT_GT(g.total_macs(), 0) << e.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 10);
}

}  // namespace
}  // namespace adasim::workloads
