// SPDX-License-Identifier: Apache-2.0
#include "sim/core/registry.hpp"

#include <functional>
#include <memory>

#include <gtest/gtest.h>

namespace adasim::sim {
namespace {

struct IShape {
  virtual ~IShape() = default;
  virtual int sides() const = 0;
};
struct Square : IShape {
  int sides() const override { return 4; }
};
struct Triangle : IShape {
  int sides() const override { return 3; }
};
using ShapeFactory = std::function<std::unique_ptr<IShape>()>;

Registry<ShapeFactory> shapes() {
  Registry<ShapeFactory> r("shape");
  r.add("square", "four sides", {}, [] { return std::make_unique<Square>(); });
  r.add("triangle", "three sides",
        {ParamDoc{"size_mm", ParamType::kNumber, "mm", 1.0, 0.0, std::nullopt, {}, "edge"}},
        [] { return std::make_unique<Triangle>(); });
  return r;
}

TEST(Registry, BuildsByNameAndKeepsRegistrationOrder) {
  const auto r = shapes();
  EXPECT_EQ(r.at("triangle", "f.json", "/shape").make()->sides(), 3);
  EXPECT_EQ(r.at("square", "f.json", "/shape").make()->sides(), 4);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"square", "triangle"}));
  EXPECT_EQ(r.docs().at(1).params.at(0).name, "size_mm");
  EXPECT_EQ(r.docs().at(1).kind, "shape");
}

TEST(Registry, UnknownNameIsAConfigErrorListingTheNames) {
  const auto r = shapes();
  try {
    r.at("circle", "f.json", "/shape/type");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 1u);
    EXPECT_EQ(e.issues()[0].render(),
              "f.json: /shape/type: expected one of \"square\", \"triangle\", got \"circle\"");
  }
}

TEST(Registry, DuplicateNameIsAModelError) {
  auto r = shapes();
  EXPECT_THROW(r.add("square", "again", {}, [] { return std::make_unique<Square>(); }), ModelError);
}

TEST(Registry, ParamExpectationsSayTypeAndRange) {
  ParamDoc rows{"rows", ParamType::kInt, "", nullptr, 1.0, 1024.0, {}, "PE rows"};
  EXPECT_TRUE(rows.required());
  EXPECT_EQ(rows.expectation(), "integer in [1, 1024]");
  ParamDoc bw{"bandwidth_gb_per_s", ParamType::kNumber, "GB/s", 12.8, 0.001, std::nullopt, {}, ""};
  EXPECT_FALSE(bw.required());
  EXPECT_EQ(bw.expectation(), "number >= 0.001 GB/s");  // the unit follows the range
  ParamDoc df{"dataflow", ParamType::kEnum, "", "ws", std::nullopt, std::nullopt, {"ws", "os"}, ""};
  EXPECT_EQ(df.expectation(), "one of \"ws\", \"os\"");
}

TEST(Registry, UnitSlipGuessNamesTheScaledValue) {
  // [0.001, 100000] GB/s, typically 16: 12.8e9 * 1000^-3 = 12.8 is in range and within 100x of
  // 16; 1e-15 * 1000^4 = 0.001 is in range but 16000x below 16, so no guess.
  const ParamDoc bw = param::number("bw").in(0.001, 1e5).typically(16.0).in_unit("GB/s");
  EXPECT_EQ(bw.expectation_for(12.8e9),
            "number in [0.001, 100000] GB/s; did you mean 12.8 GB/s? (12800000000 is 1e9 times "
            "too large: a unit slip?)");
  EXPECT_EQ(bw.expectation_for(1e-15), "number in [0.001, 100000] GB/s");
  // 0.0008 GHz given as MHz (a slip the other way): 0.0008 * 1000 = 0.8 is not near 1000, but
  // 0.0008 * 1000^2 = 800 is.
  const ParamDoc f = param::frequency_mhz("freq_mhz");
  EXPECT_EQ(f.expectation_for(0.0008),
            "number in [0.001, 10000] MHz; did you mean 800 MHz? (0.0008 is 1e6 times too small: a "
            "unit slip?)");
}

}  // namespace
}  // namespace adasim::sim
