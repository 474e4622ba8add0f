// SPDX-License-Identifier: Apache-2.0
// Sweep result rows and their CSVs (results_table.hpp).
#include "sim/app/sweep/results_table.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sim/app/sweep/pareto.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/report_writer.hpp"

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

// Columns of a report's layer or total, named as in report.csv.
const std::vector<std::string> kMetricColumns = {
    "cycles_total",    "cycles_compute",    "cycles_stall",      "time_ns",       "macs",
    "energy_pj_total", "energy_pj_dynamic", "energy_pj_leakage", "utilization_pe"};
// Columns only results.csv has.
const std::vector<std::string> kRunColumns = {"power_mw", "edp_pj_ns", "area_mm2", "sram_kib",
                                              "pes"};
const std::vector<std::string> kLeadColumns = {"point", "workload"};
const std::vector<std::string> kIdColumns = {"config_hash", "design", "status", "feasible",
                                             "pareto"};
const std::vector<std::string> kTrailColumns = {"violations", "error"};
const std::vector<std::string> kLayerIdColumns = {"config_hash", "layer", "op", "dataflow"};
const std::vector<std::string> kDynamicPrefixes = {"energy_pj_", "area_mm2_", "stall_",
                                                   "utilization_"};

std::string underscored(std::string s) {
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

/// Nested utilization objects flattened: {"sram": {"gbuf": x}} -> utilization_sram_gbuf.
void flatten_into(const json& obj, const std::string& prefix, json& cells) {
  for (const auto& item : obj.items()) {
    const std::string name = prefix + "_" + underscored(item.key());
    if (item.value().is_object())
      flatten_into(item.value(), name, cells);
    else
      cells[name] = item.value();
  }
}

/// The report.csv-named cells of one report entry (a layer or the total).
json metric_cells(const json& e) {
  json c = json::object();
  const json& cyc = e.at("cycles");
  c["cycles_total"] = cyc.at("total");
  c["cycles_compute"] = cyc.at("compute");
  c["cycles_stall"] = cyc.at("stall");
  for (const auto& item : cyc.at("stall_by_cause").items())
    c["stall_" + underscored(item.key())] = item.value();
  c["time_ns"] = e.at("time_ns");
  c["macs"] = e.at("macs");
  const json& en = e.at("energy_pj");
  c["energy_pj_total"] = en.at("total");
  c["energy_pj_dynamic"] = en.at("dynamic");
  c["energy_pj_leakage"] = en.at("leakage");
  for (const auto& item : en.at("by_module").items())
    c["energy_pj_" + underscored(item.key())] = item.value().at("total");
  flatten_into(e.at("utilization"), "utilization", c);
  if (!c.contains("utilization_pe")) c["utilization_pe"] = 0.0;
  return c;
}

json base_row(const Study& s, const WorkItem& item) {
  const ResolvedPoint& p = s.points[item.point];
  json axes = json::object();
  for (size_t k = 0; k < s.columns.size(); ++k) axes[s.columns[k]] = p.columns[k];
  json cells = json::object();
  cells["config_hash"] = p.config_hash;
  cells["design"] = p.design;
  cells["area_mm2"] = p.area_mm2;
  for (const auto& [block, mm2] : p.area_block_mm2) cells["area_mm2_" + underscored(block)] = mm2;
  cells["sram_kib"] = p.sram_kib;
  cells["pes"] = p.pes;
  return {{"key", item.key},
          {"point", p.index},
          {"workload", s.spec.workloads[item.workload].name},
          {"workload_index", item.workload},
          {"axes", std::move(axes)},
          {"cells", std::move(cells)}};
}

std::string cell_text(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) return format_double(v.get<double>());
  return csv_field(v.dump());
}

void sort_rows(std::vector<json>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::make_pair(a.at("point").get<int64_t>(), a.at("workload_index").get<int64_t>()) <
           std::make_pair(b.at("point").get<int64_t>(), b.at("workload_index").get<int64_t>());
  });
}

/// Header + lines: fixed columns, then the sorted union of the other cell names, then `trail`.
/// `cells_of(row)` gives each line's cells (axis values are looked up in `axes`).
template <class Lines>
std::string render_table(const TableLayout& layout, const std::vector<std::string>& id,
                         const std::vector<std::string>& metrics,
                         const std::vector<std::string>& trail, const Lines& lines) {
  std::set<std::string> fixed(id.begin(), id.end());
  fixed.insert(metrics.begin(), metrics.end());
  fixed.insert(trail.begin(), trail.end());
  std::set<std::string> dynamic;
  for (const auto& [axes, cells] : lines)
    for (const auto& item : cells->items())
      if (!fixed.count(item.key())) dynamic.insert(item.key());
  std::vector<std::string> header = kLeadColumns;
  header.insert(header.end(), layout.axis_columns.begin(), layout.axis_columns.end());
  for (const auto* part : {&id, &metrics}) header.insert(header.end(), part->begin(), part->end());
  header.insert(header.end(), dynamic.begin(), dynamic.end());
  header.insert(header.end(), trail.begin(), trail.end());
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + csv_field(header[i]);
  out += '\n';
  const size_t n_axes = layout.axis_columns.size();
  for (const auto& [row, cells] : lines) {
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string& h = header[i];
      json v;
      if (i < kLeadColumns.size())
        v = row->at(h);
      else if (i < kLeadColumns.size() + n_axes)
        v = row->at("axes").value(h, json());
      else
        v = cells->value(h, json());
      out += (i ? "," : "") + cell_text(v);
    }
    out += '\n';
  }
  return out;
}

}  // namespace

json TableLayout::to_json() const {
  json obj = json::array();
  for (Metric m : objectives) obj.push_back(to_string(m));
  return {{"axis_columns", axis_columns}, {"workloads", workloads}, {"objectives", obj}};
}

TableLayout TableLayout::from_json(const json& j) {
  TableLayout t;
  t.axis_columns = j.at("axis_columns").get<std::vector<std::string>>();
  t.workloads = j.at("workloads").get<std::vector<std::string>>();
  for (const json& o : j.at("objectives"))
    if (auto m = metric_from_string(o.get<std::string>())) t.objectives.push_back(*m);
  return t;
}

TableLayout layout_of(const Study& s) {
  TableLayout t;
  t.axis_columns = s.columns;
  for (const WorkloadSpec& w : s.spec.workloads) t.workloads.push_back(w.name);
  t.objectives = s.spec.objectives;
  return t;
}

bool is_reserved_column(const std::string& name) {
  for (const auto* list : {&kMetricColumns, &kRunColumns, &kLeadColumns, &kIdColumns,
                           &kTrailColumns, &kLayerIdColumns})
    if (std::find(list->begin(), list->end(), name) != list->end()) return true;
  for (const std::string& p : kDynamicPrefixes)
    if (name.compare(0, p.size(), p) == 0) return true;
  return false;
}

json ok_row(const Study& s, const WorkItem& item, const json& report, bool with_layers) {
  json row = base_row(s, item);
  json& cells = row["cells"];
  const std::string hash = report.at("adasim").at("config_hash").get<std::string>();
  if (hash != cells["config_hash"])
    throw ModelError("sweep: the worker's config hash " + hash + " is not the point's " +
                     cells["config_hash"].get<std::string>());
  cells.update(metric_cells(report.at("total")));
  const double e = cells["energy_pj_total"].get<double>(), t = cells["time_ns"].get<double>();
  cells["power_mw"] = t > 0 ? json(e / t) : json();
  cells["edp_pj_ns"] = e * t;
  std::string violations;
  for (const Constraint& c : s.spec.constraints) {
    if (is_pre_run(c.metric)) continue;
    const json& v = cells[column_of(c.metric)];
    const double x = v.is_number() ? v.get<double>() : std::nan("");
    if ((c.min && !(x >= *c.min)) || (c.max && !(x <= *c.max)))
      violations += std::string(violations.empty() ? "" : "; ") + to_string(c.metric) +
                    (c.min ? " >= " + format_double(*c.min) : "") +
                    (c.max ? " <= " + format_double(*c.max) : "") + ": " + cell_text(v);
  }
  cells["status"] = "ok";
  cells["feasible"] = violations.empty();
  cells["violations"] = violations;
  if (with_layers) {
    json layers = json::array();
    for (const json& l : report.at("layers")) {
      json c = metric_cells(l);
      c["config_hash"] = hash;
      c["layer"] = l.at("name");
      c["op"] = l.at("op");
      c["dataflow"] = l.value("dataflow", "");
      layers.push_back(std::move(c));
    }
    row["layers"] = std::move(layers);
  }
  return row;
}

json error_row(const Study& s, const WorkItem& item, int exit_code, const std::string& message) {
  json row = base_row(s, item);
  row["cells"]["status"] = "error";
  row["cells"]["feasible"] = false;
  row["cells"]["error"] = "exit " + std::to_string(exit_code) + ": " + message;
  return row;
}

std::string results_csv(const TableLayout& layout, std::vector<json> rows) {
  sort_rows(rows);
  // Pareto flags per workload, among rows that ran and met every constraint.
  std::map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < rows.size(); ++i) {
    json& c = rows[i]["cells"];
    c["pareto"] = false;
    if (c.value("status", "") != "ok" || !c.value("feasible", false)) continue;
    members[rows[i].at("workload").get<std::string>()].push_back(i);
  }
  for (const auto& [wl, idx] : members) {
    std::vector<std::vector<double>> values;
    std::vector<size_t> used;
    for (size_t i : idx) {
      std::vector<double> v;
      for (Metric m : layout.objectives) {
        const json& x = rows[i]["cells"].value(column_of(m), json());
        v.push_back(x.is_number() ? x.get<double>() : std::nan(""));
      }
      if (std::any_of(v.begin(), v.end(), [](double d) { return std::isnan(d); })) continue;
      values.push_back(std::move(v));
      used.push_back(i);
    }
    const std::vector<bool> opt = pareto_optimal(values);
    for (size_t k = 0; k < used.size(); ++k) rows[used[k]]["cells"]["pareto"] = bool(opt[k]);
  }
  std::vector<std::pair<const json*, const json*>> lines;
  for (const json& r : rows) lines.emplace_back(&r, &r.at("cells"));
  std::vector<std::string> metrics = kMetricColumns;
  metrics.insert(metrics.end(), kRunColumns.begin(), kRunColumns.end());
  return render_table(layout, kIdColumns, metrics, kTrailColumns, lines);
}

std::string layers_csv(const TableLayout& layout, std::vector<json> rows) {
  sort_rows(rows);
  std::vector<std::pair<const json*, const json*>> lines;
  for (const json& r : rows)
    if (r.contains("layers"))
      for (const json& l : r.at("layers")) lines.emplace_back(&r, &l);
  return render_table(layout, kLayerIdColumns, kMetricColumns, {}, lines);
}

std::string points_csv(const Study& s) {
  std::string out = "point";
  for (const std::string& c : s.columns) out += "," + csv_field(c);
  out += ",status,reason,config_hash,design,area_mm2,sram_kib,pes,overrides\n";
  for (const ResolvedPoint& p : s.points) {
    out += std::to_string(p.index);
    for (const json& v : p.columns) out += "," + cell_text(v);
    const bool resolved = !p.config_hash.empty();
    out +=
        std::string(",") + to_string(p.status) + "," + csv_field(p.reason) + "," + p.config_hash +
        "," + csv_field(p.design) + "," + (resolved ? format_double(p.area_mm2) : "") + "," +
        (resolved ? format_double(p.sram_kib) : "") + "," +
        (resolved ? std::to_string(p.pes) : "") + "," + csv_field(json(p.overrides).dump()) + "\n";
  }
  return out;
}

}  // namespace adasim::sim::sweep
