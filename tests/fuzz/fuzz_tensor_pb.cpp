// SPDX-License-Identifier: Apache-2.0
// Fuzzes the ONNX TensorProto .pb reader (read_tensor_file on a .pb path) and its write/read
// round trip.
#include "tests/fuzz/tensor_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  adasim::fuzz::tensor_round_trip(data, size, ".pb", adasim::workloads::write_tensor_pb);
  return 0;
}
