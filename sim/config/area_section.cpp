// SPDX-License-Identifier: Apache-2.0
// Parser of the optional "area" section (scale and overrides of arch/area/area_table.hpp), and
// the key -> number override maps it shares with the "energy" section. Absent, nothing is written
// back, so configs without it resolve (and hash) exactly as before.
#include <algorithm>

#include "arch/area/area_table.hpp"
#include "sim/config/arch_sections.hpp"
#include "sim/config/schema.hpp"

namespace adasim::sim::detail {

void parse_number_overrides(ParamReader& section, std::vector<std::string> known,
                            std::map<std::string, double>& out) {
  auto ov = section.object("overrides", /*required=*/false);
  if (!ov) return;
  out.clear();
  std::sort(known.begin(), known.end());
  for (const auto& item : ov->node().items()) {
    const std::string at = ov->ptr(item.key());
    if (!std::binary_search(known.begin(), known.end(), item.key())) {
      ov->issue(at, "unknown key \"" + item.key() + "\"",
                unknown_key_expectation(item.key(), ov->pointer(), known));
      continue;
    }
    double v = 0;
    if (!decode(item.value(), v) || v < 0) {
      ov->issue(at, render(item.value()), "number >= 0");
      continue;
    }
    out[item.key()] = v;
  }
}

void parse_area(ParamReader& root, arch::AreaSpec& out) {
  if (!root.has("area")) return;
  auto ar = root.object("area", /*required=*/false);
  if (!ar) return;
  ar->reject_unknown(arch_schema().at("area").keys());
  if (auto s = ar->get_or<double>("scale", 1.0, number_above(0))) out.scale = *s;
  std::vector<std::string> known;
  for (const auto& doc : arch::AreaTable::keys()) known.push_back(doc.key);
  parse_number_overrides(*ar, std::move(known), out.overrides);
}

}  // namespace adasim::sim::detail
