// SPDX-License-Identifier: Apache-2.0
// Parser of the optional "area" section (scale and overrides of arch/area/area_table.hpp), and
// the key -> number override maps it shares with the "energy" section. Absent, nothing is written
// back, so configs without it resolve (and hash) exactly as before.
#include "sim/config/arch_sections.hpp"

namespace adasim::sim::detail {

void parse_number_overrides(ParamReader& section, std::map<std::string, double>& out) {
  auto ov = section.section("overrides");
  if (!ov) return;
  out.clear();
  ov->reject_unknown();
  for (const auto& item : ov->node().items())
    if (ov->schema().field(item.key()))
      if (auto v = ov->get<double>(item.key())) out[item.key()] = *v;
}

void parse_area(ParamReader& root, arch::AreaSpec& out) {
  if (!root.has("area")) return;
  auto ar = root.section("area");
  if (!ar) return;
  ar->reject_unknown();
  if (auto s = ar->get<double>("scale")) out.scale = *s;
  parse_number_overrides(*ar, out.overrides);
}

}  // namespace adasim::sim::detail
