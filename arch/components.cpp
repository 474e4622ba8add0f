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
  register_listed_kinds(c.listed);
  return c;
}

const Components& builtin_components() {
  static const Components kBuiltin = make_components();
  return kBuiltin;
}

std::vector<sim::ComponentKind> Components::kinds() const {
  std::vector<sim::ComponentKind> out = {noc.describe(), dvfs.describe(), dram.describe(),
                                         sparse_format.describe()};
  out.insert(out.end(), listed.begin(), listed.end());
  return out;
}

void register_listed_kinds(std::vector<sim::ComponentKind>& out) {
  // HOOK (issue 12 part 1): the layer-engine and dataflow registries plug in here, e.g.
  //   out.push_back({"engine", "...", "pe_array.kind", engine_docs()});
  //   out.push_back({"dataflow", "...", "pe_array.dataflow", dataflow_docs()});
  (void)out;
}

}  // namespace adasim::arch
