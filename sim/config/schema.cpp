// SPDX-License-Identifier: Apache-2.0
// The architecture-config key tree and the "did you mean" helper used by unknown-key errors.
#include "sim/config/schema.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "arch/area/area_table.hpp"
#include "arch/energy/energy_table.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim {
namespace {

SchemaNode leaf(std::string name) { return SchemaNode{std::move(name), SchemaNode::Kind::kLeaf, {}, {}}; }

SchemaNode object(std::string name, std::vector<SchemaNode> fields) {
  return SchemaNode{std::move(name), SchemaNode::Kind::kObject, std::move(fields), {}};
}

SchemaNode array_of(std::string name, SchemaNode element) {
  return SchemaNode{std::move(name), SchemaNode::Kind::kArray, {std::move(element)}, {}};
}

std::vector<SchemaNode> leaves(std::initializer_list<const char*> names) {
  std::vector<SchemaNode> out;
  for (const char* n : names) out.push_back(leaf(n));
  return out;
}

SchemaNode build_schema() {
  std::vector<std::string> energy_keys;
  for (const auto& doc : arch::EnergyTable::keys()) energy_keys.push_back(doc.key);

  std::vector<SchemaNode> level = leaves({"name", "size_kib", "word_bits", "banks", "read_ports",
                                          "write_ports", "double_buffered", "ideal"});
  level.push_back(array_of("holds", leaf("")));
  SchemaNode sram_level = object("", std::move(level));

  std::vector<SchemaNode> pe = leaves({"rows", "cols", "dataflow", "mac_bits", "accum_bits",
                                       "weight_double_buffer", "output_double_buffer",
                                       "timing_convention", "vector_lanes", "kind", "rf_bytes",
                                       "precision_scalable"});
  pe.push_back(array_of("dataflows", leaf("")));

  std::vector<SchemaNode> clock =
      leaves({"name", "freq_mhz", "voltage_v", "policy", "transition_ns"});
  clock.push_back(array_of("operating_points", object("", leaves({"freq_mhz", "voltage_v"}))));

  SchemaNode overrides{"overrides", SchemaNode::Kind::kMap, {}, energy_keys};
  std::vector<std::string> area_keys;
  for (const auto& doc : arch::AreaTable::keys()) area_keys.push_back(doc.key);

  return object(
      "", {leaf("schema_version"), leaf("name"), object("pe_array", std::move(pe)),
           object("memory",
                  {array_of("sram", std::move(sram_level)),
                   object("dram", leaves({"bandwidth_gb_per_s", "latency_ns", "burst_bytes",
                                          "ideal"}))}),
           object("noc", leaves({"type", "multicast", "link_width_bits", "latency_cycles"})),
           object("clock", std::move(clock)),
           object("energy", {leaf("reference_voltage_v"), leaf("scale"), std::move(overrides),
                             object("per_access", leaves({"mac", "rf", "noc", "gbuf", "dram"}))}),
           object("area", {leaf("scale"),
                           SchemaNode{"overrides", SchemaNode::Kind::kMap, {}, area_keys}}),
           object("mapper", {leaf("objective"), leaf("loop_order"), leaf("chunk_len"),
                             object("factors", leaves({"dram", "gbuf", "array", "rf"})),
                             array_of("dram_order", leaf(""))}),
           object("sparsity", {leaf("mode"), array_of("operands", leaf("")),
                               SchemaNode{"layers", SchemaNode::Kind::kMap, {}, {}},
                               object("storage", leaves({"ifmap", "weight", "ofmap", "rle_run_bits",
                                                         "nm_n", "nm_m"})),
                               object("structured", {leaf("n"), leaf("m"), array_of("layers", leaf("")), leaf("unfit")})})});
}

}  // namespace

const SchemaNode* SchemaNode::find(const std::string& key) const {
  if (kind != Kind::kObject) return nullptr;
  for (const auto& c : children)
    if (c.name == key) return &c;
  return nullptr;
}

const SchemaNode& SchemaNode::at(const std::string& key) const {
  const SchemaNode* n = find(key);
  if (!n) throw ModelError("config schema has no key '" + key + "' under '" + name + "'");
  return *n;
}

const SchemaNode& SchemaNode::element() const {
  if (kind != Kind::kArray || children.size() != 1)
    throw ModelError("config schema node '" + name + "' is not an array");
  return children.front();
}

std::vector<std::string> SchemaNode::keys() const {
  std::vector<std::string> out;
  if (kind == Kind::kObject)
    for (const auto& c : children) out.push_back(c.name);
  if (kind == Kind::kMap) out = map_keys;
  std::sort(out.begin(), out.end());
  return out;
}

const SchemaNode& arch_schema() {
  static const SchemaNode root = build_schema();
  return root;
}


std::string unknown_key_expectation(const std::string& key, const std::string& owner,
                                    const std::vector<std::string>& known) {
  std::string out = "a known key of " + (owner.empty() ? std::string("/") : owner);
  if (auto hint = did_you_mean(key, known)) out += " (did you mean '" + *hint + "'?)";
  out += "; known keys: ";
  for (size_t i = 0; i < known.size(); ++i) out += (i ? ", " : "") + known[i];
  return out;
}

}  // namespace adasim::sim
