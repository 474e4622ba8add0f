// SPDX-License-Identifier: Apache-2.0
// The one list of built-in NoCs: a new topology is a file in impl/ plus one line here.
#include "arch/components.hpp"
#include "arch/noc/i_noc.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {

std::unique_ptr<INoc> make_noc(const NocSpec& spec, const NocRegistry& nocs) {
  const auto* entry = nocs.find(spec.type);
  if (!entry) throw sim::ModelError("NoC: no implementation named '" + spec.type + "'");
  return entry->make.build(spec);
}

std::unique_ptr<INoc> make_noc(const NocSpec& spec) {
  return make_noc(spec, builtin_components().noc);
}

void register_nocs(NocRegistry& r) {
  register_bus_noc(r);
  register_xy_multicast_noc(r);
}

}  // namespace adasim::arch
