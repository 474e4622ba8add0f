// SPDX-License-Identifier: Apache-2.0
// Internal to sim/config: one parser per top-level section of the architecture config. Each reads
// its section through a ParamReader (filling defaults), validates it and fills its part of the
// spec.
#pragma once

#include "arch/components.hpp"
#include "arch/spec.hpp"
#include "sim/config/param_reader.hpp"

namespace adasim::sim::detail {

void parse_pe_array(ParamReader& root, arch::PeArraySpec& out);
void parse_memory(ParamReader& root, arch::AcceleratorSpec& out);  ///< sram levels + dram
void parse_mapper(ParamReader& root, arch::MapperSpec& out);
void parse_noc(ParamReader& root, arch::NocSpec& out, arch::ArrayKind kind,
               const arch::NocRegistry& nocs);
void parse_clock(ParamReader& root, arch::ClockSpec& out, const arch::DvfsPolicyRegistry& policies);
void parse_energy(ParamReader& root, arch::EnergySpec& out);
void parse_sparsity(ParamReader& root, arch::SparsitySpec& out,
                    const arch::Components& components);  ///< sparsity_section.cpp
void parse_area(ParamReader& root, arch::AreaSpec& out);  ///< area_section.cpp
/// power_section.cpp; after parse_memory (block names include the SRAM levels').
void parse_power(ParamReader& root, arch::AcceleratorSpec& spec,
                 const arch::PowerPolicyRegistry& policies);
/// `section`'s "overrides" object: each key a number >= 0 declared in its table.
void parse_number_overrides(ParamReader& section, std::map<std::string, double>& out);

}  // namespace adasim::sim::detail
