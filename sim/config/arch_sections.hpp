// SPDX-License-Identifier: Apache-2.0
// Internal to sim/config: one parser per top-level section of the architecture config. Each reads
// its section through a ParamReader (filling defaults), validates it and fills its part of the spec.
#pragma once

#include "arch/spec.hpp"
#include "sim/config/param_reader.hpp"

namespace adasim::sim::detail {

void parse_pe_array(ParamReader& root, arch::PeArraySpec& out);
void parse_memory(ParamReader& root, arch::AcceleratorSpec& out);  ///< sram levels + dram
void parse_mapper(ParamReader& root, arch::MapperSpec& out);
void parse_noc(ParamReader& root, arch::NocSpec& out, arch::ArrayKind kind);
void parse_clock(ParamReader& root, arch::ClockSpec& out);
void parse_energy(ParamReader& root, arch::EnergySpec& out);
void parse_sparsity(ParamReader& root, arch::SparsitySpec& out);  ///< sparsity_section.cpp
void parse_area(ParamReader& root, arch::AreaSpec& out);          ///< area_section.cpp
/// `section`'s optional "overrides" object: key (one of `known`, which maps each key to its unit:
/// "pJ", "pJ/bit", "mW", "mW/KiB", "um2", "um2/bit", "1") -> a number in that unit's plausible
/// range (plausible_override()).
void parse_number_overrides(ParamReader& section, const std::map<std::string, std::string>& known,
                            std::map<std::string, double>& out);

}  // namespace adasim::sim::detail
