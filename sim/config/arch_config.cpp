// SPDX-License-Identifier: Apache-2.0
// Architecture-config front end: reads the JSON, applies --set overrides, runs the section parsers
// (which fill defaults and collect every issue), then throws once or returns the frozen spec.
#include "sim/config/arch_config.hpp"

#include <algorithm>
#include <fstream>

#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "sim/config/arch_sections.hpp"
#include "sim/config/config_keys.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/param_reader.hpp"
#include "sim/config/scalesim_cfg.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/json_input.hpp"

namespace adasim::sim {
namespace {
using nlohmann::json;
}  // namespace

json read_json_file(const std::string& path) { return read_json_input(path); }

namespace {

// The value at `pointer` rendered for a message, or "nothing" when the config (after defaults)
// lacks it. Never nlohmann's const operator[], which is undefined for a missing key.
std::string render_at(const json& j, const char* pointer) {
  const json::json_pointer p(pointer);
  return j.contains(p) ? render(j.at(p)) : std::string("nothing");
}

// Keys that belong to one array family only.
void check_array_kind(const arch::AcceleratorSpec& spec, const json& j, const std::string& file,
                      std::vector<InputIssue>& issues) {
  const bool spatial = spec.pe_array.kind == arch::ArrayKind::kSpatial;
  if (!spatial && !spec.energy.per_access.empty())
    issues.push_back(InputIssue{file, "/energy/per_access", render_at(j, "/energy/per_access"),
                                "no per-access table for a systolic array (it is charged per bit; "
                                "set \"/pe_array/kind\": \"spatial\" or remove the object)"});
  if (!spatial && !spec.mapper.factors.empty())
    issues.push_back(InputIssue{file, "/mapper/factors", render_at(j, "/mapper/factors"),
                                "no loop factors for a systolic array (they constrain a spatial "
                                "array's loop nest; use \"chunk_len\" / \"loop_order\")"});
  if (!spatial && !spec.mapper.dram_order.empty())
    issues.push_back(InputIssue{file, "/mapper/dram_order", render_at(j, "/mapper/dram_order"),
                                "no DRAM loop order for a systolic array (use \"loop_order\")"});
  if (spatial && spec.mapper.loop_order != arch::LoopOrderConstraint::kAuto)
    issues.push_back(InputIssue{file, "/mapper/loop_order", render_at(j, "/mapper/loop_order"),
                                "\"auto\" for a spatial array (its loop order constraint is "
                                "\"dram_order\")"});
  if (spatial && spec.mapper.chunk_len != 0)
    issues.push_back(InputIssue{file, "/mapper/chunk_len", render_at(j, "/mapper/chunk_len"),
                                "0 for a spatial array (fix a loop factor with \"factors\")"});
  const arch::StructuredSparsity& nm = spec.sparsity.structured;
  if (nm.enabled) {
    const auto& pe = spec.pe_array;
    // The N:M datapath needs a dataflow that holds the weights in the PEs ("ws" built in).
    bool ws = false;
    for (const std::string& name :
         pe.dataflow_auto ? pe.dataflows : std::vector<std::string>{pe.dataflow})
      if (const auto* e = arch::systolic_dataflows().find(name))
        ws = ws || e->make()->layout().holds(arch::Operand::kWeight);
    if (spatial)
      issues.push_back(InputIssue{file, "/sparsity/structured",
                                  render_at(j, "/sparsity/structured"),
                                  "no N:M datapath on a spatial array (it is modelled on systolic "
                                  "arrays running WS; remove the object)"});
    else if (!ws)
      issues.push_back(
          InputIssue{file, "/pe_array/dataflow", render_at(j, "/pe_array/dataflow"),
                     "\"ws\", or \"auto\" with \"ws\" in \"dataflows\": the N:M datapath "
                     "of /sparsity/structured holds the weights stationary"});
    if (!spatial && pe.precision_scalable)
      issues.push_back(InputIssue{file, "/pe_array/precision_scalable", "true",
                                  "false with /sparsity/structured (N:M slots and precision lanes "
                                  "are not modelled together)"});
  }
  // A spatial array's global buffer: one level, or split by operand into levels that are all
  // filled from DRAM (Eyeriss: an ifmap/psum part and a filter part).
  if (spatial)
    for (size_t i = 0; i < spec.sram.size(); ++i)
      if (!spec.sram[i].parent.empty()) {
        const std::string at = "/memory/sram/" + std::to_string(i) + "/parent";
        issues.push_back(InputIssue{file, at, render_at(j, at.c_str()),
                                    "no parent on a spatial array (its global buffer, one level "
                                    "or split by operand, is filled from DRAM)"});
      }
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
        InputIssue{file_label, "/", render(j), "a JSON object (the architecture config)"});
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
  detail::parse_power(root, out.spec, components.power);
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
