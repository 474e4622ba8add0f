// SPDX-License-Identifier: Apache-2.0
// Fuzzes the architecture-config front end: the input is a config file, optionally followed by
// lines "--set key=value" (everything from the first line starting with "--set " on), loaded as
// `adasim validate --arch FILE --set ...` would. An accepted config must round-trip: its
// resolved config (what resolved_config.json holds) loads again without error to the same
// resolved config.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/config/arch_config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using adasim::fuzz::die;

struct Split {
  std::string config;
  std::vector<std::string> overrides;
};

Split split_input(const std::string& text) {
  Split s;
  const std::string marker = "--set ";
  size_t at = text.rfind(marker, 0) == 0 ? 0 : text.find("\n" + marker);
  if (at == std::string::npos) {
    s.config = text;
    return s;
  }
  s.config = text.substr(0, at);
  if (text[at] == '\n') ++at;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    if (line.rfind(marker, 0) == 0) s.overrides.push_back(line.substr(marker.size()));
    at = end + 1;
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adasim::fuzz::InputFile file(".json");
  const Split in = split_input(std::string(reinterpret_cast<const char*>(data), size));
  const std::string& path =
      file.write(reinterpret_cast<const uint8_t*>(in.config.data()), in.config.size());
  adasim::fuzz::expect_clean(data, size, [&] {
    const adasim::sim::LoadedConfig cfg = adasim::sim::load_arch_config(path, in.overrides);
    adasim::sim::LoadedConfig again;
    try {
      again = adasim::sim::parse_arch_config(cfg.resolved, "resolved");
    } catch (const adasim::sim::ConfigError& e) {
      die(std::string("the resolved config of an accepted config is rejected: ") + e.what());
    }
    if (again.resolved != cfg.resolved) die("the resolved config does not resolve to itself");
  });
  return 0;
}
