// SPDX-License-Identifier: Apache-2.0
#include "sim/app/workload_loader.hpp"

#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/ir/json_loader.hpp"
#include "workloads/onnx/onnx_loader.hpp"
#include "workloads/onnx/tensor_file.hpp"
#include "workloads/scalesim/topology_csv.hpp"

namespace adasim::sim {

LoadedWorkload load_workload(const std::string& path, const std::string& format, int64_t batch,
                             const std::vector<std::string>& inputs,
                             const workloads::QuantizeOptions& quantize, bool keep_quantized) {
  std::string fmt = format;
  auto ends_with = [&](const std::string& ext) {
    return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (fmt == "auto") fmt = ends_with(".csv") ? "scalesim" : ends_with(".onnx") ? "onnx" : "json";
  if (fmt != "json" && fmt != "scalesim" && fmt != "onnx")
    throw ConfigError(path, "--format", format, "one of json, scalesim, onnx, auto");
  if (!inputs.empty() && batch > 0)
    throw ConfigError("command line", "--batch", std::to_string(batch),
                      "no --batch with --input files (the files fix the batch)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "a missing or unreadable file", "a readable workload file");
  std::ostringstream ss;
  ss << in.rdbuf();
  LoadedWorkload w;
  w.bytes = ss.str();
  std::vector<workloads::HostTensor> bound;
  for (const std::string& f : inputs) bound.push_back(workloads::read_tensor_file(f));
  // --no-values (timing only) applies to every workload; only a float ONNX model is quantized.
  if (fmt != "onnx" && quantize.mode != workloads::QuantizeOptions::Mode::kNone)
    throw ConfigError(
        path, "--quantize", "a " + fmt + " workload",
        "an ONNX float model (JSON graphs and SCALE-Sim topologies are integer already)");
  if (fmt == "onnx") {
    workloads::OnnxImportOptions o;
    o.batch = batch;
    o.quantize = quantize;
    o.keep_quantized = keep_quantized;
    workloads::OnnxModel m = workloads::load_onnx_model(path, bound, o);
    w.graph = std::move(m.graph);
    w.input_values = std::move(m.input_values);
    w.quantized_model = std::move(m.quantized_model);
    w.quantize_summary = std::move(m.quantize_summary);
  } else if (fmt == "json") {
    w.graph = workloads::load_graph_json(path, batch);
    if (!bound.empty()) {
      workloads::IntegerInputs in = workloads::integer_input_values(w.graph, bound);
      w.input_values = std::move(in.values);
      w.input_wide_values = std::move(in.wide);
    }
  } else {
    if (!bound.empty())
      throw ConfigError("command line", "--input", inputs.front(),
                        "no --input with SCALE-Sim topologies (they carry no tensors)");
    if (batch > 0) throw ConfigError(path, "--batch", std::to_string(batch), "no --batch with SCALE-Sim topologies (batch 1)");
    w.graph = workloads::load_scalesim_topology(path);
  }
  return w;
}

}  // namespace adasim::sim
