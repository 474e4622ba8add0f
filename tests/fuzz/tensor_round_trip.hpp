// SPDX-License-Identifier: Apache-2.0
// The tensor-file harnesses (fuzz_npy, fuzz_tensor_pb): read the input as `--input FILE` does;
// an accepted tensor, written back in the same format (as --dump-outputs writes), must read back
// identical (type, shape and the bits of every value).
#pragma once

#include <cstring>
#include <string>

#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/onnx/tensor_file.hpp"

namespace adasim::fuzz {

inline bool same_tensor(const workloads::HostTensor& a, const workloads::HostTensor& b) {
  if (a.type != b.type || a.shape != b.shape || a.ints != b.ints) return false;
  if (a.floats.size() != b.floats.size()) return false;
  return a.floats.empty() ||
         std::memcmp(a.floats.data(), b.floats.data(), a.floats.size() * sizeof(float)) == 0;
}

/// `write` is workloads::write_npy or workloads::write_tensor_pb.
template <class Write>
void tensor_round_trip(const uint8_t* data, size_t size, const std::string& extension,
                       Write write) {
  static InputFile in(extension);
  static InputFile out("_written" + extension);
  const std::string& path = in.write(data, size);
  expect_clean(data, size, [&] {
    const workloads::HostTensor t = workloads::read_tensor_file(path);
    write(out.path(), t);
    workloads::HostTensor back;
    try {
      back = workloads::read_tensor_file(out.path());
    } catch (const sim::ConfigError& e) {
      die(std::string("a written tensor does not read back: ") + e.what());
    }
    if (!same_tensor(t, back)) die("read -> write -> read changed the tensor");
  });
}

}  // namespace adasim::fuzz
