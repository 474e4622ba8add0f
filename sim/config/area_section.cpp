// SPDX-License-Identifier: Apache-2.0
// Parser of the optional "area" section (scale and overrides of arch/area/area_table.hpp), and
// the key -> number override maps it shares with the "energy" section. Absent, nothing is written
// back, so configs without it resolve (and hash) exactly as before.
#include <algorithm>

#include "arch/area/area_table.hpp"
#include "sim/config/arch_sections.hpp"
#include "sim/config/schema.hpp"

namespace adasim::sim::detail {

namespace {

// Physical plausibility of a table entry by its unit: [0, upper] and a typical magnitude for the
// unit-slip guess (energies of 45 nm-class parts: a MAC ~1 pJ, DRAM ~10 pJ/bit; areas: a MAC
// ~1000 um2, an SRAM bit ~1 um2).
Rule<double> plausible_override(const std::string& unit) {
  struct Range {
    const char* unit;
    const char* what;
    double upper, typical;
  };
  static const Range kRanges[] = {
      {"pJ", "an energy per operation", 1e6, 1.0},
      {"pJ/bit", "an energy per bit", 1e4, 1.0},
      {"mW", "a leakage power", 1e5, 1.0},
      {"mW/KiB", "a leakage power per KiB", 1e3, 0.01},
      {"um2", "an area", 1e10, 1000.0},
      {"um2/bit", "an area per bit", 1e5, 1.0},
      {"1", "a dimensionless factor", 100.0, 1.0},
  };
  for (const Range& r : kRanges)
    if (unit == r.unit) return quantity(r.what, unit == "1" ? "" : unit, 0, r.upper, r.typical);
  throw ModelError("config: no plausible range for the table unit '" + unit + "'");
}

}  // namespace

void parse_number_overrides(ParamReader& section, const std::map<std::string, std::string>& known,
                            std::map<std::string, double>& out) {
  auto ov = section.object("overrides", /*required=*/false);
  if (!ov) return;
  out.clear();
  std::vector<std::string> keys;
  for (const auto& [key, unit] : known) keys.push_back(key);
  for (const auto& item : ov->node().items()) {
    const auto unit = known.find(item.key());
    if (unit == known.end()) {
      ov->issue(ov->ptr(item.key()), "unknown key \"" + item.key() + "\"",
                unknown_key_expectation(item.key(), ov->pointer(), keys));
      continue;
    }
    if (auto v = ov->required<double>(item.key(), plausible_override(unit->second)))
      out[item.key()] = *v;
  }
}

void parse_area(ParamReader& root, arch::AreaSpec& out) {
  if (!root.has("area")) return;
  auto ar = root.object("area", /*required=*/false);
  if (!ar) return;
  ar->reject_unknown(arch_schema().at("area").keys());
  if (auto s =
          ar->get_or<double>("scale", 1.0, quantity("an area scale factor", "", 1e-3, 1e3, 1.0)))
    out.scale = *s;
  std::map<std::string, std::string> known;
  for (const auto& doc : arch::AreaTable::keys()) known[doc.key] = doc.unit;
  parse_number_overrides(*ar, known, out.overrides);
}

}  // namespace adasim::sim::detail
