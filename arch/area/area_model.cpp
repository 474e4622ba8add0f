// SPDX-License-Identifier: Apache-2.0
// Area of a design point: which components each block has and how many (area_model.hpp).
#include "arch/area/area_model.hpp"

#include <algorithm>
#include <set>

#include "arch/program/dataflow/systolic_dataflow.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

/// Whether a dataflow the array supports lays the outputs (`outputs`) or an operand (`!outputs`)
/// in the PEs: the registers the PEs need follow from the registered layouts.
bool supports_held(const PeArraySpec& pe, bool outputs) {
  const std::vector<std::string> one{pe.dataflow};
  const bool listed = pe.dataflow_auto || !pe.dataflows.empty();
  for (const std::string& name : listed ? pe.dataflows : one) {
    const auto* e = systolic_dataflows().find(name);
    if (e == nullptr)
      throw sim::ModelError("area model: no systolic dataflow named '" + name + "'");
    const SystolicLayout lay = e->make()->layout();
    if (lay.outputs_held() == outputs) return true;
  }
  return false;
}

int ceil_log2(int64_t v) {
  int bits = 0;
  while ((int64_t(1) << bits) < v) ++bits;
  return bits;
}

/// Zero detection is built when any layer may gate or skip: one comparator against the zero
/// point and one flag bit per checked operand per PE.
int zero_checked_operands(const SparsitySpec& s) {
  bool any = s.mode != SparsityMode::kNone;
  for (const auto& [layer, mode] : s.layer_modes) any = any || mode != SparsityMode::kNone;
  if (!any) return 0;
  return int(s.ifmap) + int(s.weight);
}

void add_pe_array(const AcceleratorSpec& spec, const AreaTable& t, std::vector<AreaItem>& out) {
  const PeArraySpec& pe = spec.pe_array;
  const int64_t pes = int64_t(pe.rows) * pe.cols;
  auto add = [&](const char* component, int64_t count, double each) {
    if (count > 0 && each > 0) out.push_back(AreaItem{"pe_array", component, count, each});
  };
  add("mac", pes, t.mac_um2(pe.mac_bits));
  add("registers", pes, t.register_um2(pe_register_bits(pe)));
  if (pe.kind == ArrayKind::kSpatial) add("register_file", pes, t.regfile_um2(pe.rf_bytes * 8));
  const int zero_ops = zero_checked_operands(spec.sparsity);
  add("zero_detect", pes * zero_ops, t.comparator_um2(pe.mac_bits) + t.register_um2(1));
  // Precision lanes: every lane but the first aligns its product (2 * mac_bits wide) by a
  // mode-dependent amount before the shared adder: one shifter each (structural assumption).
  const int lanes = max_precision_lanes(pe);
  add("precision_lanes", pes * (lanes - 1), t.shifter_um2(2 * pe.mac_bits));
  const StructuredSparsity& nm = spec.sparsity.structured;
  if (nm.enabled) {
    // An m:1 multiplexer picks the slot's activation (m - 1 two-input muxes of mac_bits), with
    // the slot's position register (and its shadow when weights double-buffer); the row's
    // activation register holds the group's m activations instead of one.
    const int pos_bits = std::max(1, ceil_log2(nm.m)) * (pe.weight_double_buffer ? 2 : 1);
    add("nm_mux", pes, t.mux2_um2(pe.mac_bits) * (nm.m - 1) + t.register_um2(pos_bits));
    add("nm_registers", pes, t.register_um2((nm.m - 1) * pe.mac_bits));
  }
}

void add_sram(const SramLevelSpec& l, const AreaTable& t, std::vector<AreaItem>& out) {
  out.push_back(AreaItem{l.name, "cells", 1,
                         t.sram_cells_um2(l.size_bytes * 8, l.read_ports + l.write_ports)});
  out.push_back(AreaItem{l.name, "periphery", l.banks, t.sram_bank_um2(l.word_bits)});
}

void add_noc(const AcceleratorSpec& spec, const AreaTable& t, std::vector<AreaItem>& out) {
  const NocSpec& noc = spec.noc;
  const PeArraySpec& pe = spec.pe_array;
  if (pe.kind == ArrayKind::kSystolic) {
    // The edge bus: latency_cycles pipeline stages of link_width_bits in each direction.
    if (noc.latency_cycles > 0)
      out.push_back(AreaItem{"noc", "pipeline_registers", 2 * int64_t(noc.latency_cycles),
                             t.register_um2(noc.link_width_bits)});
    return;
  }
  // Eyeriss-style X/Y multicast (Chen et al., JSSC 2017): per operand (ifmap, weight, psum)
  // one Y bus and one X bus per row, each bus with a pipeline register of link_width_bits;
  // every PE has a multicast controller per operand comparing its column ID tag, every X bus
  // one comparing its row ID tag.
  const int64_t buses = 3 * (int64_t(pe.rows) + 1);
  const int stages = std::max(1, noc.latency_cycles);
  out.push_back(
      AreaItem{"noc", "bus_registers", buses * stages, t.register_um2(noc.link_width_bits)});
  out.push_back(AreaItem{"noc", "pe_controllers", 3 * int64_t(pe.rows) * pe.cols,
                         t.comparator_um2(std::max(1, ceil_log2(pe.cols)))});
  out.push_back(AreaItem{"noc", "row_controllers", 3 * int64_t(pe.rows),
                         t.comparator_um2(std::max(1, ceil_log2(pe.rows)))});
}

void add_vector_unit(const PeArraySpec& pe, const AreaTable& t, std::vector<AreaItem>& out) {
  // Each lane: an accumulator-wide adder (average pooling, element-wise add) with its
  // register, and a mac_bits comparator (max pooling).
  const int64_t lanes = pe.vector_lanes > 0 ? pe.vector_lanes : pe.cols;
  out.push_back(AreaItem{
      "vector_unit", "lanes", lanes,
      t.adder_um2(pe.accum_bits) + t.register_um2(pe.accum_bits) + t.comparator_um2(pe.mac_bits)});
}

}  // namespace

int pe_register_bits(const PeArraySpec& pe) {
  if (pe.kind == ArrayKind::kSpatial) {
    // Operands come from the register file; the MAC latches its two inputs and its psum.
    return 2 * pe.mac_bits + pe.accum_bits;
  }
  // Systolic: a moving-operand register (both operands move in OS: two), a stationary operand
  // register for WS / IS (plus its shadow when weights double-buffer), the psum / accumulator
  // register (plus the output chain's shadow when OS results double-buffer).
  const bool os = supports_held(pe, true);
  const bool stationary = supports_held(pe, false);
  int bits = pe.mac_bits * (os ? 2 : 1);
  if (stationary) bits += pe.mac_bits * (pe.weight_double_buffer ? 2 : 1);
  bits += pe.accum_bits * (os && pe.output_double_buffer ? 2 : 1);
  return bits;
}

int max_precision_lanes(const PeArraySpec& pe) {
  return pe.precision_scalable && pe.kind == ArrayKind::kSystolic ? std::max(1, pe.mac_bits / 2)
                                                                  : 1;
}

double AreaBreakdown::total_um2() const {
  double sum = 0.0;
  for (const AreaItem& i : items) sum += i.um2();
  return sum;
}

std::map<std::string, std::map<std::string, double>> AreaBreakdown::by_block_um2() const {
  std::map<std::string, std::map<std::string, double>> out;
  for (const AreaItem& i : items) out[i.block][i.component] += i.um2();
  return out;
}

AreaBreakdown accelerator_area(const AcceleratorSpec& spec, const AreaTable& table) {
  AreaBreakdown a;
  add_pe_array(spec, table, a.items);
  std::set<std::string> names = {"pe_array", "noc", "vector_unit"};
  for (const SramLevelSpec& l : spec.sram) {
    if (!names.insert(l.name).second)
      throw sim::ModelError("area: SRAM level '" + l.name + "' has the name of another block");
    add_sram(l, table, a.items);
  }
  add_noc(spec, table, a.items);
  add_vector_unit(spec.pe_array, table, a.items);
  return a;
}

}  // namespace adasim::arch
