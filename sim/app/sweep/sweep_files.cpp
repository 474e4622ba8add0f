// SPDX-License-Identifier: Apache-2.0
// Sweep manifest and shard merge (sweep_files.hpp).
#include "sim/app/sweep/sweep_files.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "sim/app/sweep/journal.hpp"
#include "sim/app/sweep/results_table.hpp"
#include "sim/core/errors.hpp"
#include "sim/stats/report_writer.hpp"

namespace adasim::sim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Input {
  std::string dir;
  json manifest;
  std::vector<json> rows;
};

std::string item_name(const json& item) {
  return "point " + std::to_string(item.value("point", int64_t(-1))) + " / " +
         item.value("workload", std::string("?"));
}

/// Reads one shard folder; problems go to `problems`.
bool read_input(const std::string& dir, Input& in, std::vector<std::string>& problems) {
  in.dir = dir;
  const fs::path m = fs::path(dir) / "sweep.json";
  if (!fs::is_regular_file(m)) {
    problems.push_back(dir + ": no sweep.json (not a folder written by adasim sweep)");
    return false;
  }
  in.manifest = json::parse(read_text_file(m.string()), nullptr, false);
  if (in.manifest.is_discarded() || !in.manifest.contains("digest") ||
      !in.manifest.contains("shard")) {
    problems.push_back(dir + "/sweep.json: not a sweep manifest");
    return false;
  }
  in.rows = read_journal((fs::path(dir) / "results.jsonl").string());
  return true;
}

/// Items of each input with no row, and keys seen in two inputs.
void check_items(const std::vector<Input>& ins, std::map<std::string, json>& merged,
                 std::vector<std::string>& problems) {
  std::map<std::string, std::string> owner;
  for (const Input& in : ins) {
    std::map<std::string, const json*> have;
    for (const json& r : in.rows) have.emplace(r.at("key").get<std::string>(), &r);
    std::vector<std::string> missing;
    size_t expected = 0;
    for (const json& item : in.manifest.at("items")) {
      ++expected;
      const std::string key = item.at("key").get<std::string>();
      const auto it = have.find(key);
      if (it == have.end()) {
        missing.push_back(item_name(item));
        continue;
      }
      const auto [o, fresh] = owner.emplace(key, in.dir);
      if (!fresh) {
        problems.push_back(item_name(item) + " has rows in both " + o->second + " and " + in.dir);
        continue;
      }
      merged[key] = *it->second;
    }
    if (!missing.empty()) {
      std::string list;
      for (size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
      if (missing.size() > 20) list += ", ...";
      problems.push_back("shard " + in.manifest["shard"].value("label", "?") + " (" + in.dir +
                         "): " + std::to_string(missing.size()) + " of " +
                         std::to_string(expected) + " items have no row (" + list +
                         "); rerun that shard to finish it");
    }
  }
}

}  // namespace

json manifest(const Study& s, const Shard& shard) {
  json items = json::array();
  for (size_t i = 0; i < s.items.size(); ++i)
    if (shard.takes(i))
      items.push_back({{"key", s.items[i].key},
                       {"point", s.points[s.items[i].point].index},
                       {"workload", s.spec.workloads[s.items[i].workload].name}});
  return {{"adasim", ADASIM_VERSION},
          {"name", s.spec.name},
          {"digest", s.digest},
          {"spec", s.spec.normalized},
          {"layout", layout_of(s).to_json()},
          {"shard", {{"index", shard.index}, {"count", shard.count}, {"label", shard.label()}}},
          {"items", std::move(items)}};
}

int merge_sweeps(const MergeOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<std::string> problems;
  std::vector<Input> ins;
  for (const std::string& d : o.inputs) {
    Input in;
    if (read_input(d, in, problems)) ins.push_back(std::move(in));
  }
  if (ins.empty()) problems.push_back("no shard folder to merge");
  std::map<int64_t, std::string> shards;
  const int64_t count = ins.empty() ? 0 : ins.front().manifest["shard"].value("count", int64_t(0));
  for (const Input& in : ins) {
    if (in.manifest["digest"] != ins.front().manifest["digest"])
      problems.push_back(in.dir + " ran another spec than " + ins.front().dir + " (digest " +
                         in.manifest["digest"].get<std::string>() + " vs " +
                         ins.front().manifest["digest"].get<std::string>() + ")");
    const json& sh = in.manifest["shard"];
    if (sh.value("count", int64_t(0)) != count)
      problems.push_back(in.dir + " is shard " + sh.value("label", "?") + ", not one of " +
                         std::to_string(count));
    const auto [it, fresh] = shards.emplace(sh.value("index", int64_t(-1)), in.dir);
    if (!fresh)
      problems.push_back("shard " + sh.value("label", "?") + " given twice: " + it->second +
                         " and " + in.dir);
  }
  for (int64_t i = 0; i < count; ++i)
    if (!shards.count(i))
      problems.push_back("shard " + std::to_string(i) + "/" + std::to_string(count) +
                         " missing: no folder given holds it");
  std::map<std::string, json> merged;
  check_items(ins, merged, problems);
  for (const std::string& p : problems) err << "sweep merge: " << p << "\n";
  if (ins.empty() || (!problems.empty() && !o.allow_incomplete)) return kExitConfig;

  std::vector<json> rows;
  std::string journal;
  for (auto& [key, r] : merged) rows.push_back(r);
  const TableLayout layout = TableLayout::from_json(ins.front().manifest.at("layout"));
  for (const json& r : rows) journal += r.dump() + "\n";
  json m = ins.front().manifest;
  json items = json::array();
  for (const Input& in : ins)
    for (const json& item : in.manifest["items"]) items.push_back(item);
  m["items"] = std::move(items);
  m["shard"] = {{"index", 0}, {"count", 1}, {"label", "0/1"}, {"merged_from", o.inputs}};
  std::vector<std::pair<std::string, std::string>> files = {
      {"results.jsonl", journal},
      {"results.csv", results_csv(layout, rows)},
      {"points.csv", read_text_file((fs::path(ins.front().dir) / "points.csv").string())},
      {"sweep.json", m.dump(2) + "\n"}};
  bool any_layers = false;
  for (const json& r : rows) any_layers = any_layers || r.contains("layers");
  if (any_layers) files.push_back({"layers.csv", layers_csv(layout, rows)});
  write_files_atomically(o.out, files);
  out << "sweep merge: " << rows.size() << " rows from " << ins.size() << " shard folder(s) into "
      << o.out << (problems.empty() ? "" : " (incomplete)") << "\n";
  return problems.empty() ? kExitOk : kExitConfig;
}

}  // namespace adasim::sim::sweep
