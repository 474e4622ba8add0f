// SPDX-License-Identifier: Apache-2.0
// Fuzzes the SCALE-Sim topology importer (workloads/scalesim/topology_csv.hpp) through its file
// entry point.
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/scalesim/topology_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adasim::fuzz::InputFile file(".csv");
  const std::string& path = file.write(data, size);
  adasim::fuzz::expect_clean(data, size, [&] { adasim::workloads::load_scalesim_topology(path); });
  return 0;
}
