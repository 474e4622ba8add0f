// SPDX-License-Identifier: Apache-2.0
// ONNX import benchmark: for one model, the time to parse it, to run the clean-up passes
// (workloads/onnx/cleanup) and the whole import (load_onnx_model: parse, clean-up, import into
// the graph IR), best and worst of N runs. Issue 16's target: import + clean-up of a
// ResNet-50-sized model within 2 s. Not a test: figures depend on the machine; bench/README.md
// records ours. Float models are imported with --no-values (the timing-only import: the
// quantizer places its pairs without a calibration run).
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "workloads/onnx/cleanup/cleanup.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/onnx/quantize/quantizer.hpp"

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace adasim::workloads;
  if (argc < 2) {
    std::cerr << "usage: bench_import MODEL.onnx [RUNS]\n";
    return 1;
  }
  const std::string path = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string bytes = ss.str();
  double parse[2] = {1e9, 0}, clean[2] = {1e9, 0}, whole[2] = {1e9, 0};
  auto note = [](double(&mm)[2], double t) {
    mm[0] = std::min(mm[0], t);
    mm[1] = std::max(mm[1], t);
  };
  try {
    bool is_float = false;
    size_t nodes_before = 0, nodes_after = 0;
    for (int r = 0; r < runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      onnx::ModelProto m;
      if (!m.ParseFromString(bytes)) throw std::runtime_error("not an ONNX model: " + path);
      note(parse, seconds_since(t0));
      t0 = std::chrono::steady_clock::now();
      const cleanup::CleanupReport rep = cleanup::clean_up(m);
      note(clean, seconds_since(t0));
      nodes_before = size_t(rep.nodes_before);
      nodes_after = size_t(rep.nodes_after);
      is_float = quantize::is_float_model(m);
      OnnxImportOptions o;
      o.quantize.no_values = is_float;
      t0 = std::chrono::steady_clock::now();
      const OnnxModel model = load_onnx_model(path, {}, o);
      note(whole, seconds_since(t0));
      if (r == 0)
        std::cout << path << ": " << bytes.size() / 1e6 << " MB, " << nodes_before << " -> "
                  << nodes_after << " nodes, " << model.graph.layers.size() << " layers, "
                  << model.graph.total_macs() / 1e9 << " G MACs"
                  << (is_float ? " (float, --no-values)" : "") << "\n";
    }
    std::cout << "parse        " << parse[0] << " - " << parse[1] << " s\n"
              << "clean-up     " << clean[0] << " - " << clean[1] << " s\n"
              << "whole import " << whole[0] << " - " << whole[1] << " s (parse, clean-up, import; "
              << runs << " runs)\n";
  } catch (const std::exception& e) {
    std::cerr << "bench_import: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
