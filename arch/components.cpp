// SPDX-License-Identifier: Apache-2.0
// The one place every register_<block>() function is called.
#include "arch/components.hpp"

namespace adasim::arch {

Components make_components() {
  Components c;
  register_nocs(c.noc);
  register_dvfs_policies(c.dvfs);
  register_dram_models(c.dram);
  register_sparse_formats(c.sparse_format);
  register_power_policies(c.power);
  return c;
}

const Components& builtin_components() {
  static const Components kBuiltin = make_components();
  return kBuiltin;
}

std::vector<sim::ComponentKind> Components::kinds() const {
  return {noc.describe(), dvfs.describe(), dram.describe(), sparse_format.describe(),
          power.describe()};
}

}  // namespace adasim::arch
