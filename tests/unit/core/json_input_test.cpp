// SPDX-License-Identifier: Apache-2.0
// Strict JSON input parsing and checked size arithmetic. Expected locations are counted by hand
// in the literal texts; the double range limit is DBL_MAX ~ 1.7977e308 (IEEE 754 binary64).
#include "sim/core/json_input.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <string>

#include "sim/core/checked_math.hpp"

namespace adasim::sim {
namespace {

InputIssue only_issue(const std::string& text) {
  try {
    parse_json_input(text, "in.json");
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.issues().size(), 1u) << e.what();
    return e.issues().at(0);
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(JsonInput, AcceptsWhatNlohmannAcceptsAndKeepsValues) {
  const std::string text = R"({"a": [1, -2, 3.5, true, null, "s"], "b": {"c": {}}, "d": []})";
  EXPECT_EQ(parse_json_input(text, "in.json"), nlohmann::json::parse(text));
  EXPECT_EQ(parse_json_input("17", "in.json"), nlohmann::json(17));
  // The largest finite double is a number, not an error.
  EXPECT_DOUBLE_EQ(parse_json_input("[1.7976931348623157e308]", "in.json")[0].get<double>(),
                   DBL_MAX);
}

TEST(JsonInput, NumberBeyondDoubleRangeNamesPointerLineAndText) {
  // "1e400" starts at line 2, column 12: `  "x": [0, 1e400]`.
  const InputIssue i = only_issue("{\"a\": {\n  \"x\": [0, 1e400]}}");
  EXPECT_EQ(i.file, "in.json");
  EXPECT_EQ(i.where, "/a/x/1 (line 2, column 12)");
  EXPECT_EQ(i.value, "1e400");
  EXPECT_NE(i.expected.find("range of a double"), std::string::npos);
  EXPECT_EQ(only_issue("-1e309").value, "-1e309");
}

TEST(JsonInput, DuplicateKeysAreAllReportedWithTheirPointers) {
  try {
    parse_json_input(R"({"a": 1, "b": {"c": 1, "c": 2}, "a": 3})", "in.json");
    FAIL() << "duplicates accepted";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.issues().size(), 2u);
    EXPECT_EQ(e.issues()[0].where, "/b/c");
    EXPECT_EQ(e.issues()[1].where, "/a");
    EXPECT_EQ(e.issues()[1].value, "a second \"a\" key in the same object");
  }
  // Keys with '/' and '~' are escaped in the pointer (RFC 6901).
  EXPECT_EQ(only_issue(R"({"x/y~": 1, "x/y~": 2})").where, "/x~1y~0");
}

TEST(JsonInput, NestingLimitStopsAtTheFirstTooDeepContainer) {
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW(parse_json_input(ok, "in.json"));
  // A million levels: refused at level kMaxJsonDepth + 1 without recursing (no stack overflow).
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  const InputIssue i = only_issue(deep);
  std::string want;
  for (size_t d = 0; d < kMaxJsonDepth; ++d) want += "/0";
  EXPECT_EQ(i.where, want);
  EXPECT_NE(i.value.find("deeper than 64"), std::string::npos);
}

TEST(JsonInput, SyntaxErrorsGiveLineColumnAndNoLibraryPrefix) {
  // Missing comma: the parser fails at the end of the string "b" on line 3 (columns 3-5).
  const InputIssue i = only_issue("{\n  \"a\": 1\n  \"b\": 2\n}");
  EXPECT_EQ(i.where, "line 3, column 5");
  EXPECT_EQ(i.value, "'\"b\"'");
  EXPECT_EQ(i.expected.rfind("valid JSON (syntax error while parsing object", 0), 0u) << i.expected;
  EXPECT_EQ(i.expected.find("json.exception"), std::string::npos);
  EXPECT_EQ(only_issue("").value, "the end of the input");
  EXPECT_EQ(only_issue("{} x").where, "line 1, column 4");
}

TEST(JsonInput, OverrideValuesAreJsonStringsOrIssues) {
  EXPECT_EQ(*parse_json_value("16").value, nlohmann::json(16));
  EXPECT_EQ(*parse_json_value("[\"ws\"]").value, nlohmann::json::array({"ws"}));
  const JsonValueParse word = parse_json_value("os");  // not JSON: taken as a string by --set
  EXPECT_FALSE(word.value);
  EXPECT_FALSE(word.issue);
  const JsonValueParse huge = parse_json_value("1e400");
  EXPECT_FALSE(huge.value);
  ASSERT_TRUE(huge.issue);
  EXPECT_EQ(huge.issue->value, "1e400");
}

TEST(JsonInput, UnreadableFileIsAConfigErrorNamingThePath) {
  try {
    read_json_input("/nonexistent/dir/x.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.issues().at(0).file, "/nonexistent/dir/x.json");
  }
}

TEST(CheckedMath, ProductsThatLeaveTheLimitAreRefused) {
  EXPECT_EQ(checked_product({2, 3, 7}), 42);
  EXPECT_EQ(checked_product({}), 1);
  // 2^31 * 2^31 = 2^62 is the limit itself; one more factor 2 exceeds it.
  EXPECT_EQ(checked_product({int64_t(1) << 31, int64_t(1) << 31}), kMaxSizeProduct);
  EXPECT_FALSE(checked_product({int64_t(1) << 31, int64_t(1) << 31, 2}));
  // 2^32 * 2^32 wraps int64 to 0 when unchecked.
  EXPECT_FALSE(checked_product({int64_t(1) << 32, int64_t(1) << 32}));
  // A zero at the end does not excuse the overflow before it (a product in order would wrap).
  EXPECT_FALSE(checked_product({int64_t(1) << 40, int64_t(1) << 40, 0}));
  EXPECT_EQ(checked_product({0, int64_t(1) << 40, int64_t(1) << 40}), 0);
  EXPECT_FALSE(checked_product({4, -1}));
  EXPECT_FALSE(checked_mul(INT64_MAX, 2));
  EXPECT_EQ(checked_mul(-3, 5), -15);
  EXPECT_FALSE(checked_add(INT64_MAX, 1));
}

}  // namespace
}  // namespace adasim::sim
