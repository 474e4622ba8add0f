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
  EXPECT_EQ(bw.expectation(), "number >= 0.001");
  ParamDoc df{"dataflow", ParamType::kEnum, "", "ws", std::nullopt, std::nullopt, {"ws", "os"}, ""};
  EXPECT_EQ(df.expectation(), "one of \"ws\", \"os\"");
}

}  // namespace
}  // namespace adasim::sim
