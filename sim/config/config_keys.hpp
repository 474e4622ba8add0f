// SPDX-License-Identifier: Apache-2.0
// The declaration of every key of the architecture config (schema_version 1), once: the fixed
// sections (pe_array, memory, clock, energy, mapper, sparsity, ...) as ParamDoc tables, and the
// swappable parts (noc.type, clock.policy, memory.dram.model, sparsity.storage.<operand>) as the
// implementations registered in arch::Components. The section parsers take every key's type,
// range and default from here; so do the --set walker, `adasim list config`, the key reference
// of configs/README.md and configs/adasim.schema.json.
#pragma once

#include <string>
#include <vector>

#include "arch/components.hpp"
#include "sim/core/param_doc.hpp"

namespace adasim::sim {

/// The schema_version this build reads.
constexpr int kArchSchemaVersion = 1;

/// The whole key tree (a kObject ParamDoc whose fields are the top-level keys), with the variants
/// of the swappable parts taken from `components`.
ParamDoc make_config_keys(const arch::Components& components);

/// make_config_keys(arch::builtin_components()), built once (immutable afterwards).
const ParamDoc& config_keys();

/// "a known key of /pe_array (did you mean 'rows'?); known keys: a, b, c".
std::string unknown_key_expectation(const std::string& key, const std::string& owner,
                                    const std::vector<std::string>& known);

namespace detail {
/// Dataflow names of an array family, in order ("ws", "os", "is" / "rs", "ws", "os_a", ...).
const std::vector<std::string>& dataflow_names(arch::ArrayKind kind);
// One builder per group of sections (config_keys.cpp, config_keys_run.cpp).
ParamDoc pe_array_keys();
ParamDoc memory_keys(const arch::Components& components);
ParamDoc noc_keys(const arch::Components& components);
ParamDoc clock_keys(const arch::Components& components);
ParamDoc energy_keys();
ParamDoc area_keys();
ParamDoc mapper_keys();
ParamDoc sparsity_keys(const arch::Components& components);
ParamDoc power_keys(const arch::Components& components);  ///< power_section.cpp
}  // namespace detail

}  // namespace adasim::sim
