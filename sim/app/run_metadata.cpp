// SPDX-License-Identifier: Apache-2.0
#include "sim/app/run_metadata.hpp"

#include "arch/area/area_model.hpp"
#include "sim/stats/report_writer.hpp"

namespace adasim::sim {
namespace {

std::string dataflow_part(const arch::PeArraySpec& pe) {
  if (pe.dataflow_auto) return "auto";
  return pe.kind == arch::ArrayKind::kSpatial ? pe.spatial_dataflow : pe.dataflow;
}

std::string features(const arch::AcceleratorSpec& spec) {
  std::string out;
  bool sparse = spec.sparsity.mode != arch::SparsityMode::kNone;
  for (const auto& [layer, mode] : spec.sparsity.layer_modes)
    sparse = sparse || mode != arch::SparsityMode::kNone;
  if (sparse)
    out += spec.sparsity.mode != arch::SparsityMode::kNone
               ? std::string("+") + arch::to_string(spec.sparsity.mode)
               : std::string("+sparse_layers");
  const arch::StructuredSparsity& nm = spec.sparsity.structured;
  if (nm.enabled) out += "+nm" + std::to_string(nm.n) + ":" + std::to_string(nm.m);
  if (spec.pe_array.precision_scalable) out += "+ps";
  return out;
}

}  // namespace

std::string design_name(const arch::AcceleratorSpec& spec) {
  const arch::PeArraySpec& pe = spec.pe_array;
  std::string name = std::string(arch::to_string(pe.kind)) + "-" + std::to_string(pe.rows) + "x" +
                     std::to_string(pe.cols) + "-" + dataflow_part(pe) + "-int" +
                     std::to_string(pe.mac_bits) + features(spec);
  for (const arch::SramLevelSpec& l : spec.sram)
    name += "-" + l.name + format_double(double(l.size_bytes) / 1024.0) + "KiB" +
            (l.ideal ? "_ideal" : "");
  name += spec.dram.ideal ? std::string("-dram_ideal")
                          : "-dram" + format_double(spec.dram.bandwidth_gb_per_s) + "GBps";
  return name + "-" + format_double(spec.clock.nominal.freq_mhz) + "MHz";
}

std::map<std::string, std::map<std::string, double>> area_by_block_um2(
    const arch::AcceleratorSpec& spec) {
  return arch::accelerator_area(spec, arch::AreaTable(spec.area)).by_block_um2();
}

}  // namespace adasim::sim
