// SPDX-License-Identifier: Apache-2.0
// The trained, pruned, int8 Fashion-MNIST CNN of workloads/fashion_mnist run through the real
// executable on the default 32x32 systolic array. Expected values come from the workload's own
// files, written by its numpy integer reference (make_model.py), never from adasim:
//  - output_0.pb of each data set (the logits), bit for bit;
//  - reference.json "predictions" (argmax, ties to the lowest class index);
//  - reference.json "weight_density" per layer and "activation_density" per conv/fc input tensor.
//    reference.json rounds them to 6 decimals, so the exact fraction is recovered as nz / n with
//    n the tensor's element count (from the model's shapes) and nz = round(ref * n): n < 10^5
//    makes nz unique, and the report must equal nz / n within 1e-9.
// Then the sparse datapath on the QOperator model: sparsity.mode none / gate / skip give the same
// logits; gating keeps every layer's cycles and saves energy where there are zeros; skipping never
// costs cycles and saves some in total; issued + gated + skipped MACs = MACs everywhere.
// And the 2:4-pruned variant (fmnist_nm24_qop.onnx, reference_nm24.json) on the N:M datapath:
// the same logits as its own reference, with the slot MACs counted by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/onnx/tensor_file.hpp"

namespace adasim {
namespace {

using nlohmann::json;
using test::read_json;
using test::run_adasim;
using test::temp_out;
using workloads::HostTensor;
using workloads::read_tensor_file;

const std::string kDir = ADASIM_SOURCE_DIR "/workloads/fashion_mnist/";

struct Form {
  const char* model;  ///< ONNX file in kDir
  const char* data;   ///< its data set folder in kDir
};
const Form kQop{"fmnist_qop.onnx", "test_data_set_0"};
const Form kQdq{"fmnist_qdq.onnx", "test_data_set_qdq"};
const Form kNm24{"fmnist_nm24_qop.onnx", "test_data_set_nm24"};

/// Runs `form` on its data set's input_0.pb with `extra` options; returns the output folder
/// (report.json there, dumped outputs in <out>/dump).
std::string run_form(const Form& f, const std::string& extra, const std::string& tag) {
  const std::string out = temp_out(tag);
  const std::string args = "run -q --arch configs/default.json --workload '" + kDir + f.model +
                           "' --input '" + kDir + f.data + "/input_0.pb' --out '" + out +
                           "' --dump-outputs '" + out + "/dump' " + extra;
  const auto r = run_adasim(args, tag);
  EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  return out;
}

const json& layer(const json& rep, const std::string& name) {
  for (const json& l : rep["layers"])
    if (l["name"] == name) return l;
  throw std::runtime_error("no layer " + name + " in report.json");
}

bool is_mac_layer(const workloads::Layer& l) {
  return l.op == workloads::OpType::kConv2d || l.op == workloads::OpType::kFullyConnected ||
         l.op == workloads::OpType::kMatMul;
}

int64_t elements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

/// The exact density behind a 6-decimal reference value for a tensor of n elements.
double exact_density(double ref, int64_t n) {
  const double nz = std::round(ref * double(n));
  EXPECT_LE(std::abs(nz / double(n) - ref), 5e-7) << "reference " << ref << " is not k/" << n;
  return nz / double(n);
}

/// Index of the largest value, the lowest index among ties (reference.json "argmax_rule").
std::vector<int> argmax_rows(const HostTensor& t) {
  EXPECT_EQ(t.shape.size(), 2u);
  const int64_t rows = t.shape.at(0), cols = t.shape.at(1);
  std::vector<int> best(size_t(rows), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 1; c < cols; ++c)
      if (t.value(size_t(r * cols + c)) > t.value(size_t(r * cols + best[size_t(r)])))
        best[size_t(r)] = int(c);
  return best;
}

/// Runs one form and checks its logits, predictions and per-layer densities.
void check_form(const Form& f, const std::string& tag) {
  const std::string out = run_form(f, "", tag);
  const json ref = read_json(kDir + "reference.json");

  // Logits: the data set's output_0.pb, bit for bit (file bytes: name, dims, type, raw data).
  const std::string want_file = kDir + f.data + "/output_0.pb";
  const HostTensor got = read_tensor_file(out + "/dump/output_0.pb");
  const HostTensor want = read_tensor_file(want_file);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.shape, want.shape);
  EXPECT_EQ(got.ints, want.ints);
  EXPECT_EQ(got.floats, want.floats);
  EXPECT_EQ(test::slurp(out + "/dump/output_0.pb"), test::slurp(want_file));
  EXPECT_EQ(argmax_rows(got), ref["predictions"].get<std::vector<int>>());

  // Densities. Which tensor each MAC layer consumes, from the models (README "Graphs"): conv1
  // reads `image` (QDQ: `image_quantized` = QuantizeLinear(image), the same integers), conv2
  // `pool1_out`, fc `flatten_out` = Flatten(pool2_out), which the importer folds into a reshape of
  // `pool2_out` (same values). The imported graph must agree.
  const std::map<std::string, std::pair<std::vector<std::string>, std::string>> consumes = {
      {"conv1", {{"image", "image_quantized"}, "image"}},
      {"conv2", {{"pool1_out"}, "pool1_out"}},
      {"fc", {{"pool2_out", "flatten_out"}, "flatten_out"}}};
  const HostTensor image = read_tensor_file(kDir + f.data + "/input_0.pb");
  const workloads::OnnxModel m = workloads::load_onnx_model(kDir + f.model, {image});
  const json rep = read_json(out + "/report.json");
  int mac_layers = 0;
  for (const workloads::Layer& l : m.graph.layers) {
    if (!is_mac_layer(l)) continue;
    SCOPED_TRACE(l.name);
    ++mac_layers;
    const json& rl = layer(rep, l.name);
    const std::string x = l.inputs.at(0);
    ASSERT_EQ(consumes.count(l.name), 1u);
    const auto& [ir_names, key] = consumes.at(l.name);
    EXPECT_NE(std::find(ir_names.begin(), ir_names.end(), x), ir_names.end())
        << "layer input " << x;
    ASSERT_TRUE(ref["weight_density"].contains(l.name));
    ASSERT_TRUE(ref["activation_density"].contains(key)) << key;
    const double wd = exact_density(ref["weight_density"][l.name].get<double>(),
                                    elements(m.graph.tensor(l.weight).shape));
    const double xd = exact_density(ref["activation_density"][key].get<double>(),
                                    elements(m.graph.tensor(x).shape));
    EXPECT_NEAR(rl["sparsity"]["weight_density"].get<double>(), wd, 1e-9);
    EXPECT_NEAR(rl["sparsity"]["ifmap_density"].get<double>(), xd, 1e-9);
    if (key == "image") {
      // The graph input's density, counted straight from the input file (zero point 0).
      int64_t nz = 0;
      for (size_t i = 0; i < size_t(image.elements()); ++i) nz += image.value(i) != 0.0;
      EXPECT_NEAR(rl["sparsity"]["ifmap_density"].get<double>(),
                  double(nz) / double(image.elements()), 1e-12);
    }
  }
  EXPECT_EQ(mac_layers, 3);  // conv1, conv2, fc
}

TEST(FashionMnist, QOperatorLogitsPredictionsAndDensities) { check_form(kQop, "fmnist_qop"); }

TEST(FashionMnist, QdqLogitsPredictionsAndDensities) { check_form(kQdq, "fmnist_qdq"); }

TEST(FashionMnist, GateAndSkipKeepLogitsGateKeepsCyclesSkipSavesCycles) {
  const std::string dense = run_form(kQop, "", "fmnist_none");
  const std::string gate = run_form(kQop, "--set sparsity.mode=gate", "fmnist_gate");
  const std::string skip = run_form(kQop, "--set sparsity.mode=skip", "fmnist_skip");
  const std::string logits = test::slurp(kDir + std::string(kQop.data) + "/output_0.pb");
  for (const std::string& out : {dense, gate, skip})
    EXPECT_EQ(test::slurp(out + "/dump/output_0.pb"), logits) << out;

  const json d = read_json(dense + "/report.json"), g = read_json(gate + "/report.json"),
             s = read_json(skip + "/report.json");
  ASSERT_EQ(d["layers"].size(), g["layers"].size());
  ASSERT_EQ(d["layers"].size(), s["layers"].size());
  int mac_layers = 0;
  for (size_t i = 0; i < d["layers"].size(); ++i) {
    const json &ld = d["layers"][i], &lg = g["layers"][i], &ls = s["layers"][i];
    SCOPED_TRACE(ld["name"].get<std::string>());
    ASSERT_EQ(lg["name"], ld["name"]);
    ASSERT_EQ(ls["name"], ld["name"]);
    const uint64_t macs = ld["macs"].get<uint64_t>();
    // Gate: the same cycles, layer by layer.
    EXPECT_EQ(lg["cycles"]["total"], ld["cycles"]["total"]);
    EXPECT_EQ(lg["cycles"]["compute"], ld["cycles"]["compute"]);
    // Skip: never slower.
    EXPECT_LE(ls["cycles"]["total"].get<uint64_t>(), ld["cycles"]["total"].get<uint64_t>());
    EXPECT_LE(ls["cycles"]["compute"].get<uint64_t>(), ld["cycles"]["compute"].get<uint64_t>());
    // Every MAC is issued, gated or skipped, in each mode; dense issues them all.
    for (const json* l : {&ld, &lg, &ls})
      EXPECT_EQ((*l)["macs_issued"].get<uint64_t>() + (*l)["macs_gated"].get<uint64_t>() +
                    (*l)["macs_skipped"].get<uint64_t>(),
                macs);
    EXPECT_EQ(ld["macs_issued"].get<uint64_t>(), macs);
    EXPECT_EQ(lg["macs_skipped"], 0);
    if (ld["dataflow"] == "vector") continue;  // pooling: no MACs with operands to gate
    ++mac_layers;
    // Every MAC layer of this model has zeros (pruned weights, ReLU'd / background activations).
    ASSERT_LT(ld["sparsity"]["weight_density"].get<double>(), 1.0);
    EXPECT_GT(lg["macs_gated"].get<uint64_t>(), 0u);
    EXPECT_LT(lg["energy_pj"]["total"].get<double>(), ld["energy_pj"]["total"].get<double>());
    // Gate and skip find the same zero MACs; skip leaves out whole all-zero stream vectors.
    EXPECT_EQ(ls["macs_issued"], lg["macs_issued"]);
  }
  EXPECT_EQ(mac_layers, 3);
  for (const json* t : {&d["total"], &g["total"], &s["total"]})
    EXPECT_EQ((*t)["macs_issued"].get<uint64_t>() + (*t)["macs_gated"].get<uint64_t>() +
                  (*t)["macs_skipped"].get<uint64_t>(),
              (*t)["macs"].get<uint64_t>());
  EXPECT_EQ(g["total"]["cycles"]["total"], d["total"]["cycles"]["total"]);
  EXPECT_LT(g["total"]["energy_pj"]["total"].get<double>(),
            d["total"]["energy_pj"]["total"].get<double>());
  EXPECT_LT(s["total"]["cycles"]["total"].get<uint64_t>(),
            d["total"]["cycles"]["total"].get<uint64_t>());
  EXPECT_GT(s["total"]["macs_skipped"].get<uint64_t>(), 0u);
}

TEST(FashionMnist, TwoFourPrunedModelOnTheNmDatapath) {
  // The variant's weights keep at most 2 nonzeros in every 4 consecutive reduction indices
  // (make_model.py nm_variant). On the N:M datapath a group of 4 indices takes min(2, its size)
  // weight slots, and each output issues one MAC per slot (mode none), by hand:
  //   conv1: reduction 1*3*3 = 9 = groups 4 + 4 + 1 -> 2 + 2 + 1 = 5 slots; 16*8*28*28 outputs
  //   conv2: reduction 8*3*3 = 72 = 18 groups -> 36 slots;                16*16*14*14 outputs
  //   fc:    reduction 784 = 196 groups -> 392 slots;                       16*10 outputs
  struct Want { const char* name; uint64_t outputs, reduction, slots; };
  const Want want[] = {{"conv1", 16 * 8 * 28 * 28, 9, 5},
                       {"conv2", 16 * 16 * 14 * 14, 72, 36},
                       {"fc", 16 * 10, 784, 392}};
  const std::string dense = run_form(kNm24, "", "fmnist_nm24_dense");
  const std::string nm =
      run_form(kNm24, "--set 'sparsity.structured={\"n\":2,\"m\":4}'", "fmnist_nm24_nm");
  const json ref = read_json(kDir + "reference_nm24.json");
  const std::string logits = test::slurp(kDir + std::string(kNm24.data) + "/output_0.pb");
  for (const std::string& out : {dense, nm}) {
    EXPECT_EQ(test::slurp(out + "/dump/output_0.pb"), logits) << out;
    EXPECT_EQ(argmax_rows(read_tensor_file(out + "/dump/output_0.pb")),
              ref["predictions"].get<std::vector<int>>());
  }
  const json d = read_json(dense + "/report.json"), n = read_json(nm + "/report.json");
  for (const Want& w : want) {
    SCOPED_TRACE(w.name);
    const json &ld = layer(d, w.name), &ln = layer(n, w.name);
    EXPECT_EQ(ld["macs"].get<uint64_t>(), w.outputs * w.reduction);
    EXPECT_EQ(ln["macs"], ld["macs"]);
    EXPECT_EQ(ld["macs_issued"].get<uint64_t>(), w.outputs * w.reduction);
    EXPECT_EQ(ln["macs_issued"].get<uint64_t>(), w.outputs * w.slots);
    EXPECT_EQ(ln["macs_skipped"].get<uint64_t>(), w.outputs * (w.reduction - w.slots));
    EXPECT_EQ(ln["macs_gated"], 0);
    // At most one nonzero per slot.
    EXPECT_LE(ln["sparsity"]["weight_density"].get<double>(), double(w.slots) / double(w.reduction) + 1e-12);
    EXPECT_NEAR(ln["sparsity"]["weight_density"].get<double>(),
                ref["weight_density"][w.name].get<double>(), 5e-7);
    EXPECT_LE(ln["cycles"]["total"].get<uint64_t>(), ld["cycles"]["total"].get<uint64_t>());
  }
  // conv2 (72 -> 36 rows) and fc (784 -> 392 rows) need fewer folds of the 32-row array.
  EXPECT_LT(layer(n, "conv2")["cycles"]["compute"].get<uint64_t>(),
            layer(d, "conv2")["cycles"]["compute"].get<uint64_t>());
  EXPECT_LT(layer(n, "fc")["cycles"]["compute"].get<uint64_t>(),
            layer(d, "fc")["cycles"]["compute"].get<uint64_t>());
  EXPECT_LT(n["total"]["cycles"]["total"].get<uint64_t>(), d["total"]["cycles"]["total"].get<uint64_t>());
}

}  // namespace
}  // namespace adasim
