// SPDX-License-Identifier: Apache-2.0
// JSON graph loader: valid graphs with shape inference (expected shapes/MACs worked out by hand),
// batch override, round trip, and each error class with its exact JSON pointer.
#include "workloads/ir/json_loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {
using nlohmann::json;

// conv 3x3 pad 1 (4->8 ch) on 8x8, depthwise 3x3 stride 2 pad 1, maxpool 2/2, fc 10.
json tiny() {
  return json::parse(R"({
    "format": "adasim-graph", "version": 1, "name": "t", "batch": 1,
    "inputs": ["x"], "outputs": ["y"],
    "tensors": [{"name": "x", "shape": [1, 4, 8, 8], "scale": 0.5, "zero_point": -3}],
    "layers": [
      {"name": "c1", "op": "conv2d", "inputs": ["x"], "output": "a", "out_channels": 8,
       "kernel": [3, 3], "padding": [1, 1], "relu": true},
      {"name": "dw", "op": "conv2d", "inputs": ["a"], "output": "b", "out_channels": 8,
       "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "groups": 8},
      {"name": "pool", "op": "maxpool", "inputs": ["b"], "output": "c", "kernel": [2, 2],
       "stride": [2, 2]},
      {"name": "fc", "op": "fc", "inputs": ["c"], "output": "y", "out_features": 10}
    ]})");
}

std::vector<std::string> pointers_of(const json& j, int64_t batch_override = 0) {
  try {
    parse_graph_json(j, "g.json", batch_override);
  } catch (const sim::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& i : e.issues()) {
      EXPECT_EQ(i.file, "g.json");
      out.push_back(i.where);
    }
    return out;
  }
  ADD_FAILURE() << "no ConfigError";
  return {};
}

using Ptrs = std::vector<std::string>;

TEST(JsonLoader, InfersShapesAndCreatesWeights) {
  const Graph g = parse_graph_json(tiny(), "g.json");
  ASSERT_EQ(g.layers.size(), 4u);
  EXPECT_EQ(g.source_file, "g.json");
  // a: same 8x8 (pad 1); b: (8+2-3)/2+1 = 4; c: (4-2)/2+1 = 2; y: [1, 8*2*2 -> 10]
  EXPECT_EQ(g.tensor("a").shape, (std::vector<int64_t>{1, 8, 8, 8}));
  EXPECT_EQ(g.tensor("b").shape, (std::vector<int64_t>{1, 8, 4, 4}));
  EXPECT_EQ(g.tensor("c").shape, (std::vector<int64_t>{1, 8, 2, 2}));
  EXPECT_EQ(g.tensor("y").shape, (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(g.tensor("c1.weight").shape, (std::vector<int64_t>{8, 4, 3, 3}));
  EXPECT_EQ(g.tensor("dw.weight").shape, (std::vector<int64_t>{8, 1, 3, 3}));
  EXPECT_EQ(g.tensor("fc.weight").shape, (std::vector<int64_t>{10, 32}));
  EXPECT_TRUE(g.tensor("fc.weight").is_constant);
  EXPECT_FALSE(g.tensor("a").is_constant);
  // Inferred activations inherit the quantization of the first input.
  EXPECT_EQ(g.tensor("a").scale, 0.5);
  EXPECT_EQ(g.tensor("a").zero_point, -3);
  EXPECT_EQ(g.layers[0].weight, "c1.weight");
  EXPECT_TRUE(g.layers[0].relu);
  EXPECT_EQ(g.layers[1].groups, 8);
  EXPECT_EQ(g.layers[1].pad_b, 1);
  EXPECT_EQ(g.layers[2].kernel_h, 2);
  // MACs: c1 8*8*8*4*9 = 18432, dw 8*4*4*1*9 = 1152, fc 32*10 = 320.
  EXPECT_EQ(g.total_macs(), 18432 + 1152 + 320);
  EXPECT_EQ(g.graph_inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(g.graph_outputs, (std::vector<std::string>{"y"}));
}

TEST(JsonLoader, BatchOverrideFollowsThroughInference) {
  const Graph g = parse_graph_json(tiny(), "g.json", 3);
  EXPECT_EQ(g.batch, 3);
  EXPECT_EQ(g.tensor("x").shape[0], 3);
  EXPECT_EQ(g.tensor("y").shape, (std::vector<int64_t>{3, 10}));
  EXPECT_EQ(g.total_macs(), 3 * (18432 + 1152 + 320));
}

TEST(JsonLoader, ExplicitWeightsMatmulAndAdd) {
  const json j = json::parse(R"({
    "format": "adasim-graph", "version": 1, "name": "m", "batch": 2,
    "inputs": ["q", "kt", "x"], "outputs": ["s", "z"],
    "tensors": [
      {"name": "q", "shape": [2, 3, 5, 4]}, {"name": "kt", "shape": [2, 3, 4, 6]},
      {"name": "x", "shape": [2, 5, 4], "bits": 4},
      {"name": "w", "shape": [4, 7], "constant": true, "bits": 4, "signed": false},
      {"name": "s", "shape": [2, 3, 5, 6], "scale": 0.25}
    ],
    "layers": [
      {"name": "qk", "op": "matmul", "inputs": ["q", "kt"], "output": "s"},
      {"name": "proj", "op": "matmul", "inputs": ["x"], "weight": "w", "output": "p"},
      {"name": "proj2", "op": "matmul", "inputs": ["x"], "out_features": 7, "output": "p2",
       "weight_quant": {"bits": 2}},
      {"name": "sum", "op": "add", "inputs": ["p", "p2"], "output": "z", "relu": true}
    ]})");
  Graph g;
  try {
    g = parse_graph_json(j, "m.json");
  } catch (const sim::ConfigError& e) {
    FAIL() << e.what();
  }
  EXPECT_EQ(g.tensor("s").scale, 0.25);                                  // declared wins
  EXPECT_EQ(g.tensor("p").shape, (std::vector<int64_t>{2, 5, 7}));
  EXPECT_EQ(g.tensor("p").bits, 4);                                      // from input x
  EXPECT_EQ(g.tensor("proj2.weight").shape, (std::vector<int64_t>{4, 7}));
  EXPECT_EQ(g.tensor("proj2.weight").bits, 2);
  EXPECT_FALSE(g.tensor("w").is_signed);
  // qk: 2*3 products of (5x4)(4x6) = 6*120 = 720; proj and proj2: 2*5*4*7 = 280 each.
  EXPECT_EQ(g.shape(g.layers[0]).macs(), 720);
  EXPECT_EQ(g.total_macs(), 720 + 280 + 280);
}

TEST(JsonLoader, RoundTripThroughFullForm) {
  const Graph g = parse_graph_json(tiny(), "g.json");
  const json full = graph_to_json(g);
  EXPECT_EQ(full["tensors"].size(), g.tensors.size());
  const Graph h = parse_graph_json(full, "g.json");
  ASSERT_EQ(h.layers.size(), g.layers.size());
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const Layer &a = g.layers[i], &b = h.layers[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.weight, b.weight);
    EXPECT_EQ(a.output, b.output);
    EXPECT_EQ(std::vector<int>({a.kernel_h, a.kernel_w, a.stride_h, a.stride_w, a.dil_h, a.dil_w,
                                a.pad_t, a.pad_l, a.pad_b, a.pad_r, int(a.groups), a.relu}),
              std::vector<int>({b.kernel_h, b.kernel_w, b.stride_h, b.stride_w, b.dil_h, b.dil_w,
                                b.pad_t, b.pad_l, b.pad_b, b.pad_r, int(b.groups), b.relu}));
  }
  ASSERT_EQ(h.tensors.size(), g.tensors.size());
  for (const auto& [name, t] : g.tensors) {
    const TensorInfo& u = h.tensor(name);
    EXPECT_EQ(t.shape, u.shape);
    EXPECT_EQ(t.bits, u.bits);
    EXPECT_EQ(t.is_signed, u.is_signed);
    EXPECT_EQ(t.scale, u.scale);
    EXPECT_EQ(t.zero_point, u.zero_point);
    EXPECT_EQ(t.is_constant, u.is_constant);
  }
  EXPECT_EQ(graph_to_json(h), full);
}

TEST(JsonLoaderErrors, UnknownKeysEverywhereWithHint) {
  json j = tiny();
  j["layers"][1]["strde"] = {2, 2};
  j["tensors"][0]["sign"] = true;
  j["extra"] = 1;
  try {
    parse_graph_json(j, "g.json");
    FAIL();
  } catch (const sim::ConfigError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("g.json: /layers/1/strde: expected one of the keys {"), std::string::npos);
    EXPECT_NE(w.find("(did you mean \"stride\"?)"), std::string::npos);
    EXPECT_EQ(e.issues().size(), 3u);
    EXPECT_EQ(e.issues()[0].where, "/extra");
  }
  EXPECT_EQ(pointers_of(j), (Ptrs{"/extra", "/tensors/0/sign", "/layers/1/strde"}));
}

TEST(JsonLoaderErrors, TopLevelFields) {
  json j = tiny();
  j["format"] = "onnx";
  j["version"] = 2;
  j["batch"] = 0;
  j.erase("name");
  EXPECT_EQ(pointers_of(j), (Ptrs{"/format", "/version", "/name", "/batch"}));
}

TEST(JsonLoaderErrors, TensorFields) {
  json j = tiny();
  j["tensors"][0]["bits"] = 17;
  j["tensors"][0]["scale"] = 0;
  j["tensors"][0]["shape"] = {1, 4, 0, 8};
  // (x is unusable afterwards, but its users are not reported again.)
  EXPECT_EQ(pointers_of(j), (Ptrs{"/tensors/0/shape/2", "/tensors/0/bits", "/tensors/0/scale"}));
  json k = tiny();
  k["tensors"][0]["zero_point"] = 200;  // outside the signed 8-bit range
  EXPECT_EQ(pointers_of(k), (Ptrs{"/tensors/0/zero_point"}));
}

TEST(JsonLoaderErrors, GraphInputBatchMismatch) {
  json j = tiny();
  j["batch"] = 2;
  EXPECT_EQ(pointers_of(j), (Ptrs{"/tensors/0/shape/0"}));
  // With an override, the file must still be self-consistent.
  EXPECT_EQ(pointers_of(j, 4), (Ptrs{"/tensors/0/shape/0"}));
}

TEST(JsonLoaderErrors, UseBeforeDefinitionAndUnknownTensor) {
  json j = tiny();
  std::swap(j["layers"][0], j["layers"][1]);  // dw now reads "a" before c1 writes it
  const Ptrs p = pointers_of(j);
  EXPECT_EQ(p, (Ptrs{"/layers/0/inputs/0"}));
  json k = tiny();
  k["layers"][2]["inputs"][0] = "nope";
  EXPECT_EQ(pointers_of(k), (Ptrs{"/layers/2/inputs/0"}));
  try {
    parse_graph_json(j, "g.json");
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("produced by /layers/1"), std::string::npos);
  }
}

TEST(JsonLoaderErrors, DeclaredOutputShapeMismatch) {
  json j = tiny();
  j["tensors"].push_back({{"name", "b"}, {"shape", {1, 8, 5, 5}}});
  EXPECT_EQ(pointers_of(j), (Ptrs{"/layers/1/output"}));
  try {
    parse_graph_json(j, "g.json");
  } catch (const sim::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("expected shape [1,8,4,4] inferred from the layer"),
              std::string::npos);
  }
}

TEST(JsonLoaderErrors, GroupsKernelAndAddShapes) {
  json j = tiny();
  j["layers"][1]["groups"] = 3;      // 8 channels are not divisible by 3
  j["layers"][0]["kernel"] = {11, 3};  // 11 > 8 + 2 padded rows
  j["layers"][3]["out_features"] = 0;
  EXPECT_EQ(pointers_of(j), (Ptrs{"/layers/0/kernel", "/layers/3/out_features"}));
  // (dw is skipped: its input "a" has no shape after c1 failed, so no cascade.)
  json k = tiny();
  k["layers"][1]["groups"] = 3;
  EXPECT_EQ(pointers_of(k), (Ptrs{"/layers/1/groups"}));
  json a = tiny();
  a["layers"].push_back(
      {{"name", "sum"}, {"op", "add"}, {"inputs", {"a", "b"}}, {"output", "z"}});
  EXPECT_EQ(pointers_of(a), (Ptrs{"/layers/4/inputs/1"}));
}

TEST(JsonLoaderErrors, LayerNamesOpsAndWeights) {
  json j = tiny();
  j["layers"][1]["name"] = "c1";
  j["layers"][2]["op"] = "softmax";
  j["layers"][0]["weight"] = "w";
  EXPECT_EQ(pointers_of(j), (Ptrs{"/layers/0/weight", "/layers/1/name", "/layers/2/op"}));
  json k = tiny();
  k["layers"][3].erase("out_features");
  k["layers"][3]["weight"] = "x";  // an activation, not a constant
  EXPECT_EQ(pointers_of(k), (Ptrs{"/layers/3/weight"}));
  json m = tiny();
  m["layers"][3].erase("out_features");
  m["tensors"].push_back({{"name", "wf"}, {"shape", {10, 31}}, {"constant", true}});
  m["layers"][3]["weight"] = "wf";  // needs [10, 32]
  EXPECT_EQ(pointers_of(m), (Ptrs{"/layers/3/weight"}));
}

TEST(JsonLoaderErrors, OutputsUnusedTensorsAndRewrites) {
  json j = tiny();
  j["outputs"] = {"y", "ghost"};
  j["tensors"].push_back({{"name", "lonely"}, {"shape", {3}}, {"constant", true}});
  j["layers"][3]["output"] = "a";  // written twice
  EXPECT_EQ(pointers_of(j), (Ptrs{"/layers/3/output", "/outputs/0", "/outputs/1",
                                  "/tensors/1/name"}));
}

TEST(JsonLoaderErrors, PoolPaddingMustBeSmallerThanKernel) {
  json j = tiny();
  j["layers"][2]["padding"] = {2, 0};
  EXPECT_EQ(pointers_of(j), (Ptrs{"/layers/2/padding"}));
  json k = tiny();
  k["layers"][2].erase("stride");
  EXPECT_EQ(pointers_of(k), (Ptrs{"/layers/2/stride"}));
}

TEST(JsonLoaderErrors, FilesAndSyntax) {
  EXPECT_THROW(load_graph_json("/nonexistent/graph.json"), sim::ConfigError);
  const std::string path = testing::TempDir() + "adasim_bad_graph.json";
  std::ofstream(path) << "{\"format\": \"adasim-graph\",\n \"version\": }";
  try {
    load_graph_json(path);
    FAIL();
  } catch (const sim::ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].file, path);
    // The '}' at line 2, column 13 ends the object where a value was due.
    EXPECT_EQ(e.issues()[0].where, "line 2, column 13");
    EXPECT_EQ(e.issues()[0].expected.rfind("valid JSON (", 0), 0u) << e.issues()[0].expected;
  }
  std::ofstream(path) << tiny().dump(2);
  EXPECT_EQ(load_graph_json(path).layers.size(), 4u);
}

}  // namespace
}  // namespace adasim::workloads
