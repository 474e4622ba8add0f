// SPDX-License-Identifier: Apache-2.0
// "per_layer": decided from each layer's mapping: the PE rows and columns its folds leave
// unused, the SRAM banks its tiles do not need and the vector unit outside vector layers are off
// for the whole layer; idle runs inside a layer are not gated.
#include "arch/power/i_power_policy.hpp"

namespace adasim::arch {
namespace {

class PerLayerGating : public IPowerPolicy {
 public:
  int64_t powered_units(int64_t /*units*/, int64_t used) const override { return used; }
  uint64_t gated_cycles(uint64_t /*run*/) const override { return 0; }
};

}  // namespace

void register_per_layer_gating(PowerPolicyRegistry& r) {
  r.add("per_layer",
        "from each layer's mapping: PE rows/columns its folds leave unused, SRAM banks its tiles "
        "do not need and the vector unit outside vector layers are off for the layer",
        {}, [](const PowerSpec&) { return std::make_unique<PerLayerGating>(); });
}

}  // namespace adasim::arch
