// SPDX-License-Identifier: Apache-2.0
// Fuzzes the ONNX importer (workloads/onnx/onnx_loader.hpp) through its file entry point, as
// `adasim run --workload model.onnx` loads a model (no --input files, the model's own batch).
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/onnx/onnx_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adasim::fuzz::InputFile file(".onnx");
  const std::string& path = file.write(data, size);
  adasim::fuzz::expect_clean(data, size, [&] { adasim::workloads::load_onnx_model(path, {}, 0); });
  return 0;
}
