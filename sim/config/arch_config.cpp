// SPDX-License-Identifier: Apache-2.0
// Architecture-config front end: reads the JSON, applies --set overrides, runs the section parsers
// (which fill defaults and collect every issue), then throws once or returns the frozen spec.
#include "sim/config/arch_config.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/config/arch_sections.hpp"
#include "sim/config/config_keys.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/param_reader.hpp"
#include "sim/config/scalesim_cfg.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

using nlohmann::json;

// Digits of `text` starting right after `label`, or "" ("line 4, column 12" -> "4" for "line ").
std::string number_after(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  if (at == std::string::npos) return "";
  size_t end = at + label.size();
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  return text.substr(at + label.size(), end - at - label.size());
}

// "line L, column C" from nlohmann's parse_error text, else from the byte offset.
std::string parse_error_location(const json::parse_error& e, const std::string& text) {
  const std::string what = e.what();
  const std::string line = number_after(what, "line "), col = number_after(what, ", column ");
  if (!line.empty() && !col.empty()) return "line " + line + ", column " + col;
  size_t l = 1, c = 1;
  for (size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++l;
      c = 1;
    } else {
      ++c;
    }
  }
  return "line " + std::to_string(l) + ", column " + std::to_string(c);
}

// nlohmann's message without the "[json.exception.parse_error.101] parse error at ...: " prefix.
std::string parse_error_detail(const json::parse_error& e) {
  std::string what = e.what();
  const size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// Tracks the JSON pointer during parsing so that a key given twice in one object (which nlohmann
// would silently resolve to the last value) becomes an issue.
class DuplicateKeyFinder {
 public:
  explicit DuplicateKeyFinder(std::string file) : file_(std::move(file)) {}

  bool on_event(json::parse_event_t event, const json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        frames_.push_back(Frame{event == E::object_start, {}, "", 0, child_token()});
        break;
      case E::key: {
        Frame& f = frames_.back();
        f.last_key = parsed.get<std::string>();
        if (!f.keys.insert(f.last_key).second)
          issues_.push_back(InputIssue{file_, pointer_append(pointer(), f.last_key),
                                       "a second \"" + f.last_key + "\" key in the same object",
                                       "each key at most once per object"});
        break;
      }
      case E::value:
        if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
        break;
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
        break;
    }
    return true;
  }

  std::vector<InputIssue>& issues() { return issues_; }

 private:
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string last_key;
    size_t index;       // next element index (arrays)
    std::string token;  // this container's key/index in its parent
  };

  std::string child_token() const {
    if (frames_.empty()) return "";
    const Frame& p = frames_.back();
    return p.is_object ? p.last_key : std::to_string(p.index);
  }

  std::string pointer() const {
    std::string out;
    for (size_t i = 1; i < frames_.size(); ++i) out = pointer_append(out, frames_[i].token);
    return out;
  }

  std::string file_;
  std::vector<Frame> frames_;
  std::vector<InputIssue> issues_;
};

}  // namespace

json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "no readable file at this path", "a readable JSON file");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  DuplicateKeyFinder dups(path);
  json j;
  try {
    j = json::parse(text, [&dups](int, json::parse_event_t ev, json& parsed) {
      return dups.on_event(ev, parsed);
    });
  } catch (const json::parse_error& e) {
    throw ConfigError(path, parse_error_location(e, text), parse_error_detail(e), "valid JSON");
  }
  if (!dups.issues().empty()) throw ConfigError(std::move(dups.issues()));
  return j;
}

namespace {

// Keys that belong to one array family only.
void check_array_kind(const arch::AcceleratorSpec& spec, const json& j, const std::string& file,
                      std::vector<InputIssue>& issues) {
  const bool spatial = spec.pe_array.kind == arch::ArrayKind::kSpatial;
  if (!spatial && !spec.energy.per_access.empty())
    issues.push_back(InputIssue{file, "/energy/per_access", render(j["energy"]["per_access"]),
                                "no per-access table for a systolic array (it is charged per bit; "
                                "set \"/pe_array/kind\": \"spatial\" or remove the object)"});
  if (spatial && spec.clock.memory)
    issues.push_back(InputIssue{file, "/clock/domains/memory",
                                render(j["clock"]["domains"]["memory"]),
                                "no memory clock domain on a spatial array (its NoC timing is "
                                "modelled in the core's clock only; remove the object)"});
  const json& mapper = j.contains("mapper") ? j["mapper"] : json::object();
  if (!spatial && !spec.mapper.factors.empty())
    issues.push_back(InputIssue{file, "/mapper/factors", render(mapper["factors"]),
                                "no loop factors for a systolic array (they constrain a spatial "
                                "array's loop nest; use \"chunk_len\" / \"loop_order\")"});
  if (!spatial && !spec.mapper.dram_order.empty())
    issues.push_back(InputIssue{file, "/mapper/dram_order", render(mapper["dram_order"]),
                                "no DRAM loop order for a systolic array (use \"loop_order\")"});
  if (spatial && spec.mapper.loop_order != arch::LoopOrderConstraint::kAuto)
    issues.push_back(InputIssue{file, "/mapper/loop_order", render(mapper["loop_order"]),
                                "\"auto\" for a spatial array (its loop order constraint is "
                                "\"dram_order\")"});
  if (spatial && spec.mapper.chunk_len != 0)
    issues.push_back(InputIssue{file, "/mapper/chunk_len", render(mapper["chunk_len"]),
                                "0 for a spatial array (fix a loop factor with \"factors\")"});
  const arch::StructuredSparsity& nm = spec.sparsity.structured;
  if (nm.enabled) {
    const json& st = j["sparsity"]["structured"];
    const auto& pe = spec.pe_array;
    const bool ws = pe.dataflow_auto
                        ? std::find(pe.dataflows.begin(), pe.dataflows.end(),
                                    arch::Dataflow::kWeightStationary) != pe.dataflows.end()
                        : pe.dataflow == arch::Dataflow::kWeightStationary;
    if (spatial)
      issues.push_back(InputIssue{file, "/sparsity/structured", render(st),
                                  "no N:M datapath on a spatial array (it is modelled on systolic "
                                  "arrays running WS; remove the object)"});
    else if (!ws)
      issues.push_back(
          InputIssue{file, "/pe_array/dataflow", render(j["pe_array"]["dataflow"]),
                     "\"ws\", or \"auto\" with \"ws\" in \"dataflows\": the N:M datapath "
                     "of /sparsity/structured holds the weights stationary"});
    if (!spatial && pe.precision_scalable)
      issues.push_back(InputIssue{file, "/pe_array/precision_scalable", "true",
                                  "false with /sparsity/structured (N:M slots and precision lanes "
                                  "are not modelled together)"});
  }
  if (spatial && spec.sram.size() != 1)
    issues.push_back(InputIssue{file, "/memory/sram", render(j["memory"]["sram"]),
                                "exactly one level (the global buffer) for a spatial array"});
}

}  // namespace

LoadedConfig load_arch_config(const std::string& path, const std::vector<std::string>& overrides) {
  // A SCALE-Sim .cfg becomes the JSON config that mirrors it; --set overrides then apply alike.
  return parse_arch_config(is_scalesim_cfg(path) ? read_scalesim_cfg(path) : read_json_file(path),
                           path, overrides);
}

LoadedConfig parse_arch_config(json j, const std::string& file_label,
                               const std::vector<std::string>& overrides) {
  std::vector<InputIssue> issues;
  apply_overrides(j, overrides, file_label, issues);
  if (!j.is_object()) {
    issues.push_back(
        InputIssue{file_label, "", render(j), "a JSON object (the architecture config)"});
    throw ConfigError(std::move(issues));
  }

  LoadedConfig out;
  out.file = file_label;
  const arch::Components& components = arch::builtin_components();
  ParamReader root(j, "", file_label, issues, &config_keys());
  root.reject_unknown();
  root.get<int64_t>("schema_version");
  out.spec.schema_version = kArchSchemaVersion;
  if (auto name = root.get<std::string>("name")) out.spec.name = *name;
  detail::parse_pe_array(root, out.spec.pe_array);
  detail::parse_memory(root, out.spec);
  detail::parse_noc(root, out.spec.noc, out.spec.pe_array.kind, components.noc);
  detail::parse_clock(root, out.spec.clock, components.dvfs);
  detail::parse_energy(root, out.spec.energy);
  detail::parse_area(root, out.spec.area);
  detail::parse_mapper(root, out.spec.mapper);
  detail::parse_sparsity(root, out.spec.sparsity, components);
  check_array_kind(out.spec, j, file_label, issues);

  if (!issues.empty()) throw ConfigError(std::move(issues));
  out.resolved = std::move(j);
  return out;
}

void write_resolved_config(const LoadedConfig& cfg, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw ConfigError(path, "", "a path that cannot be opened for writing", "a writable file path");
  out << cfg.resolved.dump(2) << '\n';
  if (!out.flush()) throw ConfigError(path, "", "a write error", "a writable file path");
}

std::string canonical_text(const json& resolved) { return resolved.dump(); }

}  // namespace adasim::sim
