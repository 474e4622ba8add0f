// SPDX-License-Identifier: Apache-2.0
// Key tables of the energy, mapper and sparsity sections.
#include <sstream>

#include "arch/area/area_table.hpp"
#include "arch/energy/energy_table.hpp"
#include "sim/config/config_keys.hpp"
#include "sim/core/errors.hpp"

namespace adasim::sim::detail {
namespace {

namespace p = param;
using nlohmann::json;

const std::vector<std::string> kModes = {"none", "gate", "skip"};
const std::vector<std::string> kDims = {"N", "M", "C", "P", "Q", "R", "S"};

ParamDoc factor_level(const std::string& level, const std::string& what) {
  return p::map_of(level, p::integer("").in(1, 1 << 24), kDims)
      .when_absent("absent")
      .described(what + ": loop dim -> product of its loop bounds there");
}

ParamDoc storage_keys(const arch::SparseFormatRegistry& formats) {
  const std::vector<std::string> names = formats.names();
  ParamDoc st = p::object(
      "storage",
      {p::choice("ifmap", names)
           .with_default("dense")
           .described("storage of each array layer's input activations (no weights-only format)"),
       p::choice("weight", names)
           .with_default("dense")
           .described("storage of each array layer's weights (a matmul's B operand)"),
       p::choice("ofmap", names)
           .with_default("dense")
           .described("format the output encoder writes final outputs in (no weights-only "
                      "format)")});
  st.selectors = {"ifmap", "weight", "ofmap"};
  st.variants = formats.docs();
  return st.with_default(json::object())
      .described("storage format of each operand in SRAM and DRAM (`adasim list sparse_format`)");
}

ParamDoc structured_keys() {
  ParamDoc layers = p::array_of("layers", p::string("").not_empty())
                        .when_absent("every layer with a weight tensor")
                        .described("the layers that run on it; the others run dense");
  layers.min_items = 1;
  layers.unique_items = true;
  return p::object(
             "structured",
             {p::integer("n").in(1, 15).with_default(2).described(
                  "at most n nonzero weights in every group of m reduction indices"),
              p::integer("m").in(2, 16).with_default(4).described("the group size, n < m"), layers,
              p::choice("unfit", {"error", "dense"})
                  .with_default("error")
                  .described("a covered layer whose weights break the pattern: a config "
                             "error, or \"dense\": it runs on the dense path")})
      .when_absent("absent")
      .described("the N:M structured-sparse weight datapath (below)");
}

// "scale" of the energy and area tables: a factor in [0.001, 1000] (another technology node).
ParamDoc scale_factor(std::string name) {
  return p::number(std::move(name)).in(1e-3, 1e3).typically(1.0).with_default(1.0);
}

// The plausible values of a table entry by its unit: [0, upper] around a typical magnitude (for
// the unit-slip guess): energies of 45 nm-class parts (a MAC ~1 pJ, DRAM ~10 pJ/bit), areas (a
// MAC ~1000 um2, an SRAM bit ~1 um2).
p::NumberDoc table_entry(const std::string& key, const std::string& unit) {
  struct Range {
    const char* unit;
    double upper, typical;
  };
  static constexpr Range kRanges[] = {
      {"pJ", 1e6, 1.0},      {"pJ/bit", 1e4, 1.0},  {"mW", 1e5, 1.0},  {"mW/KiB", 1e3, 0.01},
      {"pJ/KiB", 1e6, 0.2},
      {"um2", 1e10, 1000.0}, {"um2/bit", 1e5, 1.0}, {"1", 100.0, 1.0},
  };
  for (const Range& r : kRanges)
    if (unit == r.unit) return p::number(key).in(0, r.upper).typically(r.typical);
  throw ModelError("config keys: no plausible range for the table unit '" + unit + "'");
}

// "overrides": one optional number per table key (energy or area key docs), in its unit's range.
template <class KeyDoc>
ParamDoc overrides_of(const std::vector<KeyDoc>& keys, const std::string& doc) {
  std::vector<ParamDoc> fields;
  for (const KeyDoc& k : keys) {
    std::ostringstream table_value;  // the table's value, as `std::cout << value` prints it
    table_value << k.default_value;
    fields.push_back(table_entry(k.key, k.unit)
                         .when_absent(table_value.str())
                         .in_unit(k.unit)
                         .described(k.description + "; source: " + k.source));
  }
  return p::object("overrides", fields).with_default(json::object()).described(doc);
}

}  // namespace

ParamDoc area_keys() {
  return p::object("area",
                   {scale_factor("scale").described("multiplies every area (another node)"),
                    overrides_of(arch::AreaTable::keys(),
                                 "replaces single area-table entries (area table keys below)")})
      .when_absent("absent (all defaults; nothing written into the resolved config)")
      .described("area table scale and overrides (arch/area/area_table.hpp)");
}

ParamDoc energy_keys() {
  std::vector<ParamDoc> per_access;
  for (const char* k : {"mac", "rf", "noc", "gbuf", "dram"})
    per_access.push_back(p::number(k).in(0, 1e6).typically(1.0).in_unit("pJ").described(
        std::string("energy of one ") + k + " access of one value"));
  per_access.push_back(p::number("link")
                           .in(0, 1e6)
                           .typically(1.0)
                           .when_absent("the `noc` figure")
                           .in_unit("pJ")
                           .described("energy of one psum hop over a PE-to-PE neighbour link "
                                      "(noc.psum_link_bits)"));
  return p::object(
             "energy",
             {p::voltage_v("reference_voltage_v")
                  .with_default(0.9)
                  .in_unit("V")
                  .described("voltage the table's figures hold at; dynamic energy scales with "
                             "(V/V_ref)^2, leakage with V/V_ref"),
              scale_factor("scale").described(
                  "multiplies every dynamic energy (another node); leakage is not scaled"),
              overrides_of(arch::EnergyTable::keys(),
                           "replaces single table entries (energy table keys below)"),
              p::object("per_access", per_access)
                  .when_absent("absent: the per-bit table")
                  .described("spatial arrays only: energy per access of one value at each level, "
                             "e.g. Eyeriss's 1, 1, 2, 6, 200")})
      .with_default(json::object())
      .described("energy table reference voltage, scale and overrides");
}

ParamDoc mapper_keys() {
  ParamDoc dram_order = p::array_of("dram_order", p::choice("", kDims))
                            .when_absent("absent (searched)")
                            .expecting(
                                "an array naming each of N, M, C, P, Q, R, S once (the "
                                "DRAM loop order, outermost first)")
                            .described("spatial arrays only: the DRAM loop order, outermost first");
  dram_order.min_items = dram_order.max_items = kDims.size();
  dram_order.unique_items = true;
  return p::object(
             "mapper",
             {p::choice("objective", {"latency", "energy", "edp"})
                  .with_default("latency")
                  .described("estimated cycles, energy (pJ) or their product"),
              p::choice("loop_order", {"auto", "stream_outer", "chunk_outer"})
                  .with_default("auto")
                  .described("WS/IS: stream the whole temporal extent per Kred fold, or put "
                             "temporal chunks outside the Kred folds"),
              p::integer("chunk_len")
                  .in(0, 1 << 24)
                  .with_default(0)
                  .described("systolic arrays: fix the temporal chunk (0 = searched)"),
              p::integer("max_candidates")
                  .in(1, int64_t(1) << 30)
                  .when_absent("20000")
                  .described("search budget per layer (every array kind): candidates scored "
                             "before the search stops with the best so far (noted in the "
                             "schedule)"),
              p::integer("max_plan_chunks")
                  .in(1, int64_t(1) << 30)
                  .when_absent("4194304")
                  .described("memory budget per candidate: chunks of its transfer plan (~170 "
                             "bytes each); larger candidates are skipped, a layer with none "
                             "below it is refused"),
              p::object("factors",
                        {factor_level("dram", "loop factors at DRAM level"),
                         factor_level("gbuf", "loop factors at global-buffer level"),
                         factor_level("array", "spatial factors (rows and columns together)"),
                         factor_level("rf", "loop factors in the register files")})
                  .when_absent("absent")
                  .described("spatial arrays only: fix the product of a dim's loop bounds at a "
                             "level, e.g. {\"array\": {\"C\": 4}, \"rf\": {\"Q\": 13}}"),
              dram_order})
      .with_default(json::object())
      .described("what the mapper optimises and the constraints the user fixes");
}

ParamDoc sparsity_keys(const arch::Components& components) {
  ParamDoc operands = p::array_of("operands", p::choice("", {"ifmap", "weight"}))
                          .with_default(json::array({"ifmap", "weight"}))
                          .expecting("non-empty array of unique strings from \"ifmap\", \"weight\"")
                          .described("which operands are checked for zeros");
  operands.min_items = 1;
  operands.unique_items = true;
  return p::object("sparsity",
                   {p::choice("mode", kModes)
                        .with_default("none")
                        .described("gate: zero-operand MACs are not performed (energy); skip: "
                                   "zeros are left out of the operand streams (also cycles)"),
                    operands,
                    p::map_of("layers", p::choice("", kModes))
                        .when_absent("`{}`")
                        .described("per-layer modes of an adaptive array (layer name -> mode)"),
                    storage_keys(components.sparse_format), structured_keys()})
      .when_absent("absent: a dense datapath")
      .described("what the PEs do with zero operands, and how operands are stored");
}

}  // namespace adasim::sim::detail
