// SPDX-License-Identifier: Apache-2.0
// Parser of the optional "sparsity" section: what the PEs do with zero operands (mode, operands,
// per-layer modes of an adaptive array), the storage format of each operand in SRAM / DRAM and
// the N:M structured-sparse weight datapath.
// The section's defaults are written back only when the section is present, so configs without
// it resolve exactly as before.
#include <algorithm>

#include "arch/components.hpp"
#include "sim/config/arch_sections.hpp"
#include "sim/config/config_keys.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

arch::SparsityMode mode_named(const std::string& s) {
  return *arch::sparsity_mode_from_string(s);
}

void parse_operands(ParamReader& sp, arch::SparsitySpec& out) {
  const ParamDoc& doc = sp.doc("operands");
  if (!sp.has("operands")) {
    sp.node()["operands"] = doc.dflt;
    return;
  }
  const json& arr = sp.node()["operands"];
  const std::string where = sp.ptr("operands");
  if (!doc.accepts(arr)) {
    sp.issue(where, render(arr), doc.expectation());
    return;
  }
  out.ifmap = out.weight = false;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    std::string s;
    if (!decode(arr[i], s) || !doc.items.at(0).accepts(arr[i])) {
      sp.issue(at, render(arr[i]), "\"ifmap\" or \"weight\"");
      continue;
    }
    bool& f = s == "ifmap" ? out.ifmap : out.weight;
    if (f) {
      sp.issue(at, render(arr[i]), "an operand not already listed");
      continue;
    }
    f = true;
  }
}

void parse_layer_modes(ParamReader& sp, arch::SparsitySpec& out) {
  if (!sp.has("layers")) return;
  const json& obj = sp.node()["layers"];
  const std::string where = sp.ptr("layers");
  if (!obj.is_object()) {
    sp.issue(where, render(obj), "object mapping layer names to \"none\", \"gate\" or \"skip\"");
    return;
  }
  const ParamDoc& mode = sp.doc("layers").items.at(0);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!mode.accepts(it.value())) {
      sp.issue(pointer_append(where, it.key()), render(it.value()), mode.expectation());
      continue;
    }
    out.layer_modes[it.key()] = mode_named(it.value().get<std::string>());
  }
}

void parse_storage(ParamReader& sp, arch::StorageFormats& out,
                   const arch::SparseFormatRegistry& formats) {
  auto st = sp.section("storage");
  if (!st) return;
  st->reject_unknown();
  if (auto v = st->get<std::string>("ifmap")) out.ifmap = *v;
  if (auto v = st->get<std::string>("weight")) out.weight = *v;
  if (auto v = st->get<std::string>("ofmap")) out.ofmap = *v;
  // The parameters of the formats the operands use (written back only for those).
  for (const std::string& name : st->selected_variants()) {
    const sim::ParamValues p = st->variant_values(name);
    if (p.has("rle_run_bits")) out.rle_run_bits = int(p.integer("rle_run_bits"));
    if (p.has("nm_n")) out.nm_n = int(p.integer("nm_n"));
    if (p.has("nm_m")) out.nm_m = int(p.integer("nm_m"));
  }
  if (out.nm_n > out.nm_m)
    st->issue(st->ptr("nm_n"), std::to_string(out.nm_n),
              "at most nm_m (" + std::to_string(out.nm_m) + ")");
  // Weights-only formats (N:M is a pattern of trained weights) are refused for activations.
  for (const char* key : {"ifmap", "ofmap"}) {
    std::string& v = std::string(key) == "ifmap" ? out.ifmap : out.ofmap;
    const auto* f = formats.find(v);
    if (!f || !f->make->weights_only()) continue;
    st->issue(st->ptr(key), "\"" + v + "\"", arch::activation_format_expectation(formats));
    v = "dense";  // one error per key (the array-kind checks see a valid value)
  }
}

// The N:M datapath: pattern and the layers that run on it (names are checked against the
// workload when it is known, like "layers"; the array kind and dataflow in check_array_kind).
void parse_structured(ParamReader& sp, arch::StructuredSparsity& out) {
  if (!sp.has("structured")) return;
  auto st = sp.section("structured");
  if (!st) return;
  st->reject_unknown();
  out.enabled = true;
  if (auto v = st->get<int64_t>("n")) out.n = int(*v);
  if (auto v = st->get<int64_t>("m")) out.m = int(*v);
  if (out.n >= out.m)
    st->issue(st->ptr("n"), std::to_string(out.n),
              "fewer than m (" + std::to_string(out.m) + "): n = m is the dense array");
  if (auto u = st->get<std::string>("unfit")) out.unfit_dense = *u == "dense";
  if (!st->has("layers")) return;
  const json& arr = st->node()["layers"];
  const std::string where = st->ptr("layers");
  if (!arr.is_array() || arr.empty()) {
    st->issue(where, render(arr), "non-empty array of layer names (omit it for every layer with weights)");
    return;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string s;
    if (!decode(arr[i], s) || s.empty()) {
      st->issue(pointer_append(where, std::to_string(i)), render(arr[i]), "a layer name");
      continue;
    }
    if (std::find(out.layers.begin(), out.layers.end(), s) != out.layers.end()) {
      st->issue(pointer_append(where, std::to_string(i)), render(arr[i]), "a layer not already listed");
      continue;
    }
    out.layers.push_back(s);
  }
}

}  // namespace

void parse_sparsity(ParamReader& root, arch::SparsitySpec& out,
                    const arch::Components& components) {
  if (!root.has("sparsity")) return;
  auto sp = root.section("sparsity");
  if (!sp) return;
  sp->reject_unknown();
  if (auto m = sp->get<std::string>("mode")) out.mode = mode_named(*m);
  parse_operands(*sp, out);
  parse_layer_modes(*sp, out);
  parse_storage(*sp, out.storage, components.sparse_format);
  parse_structured(*sp, out.structured);
}

}  // namespace adasim::sim::detail
