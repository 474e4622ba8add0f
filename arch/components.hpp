// SPDX-License-Identifier: Apache-2.0
// Components: the registries of every swappable part of the accelerator (NoC, DVFS policy, DRAM
// model, sparse storage format, ...), filled by each block's register_<block>() function, all
// called from make_components() and nowhere else. The config parser validates the selected
// implementations against them, the models build their parts from them, and `adasim list` prints
// them.
#pragma once

#include <string>
#include <vector>

#include "arch/dvfs/i_dvfs_policy.hpp"
#include "arch/memory/i_dram_model.hpp"
#include "arch/noc/i_noc.hpp"
#include "arch/power/i_power_policy.hpp"
#include "arch/sparse/i_sparse_format.hpp"
#include "sim/core/param_doc.hpp"

namespace adasim::arch {

struct Components {
  NocRegistry noc{"noc", "the interconnect between the SRAM levels and the PEs", "noc.type"};
  DvfsPolicyRegistry dvfs{"dvfs", "the DVFS policy: the operating point of each layer",
                          "clock.policy"};
  DramModelRegistry dram{"dram", "the timing model of the DRAM behind the DMA",
                         "memory.dram.model"};
  SparseFormatRegistry sparse_format{"sparse_format",
                                     "the storage format of an operand in SRAM and DRAM",
                                     "sparsity.storage.ifmap / .weight / .ofmap"};
  PowerPolicyRegistry power{"power", "the power-gating policy: when blocks or their parts are off",
                            "power.policy"};
  /// The kinds above, in this order (what `adasim list` prints first).
  std::vector<sim::ComponentKind> kinds() const;
};

/// Builds every registry (each block's register_<block>() is called here, once).
Components make_components();

/// The built-in components, built once on first use and immutable afterwards (a function-local
/// const object: no mutable global state). Owners that take a Components& get this by default.
const Components& builtin_components();

}  // namespace adasim::arch
