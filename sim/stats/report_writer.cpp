// SPDX-License-Identifier: Apache-2.0
// report.json / report.csv / stdout-table serialization of a RunReport (see report_writer.hpp).
// File hashing and atomic writes live in report_files.cpp.
#include "sim/stats/report_writer.hpp"

#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <system_error>

#include "sim/core/errors.hpp"

namespace adasim::sim {

std::string format_double(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);  // shortest exact round trip
  if (res.ec != std::errc()) throw ModelError("cannot format a double for report.csv");
  return std::string(buf, res.ptr);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

using nlohmann::json;

/// Sets obj[a][b]...[leaf] = value for a dotted key; a key that is both a leaf and a prefix of
/// another key cannot be represented and is a model bug.
void set_nested(json& obj, const std::string& dotted, const json& value, const char* what) {
  json* node = &obj;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty())
      throw ModelError(std::string(what) + " key '" + dotted + "' has an empty segment");
    if (dot == std::string::npos) {
      if (node->contains(part))
        throw ModelError(std::string(what) + " key '" + dotted + "' clashes with a nested key");
      (*node)[part] = value;
      return;
    }
    json& child = (*node)[part];
    if (child.is_null()) child = json::object();
    if (!child.is_object())
      throw ModelError(std::string(what) + " key '" + dotted + "' nests under a value");
    node = &child;
    start = dot + 1;
  }
}

/// "<module>.<counter>" split at the last '.', so a dotted module ("sram.gbuf") stays one key.
std::pair<std::string, std::string> split_access_key(const std::string& key) {
  const size_t dot = key.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == key.size())
    throw ModelError("access counter key '" + key + "' is not '<module>.<counter>'");
  return {key.substr(0, dot), key.substr(dot + 1)};
}

/// pj per module and action, duplicate (module, action) rows summed.
std::map<std::string, std::map<std::string, double>> energy_by_module(const LayerReport& l) {
  std::map<std::string, std::map<std::string, double>> out;
  for (const EnergyEntry& e : l.energy) {
    if (e.action == "total")
      throw ModelError("energy action name 'total' is reserved (module '" + e.module + "')");
    out[e.module][e.action] += e.pj;
  }
  return out;
}

// Time and energy at each operating point, DVFS transitions and the power-management records.
void add_dvfs_and_power(const LayerReport& l, json& j) {
  json at_point = json::object();
  for (const auto& [point, ns] : l.time_ns_at_point) at_point[point] = ns;
  j["time_ns_at_point"] = std::move(at_point);
  json pj_at_point = json::object();
  for (const auto& [point, pj] : l.energy_pj_at_point) pj_at_point[point] = pj;
  j["energy_pj_at_point"] = std::move(pj_at_point);
  if (l.dvfs)
    j["dvfs"] = {{"transitions", l.dvfs->transitions},
                 {"transition_ns", l.dvfs->time_ns},
                 {"transition_pj", l.dvfs->energy_pj}};
  if (!l.power.empty()) {
    json power = json::object();
    for (const auto& [block, b] : l.power)
      power[block] = {{"units", b.units},
                      {"clock_gated_unit_cycles", b.clock_gated_unit_cycles},
                      {"power_gated_unit_cycles", b.power_gated_unit_cycles},
                      {"wakeups", b.wakeups},
                      {"wakeup_pj", b.wakeup_pj},
                      {"leakage_saved_pj", b.leakage_saved_pj}};
    j["power"] = std::move(power);
  }
}

json layer_json(const LayerReport& l, bool with_schedule) {
  json j = json::object();
  j["name"] = l.name;
  j["op"] = l.op;
  j["macs"] = l.macs;
  j["macs_issued"] = l.macs_issued;
  j["macs_gated"] = l.macs_gated;
  j["macs_skipped"] = l.macs_skipped;
  if (!l.sparsity.empty()) j["sparsity"] = l.sparsity;
  j["time_ns"] = l.time_ns;

  json cycles = json::object();
  cycles["total"] = l.cycles_total;
  cycles["compute"] = l.cycles_compute;
  cycles["stall"] = l.cycles_stall;
  cycles["stall_by_cause"] = json::object();
  for (const auto& [cause, n] : l.stall_by_cause) cycles["stall_by_cause"][cause] = n;
  j["cycles"] = std::move(cycles);

  json energy = json::object();
  energy["total"] = l.energy_total_pj();
  energy["dynamic"] = l.energy_dynamic_pj();
  energy["leakage"] = l.energy_leakage_pj();
  json by_module = json::object();
  for (const auto& [module, actions] : energy_by_module(l)) {
    json m = json::object();
    double sum = 0.0;
    for (const auto& [action, pj] : actions) {
      m[action] = pj;
      sum += pj;
    }
    m["total"] = sum;
    by_module[module] = std::move(m);
  }
  energy["by_module"] = std::move(by_module);
  j["energy_pj"] = std::move(energy);

  json util = json::object();
  for (const auto& [key, v] : l.utilization) set_nested(util, key, v, "utilization");
  j["utilization"] = std::move(util);

  json acc = json::object();
  for (const auto& [key, n] : l.accesses) {
    const auto [module, counter] = split_access_key(key);
    json& m = acc[module];
    if (m.is_null()) m = json::object();
    m[counter] = n;
  }
  j["accesses"] = std::move(acc);

  if (!l.mirror_counts.empty() || !l.mirror_reals.empty()) {
    json mirror = json::object();
    for (const auto& [key, n] : l.mirror_counts) set_nested(mirror, key, n, "mirror");
    for (const auto& [key, v] : l.mirror_reals) set_nested(mirror, key, v, "mirror");
    j["mirror"] = std::move(mirror);
  }

  add_dvfs_and_power(l, j);

  if (with_schedule) {
    j["dataflow"] = l.dataflow;
    j["schedule"] = l.schedule;
  }
  return j;
}

// ---- CSV ----------------------------------------------------------------------------------

std::string underscored(std::string s) {
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

const std::vector<std::string>& fixed_columns() {
  static const std::vector<std::string> kColumns = {"layer",
                                                    "op",
                                                    "dataflow",
                                                    "macs",
                                                    "macs_issued",
                                                    "macs_gated",
                                                    "macs_skipped",
                                                    "cycles_total",
                                                    "cycles_compute",
                                                    "cycles_stall",
                                                    "time_ns",
                                                    "energy_pj_total",
                                                    "energy_pj_dynamic",
                                                    "energy_pj_leakage",
                                                    "utilization_pe",
                                                    "is_total",
                                                    "design",
                                                    "config_hash",
                                                    "overrides",
                                                    "area_mm2"};
  return kColumns;
}

/// The run-level cells every row repeats: metadata, then the area (is_total is per row).
std::vector<std::string> run_cells(const RunReport& r) {
  return {csv_field(r.meta.design), csv_field(r.meta.config_hash),
          csv_field(json(r.meta.overrides).dump()), format_double(r.area_total_um2() * 1e-6)};
}

/// area_mm2_<block> columns (run-level, the same on every row).
void add_area_cells(const RunReport& r, std::map<std::string, std::string>& cells) {
  for (const auto& [block, parts] : r.area_um2) {
    double sum = 0.0;
    for (const auto& [component, um2] : parts) sum += um2;
    const std::string column = "area_mm2_" + underscored(block);
    if (!cells.emplace(column, format_double(sum * 1e-6)).second)
      throw ModelError("report.csv column '" + column + "' is not unique");
  }
}

/// The power records (config section `power`): power_<block>_<figure>, with the block's dynamic
/// and leakage energy.
template <class Put>
void power_cells(const LayerReport& l, Put& put) {
  if (l.power.empty()) return;
  const auto by_module = energy_by_module(l);
  for (const auto& [block, b] : l.power) {
    const std::string col = "power_" + underscored(block) + "_", key = "power." + block + ".";
    put(col + "clock_gated_unit_cycles", key + "clock_gated_unit_cycles",
        std::to_string(b.clock_gated_unit_cycles));
    put(col + "power_gated_unit_cycles", key + "power_gated_unit_cycles",
        std::to_string(b.power_gated_unit_cycles));
    put(col + "wakeups", key + "wakeups", std::to_string(b.wakeups));
    put(col + "wakeup_pj", key + "wakeup_pj", format_double(b.wakeup_pj));
    put(col + "leakage_saved_pj", key + "leakage_saved_pj", format_double(b.leakage_saved_pj));
    double dynamic = 0.0, leakage = 0.0;
    const auto m = by_module.find(block);
    if (m != by_module.end())
      for (const auto& [action, pj] : m->second) (action == "leakage" ? leakage : dynamic) += pj;
    put(col + "dynamic_pj", "energy_pj.by_module." + block + " (dynamic)", format_double(dynamic));
    put(col + "leakage_pj", "energy_pj.by_module." + block + ".leakage", format_double(leakage));
  }
}

/// One row's dynamic columns: column name -> rendered value. Two source keys that map to the same
/// column (e.g. "sram.gbuf" and "sram_gbuf") are a model bug.
std::map<std::string, std::string> dynamic_cells(const LayerReport& l) {
  std::map<std::string, std::string> cells;
  std::map<std::string, std::string> source;  // column -> source key, for the clash message
  auto put = [&](const std::string& column, const std::string& from, std::string value) {
    auto [it, fresh] = source.emplace(column, from);
    if (!fresh)
      throw ModelError("report.csv column '" + column + "' comes from both '" + it->second +
                       "' and '" + from + "'");
    cells[column] = std::move(value);
  };
  for (const auto& [cause, n] : l.stall_by_cause)
    put("stall_" + underscored(cause), "stall_by_cause." + cause, std::to_string(n));
  if (l.dvfs) {
    put("dvfs_transitions", "dvfs.transitions", std::to_string(l.dvfs->transitions));
    put("dvfs_transition_ns", "dvfs.transition_ns", format_double(l.dvfs->time_ns));
    put("dvfs_transition_pj", "dvfs.transition_pj", format_double(l.dvfs->energy_pj));
  }
  for (const auto& [point, ns] : l.time_ns_at_point)
    put("time_ns_at_" + underscored(point), "time_ns_at_point." + point, format_double(ns));
  for (const auto& [point, pj] : l.energy_pj_at_point)
    put("energy_pj_at_" + underscored(point), "energy_pj_at_point." + point, format_double(pj));
  power_cells(l, put);
  for (const auto& [key, v] : l.utilization)
    if (key != "pe") put("utilization_" + underscored(key), "utilization." + key, format_double(v));
  for (const auto& [module, actions] : energy_by_module(l)) {
    double sum = 0.0;
    for (const auto& [action, pj] : actions) sum += pj;
    put("energy_pj_" + underscored(module), "energy." + module, format_double(sum));
  }
  for (const auto& [key, v] : l.sparsity)
    put("sparsity_" + underscored(key), "sparsity." + key, format_double(v));
  for (const auto& [key, n] : l.accesses) {
    const auto [module, counter] = split_access_key(key);
    put("access_" + underscored(module) + "_" + underscored(counter), "accesses." + key,
        std::to_string(n));
  }
  for (const auto& [key, n] : l.mirror_counts)
    put("mirror_" + underscored(key), "mirror." + key, std::to_string(n));
  for (const auto& [key, v] : l.mirror_reals)
    put("mirror_" + underscored(key), "mirror." + key, format_double(v));
  for (const std::string& fixed : fixed_columns())
    if (cells.count(fixed))
      throw ModelError("report.csv column '" + fixed + "' clashes with a fixed column");
  return cells;
}

std::vector<std::string> fixed_cells(const LayerReport& l) {
  const auto pe = l.utilization.find("pe");
  return {csv_field(l.name),
          csv_field(l.op),
          csv_field(l.dataflow),
          std::to_string(l.macs),
          std::to_string(l.macs_issued),
          std::to_string(l.macs_gated),
          std::to_string(l.macs_skipped),
          std::to_string(l.cycles_total),
          std::to_string(l.cycles_compute),
          std::to_string(l.cycles_stall),
          format_double(l.time_ns),
          format_double(l.energy_total_pj()),
          format_double(l.energy_dynamic_pj()),
          format_double(l.energy_leakage_pj()),
          format_double(pe == l.utilization.end() ? 0.0 : pe->second)};
}

// ---- summary table ------------------------------------------------------------------------

/// Keeps head and tail of a long name ("resnet50.layer4.1.co~v2") so layer indices stay visible.
std::string fit(const std::string& s, size_t width) {
  if (s.size() <= width) return s;
  const size_t tail = (width - 1) / 2;
  return s.substr(0, width - 1 - tail) + "~" + s.substr(s.size() - tail);
}

std::string table_line(const LayerReport& l) {
  const double stall_pct =
      l.cycles_total ? 100.0 * double(l.cycles_stall) / double(l.cycles_total) : 0.0;
  const auto pe = l.utilization.find("pe");
  char util[16];
  if (pe == l.utilization.end())
    std::snprintf(util, sizeof(util), "%s", "-");
  else
    std::snprintf(util, sizeof(util), "%.1f", 100.0 * pe->second);
  char line[256];
  std::snprintf(line, sizeof(line), "%-24s %-8s %-6s %14llu %14llu %7.1f %8s %12.4f\n",
                fit(l.name, 24).c_str(), fit(l.op, 8).c_str(), fit(l.dataflow, 6).c_str(),
                static_cast<unsigned long long>(l.macs),
                static_cast<unsigned long long>(l.cycles_total), stall_pct, util,
                l.energy_total_pj() / 1e6);
  return line;
}

/// {"total": mm2, "by_block": {block: {"total": mm2, component: mm2, ...}}}.
json area_json(const RunReport& r) {
  json by_block = json::object();
  for (const auto& [block, parts] : r.area_um2) {
    json b = json::object();
    double sum = 0.0;
    for (const auto& [component, um2] : parts) {
      if (component == "total")
        throw ModelError("area component name 'total' is reserved (block '" + block + "')");
      b[component] = um2 * 1e-6;
      sum += um2;
    }
    b["total"] = sum * 1e-6;
    by_block[block] = std::move(b);
  }
  return {{"total", r.area_total_um2() * 1e-6}, {"by_block", std::move(by_block)}};
}

}  // namespace

nlohmann::json report_to_json(const RunReport& r) {
  json meta = json::object();
  meta["version"] = r.meta.version;
  meta["config_hash"] = r.meta.config_hash;
  meta["workload_hash"] = r.meta.workload_hash;
  meta["seed"] = r.meta.seed;
  meta["fidelity"] = r.meta.fidelity;
  meta["arch"] = {{"name", r.meta.arch_name}, {"file", r.meta.arch_file}};
  meta["workload"] = {{"name", r.meta.workload_name}, {"file", r.meta.workload_file}};
  meta["pes"] = r.meta.pes;
  meta["clock"] = {{"freq_mhz", r.meta.freq_mhz}, {"voltage_v", r.meta.voltage_v}};
  if (!r.meta.inputs.empty()) {
    json ins = json::array();
    for (const auto& [file, hash] : r.meta.inputs) ins.push_back({{"file", file}, {"hash", hash}});
    meta["inputs"] = std::move(ins);
  }
  if (!r.meta.value_patterns.empty()) meta["value_patterns"] = r.meta.value_patterns;
  meta["overrides"] = r.meta.overrides;
  meta["arch"]["design"] = r.meta.design;

  json layers = json::array();
  for (const LayerReport& l : r.layers) layers.push_back(layer_json(l, true));

  json out = json::object();
  out["adasim"] = std::move(meta);
  out["layers"] = std::move(layers);
  out["total"] = layer_json(r.total(), false);
  if (const auto plan = dvfs_plan_check(r)) {
    json p = {{"plan_time_us", plan->plan_time_us},
              {"simulated_time_us", plan->simulated_time_us}};
    if (plan->deadline_us) {
      p["deadline_us"] = *plan->deadline_us;
      p["deadline_met"] = plan->deadline_met();
    }
    if (!plan->memory_point.empty()) p["memory_point"] = plan->memory_point;
    out["dvfs_plan"] = std::move(p);
  }
  out["area_mm2"] = area_json(r);
  return out;
}

std::string report_json_text(const RunReport& r) { return report_to_json(r).dump(2) + "\n"; }

std::string report_to_csv(const RunReport& r) {
  std::vector<const LayerReport*> rows;
  for (const LayerReport& l : r.layers) rows.push_back(&l);
  const LayerReport total = r.total();
  rows.push_back(&total);

  std::vector<std::map<std::string, std::string>> dynamic;
  std::set<std::string> columns;
  for (const LayerReport* l : rows) {
    dynamic.push_back(dynamic_cells(*l));
    add_area_cells(r, dynamic.back());
    for (const auto& [column, value] : dynamic.back()) columns.insert(column);
  }

  std::string out;
  bool first = true;
  for (const std::string& c : fixed_columns()) {
    out += first ? "" : ",";
    out += c;
    first = false;
  }
  for (const std::string& c : columns) out += "," + csv_field(c);
  out += '\n';

  const std::vector<std::string> run = run_cells(r);
  for (size_t i = 0; i < rows.size(); ++i) {
    first = true;
    std::vector<std::string> fixed = fixed_cells(*rows[i]);
    fixed.push_back(i + 1 == rows.size() ? "true" : "false");  // is_total: the last row
    fixed.insert(fixed.end(), run.begin(), run.end());
    for (const std::string& cell : fixed) {
      out += first ? "" : ",";
      out += cell;
      first = false;
    }
    for (const std::string& c : columns) {
      const auto it = dynamic[i].find(c);
      out += ",";
      out += it == dynamic[i].end() ? "0" : it->second;
    }
    out += '\n';
  }
  return out;
}

std::string summary_table(const RunReport& r) {
  char header[256];
  std::snprintf(header, sizeof(header), "%-24s %-8s %-6s %14s %14s %7s %8s %12s\n", "layer", "op",
                "df", "MACs", "cycles", "stall%", "PE util%", "energy uJ");
  const std::string rule(std::string(header).size() - 1, '-');
  std::string out = header + rule + "\n";
  for (const LayerReport& l : r.layers) out += table_line(l);
  out += rule + "\n";
  out += table_line(r.total());
  return out;
}

}  // namespace adasim::sim
