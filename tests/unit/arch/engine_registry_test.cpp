// SPDX-License-Identifier: Apache-2.0
// The layer engines are registered by the names the programs select: every program type names
// an engine that the registry provides, with a one-line description for `adasim list`.
#include <gtest/gtest.h>

#include "arch/engine/layer_engine.hpp"
#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

TEST(EngineRegistry, EveryProgramTypeHasItsEngine) {
  EngineRegistry r("engine");
  register_engines(r);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"systolic", "spatial", "vector"}));
  for (const EngineProgram& p : {EngineProgram{SystolicProgram{}}, EngineProgram{SpatialProgram{}},
                                 EngineProgram{VectorProgram{}}}) {
    const auto* e = r.find(engine_name(p));
    ASSERT_NE(e, nullptr) << engine_name(p);
    EXPECT_FALSE(e->doc.description.empty());
    EXPECT_TRUE(e->doc.params.empty());
  }
  EXPECT_THROW(r.at("mesh", "cfg.json", "/pe_array/engine"), sim::ConfigError);
}

TEST(LayerProgram, TheVariantSelectsTheEngine) {
  LayerProgram p;
  p.layer = "pool";
  p.engine = VectorProgram{16, 16 * 4, 8, 64, 16, VectorOp{}};
  EXPECT_STREQ(p.engine_name(), "vector");
  EXPECT_EQ(p.macs(), 64);  // the vector unit's operations
  EXPECT_THROW(p.systolic(), sim::ModelError);
  EXPECT_NO_THROW(p.vector());
}

}  // namespace
}  // namespace adasim::arch
