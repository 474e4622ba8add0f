// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point. CMakeLists.txt builds one executable per target of fuzz_targets.hpp,
// naming the target function in ADASIM_FUZZ_TARGET (fuzz_onnx -> onnx_target).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  adasim::fuzz::ADASIM_FUZZ_TARGET(data, size);
  return 0;
}
