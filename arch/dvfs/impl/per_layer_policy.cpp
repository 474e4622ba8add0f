// SPDX-License-Identifier: Apache-2.0
// "per_layer": every layer at the point the mapper chose for it (workloads/mapper/dvfs_plan.hpp:
// the optimum of mapper.objective under clock.deadline_us and clock.power_cap_mw, transitions
// counted), handed to the hardware in the layer's program (LayerProgram::point). The domain
// starts at the first layer's point (the plan counts no transition at time 0).
#include "arch/dvfs/i_dvfs_policy.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

class PerLayerPolicy : public IDvfsPolicy {
 public:
  OperatingPoint point_for_layer(const DvfsLayer& layer) override {
    if (layer.planned == nullptr)
      throw sim::ModelError("DVFS per_layer: layer " + layer.name +
                            "'s program carries no operating point (the mapper sets it)");
    return *layer.planned;
  }
  bool may_switch() const override { return true; }
  bool starts_at_first_point() const override { return true; }
};

}  // namespace

void register_per_layer_policy(DvfsPolicyRegistry& r) {
  namespace p = sim::param;
  r.add("per_layer",
        "the mapper chooses each layer's point for mapper.objective under deadline_us, counting "
        "the transitions (an exact multiple-choice knapsack; `adasim map` shows the choice)",
        {p::number("deadline_us")
             .above(0)
             .in_unit("us")
             .when_absent("no deadline")
             .described("the whole network's time bound, transitions included; an unmeetable "
                        "one is an error naming the shortest achievable time"),
         p::number("power_cap_mw")
             .above(0)
             .in_unit("mW")
             .when_absent("no cap")
             .described("bound on every layer's average power at its point (its estimated energy "
                        "over its time); a point above it is not a choice for that layer; a cap "
                        "some layer cannot meet is an error naming the lowest feasible cap")},
        [](const ClockSpec&) { return std::make_unique<PerLayerPolicy>(); });
}

}  // namespace adasim::arch
