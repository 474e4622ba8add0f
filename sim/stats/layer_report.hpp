// SPDX-License-Identifier: Apache-2.0
// Files a layer's results (arch/layer_result.hpp: fixed figures, the blocks' statistics and the
// energy rows) into the report format (report.hpp): counts become accesses "<group>.<name>",
// utilizations, stall cycles and ratios go to their own maps, energy rows become entries.
#pragma once

#include "arch/energy/energy_table.hpp"
#include "arch/layer_result.hpp"
#include "arch/sparse/storage_plan.hpp"
#include "sim/stats/report.hpp"

namespace adasim::sim {

/// The report of one layer (without the mapper's `dataflow` and `schedule`). Throws ModelError
/// when two statistics file under the same key.
LayerReport layer_report(const arch::LayerResult& r);

/// Files a layer's compressed-storage figures and the decoder's / encoder's energy rows
/// (arch::storage_report) into `rep`: accesses "compression.<op>.<name>", energy entries.
void report_storage(const arch::StoragePlan& plan, const arch::EnergyTable& table, double voltage_v,
                    LayerReport& rep);

}  // namespace adasim::sim
