// SPDX-License-Identifier: Apache-2.0
// Reads back a VCD file the tests wrote: the signals (dotted names from the scope tree), every
// value change of each with its timestamp, and the timestamps. Values are the bit strings as
// written ("b1010" -> "1010", scalar "1!" -> "1"; may hold x before the first value).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace adasim::test {

struct VcdDump {
  std::map<std::string, std::string> name_of_code;  ///< id code -> dotted name
  /// dotted name -> (time in ps, bits) of each change, in file order.
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> changes;
  std::vector<uint64_t> times;  ///< every timestamp line
};

inline VcdDump read_vcd(const std::string& path) {
  VcdDump d;
  std::ifstream in(path);
  std::vector<std::string> scopes;
  uint64_t now = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string tok;
    ls >> tok;
    if (tok == "$scope") {
      std::string kind, name;
      ls >> kind >> name;
      scopes.push_back(name);
    } else if (tok == "$upscope") {
      scopes.pop_back();
    } else if (tok == "$var") {
      std::string type, width, code, name;
      ls >> type >> width >> code >> name;
      std::string full;
      for (const auto& s : scopes) full += s + ".";
      d.name_of_code[code] = full + name;
    } else if (!tok.empty() && tok[0] == '#') {
      now = std::stoull(tok.substr(1));
      d.times.push_back(now);
    } else if (!tok.empty() && tok[0] == 'b') {
      std::string code;
      ls >> code;
      d.changes[d.name_of_code[code]].push_back({now, tok.substr(1)});
    } else if (tok.size() >= 2 && (tok[0] == '0' || tok[0] == '1' || tok[0] == 'x')) {
      d.changes[d.name_of_code[tok.substr(1)]].push_back({now, tok.substr(0, 1)});
    }
  }
  return d;
}

}  // namespace adasim::test
