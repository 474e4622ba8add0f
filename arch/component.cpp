// SPDX-License-Identifier: Apache-2.0
#include "arch/component.hpp"

namespace adasim::arch {

void collect_stats(const sc_core::sc_object& root, const sim::Interval& in,
                   const std::function<bool(const Component&, BlockRole)>& take,
                   std::vector<sim::StatValue>& out) {
  if (const auto* c = dynamic_cast<const Component*>(&root))
    for (const Component::Declared& d : c->stat_groups())
      if (take(*c, d.role)) d.group->collect(in, out);
  for (const sc_core::sc_object* child : root.get_child_objects())
    collect_stats(*child, in, take, out);
}

}  // namespace adasim::arch
