// SPDX-License-Identifier: Apache-2.0
// The file is read as SCALE-Sim v2 reads it (scalesim/scale_config.py, read_conf_file, with
// Python's configparser): "[section]" headers, "key = value" or "key: value" lines, key names
// case-insensitive, values stripped, "#" / ";" comment lines; a repeated section or key is an
// error (configparser's strict mode). What each key becomes: docs/scalesim_conventions.md,
// section 6, and the table below.
#include "sim/config/scalesim_cfg.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "sim/config/config_keys.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// SCALE-Sim's design point as adasim mirrors it (configs/scalesim.json with SCALE-Sim's
/// defaults; a test checks the two are the same config): three 1-byte-word SRAMs, one per
/// operand, an ideal DRAM (CALC mode), its fold timing convention.
json scalesim_base() {
  json sram = json::array();
  for (const char* op : {"ifmap", "filter", "ofmap"}) {
    const std::string holds = std::string(op) == "filter" ? "weight" : op;
    sram.push_back({{"name", std::string(op) + "_sram"},
                    {"size_kib", 64},
                    {"word_bits", 8},
                    {"banks", 1},
                    {"read_ports", 1},
                    {"write_ports", 1},
                    {"double_buffered", true},
                    {"holds", json::array({holds})},
                    {"ideal", true}});
  }
  return {
      {"schema_version", 1},
      {"name", "scalesim-v2-32x32-os"},
      {"pe_array",
       {{"rows", 32},
        {"cols", 32},
        {"dataflows", json::array({"ws", "os", "is"})},
        {"dataflow", "os"},
        {"mac_bits", 8},
        {"accum_bits", 32},
        {"weight_double_buffer", false},
        {"output_double_buffer", false},
        {"timing_convention", "scalesim"},
        {"vector_lanes", 32}}},
      {"memory",
       {{"sram", sram},
        {"dram",
         {{"bandwidth_gb_per_s", 10}, {"latency_ns", 0}, {"burst_bytes", 64}, {"ideal", true}}}}},
      {"noc", {{"type", "bus"}, {"link_width_bits", 65536}, {"latency_cycles", 0}}},
      {"clock",
       {{"name", "core"},
        {"freq_mhz", 1000},
        {"voltage_v", 0.9},
        {"policy", "static"},
        {"operating_points", json::array({{{"freq_mhz", 1000}, {"voltage_v", 0.9}}})}}},
      {"energy", {{"reference_voltage_v", 0.9}, {"scale", 1.0}, {"overrides", json::object()}}}};
}

struct Entry {
  size_t line = 0;
  std::string section, key, value;  ///< key as written (configparser compares it lower-cased)
};

enum class Use {
  kName,       ///< general/run_name -> the config's name
  kMode,       ///< InterfaceBandwidth: CALC (ideal memory) only
  kRows,       ///< ArrayHeight -> pe_array.rows
  kCols,       ///< ArrayWidth -> pe_array.cols
  kSram,       ///< <op>SramSzkB -> memory.sram.<op>.size_kib (KiB of 1-byte words)
  kOffset,     ///< <op>Offset: SCALE-Sim's trace addresses only
  kDataflow,   ///< Dataflow -> pe_array.dataflow
  kBandwidth,  ///< Bandwidth: read by SCALE-Sim in USER mode only
  kBanks,      ///< MemoryBanks -> memory.sram.*.banks (SCALE-Sim v2 never reads it)
};

struct Key {
  const char* section;
  const char* name;  ///< as SCALE-Sim's shipped files spell it
  Use use;
  int sram = -1;  ///< kSram: the level (ifmap 0, filter 1, ofmap 2)
  bool required = true;
};

const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"general", "run_name", Use::kName},
      {"run_presets", "InterfaceBandwidth", Use::kMode},
      {"architecture_presets", "ArrayHeight", Use::kRows},
      {"architecture_presets", "ArrayWidth", Use::kCols},
      {"architecture_presets", "IfmapSramSzkB", Use::kSram, 0},
      {"architecture_presets", "FilterSramSzkB", Use::kSram, 1},
      {"architecture_presets", "OfmapSramSzkB", Use::kSram, 2},
      {"architecture_presets", "IfmapOffset", Use::kOffset},
      {"architecture_presets", "FilterOffset", Use::kOffset},
      {"architecture_presets", "OfmapOffset", Use::kOffset},
      {"architecture_presets", "Dataflow", Use::kDataflow},
      {"architecture_presets", "Bandwidth", Use::kBandwidth, -1, false},
      {"architecture_presets", "MemoryBanks", Use::kBanks, -1, false},
  };
  return k;
}

/// Keys of SCALE-Sim v3 files (and sections) that v2 does not have: refused by name.
bool v3_key(const std::string& section, const std::string& key) {
  if (section == "layout" || section == "sparsity") return true;
  return key == "readrequestbuffer" || key == "writerequestbuffer" || key == "useramulatortrace";
}

class CfgReader {
 public:
  explicit CfgReader(std::string file) : file_(std::move(file)) {}
  json read(std::istream& in);

 private:
  void issue(const std::string& where, const std::string& value, const std::string& expected) {
    issues_.push_back(InputIssue{file_, where, value, expected});
  }
  static std::string where(const Entry& e) {
    return "line " + std::to_string(e.line) + ", [" + e.section + "] " + e.key;
  }
  void parse(std::istream& in);
  void apply(const Key& k, const Entry& e, json& j);
  std::optional<int64_t> integer(const Entry& e, int64_t min);
  std::optional<int64_t> integer(const Entry& e, const ParamDoc& target, const std::string& key);

  std::string file_;
  std::vector<InputIssue> issues_;
  std::vector<Entry> entries_;
};

void CfgReader::parse(std::istream& in) {
  std::string raw, section;
  std::map<std::string, size_t> sections, seen;  // name -> line
  for (size_t line = 1; std::getline(in, raw); ++line) {
    const std::string text = trim(raw);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    const std::string at = "line " + std::to_string(line);
    if (raw[0] == ' ' || raw[0] == '\t') {
      issue(at, "\"" + text + "\"", "a section or a key on its own line (no continued values)");
    } else if (text.front() == '[' && text.back() == ']') {
      section = text.substr(1, text.size() - 2);
      if (auto [it, fresh] = sections.emplace(section, line); !fresh)
        issue(at, "[" + section + "]",
              "a section not given before (line " + std::to_string(it->second) + ")");
    } else if (const size_t cut = text.find_first_of("=:"); cut == std::string::npos) {
      issue(at, "\"" + text + "\"", "\"key = value\" or \"key: value\"");
    } else if (section.empty()) {
      issue(at, "\"" + text + "\"", "a [section] header before the first key");
    } else {
      Entry e{line, section, trim(text.substr(0, cut)), trim(text.substr(cut + 1))};
      if (auto [it, fresh] = seen.emplace(section + "/" + lower(e.key), line); !fresh)
        issue(where(e), "\"" + e.value + "\"",
              "a key not given before in [" + section + "] (line " + std::to_string(it->second) +
                  ")");
      else
        entries_.push_back(std::move(e));
    }
  }
}

std::optional<int64_t> CfgReader::integer(const Entry& e, int64_t min) {
  const std::string& v = e.value;
  const bool digits =
      !v.empty() && v.size() <= 12 &&
      std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits || std::stoll(v) < min) {
    issue(where(e), "\"" + v + "\"", "an integer >= " + std::to_string(min));
    return std::nullopt;
  }
  return std::stoll(v);
}

// An integer for the adasim key `key` (declared by `target`): refused at the .cfg line, with the
// key's range, rather than later at a JSON pointer of a config the user never wrote.
std::optional<int64_t> CfgReader::integer(const Entry& e, const ParamDoc& target,
                                          const std::string& key) {
  const std::string& v = e.value;
  const bool digits =
      !v.empty() && v.size() <= 12 &&
      std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits || !target.accepts(json(std::stoll(v)))) {
    issue(where(e), "\"" + v + "\"", target.expectation() + " (it sets " + key + ")");
    return std::nullopt;
  }
  return std::stoll(v);
}

const ParamDoc& sram_key(const std::string& name) {
  return config_keys().at("memory").at("sram").items.at(0).at(name);
}

void CfgReader::apply(const Key& k, const Entry& e, json& j) {
  switch (k.use) {
    case Use::kName:
      if (e.value.empty())
        issue(where(e), "\"\"", "a run name");
      else
        j["name"] = e.value;
      break;
    case Use::kMode:
      // CALC: SCALE-Sim's stall-free estimate, mirrored by ideal SRAMs and DRAM (the base).
      if (e.value != "CALC")
        issue(where(e), "\"" + e.value + "\"",
              e.value == "USER"
                  ? "CALC (USER mode's bandwidth-limited read buffers are not mirrored)"
                  : "CALC");
      break;
    case Use::kRows:
    case Use::kCols:
      if (const std::string key = k.use == Use::kRows ? "rows" : "cols";
          auto v = integer(e, config_keys().at("pe_array").at(key), "pe_array." + key))
        j["pe_array"][key] = *v;
      break;
    case Use::kSram:
      // SCALE-Sim's SRAMs hold 1024 * <n>kB one-byte words: n KiB.
      if (auto v = integer(e, sram_key("size_kib"), "memory.sram.*.size_kib"))
        j["memory"]["sram"][size_t(k.sram)]["size_kib"] = *v;
      break;
    case Use::kOffset:
      // Base addresses of SCALE-Sim's traces; they change no figure it reports (adasim writes no
      // SCALE-Sim traces), so any valid value is accepted.
      integer(e, 0);
      break;
    case Use::kDataflow:
      // SCALE-Sim warns on another value and then runs OS; refused here.
      if (e.value == "os" || e.value == "ws" || e.value == "is")
        j["pe_array"]["dataflow"] = e.value;
      else
        issue(where(e), "\"" + e.value + "\"", "os, ws or is");
      break;
    case Use::kBandwidth: {
      // Read by SCALE-Sim only in USER mode (refused above): checked, no effect in CALC mode.
      std::string item;
      std::istringstream list(e.value);
      bool ok = !e.value.empty();
      while (ok && std::getline(list, item, ',')) {
        const std::string t = trim(item);
        ok = !t.empty() &&
             std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
      }
      if (!ok) issue(where(e), "\"" + e.value + "\"", "comma-separated integers (words/cycle)");
      break;
    }
    case Use::kBanks:
      if (auto v = integer(e, sram_key("banks"), "memory.sram.*.banks"))
        for (json& level : j["memory"]["sram"]) level["banks"] = *v;
      break;
  }
}

json CfgReader::read(std::istream& in) {
  parse(in);
  json j = scalesim_base();
  std::vector<bool> given(keys().size(), false);
  for (const Entry& e : entries_) {
    const std::string key = lower(e.key);
    if (v3_key(e.section, key)) {
      issue(where(e), "\"" + e.value + "\"",
            "a SCALE-Sim v2 key (this is a v3 key: its request buffers, layouts, sparsity and "
            "Ramulator traces are not mirrored)");
      continue;
    }
    if (e.section == "network_presets") {
      issue(where(e), "\"" + e.value + "\"",
            "no [network_presets] (give the topology with --workload)");
      continue;
    }
    const auto k = std::find_if(keys().begin(), keys().end(), [&](const Key& c) {
      return e.section == c.section && key == lower(c.name);
    });
    if (k == keys().end()) {
      std::string known;
      for (const Key& c : keys())
        if (e.section == c.section) known += std::string(known.empty() ? "" : ", ") + c.name;
      issue(where(e), "\"" + e.value + "\"",
            known.empty() ? "a section SCALE-Sim v2 reads ([general], [run_presets], "
                            "[architecture_presets])"
                          : "a key SCALE-Sim v2 reads in [" + e.section + "]: " + known);
      continue;
    }
    given[size_t(k - keys().begin())] = true;
    apply(*k, e, j);
  }
  for (size_t i = 0; i < keys().size(); ++i)
    if (keys()[i].required && !given[i])
      issue(std::string("[") + keys()[i].section + "] " + keys()[i].name, "nothing",
            "the key (SCALE-Sim requires it)");
  if (!issues_.empty()) throw ConfigError(std::move(issues_));
  return j;
}

}  // namespace

bool is_scalesim_cfg(const std::string& path) {
  return path.size() > 4 && lower(path.substr(path.size() - 4)) == ".cfg";
}

json scalesim_cfg_to_arch(std::istream& in, const std::string& file) {
  return CfgReader(file).read(in);
}

json read_scalesim_cfg(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError(path, "", "no readable file at this path", "a readable SCALE-Sim .cfg file");
  return scalesim_cfg_to_arch(in, path);
}

}  // namespace adasim::sim
