// SPDX-License-Identifier: Apache-2.0
#include "sim/core/errors.hpp"

#include <gtest/gtest.h>

namespace adasim::sim {
TEST(ConfigError, RendersFilePointerValueAndExpectation) {
  ConfigError e("a.json", "/pe_array/rows", "-4", "integer >= 1");
  EXPECT_EQ(std::string(e.what()), "a.json: /pe_array/rows: expected integer >= 1, got -4");
  ASSERT_EQ(e.issues().size(), 1u);
}
}  // namespace adasim::sim

namespace adasim::sim {
TEST(ConfigError, AttributeToFillsOnlyMissingFiles) {
  const ConfigError e(std::vector<InputIssue>{{"", "/memory/sram", "too small", "bigger"},
                                              {"w.json", "/layers/0", "x", "y"}});
  const ConfigError a = attribute_to(e, "arch.json");
  ASSERT_EQ(a.issues().size(), 2u);
  EXPECT_EQ(a.issues()[0].file, "arch.json");
  EXPECT_EQ(a.issues()[1].file, "w.json");
}
}  // namespace adasim::sim
