// SPDX-License-Identifier: Apache-2.0
// Parser for the memory section: the on-chip SRAM levels (with the cross-checks that every operand
// lives in exactly one level and that a level's size is a whole number of bank rows) and DRAM.
#include <algorithm>
#include <cmath>

#include "arch/program/transfers.hpp"
#include "sim/config/arch_sections.hpp"
#include "sim/config/config_keys.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

const std::vector<std::string>& operand_names() {
  static const std::vector<std::string> kNames = {"ifmap", "weight", "ofmap"};
  return kNames;
}

// Reads /memory/sram/<i>/holds; false (issues recorded) if malformed.
bool parse_holds(ParamReader& lv, std::vector<arch::Operand>& out) {
  const std::string where = lv.ptr("holds");
  const std::string expected = lv.doc("holds").expectation();
  if (!lv.has("holds")) {
    lv.issue(where, kMissingValue, expected);
    return false;
  }
  const json& arr = lv.node()["holds"];
  if (!arr.is_array() || arr.empty()) {
    lv.issue(where, render(arr), expected);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    std::string s;
    const auto op = decode(arr[i], s) ? arch::operand_from_string(s) : std::nullopt;
    if (!op) {
      lv.issue(at, render(arr[i]), "one of " + quoted_list(operand_names()));
      ok = false;
      continue;
    }
    if (std::find(out.begin(), out.end(), *op) != out.end()) {
      lv.issue(at, render(arr[i]), "an operand not already listed in " + where);
      ok = false;
      continue;
    }
    out.push_back(*op);
  }
  return ok;
}

bool holds(const arch::SramLevelSpec& l, arch::Operand op) {
  return std::find(l.holds.begin(), l.holds.end(), op) != l.holds.end();
}

// Every operand must be staged in exactly one level, or in the levels of one chain of parents
// (exactly one of them feeds the array: the one no other holder is filled from).
void check_operand_coverage(ParamReader& mem, const std::vector<arch::SramLevelSpec>& levels,
                            const std::vector<std::string>& level_ptrs) {
  const bool chained = std::any_of(levels.begin(), levels.end(),
                                   [](const arch::SramLevelSpec& l) { return !l.parent.empty(); });
  const std::string expected = "each operand (" + quoted_list(operand_names()) +
                               ") held by exactly one level" +
                               (chained ? " (or by the levels of one chain of parents)" : "");
  for (int o = 0; o < arch::kNumOperands; ++o) {
    const auto op = static_cast<arch::Operand>(o);
    auto feeds_holder = [&](const arch::SramLevelSpec& l) {
      return std::any_of(levels.begin(), levels.end(), [&](const arch::SramLevelSpec& c) {
        return holds(c, op) && !c.parent.empty() && c.parent == l.name;
      });
    };
    std::vector<std::string> holders;
    for (size_t i = 0; i < levels.size(); ++i)
      if (holds(levels[i], op) && !feeds_holder(levels[i]))
        holders.push_back(levels[i].name.empty()
                              ? level_ptrs[i]
                              : "\"" + levels[i].name + "\" (" + level_ptrs[i] + ")");
    const std::string opname = std::string("\"") + arch::to_string(op) + "\"";
    if (holders.empty()) {
      mem.issue(mem.ptr("sram"), opname + " held by no level", expected);
    } else if (holders.size() > 1) {
      std::string list;
      for (size_t i = 0; i < holders.size(); ++i)
        list += (i == 0 ? "" : (i + 1 == holders.size() ? " and " : ", ")) + holders[i];
      mem.issue(mem.ptr("sram"), opname + " held by levels " + list, expected);
    }
  }
}

// Every `parent` names another level, the chains end in a level filled from DRAM within
// arch::kMaxHops levels, and a parent holds every operand of the levels filled from it.
bool check_parents(ParamReader& mem, const std::vector<arch::SramLevelSpec>& levels,
                   const std::vector<std::string>& level_ptrs) {
  auto index_of = [&](const std::string& name) {
    for (size_t j = 0; j < levels.size(); ++j)
      if (levels[j].name == name) return int(j);
    return -1;
  };
  bool ok = true;
  for (size_t i = 0; i < levels.size(); ++i) {
    const arch::SramLevelSpec& l = levels[i];
    if (l.parent.empty()) continue;
    const std::string at = pointer_append(level_ptrs[i], "parent");
    const int p = index_of(l.parent);
    if (p < 0 || size_t(p) == i) {
      std::vector<std::string> others;
      for (const arch::SramLevelSpec& o : levels)
        if (o.name != l.name) others.push_back(o.name);
      mem.issue(at, render(json(l.parent)),
                others.empty() ? "no parent (the only level is filled from DRAM)"
                               : "the name of another level: " + quoted_list(others));
      ok = false;
      continue;
    }
    int hops = 1;
    for (int k = p; k >= 0 && hops <= arch::kMaxHops; k = index_of(levels[size_t(k)].parent))
      ++hops;
    if (hops > arch::kMaxHops) {
      mem.issue(at, render(json(l.parent)),
                "a chain of parents that reaches a level filled from DRAM within " +
                    std::to_string(arch::kMaxHops) + " levels (no cycle)");
      ok = false;
      continue;
    }
    for (arch::Operand op : l.holds)
      if (!holds(levels[size_t(p)], op)) {
        mem.issue(at, render(json(l.parent)),
                  "a level that holds " + std::string("\"") + arch::to_string(op) + "\" too (" +
                      level_ptrs[i] + " is filled from it)");
        ok = false;
      }
  }
  return ok;
}

void parse_sram_levels(ParamReader& mem, std::vector<arch::SramLevelSpec>& out) {
  const std::string where = mem.ptr("sram");
  const ParamDoc& doc = mem.doc("sram");
  if (!mem.has("sram")) {
    mem.issue(where, kMissingValue, doc.expectation());
    return;
  }
  json& arr = mem.node()["sram"];
  if (!doc.accepts(arr)) {
    mem.issue(where, render(arr), doc.expectation());
    return;
  }

  bool holds_all_ok = true;
  std::vector<std::string> level_ptrs;
  out.clear();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    if (!arr[i].is_object()) {
      mem.issue(at, render(arr[i]), "object describing one SRAM level");
      holds_all_ok = false;
      continue;
    }
    ParamReader lv(arr[i], at, mem.file(), mem.issues(), &doc.items.at(0));
    lv.reject_unknown();
    arch::SramLevelSpec s;
    const auto name = lv.get<std::string>("name");
    const auto size_kib = lv.get<double>("size_kib");
    const auto word_bits = lv.get<int64_t>("word_bits");
    const auto banks = lv.get<int64_t>("banks");
    const auto rports = lv.get<int64_t>("read_ports");
    const auto wports = lv.get<int64_t>("write_ports");
    const auto dbuf = lv.get<bool>("double_buffered");
    const auto ideal = lv.get<bool>("ideal");
    const auto parent = lv.get<std::string>("parent");
    holds_all_ok = parse_holds(lv, s.holds) && holds_all_ok;
    if (parent) s.parent = *parent;

    if (name) {
      for (size_t j = 0; j < out.size(); ++j)
        if (out[j].name == *name)
          lv.issue(lv.ptr("name"), render(json(*name)),
                   "a name not used by another level (" + level_ptrs[j] + " has it too)");
      s.name = *name;
    }
    if (size_kib) s.size_bytes = std::llround(*size_kib * 1024.0);
    if (size_kib && banks && word_bits) {
      const int64_t row_bytes = *banks * (*word_bits / 8);
      if (s.size_bytes % row_bytes != 0)
        lv.issue(lv.ptr("size_kib"),
                 render(lv.node()["size_kib"]) + " (" + std::to_string(s.size_bytes) + " bytes)",
                 "a size in bytes that is a multiple of banks * word_bits / 8 = " +
                     std::to_string(row_bytes) + " bytes");
    }
    if (word_bits) s.word_bits = int(*word_bits);
    if (banks) s.banks = int(*banks);
    if (rports) s.read_ports = int(*rports);
    if (wports) s.write_ports = int(*wports);
    if (dbuf) s.double_buffered = *dbuf;
    if (ideal) s.ideal = *ideal;
    out.push_back(std::move(s));
    level_ptrs.push_back(at);
  }
  if (holds_all_ok && check_parents(mem, out, level_ptrs))
    check_operand_coverage(mem, out, level_ptrs);
}

// memory.dram: the model (written back only when given, so configs without it resolve as
// before), the DMA burst size, and the selected model's own parameters.
void parse_dram(ParamReader& dram, arch::DramSpec& out) {
  dram.reject_unknown();
  if (auto v = dram.get<std::string>("model")) out.model = *v;
  if (auto v = dram.get<int64_t>("burst_bytes")) out.burst_bytes = int(*v);
  if (!dram.schema().variant(out.model)) return;  // reported above
  out.params = dram.variant_values(out.model);
  const sim::ParamValues& p = out.params;
  if (p.has("bandwidth_gb_per_s")) out.bandwidth_gb_per_s = p.number("bandwidth_gb_per_s");
  if (p.has("latency_ns")) out.latency_ns = p.number("latency_ns");
  if (p.has("ideal")) out.ideal = p.boolean("ideal");
}

}  // namespace

void parse_memory(ParamReader& root, arch::AcceleratorSpec& out) {
  auto mem = root.section("memory");
  if (!mem) return;
  mem->reject_unknown();
  parse_sram_levels(*mem, out.sram);
  if (auto dram = mem->section("dram")) parse_dram(*dram, out.dram);
}

}  // namespace adasim::sim::detail
