// SPDX-License-Identifier: Apache-2.0
#include "arch/power/block_usage.hpp"

#include <algorithm>
#include <map>

namespace adasim::arch {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

// Physical PEs the folds of a systolic program reach: its widest rows x its widest columns (the
// rows and the columns are switched as lines, so a PE is on when its row and its column are).
int64_t systolic_pes(const SystolicProgram& s) {
  int64_t rows = 0, cols = 0;
  for (const SystolicFold& f : s.folds) {
    rows = std::max(rows, s.physical_rows(f.rows));
    cols = std::max(cols, f.cols);
  }
  return rows * cols;
}

// Bytes moved on the hop into `level` of operand plan `op` (route index `hop`) by the layer.
int64_t bytes_into(const TransferPlan& plan, Operand o, size_t hop) {
  int64_t n = 0;
  for (const FoldPlan& f : plan.folds) {
    if (plan.stationary == o) n += f.stationary_load_bytes[hop];
    for (const ChunkPlan& c : f.chunks) n += c.load_bytes[size_t(o)][hop];
  }
  return n;
}

// The largest bytes one chunk moves on hop `hop` of operand `o`'s route (loads; the ofmap's
// stores): a slot's footprint when the plan does not give tile sizes (vector, spatial plans).
int64_t largest_chunk(const TransferPlan& plan, Operand o, size_t hop) {
  int64_t n = 0;
  for (const FoldPlan& f : plan.folds)
    for (const ChunkPlan& c : f.chunks)
      n = std::max(n, o == Operand::kOfmap ? c.store_bytes[hop] : c.load_bytes[size_t(o)][hop]);
  return n;
}

}  // namespace

std::vector<GateableBlock> gateable_blocks(const AcceleratorSpec& spec) {
  const PeArraySpec& pe = spec.pe_array;
  const int64_t pe_flops = 2 * int64_t(pe.mac_bits) + pe.accum_bits;
  std::vector<GateableBlock> out;
  out.push_back({"pe_array", int64_t(pe.rows) * pe.cols, pe_flops, -1});
  out.push_back({"vector_unit", pe.vector_lanes > 0 ? pe.vector_lanes : pe.cols, pe_flops, -1});
  for (size_t i = 0; i < spec.sram.size(); ++i) {
    const SramLevelSpec& l = spec.sram[i];
    out.push_back({l.name, l.banks, int64_t(l.word_bits) * (l.read_ports + l.write_ports), int(i)});
  }
  out.push_back({"noc", 1, 2 * int64_t(spec.noc.link_width_bits), -1});
  return out;
}

int64_t level_footprint(const LayerProgram& prog, int level) {
  int64_t bytes = 0;
  for (int o = 0; o < kNumOperands; ++o) {
    const OperandPlan& op = prog.transfers.operands[size_t(o)];
    if (op.array_level() == level) {
      const int64_t tile = op.tile_bytes > 0
                               ? op.tile_bytes
                               : largest_chunk(prog.transfers, Operand(o), op.route.size() - 1);
      bytes += int64_t(op.slots) * tile;
    }
    for (size_t i = 0; i + 1 < op.route.size() && i < op.outer.size(); ++i)
      if (op.route[i].to == level) bytes += int64_t(op.outer[i].slots) * op.outer[i].tile_bytes;
  }
  return bytes;
}

std::vector<int64_t> units_used(const AcceleratorSpec& spec, const std::vector<GateableBlock>& b,
                                const LayerProgram& prog) {
  std::vector<int64_t> used;
  for (const GateableBlock& g : b) {
    int64_t n = g.units;
    if (g.name == "pe_array") {
      if (const auto* s = std::get_if<SystolicProgram>(&prog.engine)) n = systolic_pes(*s);
      // Spatial: the PEs its spatial loops span (the others get no operand all layer).
      if (const auto* s = std::get_if<SpatialProgram>(&prog.engine))
        n = s->nest.rows() * s->nest.cols();
      if (std::holds_alternative<VectorProgram>(prog.engine)) n = 0;
    } else if (g.name == "vector_unit") {
      const auto* v = std::get_if<VectorProgram>(&prog.engine);
      n = v ? std::min(g.units, std::max<int64_t>(1, v->lanes)) : 0;
    } else if (g.sram_level >= 0) {
      const SramLevelSpec& l = spec.sram[size_t(g.sram_level)];
      const int64_t bank_bytes = std::max<int64_t>(1, l.size_bytes / l.banks);
      n = std::min<int64_t>(g.units, ceil_div(level_footprint(prog, g.sram_level), bank_bytes));
    }
    used.push_back(std::clamp<int64_t>(n, 0, g.units));
  }
  return used;
}

std::vector<RelianceOnSram> sram_reliance(const LayerProgram& prog) {
  std::vector<RelianceOnSram> out;
  std::map<int, int64_t> offset;  // operands packed in operand order at their array-side level
  for (int o = 0; o < kNumOperands; ++o) {
    const OperandPlan& op = prog.transfers.operands[size_t(o)];
    const int64_t bytes = int64_t(op.slots) * op.tile_bytes;
    const int64_t at = offset[op.array_level()];
    offset[op.array_level()] += bytes;
    if (Operand(o) == Operand::kOfmap) continue;  // outputs are written, not read
    if (!op.resident || op.route.empty() || op.tile_bytes <= 0) continue;
    if (bytes_into(prog.transfers, Operand(o), op.route.size() - 1) > 0) continue;
    out.push_back({Operand(o), op.array_level(), at, bytes});
  }
  return out;
}

}  // namespace adasim::arch
