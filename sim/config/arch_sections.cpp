// SPDX-License-Identifier: Apache-2.0
// Parsers for the pe_array, noc, clock and energy sections of the architecture config
// (memory lives in memory_section.cpp). Defaults are written back into the JSON as they are read.
#include "sim/config/arch_sections.hpp"

#include <algorithm>
#include <cmath>

#include "arch/dvfs/delay_model.hpp"
#include "sim/config/config_keys.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

template <class T, class U>
void assign(const std::optional<T>& v, U& field) {
  if (v) field = static_cast<U>(*v);
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

// The dataflow of every layer: one of `listed` (empty when the list is malformed), or "auto".
void parse_dataflow(ParamReader& pe, arch::PeArraySpec& out,
                    const std::vector<std::string>& listed) {
  const bool spatial = out.kind == arch::ArrayKind::kSpatial;
  std::vector<std::string> choices = dataflow_names(out.kind);
  choices.push_back("auto");  // the mapper picks one of `dataflows` per layer
  const auto df = pe.enum_of("dataflow", choices, listed.empty() ? "ws" : listed.front());
  out.dataflow_auto = df && *df == "auto";
  if (df && !out.dataflow_auto && !listed.empty() &&
      std::find(listed.begin(), listed.end(), *df) == listed.end())
    pe.issue(
        pe.ptr("dataflow"), render(json(*df)),
        "one of the supported dataflows in " + pe.ptr("dataflows") + ": " + quoted_list(listed));
  if (df && !out.dataflow_auto) {
    (spatial ? out.spatial_dataflow : out.dataflow) = *df;
  }
  if (out.dataflow_auto && !out.dataflows.empty()) out.dataflow = out.dataflows.front();
  if (out.dataflow_auto && !out.spatial_dataflows.empty())
    out.spatial_dataflow = out.spatial_dataflows.front();
}

// pe_array.spads (present): the three spads, or nullopt with the issues recorded.
std::optional<std::array<arch::SpadSpec, 3>> parse_spads(ParamReader& pe) {
  auto sec = pe.section("spads");
  if (!sec) return std::nullopt;
  sec->reject_unknown();
  std::array<arch::SpadSpec, 3> out;
  bool ok = true;
  static const char* kOps[3] = {"ifmap", "weight", "psum"};
  for (size_t o = 0; o < 3; ++o) {
    auto sp = sec->section(kOps[o]);
    if (!sp) {
      ok = false;
      continue;
    }
    sp->reject_unknown();
    const auto entries = sp->get<int64_t>("entries");
    const auto bits = sp->get<int64_t>("word_bits");
    ok = ok && entries && bits;
    assign(entries, out[o].entries);
    assign(bits, out[o].word_bits);
    out[o].access_pj = sp->get<double>("access_pj");
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

void parse_pe_array(ParamReader& root, arch::PeArraySpec& out) {
  auto pe = root.section("pe_array");
  if (!pe) return;
  pe->reject_unknown();
  const auto rows = pe->get<int64_t>("rows");
  const auto cols = pe->get<int64_t>("cols");
  assign(rows, out.rows);
  assign(cols, out.cols);

  if (auto kind = pe->get<std::string>("kind"))
    out.kind = *kind == "spatial" ? arch::ArrayKind::kSpatial : arch::ArrayKind::kSystolic;
  const bool spatial = out.kind == arch::ArrayKind::kSpatial;
  std::vector<std::string> listed;
  const bool listed_ok = parse_dataflows(*pe, out.kind, listed);
  out.dataflows.clear();
  out.spatial_dataflows.clear();
  if (listed_ok) (spatial ? out.spatial_dataflows : out.dataflows) = listed;
  if (spatial) out.dataflows = {"ws"};  // unused by spatial arrays
  parse_dataflow(*pe, out, listed_ok ? listed : std::vector<std::string>{});

  assign(pe->get<int64_t>("mac_bits"), out.mac_bits);
  assign(pe->get<int64_t>("accum_bits"), out.accum_bits);
  // The psum rule (arch/spec.hpp PsumOverflow): absent = "exact", and not written back, so
  // configs without it resolve (and hash) as before.
  if (const auto o = pe->get<std::string>("psum_overflow")) {
    out.psum_overflow = *arch::psum_overflow_from_string(*o);
    if (*o != "exact" && out.accum_bits > 32)
      pe->issue(pe->ptr("accum_bits"), std::to_string(out.accum_bits),
                "at most 32 with \"psum_overflow\": \"" + *o +
                    "\" (the model holds partial sums in 32 bits)");
  }
  // Written back only when given, so configs without it resolve (and hash) as before.
  if (auto ps = pe->get<bool>("precision_scalable")) {
    out.precision_scalable = *ps;
    if (spatial && *ps)
      pe->issue(
          pe->ptr("precision_scalable"), "true",
          "false on a spatial array (precision-scalable PEs are modelled on systolic arrays)");
  }
  assign(pe->get<bool>("weight_double_buffer"), out.weight_double_buffer);
  assign(pe->get<bool>("output_double_buffer"), out.output_double_buffer);
  if (const auto conv = pe->get<std::string>("timing_convention"))
    out.convention =
        *conv == "scalesim" ? arch::TimingConvention::kScaleSim : arch::TimingConvention::kFaithful;
  // Default: one vector lane per array column.
  assign(pe->get<int64_t>("vector_lanes", std::optional<int64_t>(cols.value_or(1))),
         out.vector_lanes);
  // Register file per PE: the spatial family's innermost storage (0 = none, only "nlr" runs),
  // one pool, or per-operand spads whose total it then is.
  std::optional<int64_t> rf_default(spatial ? 512 : 0);
  if (pe->has("spads")) {
    if (!spatial)
      pe->issue(pe->ptr("spads"), render(pe->node()["spads"]),
                "no spads on a systolic array (they belong to \"kind\": \"spatial\")");
    if (auto spads = parse_spads(*pe)) {
      out.spads = spads;
      int64_t bytes = 0;
      for (const arch::SpadSpec& sp : *spads) bytes += (sp.entries * sp.word_bits + 7) / 8;
      rf_default = bytes;
      // A resolved config carries the total back; any other pool size contradicts the spads.
      const json& given = pe->node().contains("rf_bytes") ? pe->node()["rf_bytes"] : json();
      if (!given.is_null() && !(given.is_number_integer() && given.get<int64_t>() == bytes))
        pe->issue(pe->ptr("rf_bytes"), render(given),
                  "the spads' total of " + std::to_string(bytes) + " bytes beside " +
                      pe->ptr("spads") + " (the spads are the register files), or no rf_bytes");
    } else {
      rf_default.reset();
    }
  }
  const auto rf = pe->get<int64_t>("rf_bytes", rf_default);
  assign(rf, out.rf_bytes);
  if (rf && !spatial && *rf != 0)
    pe->issue(pe->ptr("rf_bytes"), render(pe->node()["rf_bytes"]),
              "0 for a systolic array (register files belong to \"kind\": \"spatial\")");
}

namespace {

// Spatial-array constraints: {"factors": {"<level>": {"<dim>": n}}, "dram_order": [dims]}.
// Neither is written into the resolved config when absent (nothing to resolve).
void parse_factors(ParamReader& m, arch::MapperSpec& out) {
  out.factors.clear();
  if (!m.has("factors")) return;
  auto f = m.section("factors");
  if (!f) return;
  f->reject_unknown();
  for (const ParamDoc& level : f->schema().fields) {
    if (!f->has(level.name)) continue;
    auto lv = f->section(level.name);
    if (!lv) continue;
    const std::vector<std::string>& dims = level.key_choices;
    const ParamDoc& value = level.items.at(0);
    for (const auto& item : lv->node().items()) {
      if (std::find(dims.begin(), dims.end(), item.key()) == dims.end()) {
        std::string text;
        for (const auto& d : dims) text += (text.empty() ? "" : ", ") + d;
        lv->issue(lv->ptr(item.key()), "unknown dim \"" + item.key() + "\"",
                  "a loop dim: one of " + text);
        continue;
      }
      if (value.accepts(item.value()))
        out.factors.push_back(
            arch::FactorConstraint{level.name, item.key(), item.value().get<int64_t>()});
      else
        lv->issue(lv->ptr(item.key()), render(item.value()), value.expectation_for(item.value()));
    }
  }
}

void parse_dram_order(ParamReader& m, arch::MapperSpec& out) {
  out.dram_order.clear();
  if (!m.has("dram_order")) return;
  const ParamDoc& doc = m.doc("dram_order");
  const std::vector<std::string>& dims = doc.items.at(0).choices;
  const json& arr = m.node()["dram_order"];
  const std::string where = m.ptr("dram_order");
  if (!arr.is_array() || arr.size() != dims.size()) {
    m.issue(where, render(arr), doc.expectation());
    return;
  }
  std::vector<std::string> seen;
  for (size_t i = 0; i < arr.size(); ++i) {
    const bool known = doc.items.at(0).accepts(arr[i]);
    if (!known || std::find(seen.begin(), seen.end(), arr[i].get<std::string>()) != seen.end()) {
      m.issue(pointer_append(where, std::to_string(i)), render(arr[i]), doc.expectation());
      return;
    }
    seen.push_back(arr[i].get<std::string>());
  }
  out.dram_order = seen;
}

}  // namespace

void parse_mapper(ParamReader& root, arch::MapperSpec& out) {
  auto m = root.section("mapper");
  if (!m) return;
  m->reject_unknown();
  if (auto o = m->get<std::string>("objective"))
    out.objective = *o == "energy" ? arch::Objective::kEnergy
                    : *o == "edp"  ? arch::Objective::kEdp
                                   : arch::Objective::kLatency;
  if (auto o = m->get<std::string>("loop_order"))
    out.loop_order = *o == "stream_outer"  ? arch::LoopOrderConstraint::kStreamOuter
                     : *o == "chunk_outer" ? arch::LoopOrderConstraint::kChunkOuter
                                           : arch::LoopOrderConstraint::kAuto;
  assign(m->get<int64_t>("chunk_len"), out.chunk_len);
  assign(m->get<int64_t>("max_candidates"), out.max_candidates);
  assign(m->get<int64_t>("max_plan_chunks"), out.max_plan_chunks);
  parse_factors(*m, out);
  parse_dram_order(*m, out);
}

void parse_noc(ParamReader& root, arch::NocSpec& out, arch::ArrayKind kind,
               const arch::NocRegistry& nocs) {
  // Only the NoCs that feed this array family; the first one is the default.
  std::vector<std::string> fit;
  for (const auto& e : nocs.entries())
    if (e.make.feeds == kind) fit.push_back(e.doc.name);
  if (fit.empty()) throw ModelError("no NoC registered for " + std::string(arch::to_string(kind)));
  out.type = fit.front();
  auto noc = root.section("noc");
  if (!noc) return;
  assign(noc->enum_of("type", fit, fit.front()), out.type);
  noc->reject_unknown();
  assign(noc->get<int64_t>("link_width_bits"), out.link_width_bits);
  assign(noc->get<int64_t>("latency_cycles"), out.latency_cycles);
  out.params = noc->variant_values(out.type);
  // xy_multicast's per-operand buses and psum links (absent: link_width_bits, no links).
  static const char* kBus[3] = {"ifmap_bus_bits", "weight_bus_bits", "psum_bus_bits"};
  for (size_t o = 0; o < 3; ++o)
    if (out.params.has(kBus[o])) out.bus_bits[o] = int(out.params.integer(kBus[o]));
  if (out.params.has("psum_link_bits"))
    out.psum_link_bits = int(out.params.integer("psum_link_bits"));
}

namespace {

// <domain>.operating_points: the V/f table (default: the nominal point alone); every frequency
// once, and the nominal point in it. `clk` reads the domain's object (clock, or a domain of
// clock.domains), whose freq_mhz / voltage_v make `nominal`.
void parse_operating_points(ParamReader& clk, const arch::OperatingPoint& nominal,
                            std::vector<arch::OperatingPoint>& points, bool nominal_ok) {
  points.clear();
  const ParamDoc& doc = clk.doc("operating_points");
  const std::string where = clk.ptr("operating_points");
  if (!clk.has("operating_points")) {
    // Default table: just the nominal point (copied as written, so 800 stays 800).
    if (nominal_ok) {
      clk.node()["operating_points"] = json::array(
          {json{{"freq_mhz", clk.node()["freq_mhz"]}, {"voltage_v", clk.node()["voltage_v"]}}});
      points.push_back(nominal);
    }
    return;
  }
  json& arr = clk.node()["operating_points"];
  if (!doc.accepts(arr)) {
    clk.issue(where, render(arr), doc.expectation());
    return;
  }
  bool table_ok = true;
  std::vector<size_t> index_of_point;  // array index each parsed point came from
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    if (!arr[i].is_object()) {
      clk.issue(at, render(arr[i]), "object {\"freq_mhz\": number, \"voltage_v\": number}");
      table_ok = false;
      continue;
    }
    ParamReader op(arr[i], at, clk.file(), clk.issues(), &doc.items.at(0));
    op.reject_unknown();
    const auto f = op.get<double>("freq_mhz");
    const auto v = op.get<double>("voltage_v");
    if (!f || !v) {
      table_ok = false;
      continue;
    }
    for (size_t j = 0; j < points.size(); ++j) {
      if (points[j].freq_mhz != *f) continue;
      op.issue(op.ptr("freq_mhz"), render(arr[i]["freq_mhz"]),
               "a frequency not already in the table (it is also at " +
                   pointer_append(where, std::to_string(index_of_point[j])) + ")");
      table_ok = false;
    }
    points.push_back(arch::OperatingPoint{*f, *v});
    index_of_point.push_back(i);
  }
  if (!table_ok || !nominal_ok) return;
  const bool has_nominal =
      std::any_of(points.begin(), points.end(),
                  [&](const arch::OperatingPoint& p) { return arch::same_point(p, nominal); });
  if (!has_nominal)
    clk.issue(
        where, render(arr),
        "a table containing the nominal point {\"freq_mhz\": " + render(clk.node()["freq_mhz"]) +
            ", \"voltage_v\": " + render(clk.node()["voltage_v"]) + "}");
}

// Builds the selected policy once, so a parameter that does not fit the rest of the clock
// section (the policy's ConfigError names the key) is reported at /clock/<key>.
void check_policy(ParamReader& clk, const arch::ClockSpec& spec,
                  const arch::DvfsPolicyRegistry& policies) {
  const auto* entry = policies.find(spec.policy);
  if (entry == nullptr) return;  // the enum check reported it
  try {
    const auto policy = entry->make(spec);
    if (policy->may_switch() && !spec.transition)
      clk.issue(clk.ptr("transition"), kMissingValue,
                "an object {\"slew_mv_per_us\", \"relock_us\", \"supply_cap_nf\", "
                "\"regulator_efficiency\"} (policy \"" +
                    spec.policy + "\" switches points)");
  } catch (const ConfigError& e) {
    // `where` is a JSON pointer relative to the clock section ("schedule/0/freq_mhz").
    for (const InputIssue& i : e.issues())
      clk.issue(clk.pointer() + "/" + i.where, i.value, i.expected);
  }
}

// clock.transition: the regulator's and the PLL's costs of a switch.
void parse_transition(ParamReader& clk, arch::ClockSpec& out) {
  if (!clk.has("transition")) return;
  auto tr = clk.section("transition");
  if (!tr) return;
  tr->reject_unknown();
  const auto slew = tr->get<double>("slew_mv_per_us");
  const auto relock = tr->get<double>("relock_us");
  const auto cap = tr->get<double>("supply_cap_nf");
  const auto eta = tr->get<double>("regulator_efficiency");
  const auto during = tr->get<std::string>("during");
  if (!slew || !relock || !cap || !eta || !during) return;
  out.transition =
      arch::DvfsTransitionSpec{*slew, *relock, *cap, *eta, *during == "run_at_lower_clock"};
}

// clock.delay_model. Absent, its declared defaults are read from a scratch object, so the
// resolved config (and its hash in every report) stays as written.
bool parse_delay_model(ParamReader& clk, arch::DelayModelSpec& out) {
  json scratch = json::object();
  const bool given = clk.has("delay_model");
  json& node = given ? clk.node()["delay_model"] : scratch;
  const std::string where = clk.ptr("delay_model");
  if (!node.is_object()) {
    clk.issue(where, render(node), clk.doc("delay_model").expectation());
    return false;
  }
  const size_t before = clk.issues().size();
  ParamReader dm(node, where, clk.file(), clk.issues(), &clk.doc("delay_model"));
  dm.reject_unknown();
  assign(dm.get<double>("v_th_v"), out.v_th_v);
  assign(dm.get<double>("alpha"), out.alpha);
  assign(dm.get<double>("ref_freq_mhz"), out.ref_freq_mhz);
  assign(dm.get<double>("ref_voltage_v"), out.ref_voltage_v);
  if (clk.issues().size() != before) return false;
  if (out.ref_voltage_v > out.v_th_v) return true;
  dm.issue(dm.ptr("ref_voltage_v"), number_text(out.ref_voltage_v),
           "a voltage above v_th_v (" + number_text(out.v_th_v) + " V)");
  return false;
}

// Every point of a domain must be reachable at its voltage: freq_mhz <= f_max(voltage_v).
// `table_given`: the points are <domain>.operating_points as written; otherwise the table is the
// nominal point.
void check_reachable(ParamReader& clk, const arch::DelayModelSpec& m,
                     const arch::OperatingPoint& nominal,
                     const std::vector<arch::OperatingPoint>& points, bool table_given) {
  auto check = [&](const arch::OperatingPoint& p, const std::string& where) {
    const double fmax = arch::max_freq_mhz(m, p.voltage_v);
    if (p.freq_mhz <= fmax * (1.0 + 1e-9)) return;
    clk.issue(where, number_text(p.freq_mhz),
              "a frequency of at most " + number_text(std::floor(fmax * 10.0) / 10.0) + " MHz at " +
                  number_text(p.voltage_v) + " V (delay model at /clock/delay_model: f_max = " +
                  number_text(m.ref_freq_mhz) + " MHz x ((V - " + number_text(m.v_th_v) + ") / (" +
                  number_text(m.ref_voltage_v) + " - " + number_text(m.v_th_v) + "))^" +
                  number_text(m.alpha) + " x " + number_text(m.ref_voltage_v) + " / V)");
  };
  if (!table_given) {
    check(nominal, clk.ptr("freq_mhz"));
    return;
  }
  const std::string table = clk.ptr("operating_points");
  for (size_t i = 0; i < points.size(); ++i)
    check(points[i], pointer_append(pointer_append(table, std::to_string(i)), "freq_mhz"));
}

// clock.domains.memory: the SRAM levels and the NoC at their own point, checked against the
// same delay model (`delay_ok`: it parsed). Absent: they share the core domain.
void parse_domains(ParamReader& clk, arch::ClockSpec& out, bool delay_ok) {
  if (!clk.has("domains")) return;
  auto domains = clk.section("domains");
  if (!domains) return;
  domains->reject_unknown();
  if (!domains->has("memory")) return;
  auto mem = domains->section("memory");
  if (!mem) return;
  const size_t before = clk.issues().size();
  mem->reject_unknown();
  arch::DomainSpec d;
  const auto freq = mem->get<double>("freq_mhz");
  const auto volt = mem->get<double>("voltage_v");
  if (freq && volt) d.nominal = arch::OperatingPoint{*freq, *volt};
  assign(mem->get<int64_t>("sync_cycles"), d.sync_cycles);
  const bool table_given = mem->has("operating_points");
  parse_operating_points(*mem, d.nominal, d.operating_points, freq && volt);
  if (clk.issues().size() != before) return;
  if (delay_ok) check_reachable(*mem, out.delay, d.nominal, d.operating_points, table_given);
  if (clk.issues().size() == before) out.memory = d;
}

}  // namespace

void parse_clock(ParamReader& root, arch::ClockSpec& out,
                 const arch::DvfsPolicyRegistry& policies) {
  auto clk = root.section("clock");
  if (!clk) return;
  const size_t issues_before = clk->issues().size();
  clk->reject_unknown();
  assign(clk->get<std::string>("name"), out.name);
  const auto freq = clk->get<double>("freq_mhz");
  const auto volt = clk->get<double>("voltage_v");
  if (freq && volt) out.nominal = arch::OperatingPoint{*freq, *volt};
  if (auto policy = clk->get<std::string>("policy")) {
    out.policy = *policy;
    out.policy_params = clk->variant_values(*policy);
  }
  assign(clk->get<int64_t>("dram_sync_cycles"), out.dram_sync_cycles);
  const bool table_given = clk->has("operating_points");
  const bool delay_ok = parse_delay_model(*clk, out.delay);
  parse_operating_points(*clk, out.nominal, out.operating_points, freq && volt);
  parse_domains(*clk, out, delay_ok);
  parse_transition(*clk, out);
  if (clk->issues().size() != issues_before) return;
  if (delay_ok) check_reachable(*clk, out.delay, out.nominal, out.operating_points, table_given);
  if (clk->issues().size() == issues_before) check_policy(*clk, out, policies);
}

void parse_energy(ParamReader& root, arch::EnergySpec& out) {
  auto en = root.section("energy");
  if (!en) return;
  en->reject_unknown();
  assign(en->get<double>("reference_voltage_v"), out.reference_voltage_v);
  assign(en->get<double>("scale"), out.scale);
  if (!en->has("per_access")) {
    // absent: the per-bit table prices every access
  } else if (auto pa = en->section("per_access")) {
    pa->reject_unknown();
    for (const ParamDoc& k : pa->schema().fields)
      if (auto v = pa->get<double>(k.name)) out.per_access[k.name] = *v;
  }
  parse_number_overrides(*en, out.overrides);
}

}  // namespace adasim::sim::detail
