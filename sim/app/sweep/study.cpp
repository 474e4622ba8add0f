// SPDX-License-Identifier: Apache-2.0
// Study construction (study.hpp): points -> resolved configs, pre-run constraints, duplicates,
// work items.
#include "sim/app/sweep/study.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "arch/area/area_model.hpp"
#include "sim/app/run_metadata.hpp"
#include "sim/config/arch_config.hpp"
#include "sim/config/param_reader.hpp"
#include "sim/stats/report_writer.hpp"

namespace adasim::sim::sweep {
namespace {

using nlohmann::json;

std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return fnv1a64_hex(bytes.str());
}

std::string issues_text(const ConfigError& e) {
  std::string out;
  for (const InputIssue& i : e.issues()) {
    // The file is the base config of every point: name the pointer, value and expectation.
    out += (out.empty() ? "" : "; ") + (i.where.empty() ? std::string("/") : i.where) +
           ": expected " + i.expected + ", got " + i.value;
  }
  return out;
}

/// The pre-run constraint `point` breaks, or "".
std::string pre_run_violation(const SweepSpec& spec, const ResolvedPoint& p) {
  for (const Constraint& c : spec.constraints) {
    if (!is_pre_run(c.metric)) continue;
    const double v = c.metric == Metric::kAreaMm2   ? p.area_mm2
                     : c.metric == Metric::kSramKib ? p.sram_kib
                                                    : double(p.pes);
    if ((c.min && v < *c.min) || (c.max && v > *c.max))
      return std::string("constraint ") + c.pointer + " (" + to_string(c.metric) +
             (c.min ? " >= " + format_double(*c.min) : "") +
             (c.max ? " <= " + format_double(*c.max) : "") + "): " + format_double(v);
  }
  return "";
}

std::vector<std::string> column_names(const SweepSpec& spec) {
  std::vector<std::string> out;
  for (const Axis& a : spec.axes)
    if (std::find(out.begin(), out.end(), a.name) == out.end()) out.push_back(a.name);
  return out;
}

/// The axis of `name` that applies at `p` (else the first of that name).
const Axis* axis_named(const SweepSpec& spec, const Point& p, const std::string& name) {
  const Axis* first = nullptr;
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    if (spec.axes[a].name != name) continue;
    if (p.choice[a] >= 0) return &spec.axes[a];
    if (!first) first = &spec.axes[a];
  }
  return first;
}

ResolvedPoint resolve(const SweepSpec& spec, const std::vector<std::string>& names,
                      const json& base, const Point& pt) {
  ResolvedPoint r;
  r.point = pt;
  r.overrides = point_overrides(spec, pt);
  std::vector<std::string> sets = spec.set;
  sets.insert(sets.end(), r.overrides.begin(), r.overrides.end());
  try {
    const LoadedConfig cfg = parse_arch_config(base, spec.arch, sets);
    r.config_hash = fnv1a64_hex(canonical_text(cfg.resolved));
    r.design = design_name(cfg.spec);
    const arch::AreaBreakdown area =
        arch::accelerator_area(cfg.spec, arch::AreaTable(cfg.spec.area));
    r.area_mm2 = area.total_mm2();
    for (const auto& [block, parts] : area.by_block_um2())
      for (const auto& [component, um2] : parts) r.area_block_mm2[block] += um2 * 1e-6;
    for (const arch::SramLevelSpec& l : cfg.spec.sram) r.sram_kib += double(l.size_bytes) / 1024.0;
    r.pes = int64_t(cfg.spec.pe_array.rows) * cfg.spec.pe_array.cols;
    for (const std::string& n : names)
      r.columns.push_back(value_at(cfg.resolved, axis_named(spec, pt, n)->keys.front()));
    r.reason = pre_run_violation(spec, r);
    if (!r.reason.empty()) r.status = PointStatus::kInvalid;
  } catch (const ConfigError& e) {
    r.status = PointStatus::kInvalid;
    r.reason = issues_text(e);
    r.columns.clear();
    for (const std::string& n : names) {
      const Axis* a = axis_named(spec, pt, n);
      const int c = pt.choice[size_t(a - spec.axes.data())];
      r.columns.push_back(c >= 0 ? a->values[size_t(c)] : json());
    }
  }
  return r;
}

}  // namespace

const char* to_string(PointStatus s) {
  switch (s) {
    case PointStatus::kValid:
      return "valid";
    case PointStatus::kInvalid:
      return "invalid";
    case PointStatus::kDuplicate:
      return "duplicate";
  }
  return "?";
}

json value_at(const json& config, const std::string& dotted) {
  const json* cur = &config;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    const std::string seg = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (cur->is_object() && cur->contains(seg)) {
      cur = &(*cur)[seg];
    } else if (cur->is_array() && !seg.empty() &&
               seg.find_first_not_of("0123456789") == std::string::npos &&
               std::stoul(seg) < cur->size()) {
      cur = &(*cur)[std::stoul(seg)];
    } else {
      return json();
    }
    if (dot == std::string::npos) return *cur;
    start = dot + 1;
  }
}

Study build_study(SweepSpec spec) {
  Study s;
  s.columns = column_names(spec);
  const json base = read_json_file(spec.arch);
  const std::vector<Point> pts =
      spec.sampling == Sampling::kLatinHypercube ? latin_hypercube(spec) : enumerate_grid(spec);
  std::vector<ResolvedPoint> all;
  for (const Point& p : pts) all.push_back(resolve(spec, s.columns, base, p));
  if (spec.sampling == Sampling::kRandom) {
    // Draw among the valid points; every invalid point stays listed.
    std::vector<size_t> valid;
    for (size_t i = 0; i < all.size(); ++i)
      if (all[i].status == PointStatus::kValid) valid.push_back(i);
    std::vector<bool> keep(all.size(), false);
    for (size_t i = 0; i < all.size(); ++i) keep[i] = all[i].status != PointStatus::kValid;
    for (size_t k : sample_indices(valid.size(), size_t(spec.sample_count), spec.sample_seed))
      keep[valid[k]] = true;
    std::vector<ResolvedPoint> kept;
    for (size_t i = 0; i < all.size(); ++i)
      if (keep[i]) kept.push_back(std::move(all[i]));
    all = std::move(kept);
  }
  std::map<std::string, int64_t> first_of;
  for (size_t i = 0; i < all.size(); ++i) {
    ResolvedPoint& r = all[i];
    r.index = int64_t(i);
    if (r.status != PointStatus::kValid) continue;
    const auto [it, fresh] = first_of.emplace(r.config_hash, r.index);
    if (!fresh) {
      r.status = PointStatus::kDuplicate;
      r.reason = "same resolved config as point " + std::to_string(it->second);
    }
  }
  for (size_t w = 0; w < spec.workloads.size(); ++w)
    s.workload_keys.push_back(fnv1a64_hex(spec.normalized["workloads"][w].dump() + "\n" +
                                          file_digest(spec.workloads[w].path)));
  for (size_t i = 0; i < all.size(); ++i)
    if (all[i].status == PointStatus::kValid)
      for (size_t w = 0; w < spec.workloads.size(); ++w)
        s.items.push_back(WorkItem{i, w, all[i].config_hash + "-" + s.workload_keys[w]});
  s.points = std::move(all);
  s.digest = fnv1a64_hex(spec.normalized.dump());
  s.spec = std::move(spec);
  return s;
}

Shard parse_shard(const std::string& text) {
  const size_t slash = text.find('/');
  auto num = [](const std::string& t, int64_t& out) {
    const auto r = std::from_chars(t.data(), t.data() + t.size(), out);
    return r.ec == std::errc() && r.ptr == t.data() + t.size();
  };
  Shard s;
  if (slash == std::string::npos || !num(text.substr(0, slash), s.index) ||
      !num(text.substr(slash + 1), s.count) || s.count < 1 || s.index < 0 || s.index >= s.count)
    throw ConfigError(
        "command line", "--shard", text,
        "i/N with 0 <= i < N, e.g. 0/8 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
  return s;
}

}  // namespace adasim::sim::sweep
