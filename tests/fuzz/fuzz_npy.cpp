// SPDX-License-Identifier: Apache-2.0
// Fuzzes the NumPy .npy reader (read_tensor_file on a .npy path) and its write/read round trip.
#include "tests/fuzz/tensor_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  adasim::fuzz::tensor_round_trip(data, size, ".npy", adasim::workloads::write_npy);
  return 0;
}
