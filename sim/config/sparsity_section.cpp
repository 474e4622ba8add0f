// SPDX-License-Identifier: Apache-2.0
// Parser of the optional "sparsity" section: what the PEs do with zero operands (mode, operands,
// per-layer modes of an adaptive array), the storage format of each operand in SRAM / DRAM and
// the N:M structured-sparse weight datapath.
// The section's defaults are written back only when the section is present, so configs without
// it resolve exactly as before.
#include <algorithm>

#include "sim/config/arch_sections.hpp"
#include "sim/config/schema.hpp"

namespace adasim::sim::detail {
namespace {

using nlohmann::json;

const std::vector<std::string> kModes = {"none", "gate", "skip"};
const std::vector<std::string> kFormats = {"dense", "bitmask", "rle", "csr", "nm"};

arch::SparsityMode mode_named(const std::string& s) {
  return *arch::sparsity_mode_from_string(s);
}

void parse_operands(ParamReader& sp, arch::SparsitySpec& out) {
  if (!sp.has("operands")) {
    sp.node()["operands"] = json::array({"ifmap", "weight"});
    return;
  }
  const json& arr = sp.node()["operands"];
  const std::string where = sp.ptr("operands");
  const std::string expected = "non-empty array of unique strings from \"ifmap\", \"weight\"";
  if (!arr.is_array() || arr.empty()) {
    sp.issue(where, render(arr), expected);
    return;
  }
  out.ifmap = out.weight = false;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = pointer_append(where, std::to_string(i));
    std::string s;
    if (!decode(arr[i], s) || (s != "ifmap" && s != "weight")) {
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
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    std::string s;
    if (!decode(it.value(), s) || std::find(kModes.begin(), kModes.end(), s) == kModes.end()) {
      sp.issue(pointer_append(where, it.key()), render(it.value()), "one of " + quoted_list(kModes));
      continue;
    }
    out.layer_modes[it.key()] = mode_named(s);
  }
}

void parse_storage(ParamReader& sp, arch::StorageFormats& out) {
  auto st = sp.object("storage", /*required=*/false);
  if (!st) return;
  st->reject_unknown(arch_schema().at("sparsity").at("storage").keys());
  if (auto v = st->enum_of("ifmap", kFormats, "dense")) out.ifmap = *v;
  if (auto v = st->enum_of("weight", kFormats, "dense")) out.weight = *v;
  if (auto v = st->enum_of("ofmap", kFormats, "dense")) out.ofmap = *v;
  if (auto v = st->get_or<int64_t>("rle_run_bits", 5,
                                   int_quantity("an RLE run-length field", "bits", 1, 16)))
    out.rle_run_bits = int(*v);
  if (auto v = st->get_or<int64_t>("nm_n", 2, int_in(1, 16))) out.nm_n = int(*v);
  if (auto v = st->get_or<int64_t>("nm_m", 4, int_in(1, 16))) out.nm_m = int(*v);
  if (out.nm_n > out.nm_m)
    st->issue(st->ptr("nm_n"), std::to_string(out.nm_n),
              "at most nm_m (" + std::to_string(out.nm_m) + ")");
  // N:M is a pattern of trained weights; activations (read or written) are not N:M sparse.
  for (const char* key : {"ifmap", "ofmap"}) {
    std::string& v = std::string(key) == "ifmap" ? out.ifmap : out.ofmap;
    if (v != "nm") continue;
    st->issue(st->ptr(key), "\"nm\"", "one of \"dense\", \"bitmask\", \"rle\", \"csr\" (N:M is a weight pattern)");
    v = "dense";  // one error per key (the array-kind checks see a valid value)
  }
}

// The N:M datapath: pattern and the layers that run on it (names are checked against the
// workload when it is known, like "layers"; the array kind and dataflow in check_array_kind).
void parse_structured(ParamReader& sp, arch::StructuredSparsity& out) {
  if (!sp.has("structured")) return;
  auto st = sp.object("structured", /*required=*/false);
  if (!st) return;
  st->reject_unknown(arch_schema().at("sparsity").at("structured").keys());
  out.enabled = true;
  if (auto v = st->get_or<int64_t>("n", 2, int_in(1, 15))) out.n = int(*v);
  if (auto v = st->get_or<int64_t>("m", 4, int_in(2, 16))) out.m = int(*v);
  if (out.n >= out.m)
    st->issue(st->ptr("n"), std::to_string(out.n),
              "fewer than m (" + std::to_string(out.m) + "): n = m is the dense array");
  if (auto u = st->enum_of("unfit", {"error", "dense"}, "error")) out.unfit_dense = *u == "dense";
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

void parse_sparsity(ParamReader& root, arch::SparsitySpec& out) {
  if (!root.has("sparsity")) return;
  auto sp = root.object("sparsity", /*required=*/false);
  if (!sp) return;
  sp->reject_unknown(arch_schema().at("sparsity").keys());
  if (auto m = sp->enum_of("mode", kModes, "none")) out.mode = mode_named(*m);
  parse_operands(*sp, out);
  parse_layer_modes(*sp, out);
  parse_storage(*sp, out.storage);
  parse_structured(*sp, out.structured);
}

}  // namespace adasim::sim::detail
