// SPDX-License-Identifier: Apache-2.0
// Maps one layer with the mapper alone: this program links only the mapper library and what it
// depends on (the program contract, the spec, the graph IR and sim/core), never the SystemC
// models, so it builds only while the mapper does not depend on them. It also checks the result
// against the closed form (README "Timing model"): a 3x3 conv, 8 -> 16 channels on an 8x8 input
// with padding 1, weight-stationary on an 8x8 array with stall-free memory, is a GEMM of
// M = 64 pixels, Kred = 72, N = 16: 9 row folds x 2 column folds = 18 folds, each streaming the
// 64 pixels in 64 + 1 (edge latency) + 8 + 8 - 2 = 79 cycles, plus the first fold's 8-row weight
// load (the later ones load into shadow registers): 8 + 18 x 79 = 1430 cycles, 73,728 MACs.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "arch/spec.hpp"
#include "sim/core/errors.hpp"
#include "workloads/ir/json_loader.hpp"
#include "workloads/mapper/mapper.hpp"

namespace {

using namespace adasim;

int check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  return ok ? 0 : 1;
}

arch::AcceleratorSpec ws_8x8() {
  arch::AcceleratorSpec s;
  s.pe_array.rows = s.pe_array.cols = 8;
  s.pe_array.dataflows = {"ws"};
  s.pe_array.dataflow = "ws";
  arch::SramLevelSpec l;
  l.name = "gbuf";
  l.size_bytes = int64_t(1) << 20;
  l.holds = {arch::Operand::kIfmap, arch::Operand::kWeight, arch::Operand::kOfmap};
  l.ideal = true;
  s.sram = {l};
  s.dram.ideal = true;
  s.noc.latency_cycles = 1;
  return s;
}

int run() {
  const nlohmann::json g = nlohmann::json::parse(R"({
    "format": "adasim-graph", "version": 1, "name": "one_conv", "batch": 1,
    "inputs": ["x"], "outputs": ["y"],
    "tensors": [{"name": "x", "shape": [1, 8, 8, 8]}],
    "layers": [{"name": "conv", "op": "conv2d", "inputs": ["x"], "output": "y",
                "out_channels": 16, "kernel": [3, 3], "padding": [1, 1]}]})");
  const workloads::Graph graph = workloads::parse_graph_json(g, "one_conv");
  const workloads::LayerSchedule s = workloads::map_layer(graph, graph.layers.at(0), ws_8x8());
  int failed = 0;
  failed += check(s.engine_name() == std::string("systolic"), "runs on the systolic engine");
  failed +=
      check(s.macs() == 73728, "MACs = 16 x 64 x 72 = 73728, got " + std::to_string(s.macs()));
  failed += check(s.systolic().folds.size() == 18,
                  "9 x 2 = 18 folds, got " + std::to_string(s.systolic().folds.size()));
  failed += check(s.transfers.folds.size() == 18, "one transfer fold per fold");
  failed += check(s.search.est_cycles == 1430.0, "estimate = 8 + 18 x 79 = 1430 cycles, got " +
                                                     std::to_string(s.search.est_cycles));
  return failed;
}

}  // namespace

int main() {
  try {
    return run() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
}
