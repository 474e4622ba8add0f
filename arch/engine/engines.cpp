// SPDX-License-Identifier: Apache-2.0
// Registration of the layer engines (arch/engine/layer_engine.hpp).
#include <memory>

#include "arch/engine/layer_engine.hpp"
#include "arch/engine/spatial_layer_engine.hpp"
#include "arch/engine/systolic_engine.hpp"
#include "arch/engine/vector_engine.hpp"

namespace adasim::arch {

void register_engines(EngineRegistry& r) {
  r.add("systolic", "runs a systolic program's folds on the PE array, one clock cycle at a time",
        {}, [](const EngineContext& c) { return std::make_unique<SystolicEngine>("systolic", c); });
  r.add("spatial", "runs a spatial program's loop nest on the NoC-fed PE array, pass by pass", {},
        [](const EngineContext& c) { return std::make_unique<SpatialLayerEngine>("spatial", c); });
  r.add("vector",
        "runs the vector layers (pooling, eltwise, concat, lookup tables, softmax, layernorm, "
        "transpose, views) on the vector unit's lanes",
        {}, [](const EngineContext& c) { return std::make_unique<VectorEngine>("vector", c); });
}

EngineRegistry make_engine_registry() {
  EngineRegistry r("engine", "what runs a layer's program under the sequencer's clock",
                   "the layer's program: pe_array.kind for conv and matmul, vector for pool and "
                   "add");
  register_engines(r);
  return r;
}

}  // namespace adasim::arch
