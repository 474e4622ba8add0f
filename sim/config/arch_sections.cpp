// SPDX-License-Identifier: Apache-2.0
// Parsers for the pe_array, noc, clock and energy sections of the architecture config
// (memory lives in memory_section.cpp). Defaults are written back into the JSON as they are read.
#include "sim/config/arch_sections.hpp"

#include <algorithm>
#include <cmath>

#include "arch/energy/energy_table.hpp"
#include "sim/config/schema.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

template <class T, class U>
void assign(const std::optional<T>& v, U& field) {
  if (v) field = static_cast<U>(*v);
}

const std::vector<std::string>& dataflow_names(arch::ArrayKind kind) {
  static const std::vector<std::string> kSystolic = {"ws", "os", "is"};
  static const std::vector<std::string> kSpatial = {"rs", "ws", "os_a", "os_b", "os_c", "nlr"};
  return kind == arch::ArrayKind::kSpatial ? kSpatial : kSystolic;
}

// The list of supported dataflows; false if it is malformed (issues recorded).
bool parse_dataflows(ParamReader& pe, arch::ArrayKind kind, std::vector<std::string>& listed) {
  const auto& names = dataflow_names(kind);
  if (!pe.has("dataflows")) {
    pe.node()["dataflows"] = names;
    listed = names;
    return true;
  }
  const json& arr = pe.node()["dataflows"];
  const std::string where = pe.ptr("dataflows");
  if (!arr.is_array() || arr.empty()) {
    pe.issue(where, render(arr), "non-empty array of unique strings from " + quoted_list(names));
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    std::string s;
    if (!decode(arr[i], s) || std::find(names.begin(), names.end(), s) == names.end()) {
      pe.issue(at, render(arr[i]), "one of " + quoted_list(names));
      ok = false;
      continue;
    }
    auto prev = std::find(listed.begin(), listed.end(), s);
    if (prev != listed.end()) {
      pe.issue(at, render(arr[i]),
               "a dataflow not already listed (it is also at " +
                   pointer_append(where, std::to_string(prev - listed.begin())) + ")");
      ok = false;
    }
    listed.push_back(s);
  }
  return ok;
}

bool same_point(double f1, double v1, double f2, double v2) {
  auto eq = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); };
  return eq(f1, f2) && eq(v1, v2);
}

}  // namespace

void parse_pe_array(ParamReader& root, arch::PeArraySpec& out) {
  auto pe = root.object("pe_array", /*required=*/true);
  if (!pe) return;
  pe->reject_unknown(arch_schema().at("pe_array").keys());
  const auto rows = pe->required<int64_t>("rows", int_in(1, 1024));
  const auto cols = pe->required<int64_t>("cols", int_in(1, 1024));
  assign(rows, out.rows);
  assign(cols, out.cols);

  if (auto kind = pe->enum_of("kind", {"systolic", "spatial"}, "systolic"))
    out.kind = *kind == "spatial" ? arch::ArrayKind::kSpatial : arch::ArrayKind::kSystolic;
  const bool spatial = out.kind == arch::ArrayKind::kSpatial;
  std::vector<std::string> listed;
  const bool listed_ok = parse_dataflows(*pe, out.kind, listed);
  out.dataflows.clear();
  out.spatial_dataflows.clear();
  if (listed_ok)
    for (const auto& s : listed) {
      if (spatial)
        out.spatial_dataflows.push_back(*arch::spatial_dataflow_from_string(s));
      else
        out.dataflows.push_back(*arch::dataflow_from_string(s));
    }
  if (spatial) out.dataflows = {arch::Dataflow::kWeightStationary};  // unused by spatial arrays

  std::vector<std::string> choices = dataflow_names(out.kind);
  choices.push_back("auto");  // the mapper picks one of `dataflows` per layer
  const auto df = pe->enum_of("dataflow", choices, listed_ok ? listed.front() : "ws");
  out.dataflow_auto = df && *df == "auto";
  if (df && !out.dataflow_auto && listed_ok &&
      std::find(listed.begin(), listed.end(), *df) == listed.end())
    pe->issue(pe->ptr("dataflow"), render(json(*df)),
              "one of the supported dataflows in " + pe->ptr("dataflows") + ": " +
                  quoted_list(listed));
  if (df && !out.dataflow_auto) {
    if (spatial)
      out.spatial_dataflow = *arch::spatial_dataflow_from_string(*df);
    else
      out.dataflow = *arch::dataflow_from_string(*df);
  }
  if (out.dataflow_auto && !out.dataflows.empty()) out.dataflow = out.dataflows.front();
  if (out.dataflow_auto && !out.spatial_dataflows.empty())
    out.spatial_dataflow = out.spatial_dataflows.front();

  Rule<int64_t> mac_rule = int_one_of({2, 4, 8, 16});
  mac_rule.expected = "a MAC operand width in bits: " + mac_rule.expected;
  assign(pe->get_or<int64_t>("mac_bits", 8, mac_rule), out.mac_bits);
  assign(
      pe->get_or<int64_t>("accum_bits", 32, int_quantity("an accumulator width", "bits", 16, 64)),
      out.accum_bits);
  // Written back only when given, so configs without it resolve (and hash) as before.
  if (pe->has("precision_scalable")) {
    assign(pe->get_or<bool>("precision_scalable", false, any_bool()), out.precision_scalable);
    if (spatial && out.precision_scalable)
      pe->issue(pe->ptr("precision_scalable"), "true",
                "false on a spatial array (precision-scalable PEs are modelled on systolic arrays)");
  }
  assign(pe->get_or<bool>("weight_double_buffer", true, any_bool()), out.weight_double_buffer);
  assign(pe->get_or<bool>("output_double_buffer", true, any_bool()), out.output_double_buffer);
  const auto conv = pe->enum_of("timing_convention", {"faithful", "scalesim"}, "faithful");
  if (conv)
    out.convention = *conv == "scalesim" ? arch::TimingConvention::kScaleSim
                                         : arch::TimingConvention::kFaithful;
  // Default: one vector lane per array column.
  assign(pe->get_or<int64_t>("vector_lanes", cols.value_or(1),
                             int_quantity("vector-unit lanes", "", 1, 65536)),
         out.vector_lanes);
  // Register file per PE: the spatial family's innermost storage (0 = none, only "nlr" runs).
  const auto rf = pe->get_or<int64_t>("rf_bytes", spatial ? 512 : 0,
                                      int_quantity("a register file per PE", "bytes", 0, 1 << 20));
  assign(rf, out.rf_bytes);
  if (rf && !spatial && *rf != 0)
    pe->issue(pe->ptr("rf_bytes"), render(pe->node()["rf_bytes"]),
              "0 for a systolic array (register files belong to \"kind\": \"spatial\")");
}

namespace {
const std::vector<std::string>& loop_dims() {
  static const std::vector<std::string> kDims = {"N", "M", "C", "P", "Q", "R", "S"};
  return kDims;
}

std::string dims_text() {
  std::string s;
  for (const auto& d : loop_dims()) s += (s.empty() ? "" : ", ") + d;
  return s;
}

// Spatial-array constraints: {"factors": {"<level>": {"<dim>": n}}, "dram_order": [dims]}.
// Neither is written into the resolved config when absent (nothing to resolve).
void parse_spatial_constraints(ParamReader& m, arch::MapperSpec& out) {
  out.factors.clear();
  out.dram_order.clear();
  if (m.has("factors")) {
    if (auto f = m.object("factors", /*required=*/false)) {
      f->reject_unknown(arch_schema().at("mapper").at("factors").keys());
      for (const char* level : {"dram", "gbuf", "array", "rf"}) {
        if (!f->has(level)) continue;
        auto lv = f->object(level, /*required=*/false);
        if (!lv) continue;
        for (const auto& item : lv->node().items()) {
          if (std::find(loop_dims().begin(), loop_dims().end(), item.key()) == loop_dims().end()) {
            lv->issue(lv->ptr(item.key()), "unknown dim \"" + item.key() + "\"",
                      "a loop dim: one of " + dims_text());
            continue;
          }
          if (auto v = lv->required<int64_t>(
                  item.key(), int_quantity("a tiling factor", "", 1, int64_t(1) << 24)))
            out.factors.push_back(arch::FactorConstraint{level, item.key(), *v});
        }
      }
    }
  }
  if (!m.has("dram_order")) return;
  const json& arr = m.node()["dram_order"];
  const std::string where = m.ptr("dram_order");
  const std::string expected = "an array naming each of " + dims_text() +
                               " once (the DRAM loop order, outermost first)";
  if (!arr.is_array() || arr.size() != loop_dims().size()) {
    m.issue(where, render(arr), expected);
    return;
  }
  std::vector<std::string> seen;
  for (size_t i = 0; i < arr.size(); ++i) {
    const bool known = arr[i].is_string() &&
                       std::find(loop_dims().begin(), loop_dims().end(), arr[i].get<std::string>()) !=
                           loop_dims().end();
    if (!known || std::find(seen.begin(), seen.end(), arr[i].get<std::string>()) != seen.end()) {
      m.issue(pointer_append(where, std::to_string(i)), render(arr[i]), expected);
      return;
    }
    seen.push_back(arr[i].get<std::string>());
  }
  out.dram_order = seen;
}
}  // namespace

void parse_mapper(ParamReader& root, arch::MapperSpec& out) {
  auto m = root.object("mapper", /*required=*/false);
  if (!m) return;
  m->reject_unknown(arch_schema().at("mapper").keys());
  if (auto o = m->enum_of("objective", {"latency", "energy", "edp"}, "latency"))
    out.objective = *o == "energy" ? arch::Objective::kEnergy
                    : *o == "edp"  ? arch::Objective::kEdp
                                   : arch::Objective::kLatency;
  if (auto o = m->enum_of("loop_order", {"auto", "stream_outer", "chunk_outer"}, "auto"))
    out.loop_order = *o == "stream_outer"  ? arch::LoopOrderConstraint::kStreamOuter
                     : *o == "chunk_outer" ? arch::LoopOrderConstraint::kChunkOuter
                                           : arch::LoopOrderConstraint::kAuto;
  assign(m->get_or<int64_t>(
             "chunk_len", 0,
             int_quantity("a chunk length (0 = the mapper's choice)", "", 0, int64_t(1) << 24)),
         out.chunk_len);
  parse_spatial_constraints(*m, out);
}

void parse_noc(ParamReader& root, arch::NocSpec& out, arch::ArrayKind kind) {
  // A systolic array is fed by an edge bus; a spatial array by X/Y multicast buses.
  const bool spatial = kind == arch::ArrayKind::kSpatial;
  out.type = spatial ? "xy_multicast" : "bus";
  auto noc = root.object("noc", /*required=*/false);
  if (!noc) return;
  noc->reject_unknown(arch_schema().at("noc").keys());
  if (spatial)
    assign(noc->enum_of("type", {"xy_multicast"}, "xy_multicast"), out.type);
  else
    assign(noc->enum_of("type", {"bus"}, "bus"), out.type);
  assign(noc->get_or<bool>("multicast", true, any_bool()), out.multicast);
  const Rule<int64_t> width{"a link width in bits: a multiple of 8 in [8, 65536]",
                            [](const int64_t& v) { return v >= 8 && v % 8 == 0 && v <= 65536; }};
  assign(noc->get_or<int64_t>("link_width_bits", 512, width), out.link_width_bits);
  assign(noc->get_or<int64_t>("latency_cycles", 1,
                              int_quantity("a NoC hop latency", "cycles", 0, 100000)),
         out.latency_cycles);
}

void parse_clock(ParamReader& root, arch::ClockSpec& out) {
  auto clk = root.object("clock", /*required=*/true);
  if (!clk) return;
  const SchemaNode& schema = arch_schema().at("clock");
  clk->reject_unknown(schema.keys());
  // At least 1 kHz: the clock period (1e6 / freq_mhz ps) must be a representable SystemC time.
  const Rule<double> freq_rule = quantity("a clock frequency", "MHz", 1e-3, 1e4, 1000.0);
  const Rule<double> volt_rule = quantity("a supply voltage", "V", 0.1, 2.0, 0.9);
  assign(clk->get_or<std::string>("name", "core", identifier()), out.name);
  const auto freq = clk->required<double>("freq_mhz", freq_rule);
  const auto volt = clk->required<double>("voltage_v", volt_rule);
  if (freq && volt) out.nominal = arch::OperatingPoint{*freq, *volt};
  assign(clk->enum_of("policy", {"static"}, "static"), out.policy);
  const Rule<double> transition = quantity("a DVFS transition time", "ns", 0, 1e9, 1000.0);
  assign(clk->get_or<double>("transition_ns", 0.0, transition), out.transition_ns);

  out.operating_points.clear();
  const std::string where = clk->ptr("operating_points");
  if (!clk->has("operating_points")) {
    // Default table: just the nominal point (copied as written, so 800 stays 800).
    if (freq && volt) {
      clk->node()["operating_points"] = json::array(
          {json{{"freq_mhz", clk->node()["freq_mhz"]}, {"voltage_v", clk->node()["voltage_v"]}}});
      out.operating_points.push_back(out.nominal);
    }
    return;
  }
  json& arr = clk->node()["operating_points"];
  if (!arr.is_array() || arr.empty()) {
    clk->issue(where, render(arr), "non-empty array of {\"freq_mhz\", \"voltage_v\"} objects");
    return;
  }
  bool table_ok = true;
  std::vector<size_t> index_of_point;  // array index each parsed point came from
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    if (!arr[i].is_object()) {
      clk->issue(at, render(arr[i]), "object {\"freq_mhz\": number, \"voltage_v\": number}");
      table_ok = false;
      continue;
    }
    ParamReader op(arr[i], at, clk->file(), root.issues());
    op.reject_unknown(schema.at("operating_points").element().keys());
    const auto f = op.required<double>("freq_mhz", freq_rule);
    const auto v = op.required<double>("voltage_v", volt_rule);
    if (!f || !v) {
      table_ok = false;
      continue;
    }
    for (size_t j = 0; j < out.operating_points.size(); ++j) {
      if (out.operating_points[j].freq_mhz != *f) continue;
      op.issue(op.ptr("freq_mhz"), render(arr[i]["freq_mhz"]),
               "a frequency not already in the table (it is also at " +
                   pointer_append(where, std::to_string(index_of_point[j])) + ")");
      table_ok = false;
    }
    out.operating_points.push_back(arch::OperatingPoint{*f, *v});
    index_of_point.push_back(i);
  }
  if (!table_ok || !freq || !volt) return;
  const bool has_nominal =
      std::any_of(out.operating_points.begin(), out.operating_points.end(),
                  [&](const arch::OperatingPoint& p) {
                    return same_point(p.freq_mhz, p.voltage_v, *freq, *volt);
                  });
  if (!has_nominal)
    clk->issue(where, render(arr),
               "a table containing the nominal point {\"freq_mhz\": " +
                   render(clk->node()["freq_mhz"]) +
                   ", \"voltage_v\": " + render(clk->node()["voltage_v"]) + "}");
}

void parse_energy(ParamReader& root, arch::EnergySpec& out) {
  auto en = root.object("energy", /*required=*/false);
  if (!en) return;
  en->reject_unknown(arch_schema().at("energy").keys());
  assign(en->get_or<double>("reference_voltage_v", 0.9,
                            quantity("a reference voltage", "V", 0.1, 2.0, 0.9)),
         out.reference_voltage_v);
  assign(en->get_or<double>("scale", 1.0, quantity("an energy scale factor", "", 1e-3, 1e3, 1.0)),
         out.scale);
  if (!en->has("per_access")) {
    // absent: the per-bit table prices every access
  } else if (auto pa = en->object("per_access", /*required=*/false)) {
    pa->reject_unknown(arch_schema().at("energy").at("per_access").keys());
    for (const char* k : {"mac", "rf", "noc", "gbuf", "dram"})
      if (auto v = pa->required<double>(k, quantity("an energy per access", "pJ", 0, 1e6, 1.0)))
        out.per_access[k] = *v;
  }
  std::map<std::string, std::string> known;
  for (const auto& doc : arch::EnergyTable::keys()) known[doc.key] = doc.unit;
  parse_number_overrides(*en, known, out.overrides);
}

}  // namespace adasim::sim::detail
