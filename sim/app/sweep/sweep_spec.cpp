// SPDX-License-Identifier: Apache-2.0
// Sweep spec parser (sweep_spec.hpp): every issue is collected with its JSON pointer, then thrown
// once. Axis keys are checked against the base config with the --set walker, so a key that no
// point could ever set is a spec error, not a thousand invalid points.
#include "sim/app/sweep/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/app/sweep/axis_values.hpp"
#include "sim/app/value_source.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/param_reader.hpp"

namespace adasim::sim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct MetricName {
  Metric metric;
  const char* name;
  const char* column;
  bool pre_run;
};

constexpr MetricName kMetrics[] = {
    {Metric::kAreaMm2, "area", "area_mm2", true},
    {Metric::kSramKib, "sram_kib", "sram_kib", true},
    {Metric::kPes, "pes", "pes", true},
    {Metric::kLatencyNs, "latency", "time_ns", false},
    {Metric::kCycles, "cycles", "cycles_total", false},
    {Metric::kEnergyPj, "energy", "energy_pj_total", false},
    {Metric::kPowerMw, "power", "power_mw", false},
    {Metric::kEdp, "edp", "edp_pj_ns", false},
};

const MetricName& info(Metric m) {
  for (const MetricName& n : kMetrics)
    if (n.metric == m) return n;
  return kMetrics[0];
}

std::vector<std::string> metric_names() {
  std::vector<std::string> out;
  for (const MetricName& n : kMetrics) out.push_back(n.name);
  return out;
}

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  const fs::path path(p);
  if (path.is_absolute() || base_dir.empty()) return path.lexically_normal().string();
  return (fs::path(base_dir) / path).lexically_normal().string();
}

std::vector<std::string> string_list(ParamReader& r, const std::string& key, bool non_empty) {
  std::vector<std::string> out;
  if (!r.has(key)) return out;
  const json& arr = r.node()[key];
  const std::string what = std::string(non_empty ? "a non-empty" : "an") + " array of strings";
  if (!arr.is_array() || (non_empty && arr.empty())) {
    r.issue(r.ptr(key), render(arr), what);
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string s;
    if (!decode(arr[i], s) || s.empty())
      r.issue(pointer_append(r.ptr(key), std::to_string(i)), render(arr[i]), "a non-empty string");
    else
      out.push_back(s);
  }
  return out;
}

WorkloadSpec parse_workload(ParamReader& w, const std::string& base_dir) {
  WorkloadSpec out;
  w.reject_unknown(spec_keys("workload"));
  if (auto p = w.required<std::string>("path", non_empty_string())) {
    out.path = resolve_path(base_dir, *p);
    if (!fs::is_regular_file(out.path))
      w.issue(w.ptr("path"), render(*p), "a readable workload file (resolved: " + out.path + ")");
    out.name = fs::path(*p).stem().string();
  }
  if (auto n = w.get_or<std::string>("name", out.name.empty() ? "workload" : out.name,
                                     non_empty_string()))
    out.name = *n;
  if (auto f = w.enum_of("format", {"auto", "json", "onnx", "scalesim"}, "auto")) out.format = *f;
  if (auto b = w.get_or<int64_t>("batch", 0, int_in(0, 1 << 20))) out.batch = *b;
  if (auto s = w.get_or<int64_t>("seed", 1, int_at_least(0))) out.seed = uint64_t(*s);
  if (auto e = w.get_or<bool>("act_every_layer", false, any_bool())) out.act_every_layer = *e;
  for (const char* key : {"weight_sparsity", "act_sparsity"}) {
    if (!w.has(key)) continue;
    std::string text;
    if (!decode(w.node()[key], text)) {
      w.issue(w.ptr(key), render(w.node()[key]), "a string: uniform:D, channel:D or nm:N:M");
      continue;
    }
    try {
      parse_sparsity_option(key, text);
    } catch (const ConfigError& e) {
      w.issue(w.ptr(key), render(w.node()[key]), e.issues().front().expected);
      continue;
    }
    (std::string(key) == "weight_sparsity" ? out.weight_sparsity : out.act_sparsity) = text;
  }
  return out;
}

void parse_workloads(ParamReader& root, SweepSpec& out, const std::string& base_dir) {
  const json& arr = root.node()["workloads"];
  if (!root.has("workloads") || !arr.is_array() || arr.empty()) {
    root.issue(root.ptr("workloads"), root.has("workloads") ? render(arr) : kMissingValue,
               "a non-empty array of workload objects");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ptr = pointer_append(root.ptr("workloads"), std::to_string(i));
    if (!arr[i].is_object()) {
      root.issue(ptr, render(arr[i]), "a workload object {\"path\": ...}");
      continue;
    }
    ParamReader w(root.node()["workloads"][i], ptr, root.file(), root.issues());
    WorkloadSpec wl = parse_workload(w, base_dir);
    if (!names.insert(wl.name).second)
      w.issue(w.ptr("name"), render(wl.name),
              "a workload name not used before (names are the "
              "`workload` column; give each entry a \"name\")");
    out.workloads.push_back(std::move(wl));
  }
}

std::optional<Metric> metric_at(ParamReader& r, const std::string& ptr, const json& v) {
  std::string s;
  if (decode(v, s))
    if (auto m = metric_from_string(s)) return m;
  r.issue(ptr, render(v), "one of " + quoted_list(metric_names()));
  return std::nullopt;
}

void parse_constraints(ParamReader& root, SweepSpec& out) {
  if (!root.has("constraints")) return;
  const json& arr = root.node()["constraints"];
  if (!arr.is_array()) {
    root.issue(root.ptr("constraints"), render(arr), "an array of {\"metric\", \"min\", \"max\"}");
    return;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ptr = pointer_append(root.ptr("constraints"), std::to_string(i));
    if (!arr[i].is_object()) {
      root.issue(ptr, render(arr[i]), "an object {\"metric\": ..., \"max\": ...}");
      continue;
    }
    ParamReader c(root.node()["constraints"][i], ptr, root.file(), root.issues());
    c.reject_unknown(spec_keys("constraint"));
    Constraint con{Metric::kAreaMm2, std::nullopt, std::nullopt, ptr};
    const auto m =
        c.has("metric") ? metric_at(c, c.ptr("metric"), c.node()["metric"]) : std::nullopt;
    if (!c.has("metric"))
      c.issue(c.ptr("metric"), kMissingValue, "one of " + quoted_list(metric_names()));
    for (const char* bound : {"min", "max"})
      if (c.has(bound))
        if (auto v = c.required<double>(bound, {"number", {}}))
          (std::string(bound) == "min" ? con.min : con.max) = *v;
    if (!c.has("min") && !c.has("max"))
      c.issue(ptr, render(arr[i]), "a \"min\" or a \"max\" (or both)");
    if (con.min && con.max && *con.min > *con.max)
      c.issue(c.ptr("max"), render(c.node()["max"]), "a number >= \"min\"");
    if (m) {
      con.metric = *m;
      out.constraints.push_back(con);
    }
  }
}

void parse_sampling(ParamReader& root, SweepSpec& out) {
  if (!root.has("sampling")) return;
  auto s = root.object("sampling", false);
  if (!s) return;
  s->reject_unknown(spec_keys("sampling"));
  if (auto m = s->enum_of("method", {"random", "lhs"}))
    out.sampling = *m == "random" ? Sampling::kRandom : Sampling::kLatinHypercube;
  if (auto c = s->required<int64_t>("count", int_in(1, 10000000))) out.sample_count = *c;
  if (auto seed = s->get_or<int64_t>("seed", 1, int_at_least(0))) out.sample_seed = uint64_t(*seed);
}

void parse_objectives(ParamReader& root, SweepSpec& out) {
  if (!root.has("objectives")) {
    root.node()["objectives"] = json::array({"latency", "energy"});
    return;
  }
  const json& arr = root.node()["objectives"];
  if (!arr.is_array() || arr.empty()) {
    root.issue(root.ptr("objectives"), render(arr), "a non-empty array of metric names");
    return;
  }
  out.objectives.clear();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string ptr = pointer_append(root.ptr("objectives"), std::to_string(i));
    if (auto m = metric_at(root, ptr, arr[i])) {
      if (std::find(out.objectives.begin(), out.objectives.end(), *m) != out.objectives.end())
        root.issue(ptr, render(arr[i]), "an objective not listed before");
      else
        out.objectives.push_back(*m);
    }
  }
}

}  // namespace

// Axes are parsed in sweep_axes.cpp.
void parse_axes(ParamReader& root, SweepSpec& out);
void check_axis_keys(const SweepSpec& spec, std::vector<InputIssue>& issues);

const std::vector<std::string>& spec_keys(const std::string& object) {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"",
       {"arch", "axes", "combine", "constraints", "fidelity", "name", "objectives", "sampling",
        "set", "sweep_version", "values", "workloads"}},
      {"workload",
       {"act_every_layer", "act_sparsity", "batch", "format", "name", "path", "seed",
        "weight_sparsity"}},
      {"axis", {"group", "key", "keys", "log", "name", "pow2", "range", "values", "when"}},
      {"range", {"from", "step", "to"}},
      {"pow2", {"from", "to"}},
      {"log", {"count", "from", "to"}},
      {"constraint", {"max", "metric", "min"}},
      {"sampling", {"count", "method", "seed"}},
  };
  return kKeys.at(object);
}

std::optional<Metric> metric_from_string(const std::string& s) {
  for (const MetricName& n : kMetrics)
    if (s == n.name) return n.metric;
  return std::nullopt;
}
const char* to_string(Metric m) { return info(m).name; }
const char* column_of(Metric m) { return info(m).column; }
bool is_pre_run(Metric m) { return info(m).pre_run; }

SweepSpec parse_sweep_spec(const json& j_in, const std::string& file, const std::string& base_dir) {
  json j = j_in;
  std::vector<InputIssue> issues;
  if (!j.is_object()) throw ConfigError(file, "/", render(j), "a JSON object (the sweep spec)");
  SweepSpec out;
  out.file = file;
  ParamReader root(j, "", file, issues);
  root.reject_unknown(spec_keys(""));
  root.required<int64_t>("sweep_version", {"integer " + std::to_string(kSweepVersion) +
                                               " (the only sweep_version this build reads)",
                                           [](const int64_t& v) { return v == kSweepVersion; }});
  const std::string stem = fs::path(file).stem().string();
  if (auto n = root.get_or<std::string>("name", stem.empty() ? "sweep" : stem, non_empty_string()))
    out.name = *n;
  if (auto a = root.required<std::string>("arch", non_empty_string())) {
    out.arch = resolve_path(base_dir, *a);
    if (!fs::is_regular_file(out.arch))
      root.issue(root.ptr("arch"), render(*a),
                 "a readable architecture config (resolved: " + out.arch + ")");
  }
  out.set = string_list(root, "set", false);
  parse_workloads(root, out, base_dir);
  root.enum_of("combine", {"product", "zip"}, "product");
  if (auto f = root.enum_of("fidelity", {"fast", "cycle"}, "fast")) out.fidelity = *f;
  if (root.has("values"))
    if (auto v = root.required<bool>("values", any_bool())) out.values = *v;
  if (!out.values)
    for (InputIssue& i : timing_only_issues(out, "\"values\": false")) issues.push_back(i);
  parse_axes(root, out);
  parse_constraints(root, out);
  parse_sampling(root, out);
  parse_objectives(root, out);
  if (!out.arch.empty() && fs::is_regular_file(out.arch)) check_axis_keys(out, issues);
  if (!issues.empty()) throw ConfigError(std::move(issues));
  out.normalized = std::move(j);
  return out;
}

std::vector<InputIssue> timing_only_issues(const SweepSpec& spec, const std::string& why) {
  std::vector<InputIssue> out;
  const std::string expected = "no generated zero pattern with " + why +
                               " (timing only: its timing depends on values the runs do not "
                               "compute)";
  for (size_t i = 0; i < spec.workloads.size(); ++i) {
    const WorkloadSpec& w = spec.workloads[i];
    const std::string ptr = "/workloads/" + std::to_string(i) + "/";
    if (!w.weight_sparsity.empty())
      out.push_back({spec.file, ptr + "weight_sparsity", render(w.weight_sparsity), expected});
    if (!w.act_sparsity.empty())
      out.push_back({spec.file, ptr + "act_sparsity", render(w.act_sparsity), expected});
    if (w.act_every_layer) out.push_back({spec.file, ptr + "act_every_layer", "true", expected});
  }
  return out;
}

SweepSpec load_sweep_spec(const std::string& path) {
  return parse_sweep_spec(read_json_file(path), path, fs::path(path).parent_path().string());
}

}  // namespace adasim::sim::sweep
