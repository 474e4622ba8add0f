// SPDX-License-Identifier: Apache-2.0
// Parser for the memory section: the on-chip SRAM levels (with the cross-checks that every operand
// lives in exactly one level and that a level's size is a whole number of bank rows) and DRAM.
#include <algorithm>
#include <cmath>

#include "sim/config/arch_sections.hpp"
#include "sim/config/schema.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

constexpr const char* kLevelsExpected = "non-empty array of SRAM level objects";
constexpr double kMaxSizeKib = 1073741824.0;  // 2^30 KiB = 1 TiB

const std::vector<std::string>& operand_names() {
  static const std::vector<std::string> kNames = {"ifmap", "weight", "ofmap"};
  return kNames;
}

bool whole_bytes(double size_kib) {
  const double bytes = size_kib * 1024.0;
  return std::fabs(bytes - std::round(bytes)) < 1e-6;
}

// Reads /memory/sram/<i>/holds; false (issues recorded) if malformed.
bool parse_holds(ParamReader& lv, std::vector<arch::Operand>& out) {
  const std::string where = lv.ptr("holds");
  const std::string expected =
      "non-empty array of unique operands from " + quoted_list(operand_names());
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

// Every operand must be staged in exactly one level.
void check_operand_coverage(ParamReader& mem, const std::vector<arch::SramLevelSpec>& levels,
                            const std::vector<std::string>& level_ptrs) {
  const std::string expected = "each operand (" + quoted_list(operand_names()) +
                               ") held by exactly one level";
  for (int o = 0; o < arch::kNumOperands; ++o) {
    const auto op = static_cast<arch::Operand>(o);
    std::vector<std::string> holders;
    for (size_t i = 0; i < levels.size(); ++i)
      if (std::find(levels[i].holds.begin(), levels[i].holds.end(), op) != levels[i].holds.end())
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

void parse_sram_levels(ParamReader& mem, std::vector<arch::SramLevelSpec>& out) {
  const std::string where = mem.ptr("sram");
  if (!mem.has("sram")) {
    mem.issue(where, kMissingValue, kLevelsExpected);
    return;
  }
  json& arr = mem.node()["sram"];
  if (!arr.is_array() || arr.empty()) {
    mem.issue(where, render(arr), kLevelsExpected);
    return;
  }
  const std::vector<std::string> keys = arch_schema().at("memory").at("sram").element().keys();
  const Rule<std::string> name_rule{
      "identifier [a-z][a-z0-9_]* other than \"dram\", \"noc\", \"pe_array\"",
      [](const std::string& s) {
        return is_identifier(s) && s != "dram" && s != "noc" && s != "pe_array";
      }};
  const Rule<double> size_rule{
      "number of KiB in (0, 1073741824] with size_kib * 1024 a whole number of bytes",
      [](const double& v) { return v > 0 && v <= kMaxSizeKib && whole_bytes(v); }};
  const Rule<int64_t> word_rule{"a bank word in bits: a multiple of 8 in [8, 4096]",
                                [](const int64_t& v) { return v >= 8 && v <= 4096 && v % 8 == 0; }};

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
    ParamReader lv(arr[i], at, mem.file(), mem.issues());
    lv.reject_unknown(keys);
    arch::SramLevelSpec s;
    const auto name = lv.required<std::string>("name", name_rule);
    const auto size_kib = lv.required<double>("size_kib", size_rule);
    const auto word_bits = lv.get_or<int64_t>("word_bits", 64, word_rule);
    const auto banks = lv.get_or<int64_t>("banks", 1, int_quantity("SRAM banks", "", 1, 65536));
    const auto rports =
        lv.get_or<int64_t>("read_ports", 1, int_quantity("ports per bank", "", 1, 64));
    const auto wports =
        lv.get_or<int64_t>("write_ports", 1, int_quantity("ports per bank", "", 1, 64));
    const auto dbuf = lv.get_or<bool>("double_buffered", true, any_bool());
    const auto ideal = lv.get_or<bool>("ideal", false, any_bool());
    holds_all_ok = parse_holds(lv, s.holds) && holds_all_ok;

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
  if (holds_all_ok) check_operand_coverage(mem, out, level_ptrs);
}

void parse_dram(ParamReader& dram, arch::DramSpec& out) {
  dram.reject_unknown(arch_schema().at("memory").at("dram").keys());
  const Rule<int64_t> burst_rule{
      "a DMA burst in bytes: a power of two in [8, 4096]",
      [](const int64_t& v) { return v >= 8 && v <= 4096 && (v & (v - 1)) == 0; }};
  // Bounds keep every DRAM delay a representable SystemC time (a transfer takes bytes /
  // bandwidth ns); the upper bandwidth bound also catches bytes/s given for GB/s.
  const Rule<double> bandwidth = quantity("a DRAM bandwidth", "GB/s", 1e-3, 1e5, 16.0);
  const Rule<double> latency = quantity("a DRAM access latency", "ns", 0, 1e6, 100.0);
  if (auto v = dram.get_or<double>("bandwidth_gb_per_s", 16.0, bandwidth))
    out.bandwidth_gb_per_s = *v;
  if (auto v = dram.get_or<double>("latency_ns", 100.0, latency)) out.latency_ns = *v;
  if (auto v = dram.get_or<int64_t>("burst_bytes", 64, burst_rule)) out.burst_bytes = int(*v);
  if (auto v = dram.get_or<bool>("ideal", false, any_bool())) out.ideal = *v;
}

}  // namespace

void parse_memory(ParamReader& root, arch::AcceleratorSpec& out) {
  auto mem = root.object("memory", /*required=*/true);
  if (!mem) return;
  mem->reject_unknown(arch_schema().at("memory").keys());
  parse_sram_levels(*mem, out.sram);
  if (auto dram = mem->object("dram", /*required=*/false)) parse_dram(*dram, out.dram);
}

}  // namespace adasim::sim::detail
