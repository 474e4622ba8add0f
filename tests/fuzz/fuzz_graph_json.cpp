// SPDX-License-Identifier: Apache-2.0
// Fuzzes the JSON graph loader (workloads/ir/json_loader.hpp) through its file entry point, and
// checks the documented round trip of an accepted graph: graph_to_json -> text -> load gives a
// graph whose full form is the same.
#include <cstdint>
#include <string>

#include "sim/core/json_input.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "workloads/ir/json_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adasim::fuzz::InputFile file(".json");
  const std::string& path = file.write(data, size);
  adasim::fuzz::expect_clean(data, size, [&] {
    const adasim::workloads::Graph g = adasim::workloads::load_graph_json(path);
    const nlohmann::json full = adasim::workloads::graph_to_json(g);
    adasim::workloads::Graph again;
    try {
      again = adasim::workloads::parse_graph_json(
          adasim::sim::parse_json_input(full.dump(2), "written"), "written");
    } catch (const adasim::sim::ConfigError& e) {
      adasim::fuzz::die(std::string("the written form of an accepted graph is rejected: ") +
                        e.what());
    }
    if (adasim::workloads::graph_to_json(again) != full)
      adasim::fuzz::die("load -> write -> load changed the graph");
  });
  return 0;
}
