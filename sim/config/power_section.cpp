// SPDX-License-Identifier: Apache-2.0
// The optional "power" section: clock gating and power gating (arch/power/power_manager.hpp).
// Absent, nothing is written back, so configs without it resolve (and hash) exactly as before.
#include <algorithm>

#include "sim/config/arch_sections.hpp"
#include "sim/config/config_keys.hpp"

namespace adasim::sim::detail {
namespace {

namespace p = param;
using nlohmann::json;

ParamDoc block_list(const std::string& name, const std::string& what) {
  ParamDoc a = p::array_of(name, p::identifier(""))
                   .with_default(json::array())
                   .expecting(
                       "an array of unique block names (\"pe_array\", \"vector_unit\", "
                       "\"noc\" or an SRAM level's name)");
  a.unique_items = true;
  return a.described(what);
}

// `key`'s block names: each a block of `spec` (`noc_ok`: the NoC may be named), once.
std::vector<std::string> read_blocks(ParamReader& pw, const std::string& key,
                                     const arch::AcceleratorSpec& spec, bool noc_ok) {
  std::vector<std::string> known = {"pe_array", "vector_unit"};
  if (noc_ok) known.push_back("noc");
  for (const arch::SramLevelSpec& l : spec.sram) known.push_back(l.name);
  std::vector<std::string> out;
  if (!pw.has(key)) return out;
  const json& arr = pw.node()[key];
  const std::string where = pw.ptr(key);
  if (!arr.is_array()) {
    pw.issue(where, render(arr), pw.doc(key).expectation());
    return out;
  }
  std::string names;
  for (const std::string& k : known) names += (names.empty() ? "\"" : ", \"") + k + "\"";
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string s;
    const std::string at = pointer_append(where, std::to_string(i));
    if (!decode(arr[i], s) || std::find(known.begin(), known.end(), s) == known.end()) {
      const std::string why = !noc_ok && s == "noc" ? " (the NoC has no power switch)" : "";
      pw.issue(at, render(arr[i]), "a block name: one of " + names + why);
    } else if (std::find(out.begin(), out.end(), s) != out.end()) {
      pw.issue(at, render(arr[i]), "a block not already listed");
    } else {
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace

ParamDoc power_keys(const arch::Components& c) {
  ParamDoc power = p::object(
      "power",
      {block_list("clock_gating",
                  "blocks whose clock network is gated on idle cycles (the array waiting for "
                  "DRAM, the vector unit outside vector layers, SRAM banks not accessed, the NoC "
                  "without traffic); the others pay clock_pj_per_flop on every clocked cycle"),
       p::choice("policy", c.power.names())
           .with_default("none")
           .described("power-gating policy (`adasim list power`)"),
       block_list("power_gated",
                  "blocks the policy may switch off (PE rows/columns, SRAM banks, vector lanes); "
                  "the NoC has no power switch"),
       p::choice("idle_state", {"off", "retention"})
           .with_default("off")
           .described("off: no leakage, data lost; retention: data kept at "
                      "retention_leakage_fraction of the leakage"),
       p::number("retention_leakage_fraction")
           .in(0, 1)
           .with_default(0.25)
           .described("leakage of a part in retention / its powered leakage (assumption: "
                      "drowsy-cell supply; replace with your retention cells' figure)"),
       p::integer("wakeup_cycles")
           .in(0, 1 << 20)
           .with_default(10)
           .in_unit("cycles")
           .described("core cycles from power-on to usable (stall cause wakeup)")});
  power.selectors = {"policy"};
  power.variants = c.power.docs();
  return power.when_absent("absent: no clock-network energy, no gating, no vector-unit leakage")
      .described("clock gating and power gating of the blocks (arch/power/power_manager.hpp)");
}

void parse_power(ParamReader& root, arch::AcceleratorSpec& spec,
                 const arch::PowerPolicyRegistry& policies) {
  if (!root.has("power")) return;
  auto pw = root.section("power");
  if (!pw) return;
  pw->reject_unknown();
  arch::PowerSpec& out = spec.power;
  out.enabled = true;
  if (auto policy = pw->get<std::string>("policy")) {
    out.policy = *policy;
    if (policies.find(*policy)) out.policy_params = pw->variant_values(*policy);
  }
  if (auto s = pw->get<std::string>("idle_state")) out.retention = *s == "retention";
  if (auto f = pw->get<double>("retention_leakage_fraction")) out.retention_leakage_fraction = *f;
  if (auto w = pw->get<int64_t>("wakeup_cycles")) out.wakeup_cycles = int(*w);
  for (const char* key : {"clock_gating", "power_gated"})
    if (!pw->has(key)) pw->node()[key] = json::array();  // the declared default
  out.clock_gated = read_blocks(*pw, "clock_gating", spec, true);
  out.power_gated = read_blocks(*pw, "power_gated", spec, false);
  if (out.policy != "idle_timeout") return;
  for (size_t i = 0; i < out.power_gated.size(); ++i) {
    const std::string& b = out.power_gated[i];
    if (b == "pe_array" || b == "vector_unit") continue;
    pw->issue(pointer_append(pw->ptr("power_gated"), std::to_string(i)), "\"" + b + "\"",
              "\"pe_array\" or \"vector_unit\" under policy \"idle_timeout\" (SRAM levels are "
              "accessed by every layer; per_layer switches off the banks a layer's tiles do "
              "not need)");
  }
}

}  // namespace adasim::sim::detail
