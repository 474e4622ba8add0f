// SPDX-License-Identifier: Apache-2.0
// What a layer's mapping needs of each gateable block: the PE rows and columns its folds occupy,
// the SRAM banks its tiles fill, the vector lanes of a vector layer; and which operands it
// expects to find already in an SRAM level (a resident operand its plan never loads). Read by
// the power manager (arch/power/power_manager.hpp) and by the per_layer gating policy's tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/program/program.hpp"
#include "arch/spec.hpp"

namespace adasim::arch {

/// One gateable block as the power model sees it: `units` identical parts (PEs, lanes, banks,
/// the NoC as one), each with `flops` clocked flip-flops.
struct GateableBlock {
  std::string name;  ///< "pe_array", "vector_unit", "noc" or an SRAM level's name
  int64_t units = 1;
  int64_t flops = 0;    ///< flip-flops per unit on the block's clock network
  int sram_level = -1;  ///< index in AcceleratorSpec::sram, or -1
};

/// The blocks of `spec`, in report order: pe_array, vector_unit, the SRAM levels, noc. Flip-flops
/// per unit: a PE's input, weight and psum registers (2 x mac_bits + accum_bits); a lane's the
/// same; an SRAM bank's port registers (word_bits x (read_ports + write_ports)); the NoC's
/// pipeline register each way (2 x link_width_bits).
std::vector<GateableBlock> gateable_blocks(const AcceleratorSpec& spec);

/// Units of each block of gateable_blocks(spec) the layer's mapping uses: the PEs in the rows
/// and columns its folds reach (systolic: the largest fold's physical rows x columns; spatial:
/// the rows x columns its spatial loops span), the lanes of a vector layer (0 otherwise), the SRAM banks its tiles fill (the slots of
/// every operand held there, packed from bank 0), the NoC.
std::vector<int64_t> units_used(const AcceleratorSpec& spec, const std::vector<GateableBlock>& b,
                                const LayerProgram& prog);

/// Bytes of `level` the layer's plan keeps filled: slots x tile bytes of every operand staged
/// there (a plan without tile sizes, vector and spatial: slots x its largest chunk's bytes).
int64_t level_footprint(const LayerProgram& prog, int level);

/// An operand the layer reads from an SRAM level without loading it there: resident at the level
/// and no byte on the hop into it (its data must be left there by an earlier layer).
struct RelianceOnSram {
  Operand operand = Operand::kWeight;
  int level = -1;
  int64_t offset = 0;  ///< where it starts in the level (operands packed in operand order)
  int64_t bytes = 0;   ///< the operand's footprint there
};
std::vector<RelianceOnSram> sram_reliance(const LayerProgram& prog);

}  // namespace adasim::arch
